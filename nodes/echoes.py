"""Echo effects on the project's own kernels (`phonon.dsp.echo`): `tapedelay` (`tape`) and
`multitap`. Every parameter is read per sample; the output does not depend on the block size.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from phonon.dsp import echo as k
from phonon.plugins import (Block, Node, Param, ParamBuffers, Params, StateArrays, control_number,
                            mix_into, node)

from .common import FiniteInputs

__all__ = ["TapeDelay", "Multitap"]

TAPE_MAX = 1.0           # seconds: longest tape delay time
MULTITAP_MAX = 1.0       # seconds: longest multitap spacing
MAX_TAPS = 8


class _Echo(FiniteInputs, StateArrays, Node):
    """Shared plumbing: parameter buffers, a float32 wet buffer, a touched delay line."""

    state_arrays = ("line", "pos")

    def _allocate(self, sr: int, block: int, channels: int, seconds: float, positions: int) -> None:
        self.sr = float(sr)
        self.bufs = ParamBuffers.for_spec(self.spec, block)
        self.wet = np.zeros((channels, block), dtype=np.float32)
        self.line = np.zeros((channels, int(seconds * sr) + 4), dtype=np.float64)
        self.line.fill(0.0)          # touch every page now, not in the audio loop
        self.pos = np.zeros(positions)

    def wet_buffer(self, n: int) -> np.ndarray:
        if self.wet.shape[1] < n:
            self.wet = np.zeros((self.wet.shape[0], n), dtype=np.float32)
        return self.wet


@node("tapedelay", inputs=1, aliases=("tape",), category="effect",
      doc="Tape echo: feedback delay whose time wobbles (wow, flutter), saturating each repeat.")
class TapeDelay(_Echo):
    """`tapedelay time feedback [wow_rate] [wow_depth] [flutter_rate] [flutter_depth]
    [saturation] [mix]` (the original's order). The delay is
    time*(1 + wow_depth*sin(2 pi wow_rate t)) + flutter_depth ms * sin(2 pi flutter_rate t);
    the line records tanh(g*v)/g of input + feedback*echo, g = 1 + 4*saturation."""

    time = Param(0.375, unit="s", lo=0.001, hi=TAPE_MAX, doc="delay time")
    feedback = Param(0.5, lo=0.0, hi=0.95, doc="gain of each repeat relative to the previous")
    wow_rate = Param(0.5, unit="Hz", lo=0.0, hi=10.0, doc="slow speed wobble (wow) rate")
    wow_depth = Param(0.02, unit="x time", lo=0.0, hi=0.5,
                      doc="wow: the delay swings +-wow_depth x time")
    flutter_rate = Param(6.0, unit="Hz", lo=0.0, hi=50.0, doc="fast wobble (flutter) rate")
    flutter_depth = Param(0.05, unit="ms", lo=0.0, hi=20.0, doc="flutter: the delay swings +- this")
    saturation = Param(0.3, lo=0.0, hi=1.0, doc="tape saturation of the recorded signal (0 = clean)")
    mix = Param(0.5, lo=0.0, hi=1.0, doc="dry/wet: dry*(1-mix) + echoes*mix")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self._allocate(sr, block, channels, TAPE_MAX * 1.6 + 0.03, 3)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        wet = self.wet_buffer(n)
        k.tape_delay(ins[0], wet, n, *self.bufs.arrays(
            p, n, "time", "feedback", "wow_rate", "wow_depth", "flutter_rate", "flutter_depth",
            "saturation"), self.line, self.pos, self.sr)
        mix_into(out, ins[0], wet, p.mix, n)


@node("multitap", inputs=1, category="effect",
      doc="Multi-tap echo: `taps` echoes time apart, fading linearly; the last one feeds back.")
class Multitap(_Echo):
    """`multitap time taps [feedback] [mix]`: echo k (1..taps) sounds k*time after the input
    with gain (taps - k + 1)/taps; the line is fed input + feedback*(last echo), so the whole
    pattern repeats every taps*time seconds, `feedback` times quieter."""

    time = Param(0.125, unit="s", lo=0.001, hi=MULTITAP_MAX, doc="time between taps")
    taps = Param(4, kind="any", lo=1, hi=MAX_TAPS, doc="number of taps (a constant 1-8)")
    feedback = Param(0.5, lo=0.0, hi=0.95, doc="gain of the repeated pattern")
    mix = Param(0.6, lo=0.0, hi=1.0, doc="dry/wet: dry*(1-mix) + echoes*mix")

    def __init__(self, **static: Any) -> None:
        super().__init__(**static)
        taps = control_number(static.get("taps"), 4.0)
        self.taps = int(min(max(round(taps), 1), MAX_TAPS))

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self._allocate(sr, block, channels, MULTITAP_MAX * self.taps, 1)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        wet = self.wet_buffer(n)
        k.multitap(ins[0], wet, n, *self.bufs.arrays(p, n, "time", "feedback"), self.taps,
                   self.line, self.pos, self.sr)
        mix_into(out, ins[0], wet, p.mix, n)

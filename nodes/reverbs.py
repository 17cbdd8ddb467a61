"""Reverbs on the project's own kernels (`phonon.dsp.reverbs`): `plate` (Dattorro), `lush`
(modulated feedback delay network with freeze) and `reverb_stereo` (the same network, plain).

Each sets its decay as a reverberation time in seconds (RT60 before damping). About 1 % of a
512-frame block's budget each (benchmarks/bench_dsp_nodes.py).
"""
from __future__ import annotations

import math

import numpy as np

from phonon.dsp import reverbs as k
from phonon.plugins import Block, Node, Param, ParamBuffers, Params, StateArrays, mix_into, node

from .common import FiniteInputs

__all__ = ["Plate", "Lush", "ReverbStereo"]

PLATE_PREDELAY_MS = 500.0
FDN_PREDELAY_S = 1.0
FDN_MAX_WANDER_MS = 5.0


class _Reverb(FiniteInputs, StateArrays, Node):
    """Shared plumbing: parameter buffers, the wet buffer, the lines and their heads."""

    state_arrays = ("lines", "heads", "pre", "st")

    def _allocate(self, sr: int, block: int, channels: int, delays: list[float],
                  lengths: list[int], pre_shape: tuple, state_size: int) -> None:
        self.sr = float(sr)
        self.bufs = ParamBuffers.for_spec(self.spec, block)
        self.wet_out = np.zeros((channels, block), dtype=np.float32)
        self.delays = np.array(delays, dtype=np.float64)
        self.lengths = np.array(lengths, dtype=np.int64)
        self.lines = np.zeros((len(lengths), int(self.lengths.max())))
        self.heads = np.zeros(len(lengths))
        self.pre = np.zeros(pre_shape)
        self.lines.fill(0.0)                 # touch the pages now, not in the audio loop
        self.pre.fill(0.0)
        self.st = np.zeros(state_size)

    def wet_buffer(self, n: int) -> np.ndarray:
        if self.wet_out.shape[1] < n:
            self.wet_out = np.zeros((self.wet_out.shape[0], n), dtype=np.float32)
        return self.wet_out


@node("plate", inputs=1, category="effect",
      doc="Dattorro plate reverb; `plate pre_delay decay [diffusion] [damping] [mod_depth] [mix]`.")
class Plate(_Reverb):
    """Jon Dattorro's plate (1997): band-limited pre-delayed mono input, four input diffusers,
    a figure-of-eight tank of modulated all-passes, delays and damping, stereo output taps.
    `decay` is the RT60 of the undamped tank: its loop gain is set so energy falls 60 dB in
    `decay` seconds."""

    pre_delay = Param(10.0, unit="ms", lo=0.0, hi=PLATE_PREDELAY_MS, doc="pre-delay")
    decay = Param(2.0, unit="s", lo=0.1, hi=30.0, doc="reverberation time (RT60, undamped)")
    diffusion = Param(0.7, lo=0.0, hi=1.0, doc="input and tank diffusion (smears the onset)")
    damping = Param(0.3, lo=0.0, hi=1.0, doc="high-frequency loss in the tank")
    mod_depth = Param(0.3, lo=0.0, hi=1.0, doc="tank modulation (0.3 = Dattorro's 16 samples)")
    mix = Param(0.5, lo=0.0, hi=1.0, doc="dry/wet: dry*(1-mix) + reverb*mix")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        scale = sr / k.DATTORRO_SR
        delays = [float(max(1, round(d * scale))) for d in k.PLATE_LENGTHS]
        margin = int(math.ceil(k.PLATE_EXCURSION * scale / 0.3)) + 4
        lengths = [int(d) + (margin if i in (4, 8) else 0) for i, d in enumerate(delays)]
        self._allocate(sr, block, channels, delays, lengths,
                       (int(PLATE_PREDELAY_MS * 0.001 * sr) + 4,), 7)
        taps = [(line, off * scale, sign) for line, off, sign in k.PLATE_TAPS_LEFT + k.PLATE_TAPS_RIGHT]
        self.taps = np.array(taps, dtype=np.float64)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        wet = self.wet_buffer(n)
        k.plate(ins[0], wet, n, *self.bufs.arrays(p, n, "pre_delay", "decay", "diffusion",
                                                  "damping", "mod_depth"),
                self.lines, self.lengths, self.delays, self.heads, self.taps, self.pre, self.st,
                self.sr)
        mix_into(out, ins[0], wet, p.mix, n)


class _Network(_Reverb):
    """The 8-line feedback delay network of `lush` and `reverb_stereo`."""

    def prepare(self, sr: int, block: int, channels: int) -> None:
        margin = int(math.ceil(FDN_MAX_WANDER_MS * 0.001 * sr)) + 4
        fdn = [float(round(ms * 0.001 * sr)) for ms in k.FDN_LENGTHS_MS]
        diffusers = [float(max(1, round(ms * 0.001 * sr))) for ms in k.FDN_DIFFUSERS_MS]
        lengths = [int(d) + margin for d in fdn] + [int(d) for d in diffusers]
        self._allocate(sr, block, channels, fdn + diffusers, lengths,
                       (int(FDN_PREDELAY_S * sr) + 4, 2), 11)
        self.st[10] = 1.0                   # the modulation's amount (faded out while frozen)

    def run(self, ins: list, n: int, arrays: list[np.ndarray], mix, out: np.ndarray) -> None:
        wet = self.wet_buffer(n)
        k.fdn(ins[0], wet, n, *arrays, self.lines, self.lengths, self.delays, self.heads,
              self.pre, self.st, self.sr)
        mix_into(out, ins[0], wet, mix, n)


@node("lush", inputs=1, category="effect",
      doc="Lush modulated reverb with freeze; `lush decay [diffusion] [damping] [spin] [wander] "
          "[freeze] [mix] [predelay]`.")
class Lush(_Network):
    """An 8-line feedback delay network (Householder feedback, 32-74 ms lines, 4 input
    diffusers): `decay` is the RT60 (each line's gain 10**(-3*length/(decay*sr))), `spin` and
    `wander` sweep every line's length with a sine (phases spread) for a chorused tail, and
    `freeze` >= 0.5 holds the tail forever (loop gain 1, no damping, input muted).
    The original's 8-argument form put the pre-delay first; here it is the last argument
    (or `:predelay`)."""

    decay = Param(4.0, unit="s", lo=0.1, hi=60.0, doc="reverberation time (RT60, undamped)")
    diffusion = Param(0.7, lo=0.0, hi=1.0, doc="input diffusion (smears the onset)")
    damping = Param(0.3, lo=0.0, hi=1.0, doc="high-frequency loss in the lines")
    spin = Param(0.3, unit="Hz", lo=0.0, hi=20.0, doc="rate of the line modulation")
    wander = Param(0.5, unit="ms", lo=0.0, hi=FDN_MAX_WANDER_MS, doc="depth of the line modulation")
    freeze = Param(0.0, lo=0.0, hi=1.0, doc=">= 0.5 holds the tail forever and mutes the input")
    mix = Param(0.5, lo=0.0, hi=1.0, doc="dry/wet: dry*(1-mix) + reverb*mix")
    predelay = Param(0.02, unit="s", lo=0.0, hi=FDN_PREDELAY_S, doc="pre-delay")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        self.run(ins, n, self.bufs.arrays(p, n, "predelay", "decay", "diffusion", "damping",
                                          "spin", "wander", "freeze"), p.mix, out)


@node("reverb_stereo", inputs=1, category="effect",
      doc="Stereo feedback-delay-network reverb; `reverb_stereo wet time` (time = RT60 in s).")
class ReverbStereo(_Network):
    """`lush`'s network with fixed settings: diffusion 1, damping 0.3, a slow 0.2 ms / 0.1 Hz
    line modulation, no pre-delay."""

    wet = Param(0.3, lo=0.0, hi=1.0, doc="dry/wet: dry*(1-wet) + reverb*wet")
    time = Param(2.0, unit="s", lo=0.1, hi=60.0, doc="reverberation time (RT60, undamped)")
    FIXED = {"predelay": 0.0, "diffusion": 1.0, "damping": 0.3, "spin": 0.1, "wander": 0.2,
             "freeze": 0.0}

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.fixed = {name: np.full(block, v) for name, v in self.FIXED.items()}

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        if self.fixed["predelay"].shape[0] < n:
            self.fixed = {name: np.full(n, v) for name, v in self.FIXED.items()}
        f = self.fixed
        arrays = [f["predelay"][:n], self.bufs.get("time", p.time, n), f["diffusion"][:n],
                  f["damping"][:n], f["spin"][:n], f["wander"][:n], f["freeze"][:n]]
        self.run(ins, n, arrays, p.wet, out)

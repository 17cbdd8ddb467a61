"""Comb and all-pass filters: comb (feedback comb, pitch-exact) and allpass (first order)."""
from __future__ import annotations

import numpy as np

from phonon.dsp import comb as k
from phonon.plugins import Block, Node, Param, ParamBuffers, Params, StateArrays, node

__all__ = ["Comb", "Allpass"]


@node("comb", inputs=1, category="filter",
      doc="Feedback comb: resonances at every multiple of `freq`, 0 dB at the peaks: `comb freq fb`.")
class Comb(StateArrays, Node):
    """y = x + fb * y[n - sr/freq], scaled by (1 - fb). The feedback loop runs sample by sample
    inside the kernel, so `comb 220 0.95` rings at 220 Hz (within 0.1 cent) whatever the block
    size; the delay is fractional (linear interpolation) and may be modulated per sample."""

    state_arrays = ("line", "head")
    freq = Param(220.0, unit="Hz", lo=20.0, hi=20000.0, doc="resonance frequency (1 / delay)")
    feedback = Param(0.9, lo=0.0, hi=0.99, aliases=("fb",),
                     doc="feedback 0..0.99: ring time -60 dB in 3/(freq*log10(1/fb)) s")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.line = np.zeros((channels, k.line_length(sr)), dtype=np.float64)
        self.head = np.zeros(1, dtype=np.int64)
        self.bufs = ParamBuffers(block, "freq", "feedback")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        k.comb(ins[0], out, n, *self.bufs.arrays(p, n, "freq", "feedback"), self.line, self.head,
               self.sr)


@node("allpass", inputs=1, category="filter",
      doc="First-order all-pass (a + z^-1)/(1 + a z^-1): unity gain, phase shift set by `coef`.")
class Allpass(StateArrays, Node):
    """Phase -w + 2 atan(a sin w / (1 + a cos w)): 0 at DC, -pi at Nyquist; `coef` moves the
    -pi/2 point (a > 0 higher, a < 0 lower). A building block for phasers and dispersion."""

    state_arrays = ("z",)
    coef = Param(0.5, lo=-0.99, hi=0.99, aliases=("coefficient", "a"), doc="coefficient a (-0.99..0.99)")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.z = np.zeros((channels, 2), dtype=np.float64)
        self.bufs = ParamBuffers(block, "coef")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        k.allpass(ins[0], out, n, self.bufs.get("coef", p.coef, n), self.z)

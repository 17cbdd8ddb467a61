"""Ring and cross modulation: `ring` (internal sine), `ring_mod` (a x b), `fm_crossmod`."""
from __future__ import annotations

import numpy as np

from phonon.dsp import modulation as k
from phonon.plugins import (Block, Node, Param, ParamBuffers, Params, StateArrays, node,
                            scalar_or_array)

from .common import FiniteInputs

__all__ = ["Ring", "RingMod", "FmCrossmod"]


@node("ring", inputs=1, category="effect",
      doc="Ring modulator: the input times a sine of `freq` Hz (sum and difference tones).")
class Ring(FiniteInputs, StateArrays, Node):
    """out = x * sin(2 pi freq t); the sine starts at phase 0 and its phase runs on across
    frequency changes (a patterned frequency steps without a click)."""

    freq = Param(440.0, unit="Hz", lo=0.0, hi=20000.0, doc="modulator frequency (20-5000 typical)")
    state_arrays = ("phase",)

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.phase = np.zeros(1)
        self.bufs = ParamBuffers(block, "freq")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        k.ring(ins[0], out, n, self.bufs.get("freq", p.freq, n), self.phase, self.sr)


@node("ring_mod", inputs=2, category="effect",
      doc="Ring modulation of two signals: a * b per sample (`ring_mod ~a ~b`).")
class RingMod(FiniteInputs, Node):

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        np.multiply(ins[0][:, :n], ins[1][:, :n], out=out[:, :n])


@node("fm_crossmod", inputs=2, aliases=("fmcrossmod",), input_first=True, category="effect",
      doc="Cross modulation: carrier * cos(2 pi depth * modulator) (`fm_crossmod ~c ~m 2`).")
class FmCrossmod(FiniteInputs, Node):
    depth = Param(1.0, lo=0.0, hi=100.0, doc="cycles of cosine per unit of the modulator")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.tmp = np.zeros((channels, block), dtype=np.float64)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        depth = np.nan_to_num(scalar_or_array(p.depth, n))
        t = self.tmp[:, :n]
        np.multiply(ins[1][:, :n], 2.0 * np.pi * depth, out=t)
        np.cos(t, out=t)
        np.multiply(ins[0][:, :n], t, out=out[:, :n], casting="unsafe")

"""phonon-fold: a wavefolder effect node for Phonon.

    ~x: saw 110 # fold 0.7              -- fold harder as amount rises
    ~y: sine 220 # fold (sine 0.25 * 0.5 + 0.5) 0.1   -- modulated amount, a little bias

Registered under the `phonon.nodes` entry point `fold = "phonon_fold:Fold"`.
"""
from __future__ import annotations

import numpy as np

from phonon.plugins import Block, Node, Param, ParamBuffers, Params, StateArrays, node

from .kernel import MAX_DRIVE, fold_block

__all__ = ["Fold", "MAX_DRIVE"]
__version__ = "0.1.0"


@node("fold", inputs=1, category="distortion",
      doc="Wavefolder: drive the input by 1 + 9*amount, add bias, reflect at +-1 (anti-aliased).")
class Fold(StateArrays, Node):
    """Triangle wavefolder with first-order anti-aliasing; every parameter may be modulated."""

    amount = Param(0.5, lo=0.0, hi=1.0, doc="drive: 0 = x1 (clean below 0 dBFS), 1 = x10")
    bias = Param(0.0, lo=-1.0, hi=1.0, doc="offset added after the drive (asymmetric folds)")
    mix = Param(1.0, lo=0.0, hi=1.0, doc="dry/wet: output = dry*(1-mix) + folded*mix")
    state_arrays = ("prev",)      # hot swap hands this array to the successor

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.prev = np.zeros(channels, dtype=np.float64)
        self.bufs = ParamBuffers(block, "amount", "bias", "mix")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        get = self.bufs.get
        fold_block(ins[0], out, n, get("amount", p.amount, n), get("bias", p.bias, n),
                   get("mix", p.mix, n), self.prev)

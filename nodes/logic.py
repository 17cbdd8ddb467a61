"""Per-sample selection and shaping of signals: `select`, `if`, `min`, `wrap`."""
from __future__ import annotations

import numpy as np

from phonon.plugins import Block, Node, Param, Params, node, scalar_or_array

from .common import FiniteInputs

__all__ = ["Select", "If", "Min", "Wrap"]


@node("select", inputs=-1, category="control",
      doc="`select index a b c ...`: per sample, input number floor(index) (clamped) of a, b, c...")
class Select(FiniteInputs, Node):
    """The first input is the index (its channel mean): 0 picks a, 1 picks b, ...; below 0 picks
    a, past the end the last one; NaN picks a."""

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.index = np.zeros(block, dtype=np.int64)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        choices = ins[1:]
        if not choices:
            out[:, :n] = 0.0
            return
        if self.index.shape[0] < n:
            self.index = np.zeros(n, dtype=np.int64)
        idx = self.index[:n]
        np.clip(np.floor(ins[0][:, :n].mean(axis=0)), 0, len(choices) - 1, out=idx, casting="unsafe")
        out[:, :n] = choices[0][:, :n]
        for k in range(1, len(choices)):
            np.copyto(out[:, :n], choices[k][:, :n], where=(idx == k)[None, :])


@node("if", inputs=3, input_first=True, category="control",
      doc="`if cond then else`: per sample, `then` where cond >= 0.5, else `else`.")
class If(FiniteInputs, Node):
    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        cond, then, other = self.finite(ins, n)
        np.copyto(out[:, :n], other[:, :n])
        np.copyto(out[:, :n], then[:, :n], where=cond[:, :n] >= 0.5)


@node("min", inputs=2, category="control", doc="The smaller of two signals, per sample: `min ~a ~b`.")
class Min(FiniteInputs, Node):
    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        a, b = self.finite(ins, n)
        np.minimum(a[:, :n], b[:, :n], out=out[:, :n])


@node("wrap", inputs=1, input_first=True, category="control",
      doc="Wrap the input into lo..hi (modulo): `wrap x 0 1` maps 1.25 to 0.25 and -0.25 to 0.75.")
class Wrap(FiniteInputs, Node):
    lo = Param(0.0, lo=-1e9, hi=1e9, doc="lower bound (included)")
    hi = Param(1.0, lo=-1e9, hi=1e9, doc="upper bound (excluded); hi <= lo gives lo")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.tmp = np.zeros((channels, block))

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        x = self.finite(ins, n)[0]
        lo = np.nan_to_num(scalar_or_array(p.lo, n))
        width = np.nan_to_num(scalar_or_array(p.hi, n)) - lo
        if self.tmp.shape[1] < n:
            self.tmp = np.zeros((self.tmp.shape[0], n))
        t = self.tmp[:, :n]
        np.subtract(x[:, :n], lo, out=t)
        safe = np.where(width > 0.0, width, 1.0)
        np.mod(t, safe, out=t)
        t *= width > 0.0                          # hi <= lo: lo
        t += lo
        np.copyto(out[:, :n], t, casting="unsafe")

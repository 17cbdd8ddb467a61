"""Per-sample arithmetic on stereo buffers: add sub mul div mix, and the master stage."""
from __future__ import annotations

import numpy as np

from phonon.plugins.api import Block, Node, Params, node

__all__ = ['Add', 'Sub', 'Mul', 'Div', 'Mix', 'Master']


@node("add", doc="a + b, per sample.", inputs=2, category="math")
class Add(Node):
    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        np.add(ins[0][:, :n], ins[1][:, :n], out=out[:, :n])


@node("sub", doc="a - b, per sample.", inputs=2, category="math")
class Sub(Node):
    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        np.subtract(ins[0][:, :n], ins[1][:, :n], out=out[:, :n])


@node("mul", doc="a * b, per sample (ring modulation, VCA).", inputs=2, category="math")
class Mul(Node):
    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        np.multiply(ins[0][:, :n], ins[1][:, :n], out=out[:, :n])


@node("div", doc="a / b, per sample; division by 0 gives 0.", inputs=2, category="math")
class Div(Node):
    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        b = ins[1][:, :n]
        o = out[:, :n]
        o.fill(0.0)
        np.divide(ins[0][:, :n], b, out=o, where=b != 0.0)


@node("mix", doc="Sum of any number of inputs.", inputs=-1, category="math")
class Mix(Node):
    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        o = out[:, :n]
        o.fill(0.0)
        for x in ins:
            o += x[:, :n]


@node("master", doc="Final stage: NaN/Inf become 0, then hard limit to [-1, 1] (never above 0 dBFS).",
      inputs=1, category="math")
class Master(Node):
    """Counts the blocks whose input held NaN/Inf in `nonfinite_blocks` (the engine resets the
    node that produced them and reports it once)."""

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.nonfinite_blocks = 0

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        o = out[:, :n]
        o[...] = ins[0][:, :n]
        if not np.isfinite(o).all():
            self.nonfinite_blocks += 1
            np.nan_to_num(o, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
        np.clip(o, -1.0, 1.0, out=o)

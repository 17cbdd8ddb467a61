"""Per-sample arithmetic on stereo buffers: add sub mul div mix, and the master stage."""
from __future__ import annotations

import numpy as np

from phonon.dsp.clean import clean_clip_counted
from phonon.dsp.direct import compiled
from phonon.dsp.mixsum import chunked, mix_sum, same_numba_type, weighted_sum
from phonon.plugins import Block, Node, Param, Params, node

__all__ = ['Add', 'Sub', 'Mul', 'Div', 'Mix', 'Tanh', 'Master']


@node("add", doc="a + b, per sample.", inputs=2, category="math")
class Add(Node):
    arithmetic = "add"

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        np.add(ins[0][:, :n], ins[1][:, :n], out=out[:, :n])


@node("sub", doc="a - b, per sample.", inputs=2, category="math")
class Sub(Node):
    arithmetic = "sub"

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        np.subtract(ins[0][:, :n], ins[1][:, :n], out=out[:, :n])


@node("mul", doc="a * b, per sample (ring modulation, VCA).", inputs=2, category="math")
class Mul(Node):
    arithmetic = "mul"

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


@node("mix", doc="Sum of any number of inputs, each optionally scaled by its entry of `gains`.",
      inputs=-1, category="math")
class Mix(Node):
    """Sums left to right in float32, exactly like a chain of `add` (and `mul` by a constant:
    each product is rounded to float32 before it is added), which is what lets the graph
    optimiser (`phonon.plan.optimize`) replace such chains by one `mix`."""

    gains = Param(None, kind="any", doc="per-input linear gains (a list; default 1 each)")
    arithmetic = "mix"

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self._cache: dict[int, tuple] = {}
        self._last: tuple | None = None       # (ins, chunks) of the last kernel block

    def _kernel_args(self, ins: list, gains) -> tuple:
        """(inputs in chunks for `mix_sum`, or None: use numpy; float32 gains), cached per
        `ins` list (the executors pass the same list(s) every full block)."""
        cache = self.__dict__.setdefault("_cache", {})
        hit = cache.get(id(ins))
        if hit is None or hit[0] is not ins:
            if len(cache) >= 8:
                cache.clear()
            g = np.array([1.0] * len(ins) if gains is None else
                         [float(gains[k]) if k < len(gains) else 1.0 for k in range(len(ins))],
                         dtype=np.float32)
            hit = cache[id(ins)] = (ins, chunked(ins, g) if same_numba_type(ins) else None, g)
        return hit[1], hit[2]

    def steady_call(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> tuple | None:
        """The kernel over the same inputs (one chunk of them) into the same output."""
        last = self.__dict__.get("_last")
        if last is None or last[0] is not ins or len(last[1]) != 1 or ctx.frames != out.shape[1]:
            return None
        arrays, gains = last[1][0]
        args = (arrays, gains, out, ctx.frames)
        return compiled(weighted_sum, args), args

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        last = self.__dict__.get("_last")
        if last is not None and last[0] is ins:       # the steady state: the same input list
            mix_sum(last[1], out, ctx.frames)
            return
        n = ctx.frames
        o = out[:, :n]
        if not ins:
            o.fill(0.0)
            return
        if len(ins) == 1 and p.gains is None:
            o[...] = ins[0][:, :n]
            return
        chunks, gains = self._kernel_args(ins, p.gains)
        if chunks is not None:
            mix_sum(chunks, out, n)
            self._last = (ins, chunks)
            return
        for k, (x, g) in enumerate(zip(ins, gains.tolist())):      # mixed layouts: numpy
            x = x[:, :n]
            if k == 0:
                np.multiply(x, np.float32(g), out=o) if g != 1.0 else np.copyto(o, x)
            elif g == 1.0:
                np.add(o, x, out=o)
            else:
                np.add(o, np.multiply(x, np.float32(g)), out=o)


@node("tanh", doc="Soft clip: tanh(x), per sample (the master's `outmix: tanh`).", inputs=1,
      category="math")
class Tanh(Node):
    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        np.tanh(ins[0][:, :n], out=out[:, :n])


@node("master", doc="Final stage: NaN/Inf become 0, then hard limit to [-1, 1] (never above 0 dBFS).",
      inputs=1, category="math")
class Master(Node):
    """Counts the blocks whose input held NaN/Inf in `nonfinite_blocks` (the engine resets the
    node that produced them and reports it once)."""

    clean_output = True      # finite and within [-1, 1]; `finite_flags` says if the input was

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.finite_flags = np.array([1, 0], dtype=np.int64)  # input finite, NaN/Inf blocks

    @property
    def input_finite(self) -> bool:
        return bool(self.finite_flags[0])

    @property
    def nonfinite_blocks(self) -> int:
        return int(self.finite_flags[1])

    def steady_call(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> tuple | None:
        """The cleaning kernel with its flags (full blocks of the same buffers)."""
        args = (ins[0], out, ctx.frames, self.finite_flags)
        return compiled(clean_clip_counted, args), args

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        clean_clip_counted(ins[0], out, ctx.frames, self.finite_flags)

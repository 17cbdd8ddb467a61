"""Per-cycle value generators and switches of the Rust original (PHONON-RS.md §5.4), as control
signals: `rand`, `irand`, `run`, `scan`, `every_val`, `sometimes_val`, `sometimes_by_val`,
`whenmod_val`. Each sample reads the cycle it is in (the cycle position is exact per sample, so a
value changes on the first sample of its cycle whatever the block size). Random values are a
hash of the cycle number and the node's id: the same in every render and executor, different
for two nodes of a program.
"""
from __future__ import annotations

import zlib

import numpy as np

from phonon.plugins import Block, Node, Param, Params, node, scalar_or_array

__all__ = ["Rand", "IRand", "Run", "Scan", "EveryVal", "SometimesVal", "SometimesByVal",
           "WhenmodVal"]

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def unit_hash(cycles: np.ndarray, seed: int) -> np.ndarray:
    """A uniform value in [0, 1) per whole cycle number (splitmix64 of cycle + seed)."""
    with np.errstate(over="ignore"):
        z = cycles.astype(np.int64).astype(np.uint64) + np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(1 << 53)


class _Cyclic(Node):
    """`self.cycles(ctx)`: the cycle position of every sample of the block."""


    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.ramp = np.arange(block, dtype=np.float64)
        self.seed = zlib.crc32(self.node_id.encode()) if self.node_id else 0

    def cycles(self, ctx: Block) -> np.ndarray:
        n = ctx.frames
        if self.ramp.shape[0] < n:
            self.ramp = np.arange(n, dtype=np.float64)
        return ctx.cycle + self.ramp[:n] * (ctx.cps / self.sr)

    def emit(self, out: np.ndarray, values: np.ndarray, n: int) -> None:
        y = np.nan_to_num(values)
        out[0, :n] = y
        out[1, :n] = y


@node("rand", category="control", doc="A random value in 0..1, new every cycle (the same every render).")
class Rand(_Cyclic):
    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        self.emit(out, unit_hash(np.floor(self.cycles(ctx)), self.seed), ctx.frames)


@node("irand", category="control",
      doc="A random integer every cycle: `irand n` in 0..n-1, `irand lo hi` in lo..hi.")
class IRand(_Cyclic):
    n = Param(8.0, lo=1.0, hi=1e6, doc="count (0..n-1), or the lowest value when `hi` > n")
    hi = Param(0.0, lo=-1e6, hi=1e6, doc="highest value (inclusive) when above n; else unused")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        u = unit_hash(np.floor(self.cycles(ctx)), self.seed)
        a = np.floor(np.nan_to_num(scalar_or_array(p.n, n)))
        b = np.floor(np.nan_to_num(scalar_or_array(p.hi, n)))
        ranged = b > a
        lo = np.where(ranged, a, 0.0)
        count = np.maximum(np.where(ranged, b - a + 1.0, a), 1.0)
        self.emit(out, lo + np.floor(u * count), n)


@node("run", category="control", doc="`run n`: the cycle in n steps valued 0, 1, ..., n-1.")
class Run(_Cyclic):
    n = Param(4.0, lo=1.0, hi=1e6, doc="steps per cycle")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        c = self.cycles(ctx)
        steps = np.maximum(np.floor(np.nan_to_num(scalar_or_array(p.n, n), nan=1.0)), 1.0)
        self.emit(out, np.floor((c - np.floor(c)) * steps), n)


@node("scan", category="control",
      doc="`scan n`: cycle k plays `run` of (k mod n) + 1 steps (0; 0 1; 0 1 2; ...).")
class Scan(_Cyclic):
    n = Param(4.0, lo=1.0, hi=1e6, doc="longest run")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        c = self.cycles(ctx)
        top = np.maximum(np.floor(np.nan_to_num(scalar_or_array(p.n, n), nan=1.0)), 1.0)
        steps = np.mod(np.floor(c), top) + 1.0
        self.emit(out, np.floor((c - np.floor(c)) * steps), n)


class _Switch(_Cyclic):
    on = Param(1.0, lo=-1e9, hi=1e9, doc="value in the chosen cycles")
    off = Param(0.0, lo=-1e9, hi=1e9, doc="value in the other cycles")

    def chosen(self, cycle: np.ndarray, p: Params, n: int) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        k = np.floor(self.cycles(ctx))
        pick = self.chosen(k, p, n)
        self.emit(out, np.where(pick, scalar_or_array(p.on, n), scalar_or_array(p.off, n)), n)


@node("every_val", category="control", doc="`every_val n on off`: `on` in every n-th cycle (0, n, 2n...), else `off`.")
class EveryVal(_Switch):
    n = Param(2.0, lo=1.0, hi=1e6, doc="period in cycles")
    on = Param(1.0, lo=-1e9, hi=1e9, doc="value in cycles 0, n, 2n, ...")
    off = Param(0.0, lo=-1e9, hi=1e9, doc="value in the other cycles")

    def chosen(self, k: np.ndarray, p: Params, n: int) -> np.ndarray:
        period = np.maximum(np.floor(np.nan_to_num(scalar_or_array(p.n, n), nan=1.0)), 1.0)
        return np.mod(k, period) == 0


@node("sometimes_val", category="control",
      doc="`sometimes_val on off`: per cycle, `on` with probability 1/2, else `off`.")
class SometimesVal(_Switch):
    def chosen(self, k: np.ndarray, p: Params, n: int) -> np.ndarray:
        return unit_hash(k, self.seed) < 0.5


@node("sometimes_by_val", category="control",
      doc="`sometimes_by_val p on off`: per cycle, `on` with probability p, else `off`.")
class SometimesByVal(_Switch):
    prob = Param(0.5, lo=0.0, hi=1.0, doc="probability of `on` in a cycle")
    on = Param(1.0, lo=-1e9, hi=1e9, doc="value in the chosen cycles")
    off = Param(0.0, lo=-1e9, hi=1e9, doc="value in the other cycles")

    def chosen(self, k: np.ndarray, p: Params, n: int) -> np.ndarray:
        return unit_hash(k, self.seed) < np.nan_to_num(scalar_or_array(p.prob, n))


@node("whenmod_val", category="control",
      doc="`whenmod_val m o on off`: `on` in cycles whose number mod m is >= o, else `off`.")
class WhenmodVal(_Switch):
    m = Param(4.0, lo=1.0, hi=1e6, doc="period in cycles")
    o = Param(2.0, lo=0.0, hi=1e6, doc="first cycle of the period that is `on`")
    on = Param(1.0, lo=-1e9, hi=1e9, doc="value in the chosen cycles")
    off = Param(0.0, lo=-1e9, hi=1e9, doc="value in the other cycles")

    def chosen(self, k: np.ndarray, p: Params, n: int) -> np.ndarray:
        m = np.maximum(np.floor(np.nan_to_num(scalar_or_array(p.m, n), nan=1.0)), 1.0)
        return np.mod(k, m) >= np.nan_to_num(scalar_or_array(p.o, n))

"""Small nodes, patterns and graph builders for the engine tests (private registry)."""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from phonon.lang.ir import Const, Edge, GraphIR, Loc, NodeIR, PatternArg
from phonon.patterns.timespan import Event, TimeSpan
from phonon.plugins.api import Node, Param, node
from phonon.plugins.registry import Registry


class CyclePattern:
    """A pattern repeating `steps` every cycle: [(begin, end, value)] as fractions of a cycle."""

    def __init__(self, steps: list[tuple[Fraction, Fraction, object]]) -> None:
        self.steps = steps

    @classmethod
    def seq(cls, values: list) -> "CyclePattern":
        n = len(values)
        return cls([(Fraction(i, n), Fraction(i + 1, n), v) for i, v in enumerate(values)
                    if v is not None])

    def query(self, begin, end) -> list[Event]:
        begin, end = Fraction(begin), Fraction(end)
        out = []
        k = begin.numerator // begin.denominator
        while k < end:
            for b, e, v in self.steps:
                whole = TimeSpan(k + b, k + e)
                lo, hi = max(whole.begin, begin), min(whole.end, end)
                if lo < hi or (lo == hi == whole.begin and begin == end):
                    out.append(Event(whole, TimeSpan(lo, hi), v))
            k += 1
        return out


@node("impulse", inputs=0)
class Impulse(Node):
    """Writes the trigger's `gain` (default 1) at each onset sample, zero elsewhere."""

    pattern = Param(None, kind="events")

    def process(self, ctx, ins, p, out):
        out[:, : ctx.frames] = 0.0
        for t in ctx.events:
            out[:, t.offset] += float(t.value.get("gain", 1.0)) if isinstance(t.value, dict) else 1.0


@node("level", inputs=0)
class Level(Node):
    """Outputs its `value` parameter (constant, stepped pattern or modulation) on both channels."""

    value = Param(0.0)

    def process(self, ctx, ins, p, out):
        out[:, : ctx.frames] = p.value


@node("ramp", inputs=0)
class Ramp(Node):
    """Left: the absolute sample index * scale; right: the same (deterministic test signal)."""

    scale = Param(1e-5)

    def prepare(self, sr, block, channels):
        self.n = 0

    def process(self, ctx, ins, p, out):
        f = ctx.frames
        out[:, :f] = (np.arange(self.n, self.n + f) * p.scale)[None, :]
        self.n += f


@node("amp", inputs=1)
class Amp(Node):
    """Input times `gain` (per sample)."""

    gain = Param(1.0)

    def process(self, ctx, ins, p, out):
        f = ctx.frames
        np.multiply(ins[0][:, :f], p.gain, out=out[:, :f], casting="unsafe")


@node("sum", inputs=-1)
class Sum(Node):
    """Sum of every input."""

    def process(self, ctx, ins, p, out):
        f = ctx.frames
        out[:, :f] = 0.0
        for x in ins:
            out[:, :f] += x[:, :f]


@node("blowup", inputs=0)
class Blowup(Node):
    """Outputs 0.25; in block number `at` its state turns NaN and stays so until `prepare`."""

    at = Param(2.0, kind="any")

    def prepare(self, sr, block, channels):
        self.blocks = 0
        self.bad = False
        self.prepared = getattr(self, "prepared", 0) + 1

    def process(self, ctx, ins, p, out):
        if self.blocks == int(p.at) and self.prepared == 1:
            self.bad = True
        out[:, : ctx.frames] = np.nan if self.bad else 0.25
        self.blocks += 1


@node("crash", inputs=0)
class Crash(Node):
    """Raises from `process` every block."""

    def process(self, ctx, ins, p, out):
        out[:, : ctx.frames] = 0.5
        raise RuntimeError("boom")


def registry() -> Registry:
    reg = Registry()
    for cls in (Impulse, Level, Ramp, Amp, Sum, Blowup, Crash):
        reg.register(cls, "tests")
    return reg


def graph(*nodes: NodeIR, master: str, cps: float = 1.0) -> GraphIR:
    g = GraphIR(cps=cps)
    for n in nodes:
        g.add(n)
    g.master = master
    return g


def n(id: str, kind: str, inputs=(), line: int = 1, col: int = 1, **params) -> NodeIR:
    """A NodeIR; params: numbers -> Const, CyclePattern -> PatternArg, Edge as is."""
    conv = {}
    for k, v in params.items():
        if isinstance(v, (Edge, Const, PatternArg)):
            conv[k] = v
        elif isinstance(v, CyclePattern):
            conv[k] = PatternArg(v)
        else:
            conv[k] = Const(v)
    return NodeIR(id=id, kind=kind, inputs=[e if isinstance(e, Edge) else Edge(e) for e in inputs],
                  params=conv, loc=Loc("t.ph", line, col))

"""Test nodes, patterns and graph builders shared by the engine, runtime and equivalence tests.

The nodes live in a private registry (`registry()`), or beside the built-ins
(`full_registry()`); names that a built-in could plausibly take carry the `rt_` prefix.
"""
from __future__ import annotations

import os
import time
from fractions import Fraction

import numpy as np

from phonon.lang.ir import Const, Edge, GraphIR, Loc, NodeIR, PatternArg
from phonon.patterns.pattern import Pattern
from phonon.patterns.timespan import Event, TimeSpan
from phonon.plugins.api import Node, Param, node
from phonon.plugins.registry import Registry, default_registry


class CyclePattern(Pattern):
    """A pattern repeating `steps` every cycle: [(begin, end, value)] as fractions of a cycle."""

    def __init__(self, steps: list[tuple[Fraction, Fraction, object]]) -> None:
        self.steps = steps
        super().__init__(self.events)

    @classmethod
    def seq(cls, values: list) -> "CyclePattern":
        n = len(values)
        return cls([(Fraction(i, n), Fraction(i + 1, n), v) for i, v in enumerate(values)
                    if v is not None])

    def events(self, span: TimeSpan) -> list[Event]:
        """The event fragments active in `span` (the pattern's query)."""
        begin, end = span.begin, span.end
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
    """Raises from `process` in every block from block `at` on (default: every block)."""

    at = Param(0.0, kind="any")

    def process(self, ctx, ins, p, out):
        out[:, :ctx.frames] = 0.125
        if ctx.index >= int(p.at):
            raise RuntimeError("boom")


@node("rt_click", inputs=0)
class Click(Node):
    """Writes the trigger's gain at each onset; a decaying state makes it stateful."""

    pattern = Param(None, kind="events")

    def prepare(self, sr, block, channels):
        self.level = 0.0

    def process(self, ctx, ins, p, out):
        f = ctx.frames
        out[:, :f] = 0.0
        for t in ctx.events:
            gain = t.value.get("gain", 1.0) if isinstance(t.value, dict) else 1.0
            out[:, t.offset] += float(gain)
        # a stateful one-pole smear: depends on every earlier block (placement must be sticky)
        x = out[0, :f].astype(np.float64)
        y = np.empty(f)
        lv = self.level
        for i in range(0, f, 64):             # chunked recursion, deterministic
            seg = x[i:i + 64]
            lv = lv * 0.99 + float(seg.sum()) * 0.01
            y[i:i + 64] = seg + lv
        self.level = lv
        out[:, :f] = y.astype(np.float32)


@node("rt_osc", inputs=0)
class Osc(Node):
    """A sine with a phase state; `freq` may be stepped or modulated."""

    freq = Param(220.0)

    def prepare(self, sr, block, channels):
        self.phase = 0.0
        self.sr = sr

    def process(self, ctx, ins, p, out):
        f = ctx.frames
        inc = np.broadcast_to(np.asarray(p.freq, dtype=np.float64), (f,)) / self.sr
        ph = self.phase + np.cumsum(inc)
        out[:, :f] = (0.3 * np.sin(2 * np.pi * ph)).astype(np.float32)
        self.phase = float(ph[-1] % 1.0)

    def state(self):
        return {"phase": self.phase}

    def load_state(self, state):
        self.phase = state["phase"]


@node("rt_echo", inputs=2)
class Echo(Node):
    """in0 + 0.5 * in1 (in1 is meant to be a delayed feedback edge)."""

    def process(self, ctx, ins, p, out):
        f = ctx.frames
        out[:, :f] = ins[0][:, :f] + 0.5 * ins[1][:, :f]


@node("rt_abort", inputs=0)
class Abort(Node):
    """Outputs 0.0625 until block `at`, where it kills its process with os.abort()."""

    at = Param(3.0, kind="any")

    def process(self, ctx, ins, p, out):
        if ctx.index >= int(p.at):
            os.abort()
        out[:, :ctx.frames] = 0.0625


@node("rt_busy", inputs=1)
class Busy(Node):
    """Passes its input through after burning `us` microseconds (a heavy node)."""

    us = Param(300.0, kind="any")

    def process(self, ctx, ins, p, out):
        end = time.perf_counter() + float(p.us) * 1e-6
        while time.perf_counter() < end:
            pass
        out[:, :ctx.frames] = ins[0][:, :ctx.frames]


@node("rt_stall", inputs=0)
class Stall(Node):
    """Outputs 0.125; from block `at` on it hangs forever, but only in a worker process
    (in the process that built it, the coordinator, it keeps working)."""

    at = Param(3.0, kind="any")

    def __init__(self, **static):
        super().__init__(**static)
        self.home = os.getpid()

    def process(self, ctx, ins, p, out):
        if ctx.index >= int(p.at) and os.getpid() != self.home:
            while True:
                time.sleep(0.01)
        out[:, :ctx.frames] = 0.125


NODES = (Impulse, Level, Ramp, Amp, Sum, Blowup, Crash, Click, Osc, Echo, Abort, Busy, Stall)


def registry() -> Registry:
    """A registry of the test nodes only."""
    reg = Registry()
    for cls in NODES:
        reg.register(cls, "tests")
    return reg


def full_registry() -> Registry:
    """The built-in nodes plus the test nodes."""
    reg = default_registry()
    for cls in NODES:
        reg.register(cls, "tests")
    return reg


def graph(*nodes: NodeIR, master: str, cps: float = 1.0) -> GraphIR:
    g = GraphIR(cps=cps)
    for n in nodes:
        g.add(n)
    g.master = master
    return g


def n(id: str, kind: str, inputs=(), line: int = 1, col: int = 1, options: dict | None = None,
      **params) -> NodeIR:
    """A NodeIR; params: numbers -> Const, patterns -> PatternArg, Edge/Const/PatternArg as is."""
    conv = {}
    for k, v in params.items():
        if isinstance(v, (Edge, Const, PatternArg)):
            conv[k] = v
        elif isinstance(v, Pattern):
            conv[k] = PatternArg(v)
        else:
            conv[k] = Const(v)
    return NodeIR(id=id, kind=kind, inputs=[e if isinstance(e, Edge) else Edge(e) for e in inputs],
                  params=conv, loc=Loc("t.ph", line, col), options=dict(options or {}))


def busy_graph() -> GraphIR:
    """Every feature the runtime must carry across processes: events, stepped and modulated
    parameters, a feedback edge, parallel chains, stateful nodes."""
    return graph(
        n("hits", "rt_click", pattern=CyclePattern.seq([{"gain": 0.5}, {"gain": 0.25}, None,
                                                        {"gain": 0.75}])),
        n("lfo", "rt_osc", freq=0.5),
        n("tone", "rt_osc", freq=CyclePattern.seq([220.0, 330.0, None, 440.0])),
        n("fm", "rt_osc", freq=Edge("lfo")),
        n("a", "amp", ["hits"], gain=Edge("lfo")),
        n("b", "amp", ["tone"], gain=0.5),
        n("fb", "rt_echo", ["b", Edge("fb", delayed=True)]),
        n("c", "amp", ["fm"], gain=CyclePattern.seq([0.2, 0.4])),
        n("mix", "sum", ["a", "fb", "c"]),
        n("out", "amp", ["mix"], gain=0.8),
        master="out")

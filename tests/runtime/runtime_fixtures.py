"""Nodes, patterns and graph builders for the actor runtime tests (private registry)."""
from __future__ import annotations

import os
import time
from fractions import Fraction

import numpy as np

from phonon.lang.ir import Const, Edge, GraphIR, Loc, NodeIR, PatternArg
from phonon.patterns.timespan import Event, TimeSpan
from phonon.plugins.api import Node, Param, node
from phonon.plugins.registry import Registry, default_registry


class CyclePattern:
    """A pattern repeating `steps` [(begin, end, value)] every cycle."""

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
                if lo < hi:
                    out.append(Event(whole, TimeSpan(lo, hi), v))
            k += 1
        return out


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


@node("rt_amp", inputs=1)
class Amp(Node):
    gain = Param(1.0)

    def process(self, ctx, ins, p, out):
        f = ctx.frames
        np.multiply(ins[0][:, :f], p.gain, out=out[:, :f], casting="unsafe")


@node("rt_sum", inputs=-1)
class Sum(Node):
    def process(self, ctx, ins, p, out):
        f = ctx.frames
        out[:, :f] = 0.0
        for x in ins:
            out[:, :f] += x[:, :f]


@node("rt_echo", inputs=2)
class Echo(Node):
    """in0 + 0.5 * in1 (in1 is meant to be a delayed feedback edge)."""

    def process(self, ctx, ins, p, out):
        f = ctx.frames
        out[:, :f] = ins[0][:, :f] + 0.5 * ins[1][:, :f]


@node("rt_crash", inputs=0)
class Crash(Node):
    """Raises from `process` every block from block `at` on."""

    at = Param(2.0, kind="any")

    def process(self, ctx, ins, p, out):
        out[:, :ctx.frames] = 0.125
        if ctx.index >= int(p.at):
            raise RuntimeError("boom")


@node("rt_blowup", inputs=0)
class Blowup(Node):
    """Outputs 0.25; from block `at` its state is NaN until `prepare` runs again."""

    at = Param(2.0, kind="any")

    def prepare(self, sr, block, channels):
        self.blocks = 0
        self.bad = False
        self.prepared = getattr(self, "prepared", 0) + 1

    def process(self, ctx, ins, p, out):
        if self.blocks == int(p.at) and self.prepared == 1:
            self.bad = True
        out[:, :ctx.frames] = np.nan if self.bad else 0.25
        self.blocks += 1


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


NODES = (Click, Osc, Amp, Sum, Echo, Crash, Blowup, Abort, Busy, Stall)


def registry() -> Registry:
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


def n(id: str, kind: str, inputs=(), options: dict | None = None, **params) -> NodeIR:
    conv = {}
    for k, v in params.items():
        if isinstance(v, (Edge, Const, PatternArg)):
            conv[k] = v
        elif isinstance(v, CyclePattern):
            conv[k] = PatternArg(v)
        else:
            conv[k] = Const(v)
    return NodeIR(id=id, kind=kind, inputs=[e if isinstance(e, Edge) else Edge(e) for e in inputs],
                  params=conv, loc=Loc("t.ph", 1, 1), options=dict(options or {}))


def busy_graph() -> GraphIR:
    """Every feature the runtime must carry across processes: events, stepped and modulated
    parameters, a feedback edge, parallel chains, stateful nodes."""
    return graph(
        n("hits", "rt_click", pattern=CyclePattern.seq([{"gain": 0.5}, {"gain": 0.25}, None,
                                                        {"gain": 0.75}])),
        n("lfo", "rt_osc", freq=0.5),
        n("tone", "rt_osc", freq=CyclePattern.seq([220.0, 330.0, None, 440.0])),
        n("fm", "rt_osc", freq=Edge("lfo")),
        n("a", "rt_amp", ["hits"], gain=Edge("lfo")),
        n("b", "rt_amp", ["tone"], gain=0.5),
        n("fb", "rt_echo", ["b", Edge("fb", delayed=True)]),
        n("c", "rt_amp", ["fm"], gain=CyclePattern.seq([0.2, 0.4])),
        n("mix", "rt_sum", ["a", "fb", "c"]),
        n("out", "rt_amp", ["mix"], gain=0.8),
        master="out")

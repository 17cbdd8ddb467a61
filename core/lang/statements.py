"""Program statements beyond buses and outputs, and the master they decide.

`tempo:`/`cps:`/`bpm:` (with an optional meter, `bpm: 120 "4/4"`), `outmix:`, `buffer:`, and
the commands `hush`, `hushN`, `unhush`, `unhushN`, `panic`, `resetCycles`, `setCycle N` and
`nudge N`. Their meaning, for a rendered file and for a live reload, is in docs/language.md
("Statements"); here they become fields of the `GraphIR` and the master's mix.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

from . import ast as A
from .diagnostics import Reporter
from .graph import GraphBuilder
from .ir import Const, Edge, GraphIR
from .support import fmt, pos_of
from .values import Err, Num, Value, describe

AUTO_ROUTE_GAIN = 0.25          # -12 dB: "you forgot `out`" level for the sum of all buses
BUFFER_RANGE = (64, 16384)
#: tempo in cycles per second: a cycle of 1000 s at the slowest, 20 cycles a second (1200
#: bpm) at the fastest; faster, the engine would query more cycles than it can play
CPS_RANGE = (0.001, 20.0)
AUTO = ""                       # the automatic master (no output statement) in `hushed`
Evaluate = Callable[[A.Expr, str], Value]


def channel_of(output: str) -> int:
    """The channel number of an output name: `out` is 0, `out2`/`o2`/`d2` are 2."""
    digits = re.sub(r"\D", "", output)
    return int(digits) if digits else 0


@dataclass
class _Hush:
    """Which outputs are silenced, read in statement order (hush acts on what is above it)."""

    outputs: list[str] = field(default_factory=list)     # defined so far, in order
    buses: bool = False                                  # a bus is defined so far
    hushed: set[str] = field(default_factory=set)

    def command(self, st: A.Command, report: Reporter) -> None:
        if st.word == "unhush":
            if st.channel is None:
                self.hushed.clear()
            else:
                self.hushed -= {o for o in self.hushed if o != AUTO and channel_of(o) == st.channel}
                if st.channel == 0:
                    self.hushed.discard(AUTO)
            return
        targets = [o for o in self.outputs if st.channel is None or channel_of(o) == st.channel]
        if self.buses and not self.outputs and st.channel in (None, 0):
            targets.append(AUTO)
        if not targets:
            what = "no output is" if st.channel is None else f"no output {st.channel} is"
            report.warn(st.pos, f"{st.word}{st.channel if st.channel is not None else ''} silences "
                                f"nothing: {what} defined above this line")
        self.hushed.update(targets)


class Directives:
    """Reads the program's statements into the IR (`ir.cps`, `outmix`, `hushed`, `panic`,
    `set_cycle`, `nudge`, `buffer`, `meter`) and builds the master."""

    def __init__(self, report: Reporter, graph: GraphBuilder, ir: GraphIR,
                 evaluate: Evaluate) -> None:
        self.report = report
        self.graph = graph
        self.ir = ir
        self.evaluate = evaluate
        self.hush = _Hush()
        self.last: dict[str, A.Statement] = {}      # tempo, outmix, buffer, cycle, nudge

    # ------------------------------------------------------------------ reading
    def read(self, statements: list[A.Statement]) -> None:
        """Every statement in order: outputs and buses for `hush`, the rest for their values."""
        for st in statements:
            if isinstance(st, A.OutDef):
                self.hush.outputs.append(st.name)
            elif isinstance(st, A.BusDef):
                self.hush.buses = True
            elif isinstance(st, A.Tempo):
                self._once("tempo", st, "tempo set again")
            elif isinstance(st, A.Setting):
                self._once(st.word, st, f"{st.word} set again")
            elif isinstance(st, A.Command):
                self.command(st)

    def _once(self, key: str, st: A.Statement, what: str) -> None:
        if key in self.last:
            self.report.warn(st.pos, f"{what} (line {self.last[key].pos.line} is overridden)")
        self.last[key] = st

    def command(self, st: A.Command) -> None:
        if st.word in ("hush", "unhush", "panic"):
            self.hush.command(st, self.report)
            self.ir.panic |= st.word == "panic"
        elif st.word in ("setCycle", "resetCycles"):
            self._once("cycle", st, "the cycle is set again")
        else:
            self._once("nudge", st, "nudge set again")

    # ------------------------------------------------------------------ values
    def evaluate_values(self) -> None:
        """The values of the statements read (numbers are checked here)."""
        ir, last = self.ir, self.last
        if "tempo" in last:
            st = last["tempo"]
            v = self.number(st.value, st.unit, positive=True)
            if v is not None:
                self.tempo(v, st)
            ir.meter = st.meter
        if "outmix" in last:
            ir.outmix = last["outmix"].value
        if "buffer" in last:
            self.buffer(last["buffer"])
        if "limiter" in last:
            self.limiter(last["limiter"])
        if "cycle" in last:
            st = last["cycle"]
            if st.word == "resetCycles":
                ir.set_cycle = Fraction(0)
            else:
                v = self.number(st.value, "setCycle")
                if v is not None:
                    ir.set_cycle = _fraction(v)
        if "nudge" in last:
            v = self.number(last["nudge"].value, "nudge")
            if v is not None:
                ir.nudge = _fraction(v)
        ir.hushed = [o for o in self.hush.outputs if o in self.hush.hushed]
        if AUTO in self.hush.hushed:
            ir.hushed.append(AUTO)

    def number(self, e: A.Expr, what: str, positive: bool = False) -> float | None:
        with self.graph.owned_by("statement"):
            v = self.evaluate(e, "0")
        if isinstance(v, Err):
            return None
        if not isinstance(v, Num):
            self.report.error(pos_of(e), f"{what} expects a number, got {describe(v)}")
            return None
        if positive and v.value <= 0:
            self.report.error(pos_of(e), f"{what} must be greater than 0, got {fmt(v.value)}")
            return None
        if not math.isfinite(v.value):
            self.report.error(pos_of(e), f"{what} must be a finite number")
            return None
        return v.value

    def tempo(self, v: float, st: Any) -> None:
        """`cps:`/`tempo:`/`bpm:` within `CPS_RANGE` (a located error outside it)."""
        per = 60.0 if st.unit == "bpm" else 1.0
        lo, hi = CPS_RANGE
        if not lo <= v / per <= hi:
            self.report.error(pos_of(st.value), f"{st.unit} {fmt(v)} is out of range: use "
                                                f"{fmt(lo * per)} to {fmt(hi * per)}")
            return
        self.ir.cps = v / per

    def buffer(self, st: A.Setting) -> None:
        v = self.number(st.value, "buffer", positive=True)
        if v is None:
            return
        lo, hi = BUFFER_RANGE
        n = int(round(v))
        if n != v or not lo <= n <= hi:
            n = min(hi, max(lo, n))
            self.report.warn(st.value_pos or st.pos, f"buffer: {fmt(v)} is not a whole number of "
                                                     f"frames in {lo}..{hi}; kept as {n}")
        self.ir.buffer = n

    def limiter(self, st: A.Setting) -> None:
        """`limiter: C` puts a look-ahead limiter with ceiling C (> 0 linear, <= 0 dB) before the
        master; `limiter: off` (the default) leaves only the master's hard clip at 0 dBFS."""
        if st.value == "off":
            self.ir.limiter = None
            return
        v = self.number(st.value, "limiter")
        if v is None:
            return
        linear = v if v > 0 else 10.0 ** (v / 20.0)
        if linear > 1.0:
            self.report.warn(st.value_pos or st.pos, f"limiter: {fmt(v)} is above 0 dBFS; the "
                                                     "master clips at 1 anyway")
        self.ir.limiter = v

    # ------------------------------------------------------------------ the master
    def route_master(self, orbits: list[str] = ()) -> None:
        """The master: the outputs that are not hushed, combined per `outmix` (else the bus
        `master` or `out`, else every bus at -12 dB), and the `orbits` (the orbit nodes the
        program does not read), into the `master` node."""
        ir = self.ir
        pos = A.Pos(1, 1)
        hushed = set(ir.hushed)
        sources = [nid for name, nid in ir.outputs.items() if name not in hushed]
        gain = None
        if not ir.outputs:
            for fallback in ("master", "out"):
                if fallback in ir.buses:
                    sources = [ir.buses[fallback]]
                    break
            else:
                sources = list(dict.fromkeys(ir.buses.values()))
                gain = AUTO_ROUTE_GAIN
                if sources and AUTO not in hushed:
                    self.report.warn(pos, "no 'out:' statement: playing the sum of all buses at -12 dB")
                elif not sources:
                    self.report.warn(pos, "the program has no buses and no output: it is silent")
            if AUTO in hushed:
                sources = []
        if (ir.outputs or AUTO in hushed) and not sources:
            self.report.warn(pos, "every output is hushed: the program is silent")
        if sources or not (ir.outputs or AUTO in hushed):
            sources = sources + [o for o in orbits if o not in sources]
        with self.graph.owned_by("master"):
            self._mix(sources, gain, pos)

    def _mix(self, sources: list[str], gain: float | None, pos: A.Pos) -> None:
        """mix -> [auto-route gain] -> [tanh] -> [limiter] -> master, node ids master/0.. in that
        order."""
        n = len(sources)
        params = {}
        if self.ir.outmix in ("gain", "sqrt") and n > 1:
            g = 1.0 / n if self.ir.outmix == "gain" else 1.0 / math.sqrt(n)
            params["gains"] = Const(tuple([g] * n))
        make = self.graph.make_node
        last = make("mix", "0", pos, inputs=[Edge(s) for s in sources], params=params)
        k = 1
        if gain is not None:
            c = make("const", str(k), pos, params=[Const(gain)])
            last = make("mul", str(k + 1), pos, inputs=[Edge(last), Edge(c)])
            k += 2
        if self.ir.outmix == "tanh":
            last = make("tanh", str(k), pos, inputs=[Edge(last)])
            k += 1
        if self.ir.limiter is not None:
            last = make("limiter", str(k), pos, inputs=[Edge(last)], params=[Const(self.ir.limiter)])
            k += 1
        self.ir.master = make("master", str(k), pos, inputs=[Edge(last)])


def _fraction(x: float) -> Fraction:
    """A number as typed (`0.1` is 1/10), as the clock wants it."""
    return Fraction(repr(float(x))).limit_denominator(1_000_000)

"""Orbits: `s "bd*4" # orbit 1` plays on orbit 1, a program-wide bus shared by every pattern
that names it (SuperDirt's orbits), read as `~orbit1`.

Orbit n is one `dirt_orbit` node (`~orbitN/0:dirt_orbit`): it plays the sample events of
every pattern routed to it (so their cut groups meet), takes as audio inputs the `poly` voices
of the buses played on it (`s "~lead" # orbit 1`: a poly of `~lead` for orbit 1), and runs the
orbit's global effects (delay, reverb, leslie) driven by all those events. Routing is static:
the compiler reads the orbit values from the `orbit` control (a number or a mini-notation
string of numbers) and filters each event pattern by them; events without `orbit` stay in
their expression. A pattern whose events all go to orbits is silent where it is written. Every
orbit the program does not read as `~orbitN` is summed into the output.
"""
from __future__ import annotations

import re
from typing import Any, Protocol

from ..patterns.mini import value_words
from ..patterns.pattern import silence
from ..patterns.values import parse_number
from . import ast as A
from .diagnostics import Reporter
from .graph import GraphBuilder
from .ir import Const, Edge, PatternArg
from .values import Err, Events, Num, Pat, Sig, Text, Value, describe

ORBIT_BUS = re.compile(r"orbit(\d+)$")
MAX_ORBIT = 63
ORBIT_NODE = "dirt_orbit"


def orbit_of(v: Any) -> int | None:
    """The orbit an event value names (None: none)."""
    if not isinstance(v, dict) or "orbit" not in v:
        return None
    try:
        return int(float(v["orbit"]))
    except (TypeError, ValueError):
        return None


class Routes(Protocol):
    """Event routing and per-orbit instruments (BusInstruments implements it)."""

    routes: dict

    def orbit_instrument(self, name: str, pos: A.Pos, orbit: int) -> str | Err: ...
    def token_route(self, pattern: Any, name: str) -> Any: ...


class Player(Protocol):
    """Makes the node of a pending event pattern (Lowering implements it)."""

    def materialise(self, ev: Events) -> Sig | Err: ...


class Defined(Protocol):
    def is_defined(self, name: str) -> bool: ...


class OrbitRouting:
    """Routes event patterns to orbit nodes; reads `~orbitN`; lists the orbits to sum."""

    def __init__(self, report: Reporter, graph: GraphBuilder, routes: Routes, player: Player,
                 buses: Defined) -> None:
        self.report = report
        self.graph = graph
        self.routes = routes
        self.player = player
        self.buses = buses
        self.nodes: dict[int, str] = {}       # orbit -> its dirt_orbit node
        self.read: set[int] = set()           # orbits the program reads as ~orbitN

    def values_of(self, v: Value, pos: A.Pos) -> frozenset | Err:
        """The orbits an `orbit` control's value names, known statically."""
        if isinstance(v, Num):
            found = [v.value]
        elif isinstance(v, Text):
            found = [parse_number(w) for w, _ in value_words(v.text)] if v.text.strip() else []
        else:
            return self.report.error(pos, f"orbit: expects a number or a string of numbers, got "
                                          f"{describe(v)}", "orbits are routed when the program "
                                                            "is compiled: # orbit 1, # orbit \"0 1\"")
        bad = [x for x in found if x is None or x != int(x) or not 0 <= x <= MAX_ORBIT]
        if bad or not found:
            return self.report.error(pos, f"orbit: orbits are whole numbers 0..{MAX_ORBIT}",
                                     "# orbit 1, # orbit \"<0 1>\"")
        return frozenset(int(x) for x in found)

    # -- the orbit nodes
    def node(self, k: int, pos: A.Pos) -> str:
        """Orbit k's node, made on first use (owner `~orbitK`)."""
        if k in self.nodes:
            return self.nodes[k]
        if self.buses.is_defined(f"orbit{k}"):
            self.report.error(pos, f"events play on orbit {k}, but the program defines a bus "
                                   f"'~orbit{k}'", f"~orbit{k} is orbit {k}'s bus: rename yours")
        spec = self.graph.node_spec(ORBIT_NODE, pos)
        if spec is None:
            return ""
        with self.graph.owned_by(f"~orbit{k}"):
            nid = self.graph.add_node(spec, "0", pos, [], {
                spec.event_param.name: PatternArg(silence, ""), "index": Const(float(k))})
        self.nodes[k] = nid
        return nid

    def bus(self, name: str, pos: A.Pos) -> Sig | None:
        """`~orbitN` read by the program (then it is not summed into the output by itself)."""
        m = ORBIT_BUS.match(name)
        if m is None or int(m.group(1)) > MAX_ORBIT:
            return None
        k = int(m.group(1))
        self.read.add(k)
        nid = self.node(k, pos)
        return Sig(Edge(nid), pos) if nid else None

    def unread(self) -> list[str]:
        """The orbit nodes the program does not read: they are summed into the output."""
        return [nid for k, nid in sorted(self.nodes.items()) if k not in self.read and nid]

    # -- playing on orbits
    def play(self, ev: Events) -> Sig | Err:
        """An event pattern with `orbit` values: each orbit's events to its node; the events
        without one (if any can be) stay here; a pattern wholly on orbits is silent here."""
        for k in sorted(ev.orbits):
            nid = self.node(k, ev.pos)
            if not nid:
                return Err()
            on_k = self.report.guard(ev.pos, "orbit", lambda k=k: ev.pattern.filter_values(
                lambda v: orbit_of(v) == k))
            if isinstance(on_k, Err):
                return on_k
            self.routes.routes.setdefault(nid, []).append((on_k, ev.source))
            for name in sorted(ev.buses):
                poly = self.routes.orbit_instrument(name, ev.pos, k)
                if isinstance(poly, Err):
                    continue
                self.routes.routes.setdefault(poly, []).append(
                    (self.routes.token_route(on_k, name), ev.source))
                inputs = self.graph.ir.nodes[nid].inputs
                if all(e.node != poly for e in inputs):
                    inputs.append(Edge(poly))
        if ev.orbit_all:
            with self.graph.owned_by(ev.owner):
                return Sig(Edge(self.graph.make_node("const", f"{ev.path}.orbit", ev.pos,
                                                     params=[Const(0.0)])))
        rest = self.report.guard(ev.pos, "orbit", lambda: ev.pattern.filter_values(
            lambda v: orbit_of(v) is None))
        if isinstance(rest, Err):
            return rest
        here = Events(ev.kind, ev.param, rest, ev.source, ev.pos, ev.owner, ev.path,
                      dict(ev.params), list(ev.inputs), control=ev.control, buses=ev.buses,
                      samples=ev.samples)
        sig = self.player.materialise(here)
        if isinstance(sig, Sig):
            ev.node_id = sig.edge.node
        return sig


def is_orbit_pattern(v: Value) -> bool:
    """Does this value's events play on orbits?"""
    return isinstance(v, (Pat, Events)) and bool(v.orbits)

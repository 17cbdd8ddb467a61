"""The original's list expressions: `stack [a, b]`, `cat [a, b]` (Tidal's cat: one per
cycle; also `slowcat`), `fastcat [a, b]` (all in one cycle), `randcat`/`choose [a, b]` (one
at random per cycle), `wchoose [[a, 3], [b, 1]]` (weighted), `wedge r p q`, `sew "t f" p q`
and `stitch "t f" p q`.

Items that are patterns (numbers, strings, patterns, event patterns such as `s "bd"`) combine
into one pattern: an event pattern stays one event node. `stack` of anything else (signals) is
the sum of the signals, as in the original. Rules: docs/language.md.
"""
from __future__ import annotations

from typing import Any, Callable

from . import ast as A
from .diagnostics import Reporter
from .graph import GraphBuilder
from .ir import Edge
from .lowering import Lowering
from .patterns_bridge import PatternBackend
from .support import pos_of
from .values import (Err, Events, ListV, Num, Pat, Sig, Text, Value, derived, describe,
                     joined_merges, joined_orbits)

LIST_NAMES = frozenset({"stack", "cat", "slowcat", "fastcat", "randcat", "choose", "wchoose",
                        "wedge", "sew", "stitch"})
_SELECTOR = {"wedge": "a number (the share of the cycle)", "sew": "a pattern of true/false",
             "stitch": "a pattern of true/false"}
Evaluate = Callable[[A.Expr, str], Value]


class ListCalls:
    """Evaluates the list expressions."""

    def __init__(self, report: Reporter, graph: GraphBuilder, lowering: Lowering,
                 patterns: PatternBackend, evaluate: Evaluate) -> None:
        self.report = report
        self.graph = graph
        self.lowering = lowering
        self.patterns = patterns
        self.evaluate = evaluate

    def call(self, e: A.Call, path: str) -> Value:
        name = e.name
        if e.keywords:
            return self.report.error(e.keywords[0].pos, f"'{name}' takes no keyword arguments")
        vals = [(self.evaluate(a, f"{path}.{i}"), pos_of(a)) for i, a in enumerate(e.args)]
        if any(isinstance(v, Err) for v, _ in vals):
            return Err()
        if name in _SELECTOR:
            return self._selected(e, path, vals)
        if len(vals) != 1 or not isinstance(vals[0][0], ListV):
            got = describe(vals[0][0]) if len(vals) == 1 else f"{len(vals)} arguments"
            return self.report.error(vals[0][1] if vals else e.pos,
                                     f"{name} takes one list, got {got}", f"{name} [a, b, c]")
        items, pos = vals[0][0].items, vals[0][1]
        if any(isinstance(v, Err) for v in items):
            return Err()
        if not items:
            return self.report.error(pos, f"{name}: the list is empty")
        weights: list[float] = []
        if name == "wchoose":
            items = self._weighted(items, pos, weights)
            if isinstance(items, Err):
                return items
        if name == "stack" and not _one_pattern(items):
            return self._sum(items, path, pos)
        pats = self._patterns(name, items, pos)
        if isinstance(pats, Err):
            return pats
        fn = self.patterns.list_function(name)
        args = list(zip(pats, weights)) if weights else pats
        out = self.report.guard(e.pos, name, lambda: fn(*args))
        return self._value(out, items, f"{name} [...]", e.pos, path)

    def _selected(self, e: A.Call, path: str, vals: list[tuple[Value, A.Pos]]) -> Value:
        """`wedge r p q`, `sew bools p q`, `stitch bools p q`."""
        name = e.name
        if len(vals) != 3:
            return self.report.error(e.pos, f"{name} takes 3 arguments ({_SELECTOR[name]}, then two "
                                            f"patterns), got {len(vals)}")
        (sel, sel_pos), rest = vals[0], [v for v, _ in vals[1:]]
        if name == "wedge":
            if not isinstance(sel, Num):
                return self.report.error(sel_pos, f"wedge: expects {_SELECTOR[name]}, got {describe(sel)}")
            selector: Any = sel.value
        else:
            if not isinstance(sel, (Text, Pat)):
                return self.report.error(sel_pos, f"{name}: expects {_SELECTOR[name]}, got {describe(sel)}")
            selector = self.lowering.as_pattern(sel, sel_pos, name)
            if isinstance(selector, Err):
                return selector
        pats = self._patterns(name, rest, vals[1][1])
        if isinstance(pats, Err):
            return pats
        fn = self.patterns.list_function(name)
        out = self.report.guard(e.pos, name, lambda: fn(selector, *pats))
        return self._value(out, rest, f"{name} ...", e.pos, path)

    def _weighted(self, items: list, pos: A.Pos, weights: list[float]) -> list | Err:
        out = []
        for item in items:
            if not (isinstance(item, ListV) and len(item.items) == 2 and isinstance(item.items[1], Num)
                    and item.items[1].value >= 0):
                return self.report.error(item.pos or pos, "wchoose: each item is [value, weight] "
                                                          "with a weight of 0 or more",
                                         'wchoose [["bd", 3], ["sn", 1]]')
            out.append(item.items[0])
            weights.append(item.items[1].value)
        if not sum(weights) > 0:
            return self.report.error(pos, "wchoose: the weights add up to 0")
        return out

    def _patterns(self, name: str, items: list, pos: A.Pos) -> list | Err:
        """The items as patterns: all patterns, and event patterns of one kind."""
        kinds = {v.kind for v in items if isinstance(v, Events)}
        if len(kinds) > 1:
            return self.report.error(pos, f"{name}: cannot combine the events of "
                                          f"{' and '.join(sorted(kinds))} into one pattern")
        out = []
        for v in items:
            if not _patternish(v):
                return self.report.error(v.pos or pos, f"{name}: expects patterns, got {describe(v)}",
                                         "signals are summed with stack [a, b] or +")
        if not _one_pattern(items):
            return self.report.error(pos, f"{name}: the items mix control patterns (s \"bd\", "
                                          "n \"0\") with plain values or events")
        for v in items:
            p = self.lowering.as_pattern(v, v.pos or pos, name)
            if isinstance(p, Err):
                return p
            out.append(p)
        return out

    def _value(self, out: Any, items: list, source: str, pos: A.Pos, path: str) -> Value:
        if isinstance(out, Err):
            return out
        buses = frozenset().union(*(v.buses for v in items if isinstance(v, (Pat, Events))))
        samples = any(v.samples for v in items if isinstance(v, (Pat, Events)))
        events = [v for v in items if isinstance(v, Events)]
        orbits, orbit_all = joined_orbits(items)
        if events:
            ev = derived(events[0], out, source, path, self.graph.owner)
            ev.buses, ev.samples = buses, samples
            ev.orbits, ev.orbit_all = orbits, orbit_all
            ev.merged = joined_merges(items)
            return ev
        pats = [v for v in items if isinstance(v, Pat)]
        return Pat(out, source, pos, any(v.control for v in pats), any(v.sound for v in pats),
                   buses, samples if pats else True, orbits, orbit_all, joined_merges(items))

    def _sum(self, items: list, path: str, pos: A.Pos) -> Value:
        """`stack` of signals: their sum (a `mix` node)."""
        edges = []
        for i, v in enumerate(items):
            s = self.lowering.as_signal(v, f"{path}.0.{i}", v.pos or pos)
            if isinstance(s, Err):
                return s
            edges.append(s.edge)
        return Sig(Edge(self.graph.make_node("mix", path, pos, inputs=edges)))


def _patternish(v: Value) -> bool:
    return isinstance(v, (Num, Text, Pat)) or (isinstance(v, Events) and v.pattern is not None)


def _one_pattern(items: list) -> bool:
    """Can the items be one pattern: all patterns, and either all control maps (`s "bd"`,
    `n "0 1"`) or none (an event node's values must all be of its kind)?"""
    if not all(_patternish(v) for v in items):
        return False
    maps = [(isinstance(v, Events) and v.control) or (isinstance(v, Pat) and v.control) for v in items]
    return all(maps) or not any(maps) and not (
        any(isinstance(v, Events) for v in items) and not all(isinstance(v, Events) for v in items))


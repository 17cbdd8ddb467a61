"""Operators between values.

- `+ - * /`: numbers fold at compile time; literal patterns and numbers combine into one
  pattern (structure from the left, as Tidal's `|+`); anything else is per-sample signal
  arithmetic (`add sub mul div` nodes, operands lifted by `const`/`sig`).
- Tidal's structure operators `|+ +| |+| |- -| |-| |* *| |*| |/ /| |/| |% %| |%| |< <| |<|
  |> >| |>|`: the bar marks the side the structure comes from (both sides for `|op|`); `<`
  keeps the left side's values, `>` takes the right side's. Between patterns, and between an
  event pattern (`s "bd*4"`) and a pattern (`|+ n 1`), they combine the patterns (Strudel's
  `add`, `add.out`, `add.mix`, ...). Between signals there is no structure: `+ - * /` act per
  sample, `%`, `<` and `>` are errors.
- `~+ ~- ~* ~/`: always per-sample signal arithmetic.
"""
from __future__ import annotations

from typing import Any

from . import ast as A
from .diagnostics import Reporter
from .graph import GraphBuilder
from .ir import Edge
from .lowering import Lowering
from .support import src
from .values import (Err, Events, Func, ListV, Num, Pat, Sig, Text, Value, derived, describe,
                     joined_merges, joined_orbits)

SIGNAL_NODES = {"+": "add", "-": "sub", "*": "mul", "/": "div"}


def split_operator(op: str) -> tuple[str, str | None]:
    """(`+`, structure): structure is None (plain), "left", "right", "both" or "signal"."""
    if op.startswith("~"):
        return op[1:], "signal"
    if op.startswith("|") and op.endswith("|") and len(op) == 3:
        return op[1], "both"
    if op.startswith("|"):
        return op[1], "left"
    if op.endswith("|"):
        return op[0], "right"
    return op, None


class Arithmetic:
    """Evaluates `left op right` for the compiler."""

    def __init__(self, report: Reporter, graph: GraphBuilder, lowering: Lowering) -> None:
        self.report = report
        self.graph = graph
        self.lowering = lowering

    def apply(self, op: str, left: Value, right: Value, pos: A.Pos, path: str) -> Value:
        if isinstance(left, Err) or isinstance(right, Err):
            return Err()
        for v in (left, right):
            if isinstance(v, (Func, ListV)):
                return self.report.error(pos, f"'{op}' cannot combine {describe(v)}")
        base, structure = split_operator(op)
        if isinstance(left, Num) and isinstance(right, Num):
            return self.numbers(base, left.value, right.value, pos)
        if structure == "signal":
            return self.signal(base, op, left, right, pos, path)
        if structure is None:
            if isinstance(left, (Num, Text, Pat)) and isinstance(right, (Num, Text, Pat)):
                if isinstance(right, Num) and right.value == 0 and op == "/":
                    return self.report.error(pos, "division by zero")
                return self.patterns(base, "left", op, left, right, pos)
            return self.signal(base, op, left, right, pos, path)
        return self.structured(base, structure, op, left, right, pos, path)

    def numbers(self, base: str, a: float, b: float, pos: A.Pos) -> Value:
        if base in "/%" and b == 0:
            return self.report.error(pos, "division by zero" if base == "/" else "modulo by zero")
        result = {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else 0.0,
                  "%": ((a % b) + b) % b if b else 0.0, "<": a, ">": b}[base]
        return Num(result, pos)

    def structured(self, base: str, structure: str, op: str, left: Value, right: Value,
                   pos: A.Pos, path: str) -> Value:
        """A structure operator: patterns combine; signals degrade to per-sample operators."""
        if _patternish(left) and _patternish(right):
            if isinstance(left, Events) or isinstance(right, Events):
                return self.events(base, structure, op, left, right, pos, path)
            return self.patterns(base, structure, op, left, right, pos)
        if base in "<>":
            return self.report.error(pos, f"'{op}' keeps one side's values in the other's structure, "
                                          "but signals have no structure",
                                     "use the signal itself, or combine signals with + - * /")
        if base == "%":
            return self.report.error(pos, f"'{op}' between signals: there is no per-sample modulo",
                                     "modulo combines patterns, like \"0 .. 7\" |% 3")
        return self.signal(base, op, left, right, pos, path)

    def _combine(self, base: str, structure: str, op: str, left: Value, right: Value,
                 pos: A.Pos) -> Any:
        lp = self.lowering.as_pattern(left, pos, op)
        rp = self.lowering.as_pattern(right, pos, op)
        if isinstance(lp, Err) or isinstance(rp, Err):
            return Err()
        if structure == "left" and base in "+-*/":
            ops = {"+": lambda: lp + rp, "-": lambda: lp - rp, "*": lambda: lp * rp,
                   "/": lambda: lp / rp}
            out = self.report.guard(pos, f"pattern '{op}'", ops[base])
        else:
            out = self.report.guard(pos, f"pattern '{op}'", lambda: lp.combine(rp, base, structure))
        if isinstance(out, Err) or (base in "<>" or all(self._numeric(v) for v in (left, right))):
            return out
        # values that cannot combine ("x" + 1) fail when the pattern is queried: find out now
        probe = self.report.guard(pos, f"pattern '{op}'", lambda: out.first_cycle())
        return probe if isinstance(probe, Err) else out

    def _numeric(self, v: Value) -> bool:
        """A number, or a string of numbers and note names (cached by its text)."""
        if isinstance(v, Num):
            return True
        if not isinstance(v, Text) or isinstance(v.pattern, Err):
            return False
        p = self.lowering.mini(v)
        return self.report.guard(v.pos, "pattern", lambda: self.lowering.patterns.non_numeric(
            p, v.text)) is None

    def patterns(self, base: str, structure: str, op: str, left: Value, right: Value,
                 pos: A.Pos) -> Value:
        out = self._combine(base, structure, op, left, right, pos)
        if isinstance(out, Err):
            return out
        control = any(isinstance(v, Pat) and v.control for v in (left, right))
        sound = any(isinstance(v, Pat) and v.sound for v in (left, right))
        pats = [v for v in (left, right) if isinstance(v, Pat)]
        orbits, orbit_all = joined_orbits([left, right])
        return Pat(out, f"{src(left)} {op} {src(right)}", pos, control, sound,
                   frozenset().union(*(v.buses for v in pats)), any(v.samples for v in pats),
                   orbits, orbit_all, joined_merges([left, right]))

    def events(self, base: str, structure: str, op: str, left: Value, right: Value,
               pos: A.Pos, path: str) -> Value:
        """An event pattern (`s "bd*4"`) combined with a pattern: a new event pattern."""
        out = self._combine(base, structure, op, left, right, pos)
        if isinstance(out, Err):
            return out
        ev = right if structure == "right" and isinstance(right, Events) else \
            left if isinstance(left, Events) else right
        result = derived(ev, out, f"{src(left)} {op} {src(right)}", path, self.graph.owner)
        for other in (left, right):
            if isinstance(other, (Events, Pat)) and other is not ev:
                result.buses |= other.buses
        result.orbits, result.orbit_all = joined_orbits([left, right])
        result.merged = joined_merges([left, right])
        return result

    def signal(self, base: str, op: str, left: Value, right: Value, pos: A.Pos, path: str) -> Value:
        if base not in SIGNAL_NODES:
            return self.report.error(pos, f"'{op}' has no per-sample meaning",
                                     "it combines patterns: \"0 .. 7\" |% 3")
        if base == "/" and isinstance(right, Num) and right.value == 0:
            return self.report.error(pos, "division by zero")
        a = self.lowering.as_signal(left, f"{path}.0", pos)
        b = self.lowering.as_signal(right, f"{path}.1", pos)
        if isinstance(a, Err) or isinstance(b, Err):
            return Err()
        return Sig(Edge(self.graph.make_node(SIGNAL_NODES[base], path, pos, inputs=[a.edge, b.edge])))


def _patternish(v: Value) -> bool:
    """A value with a pattern: a number, a string, a pattern, an event pattern that has one."""
    return isinstance(v, (Num, Text, Pat)) or (isinstance(v, Events) and v.pattern is not None)

"""Lowering values to IR: patterns from literals, signals (nodes) from values, IR arguments
for node parameters. See compiler.py for what the values are."""
from __future__ import annotations

from typing import Any, Protocol

from ..errors import MiniNotationError, PhononError
from ..plugins.api import Param
from . import ast as A
from .diagnostics import Reporter
from .graph import GraphBuilder
from .ir import Const, Edge, PatternArg
from .patterns_bridge import PatternBackend
from .support import Stop
from .values import Err, Events, Func, ListV, Num, Pat, Sig, Text, Value, describe


class BusPlayer(Protocol):
    """Plays the buses an `s` pattern names (`s "~lead*4"`): see instruments.py."""

    def play_buses(self, ev: Events) -> Sig | Err: ...
    def target_kind(self, name: str) -> str: ...


class OrbitPlayer(Protocol):
    """Plays an event pattern on the orbits its `orbit` control names (see orbits.py)."""

    def play(self, ev: Events) -> Sig | Err: ...


class Lowering:
    """Turns values into patterns, signals and node arguments."""

    def __init__(self, report: Reporter, graph: GraphBuilder, patterns: PatternBackend,
                 bus_player: BusPlayer) -> None:
        self.report = report
        self.graph = graph
        self.patterns = patterns
        self.bus_player = bus_player
        self.orbit_player: OrbitPlayer | None = None     # set by the compiler (orbits.py)
        self.control_report: Any = None                  # set by the compiler (control_report.py)

    def as_pattern(self, v: Value, pos: A.Pos, what: str) -> Any:
        """A pattern from a number, string or pattern value (Err on anything else)."""
        if isinstance(v, Num):
            return self.report.guard(pos, what, lambda: self.patterns.pure(v.value))
        if isinstance(v, Text):
            return self.mini(v)
        if isinstance(v, Pat):
            return v.pattern
        if isinstance(v, Events):
            return v.pattern
        return Err()

    def mini(self, t: Text) -> Any:
        """The pattern of a string literal (parsed once; errors located inside the string)."""
        if t.pattern is None:
            try:
                t.pattern = self.patterns.mini(t.text)
                self._warn_zero_factors(t)
            except MiniNotationError as e:
                t.pattern = self.report.mini_error(e, t.pos)
            except PhononError as e:
                t.pattern = self.report.error(t.pos, e.message, e.hint)
            except RecursionError:
                t.pattern = self.report.error(t.pos, "mini-notation nested too deeply")
            except Exception as e:  # noqa: BLE001
                t.pattern = self.report.error(t.pos, f"bad mini-notation: {e}")
        return t.pattern

    def _warn_zero_factors(self, t: Text) -> None:
        """A warning at each `*0` or `/0` of the string (the step plays nothing)."""
        find = getattr(self.patterns, "zero_factors", None)     # test backends may lack it
        for at in find(t.text) if find is not None else ():
            self.report.warn(A.Pos(t.pos.line, t.pos.col + 1 + at),
                             f"'{t.text[at:at + 2]}' plays nothing: the step is silent")

    def as_signal(self, v: Value, path: str, pos: A.Pos) -> Sig | Err:
        """A signal from any value: numbers -> const, patterns -> sig, events -> their node."""
        if isinstance(v, (Sig, Err)):
            return v
        if isinstance(v, Num):
            return Sig(Edge(self.graph.make_node("const", path, pos, params=[Const(v.value)])))
        if isinstance(v, (Text, Pat)):
            return self._pattern_signal(v, path, pos)
        if isinstance(v, Events):
            return self.materialise(v)
        if isinstance(v, ListV):
            return self.report.error(pos, "a list is not a signal",
                                     "lists are arguments of functions like stack")
        if isinstance(v, Func):
            return self.report.error(pos, f"expected a signal, got {describe(v)}",
                                     "apply it to a pattern with '$'")
        return self.report.error(pos, f"expected a signal, got {describe(v)}")

    def _pattern_signal(self, v: Text | Pat, path: str, pos: A.Pos) -> Sig | Err:
        if isinstance(v, Pat) and v.control and not v.sound:
            return self.report.error(pos, f"the per-event control pattern '{v.source}' makes no sound",
                                     "add a sound (... # s \"bd\") or, for an effect, chain a signal "
                                     "into it (x # lpf 800)")
        if isinstance(v, Pat) and v.control:
            spec = self.graph.node_spec("s", pos)
            if spec is None or spec.event_param is None:
                raise Stop
            ev = Events(spec.name, spec.event_param.name, v.pattern, v.source, pos, self.graph.owner,
                        path, buses=v.buses, samples=v.samples, orbits=v.orbits,
                        orbit_all=v.orbit_all, merged=v.merged)
            return self.materialise(ev)
        p = self.as_pattern(v, pos, "pattern")
        if isinstance(p, Err):
            return p
        src = v.text if isinstance(v, Text) else v.source
        return Sig(Edge(self.graph.make_node("sig", path, pos, params=[PatternArg(p, src)])))

    def materialise(self, ev: Events) -> Sig | Err:
        """The node of a pending event node, created on first use."""
        if ev.node_id is None:
            if ev.merged and self.control_report is not None:
                self.control_report.check(ev.merged, self.receivers(ev))
            if ev.orbits and ev.kind == "s" and self.orbit_player is not None:
                return self.orbit_player.play(ev)
            if ev.buses and ev.kind == "s":
                return self.bus_player.play_buses(ev)
            ev.node_id = self.graph.event_node(ev)
        return Sig(Edge(ev.node_id))

    def receivers(self, ev: Events) -> list[str]:
        """The kinds of node an event pattern's events reach: the sampler for its sample
        names, the node (or poly) of each bus it plays, or the event node itself."""
        if ev.kind != "s":
            return [ev.kind]
        kinds = ["s"] if ev.samples else []
        return kinds + [self.bus_player.target_kind(b) for b in sorted(ev.buses)]

    def param_arg(self, v: Value, param: Param, node: str, path: str, pos: A.Pos) -> Any:
        """Convert a value into an IR argument for `param`, checking its kind."""
        if isinstance(v, Err):
            return v
        if param.kind == "text":
            if isinstance(v, Text):
                return Const(v.text)
            return self.report.error(pos, f"{node}: {param.name} expects a text string in double "
                                          f"quotes, got {describe(v)}")
        if param.kind == "any":
            if isinstance(v, Num):
                return Const(v.value)
            if isinstance(v, Text):
                return Const(v.text)
            return self.report.error(pos, f"{node}: {param.name} expects a number or a string, "
                                          f"got {describe(v)}")
        if param.kind == "events":
            return self._events_arg(v, param, node, pos)
        return self._number_arg(v, param, node, path, pos)

    def _events_arg(self, v: Value, param: Param, node: str, pos: A.Pos) -> Any:
        if isinstance(v, (Text, Pat, Num)):
            p = self.as_pattern(v, pos, node)
            if isinstance(p, Err):
                return p
            return PatternArg(p, v.text if isinstance(v, Text) else getattr(v, "source", ""))
        return self.report.error(pos, f"{node}: {param.name} expects a pattern (a string like "
                                      f"\"bd sn\"), got {describe(v)}")

    def _number_arg(self, v: Value, param: Param, node: str, path: str, pos: A.Pos) -> Any:
        if isinstance(v, Num):
            return Const(v.value)
        if isinstance(v, Text):
            p = self.mini(v)
            if isinstance(p, Err):
                return p
            bad = self.report.guard(pos, node, lambda: self.patterns.non_numeric(p, v.text))
            if bad is not None and not isinstance(bad, Err):
                return self.report.error(
                    pos, f"{node}: {param.name} expects numbers, but \"{v.text}\" holds {bad!r}",
                    "number patterns hold numbers or note names, like \"300 800\" or \"c3 e3\"")
            return PatternArg(p, v.text)
        if isinstance(v, Pat) and not v.control:
            return PatternArg(v.pattern, v.source)
        if isinstance(v, Pat) and not v.sound and _is_pitch_pattern(v.pattern):
            return PatternArg(v.pattern.fmap(_pitch_hz), v.source)
        if isinstance(v, (Sig, Events)):
            return self.as_signal(v, path, pos).edge
        return self.report.error(pos, f"{node}: {param.name} expects a number, pattern or signal, "
                                      f"got {describe(v)}")


_PITCH_KEYS = ({"n"}, {"note"}, {"note", "freq"}, {"n", "freq"})


def _is_pitch_pattern(pattern: Any) -> bool:
    """Does this control pattern hold only `n` or only `note` values (`n "0 4 7"`)?"""
    try:
        evs = pattern.query(0, 1)
    except Exception:  # noqa: BLE001 - a broken pattern is reported where it is used
        return False
    return bool(evs) and all(isinstance(e.value, dict) and set(e.value) in _PITCH_KEYS for e in evs)


def _pitch_hz(value: Any) -> Any:
    """The frequency of an `n`/`note` value: note 0 is middle C (c4, 261.63 Hz)."""
    if "freq" in value:
        return value["freq"]
    v = value.get("note", value.get("n"))
    try:
        return 261.6255653005986 * 2.0 ** (float(v) / 12.0)
    except (TypeError, ValueError):
        return v

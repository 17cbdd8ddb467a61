"""What an expression evaluates to during compilation (before it becomes IR)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Union

from .ast import Pos
from .ir import Edge


@dataclass
class Num:
    """A number known at compile time."""

    value: float
    pos: Optional[Pos] = None


@dataclass
class Text:
    """A string literal; becomes a mini-notation pattern or a text argument depending on use."""

    text: str
    pos: Optional[Pos] = None
    pattern: Any = None          # cached mini(text)


@dataclass
class Pat:
    """A pattern (from arithmetic or transforms of literals); `control` for control maps."""

    pattern: Any
    source: str
    pos: Optional[Pos] = None
    control: bool = False
    sound: bool = False          # a control pattern that names a sound (`s`/`sound`)
    buses: frozenset = frozenset()   # buses its `s` values may name (`s "~lead*4"`), statically
    samples: bool = True         # its `s` values may name samples (not only buses)
    orbits: Optional[frozenset] = None   # the `orbit` values its events may carry (statically)
    orbit_all: bool = False      # every event carries `orbit` (it was merged with `#`)
    merged: tuple = ()           # (control name, position) of every control merged into it


@dataclass
class Events:
    """A pending event-driven node (`s "bd*4"`): `# control` merges and `$ f` transforms its
    pattern until it is used as a signal, which creates the node once (`node_id`)."""

    kind: str                    # canonical node name
    param: str                   # its events parameter
    pattern: Any
    source: str
    pos: Pos
    owner: str                   # id owner and path the node will get
    path: str
    params: dict = field(default_factory=dict)
    inputs: list = field(default_factory=list)
    node_id: Optional[str] = None
    shared: bool = False         # the value of a bus: derived values get their own node
    control: bool = True         # its pattern holds control maps (`s`), so `# gain` can merge
    buses: frozenset = frozenset()   # `s` only: buses its values may name (played as instruments)
    samples: bool = True         # `s` only: its values may name samples
    orbits: Optional[frozenset] = None   # the `orbit` values its events may carry (statically)
    orbit_all: bool = False      # every event carries `orbit` (it was merged with `#`)
    merged: tuple = ()           # (control name, position) of every control merged into it


@dataclass
class Sig:
    """A signal: another node's output."""

    edge: Edge
    pos: Optional[Pos] = None
    feedback_bus: str = ""       # set when this is a bus read while it is being compiled


def same(pattern: Any) -> Any:
    """The function that leaves a pattern as it is (the pattern part of an effect section)."""
    return pattern


@dataclass
class Effect:
    """The effect chain of a section `(# lpf 300 1)`: applied to a value, the value is chained
    into `stages` (AST expressions, `ops` the positions of their `#`) — everywhere when `gate`
    is None, else where the 0/1 pattern `gate` is 1 (`every 4 (# lpf 300 1)`: a switch)."""

    stages: tuple
    ops: tuple
    gate: Any = None


@dataclass
class Func:
    """A pattern function (`fast 2`, `every 3 (fast 2)`, `(# speed 2)`); with `effect`, the
    function is `fn` on the pattern and then that effect chain on the signal."""

    fn: Callable[[Any], Any]
    name: str
    pos: Optional[Pos] = None
    effect: Optional[Effect] = None


@dataclass
class ListV:
    items: list
    pos: Optional[Pos] = None


@dataclass
class Err:
    """Poison: an error was already reported for this value; suppresses follow-up errors."""

    pos: Optional[Pos] = None


Value = Union[Num, Text, Pat, Events, Sig, Func, ListV, Err]


def describe(v: Value) -> str:
    """How messages name a value's type ("a number", "a list", ...)."""
    return {
        Num: "a number", Text: "a string", Pat: "a pattern", Events: "an event pattern",
        Sig: "a signal", Func: "a function", ListV: "a list", Err: "an invalid value",
    }[type(v)]


def is_eventish(v: Value) -> bool:
    """Can per-event controls be merged into `v` (a control-map pattern)?"""
    return (isinstance(v, Events) and v.control) or (isinstance(v, Pat) and v.control)


def derived(ev: Events, pattern: Any, source: str, path: str, owner: str) -> Events:
    """A new pending event node with `pattern` (a transform or merge of `ev`'s): it keeps the
    original's id (owner and path) unless that one is a bus's node or already made, in which
    case it gets `owner` (the current one) and `path`."""
    if ev.shared or ev.node_id is not None:
        return Events(ev.kind, ev.param, pattern, source, ev.pos, owner, path,
                      dict(ev.params), list(ev.inputs), control=ev.control,
                      buses=ev.buses, samples=ev.samples, orbits=ev.orbits,
                      orbit_all=ev.orbit_all, merged=ev.merged)
    return Events(ev.kind, ev.param, pattern, source, ev.pos, ev.owner, ev.path,
                  dict(ev.params), list(ev.inputs), control=ev.control,
                  buses=ev.buses, samples=ev.samples, orbits=ev.orbits, orbit_all=ev.orbit_all,
                  merged=ev.merged)


def joined_merges(values: list) -> tuple:
    """The merged controls of a pattern combined from `values` (all of theirs)."""
    return tuple(m for v in values if isinstance(v, (Pat, Events)) for m in v.merged)


def joined_orbits(values: list) -> tuple[Optional[frozenset], bool]:
    """(orbits, orbit_all) of a pattern combined from `values`: the union of their orbit
    values; every event carries one only if every value's events do."""
    found = [v for v in values if isinstance(v, (Pat, Events))]
    known = [v.orbits for v in found if v.orbits is not None]
    if not known:
        return None, False
    return frozenset().union(*known), all(v.orbit_all for v in found)

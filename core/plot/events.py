"""The events a program plays, straight from the pattern engine, laid out as a roll or punchcard.

`program_events(graph, cycles)` queries every pattern argument of every node of a compiled
program over `[0, cycles)` and keeps each event with an onset there, with its exact `whole`
(Fraction cycles). `layout(events, "roll" | "punchcard")` turns them into rows and rectangles
(x = cycles, one row per sound/note of a bus, or one row per bus), which is what the figures
draw. No audio is rendered and nothing here imports matplotlib.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..lang.ir import GraphIR, PatternArg
from ..patterns.signals import seeded

NOTE_NAMES = ("c", "c#", "d", "d#", "e", "f", "f#", "g", "g#", "a", "a#", "b")
KINDS = ("roll", "punchcard")


@dataclass(frozen=True)
class RollEvent:
    """One event with an onset: where it comes from, its exact span and how loud it is."""

    bus: str                 # the bus (or output) whose expression holds the pattern
    node: str                # the node id
    param: str               # the node parameter the pattern drives
    label: str               # sound (`bd`, `sn:3`), note (`e4`) or `param=value`
    begin: Fraction          # whole.begin, cycles
    end: Fraction            # whole.end, cycles
    gain: float              # the event's `gain` control (1 when it has none)
    value: Any               # the event value as the pattern gave it
    pitch: float | None = None   # note number (0 = middle C) when the event has one


@dataclass(frozen=True)
class Layout:
    """Rows (bottom to top) and one rectangle per event: (begin, row index, end, gain), the
    begin and end being the event's whole in cycles (exact Fractions made float once)."""

    kind: str
    rows: list[str]
    rects: list[tuple[float, int, float, float]]
    events: list[RollEvent]
    cycles: Fraction


def note_name(note: float) -> str:
    """Note number (0 = middle C = c4) -> `c4`, `f#3`; a fractional note keeps its number."""
    if float(note) != int(note):
        return f"note {float(note):g}"
    midi = int(note) + 60
    return f"{NOTE_NAMES[midi % 12]}{midi // 12 - 1}"


def _label(param: str, value: Any) -> tuple[str, float, float | None]:
    """(row label, gain, pitch) of one event value."""
    if isinstance(value, dict):
        gain = float(value.get("gain", 1.0))
        sound = value.get("s", value.get("sound"))
        if sound is not None:
            n = value.get("n")
            return (f"{sound}:{n:g}" if isinstance(n, (int, float)) else str(sound)), gain, None
        if isinstance(value.get("note"), (int, float)):
            return note_name(value["note"]), gain, float(value["note"])
        if isinstance(value.get("n"), (int, float)):
            return note_name(value["n"]), gain, float(value["n"])
        return ", ".join(f"{k}={v}" for k, v in sorted(value.items())), gain, None
    if isinstance(value, (int, float, Fraction)):
        return f"{param}={float(value):g}", 1.0, None
    return f"{param}={value}", 1.0, None


def program_events(graph: GraphIR, cycles: Fraction | float | int, seed: int = 0) -> list[RollEvent]:
    """Every event with an onset in `[0, cycles)` of every pattern in `graph`, in bus order
    (the program's), then node order, then onset; random choices use `seed`'s stream (0:
    Strudel's, as a render with that seed plays them)."""
    with seeded(seed):
        return _program_events(graph, Fraction(cycles))


def _program_events(graph: GraphIR, end: Fraction) -> list[RollEvent]:
    order = {name: i for i, name in enumerate(graph.buses)}
    out: list[RollEvent] = []
    for n in graph.nodes.values():
        for param, arg in n.params.items():
            if not isinstance(arg, PatternArg) or not hasattr(arg.pattern, "query"):
                continue
            for ev in arg.pattern.query(Fraction(0), end):
                if ev.whole is None or not ev.has_onset() or not 0 <= ev.whole.begin < end:
                    continue
                label, gain, pitch = _label(param, ev.value)
                out.append(RollEvent(_bus_name(n.bus), n.id, param, label, ev.whole.begin,
                                     ev.whole.end, gain, ev.value, pitch))
    bus_rank = {b: order.get(b.lstrip("~"), len(order)) for b in {e.bus for e in out}}
    out.sort(key=lambda e: (bus_rank[e.bus], e.bus, e.node, e.param, e.begin, e.end, e.label))
    return out


def _bus_name(bus: str | None) -> str:
    """`~kick` for a bus, the output's name (`out`, `d1`) for an output's own patterns."""
    return bus or "out"


def _row_key(e: RollEvent) -> tuple:
    """Within a bus: notes by pitch, then sounds and parameter values by name and number."""
    if e.pitch is not None:
        return (0, e.pitch, e.label)
    if "=" in e.label:
        name, _, val = e.label.partition("=")
        try:
            return (2, name, float(val), "")
        except ValueError:
            return (2, name, float("inf"), val)
    return (1, e.label)


def layout(events: list[RollEvent], kind: str = "roll",
           cycles: Fraction | float | int | None = None) -> Layout:
    """Rows and rectangles for `roll` (one row per bus and sound/note, higher notes higher) or
    `punchcard` (one row per bus). Rows are listed bottom to top; the program's first bus is
    drawn at the top."""
    if kind not in KINDS:
        raise ValueError(f"layout kind must be one of {KINDS}, got {kind!r}")
    buses: list[str] = []
    for e in events:
        if e.bus not in buses:
            buses.append(e.bus)
    if kind == "punchcard":
        keys = [(b,) for b in buses]
        key_of = lambda e: (e.bus,)           # noqa: E731
        name_of = lambda k: k[0]              # noqa: E731
    else:
        per_bus = {b: sorted({_row_key(e): e.label for e in events if e.bus == b}.items())
                   for b in buses}
        # bottom to top: the last bus first; inside a bus low notes (and names from a) lowest
        keys = [(b, label) for b in reversed(buses) for _, label in per_bus[b]]
        key_of = lambda e: (e.bus, e.label)   # noqa: E731
        name_of = lambda k: f"{k[0]} {k[1]}"  # noqa: E731
    if kind == "punchcard":
        keys.reverse()                        # the first bus at the top
    index = {k: i for i, k in enumerate(keys)}
    rects = [(float(e.begin), index[key_of(e)], float(e.end), e.gain) for e in events]
    span = Fraction(cycles) if cycles is not None else max((e.end for e in events), default=Fraction(1))
    return Layout(kind, [name_of(k) for k in keys], rects, list(events), span)

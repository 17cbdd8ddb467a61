"""Names in mini-notation strings, read with the real parser (`phonon.patterns.mini`), and
the checks of the names an `s` string uses.

`sample_words('bd*4 [sn:3 ~ hh(3,8)] <cp ~lead>')` -> [("bd", 0), ("sn", 6), ("hh", 13), ("cp", 23)]
and `bus_words(...)` -> [("lead", 26)]. Every alternative counts (`<a b>`, `a | b`, `a?`), which
is what `phonon check` wants; rests and the arguments of operators (`*2`, `(3,8)`, `:3`, `%4`)
are not names. A string that does not parse names nothing here: turning it into a pattern
reports its error.
"""
from __future__ import annotations

from typing import Protocol

from ..errors import MiniNotationError
from ..patterns.mini import value_words
from ..patterns.notes import is_note_name
from ..patterns.values import parse_number
from . import ast as A
from .diagnostics import Reporter
from .support import suggest
from .values import Events, Pat, Text, Value

SAMPLE_CONTROLS = ("s", "sound")    # the controls (and node) whose strings name samples and buses


def _words(text: str) -> tuple[tuple[str, int], ...]:
    try:
        return value_words(text)
    except (MiniNotationError, RecursionError):
        return ()


def _is_sample_name(word: str) -> bool:
    """Words that read as numbers are values, not names, except whole numbers of three or more
    digits (`808`, `909`: Dirt-Samples folders)."""
    if word.startswith("~"):
        return False
    return parse_number(word) is None or (word.isdigit() and len(word) >= 3)


def sample_words(text: str) -> list[tuple[str, int]]:
    """(name, 0-based offset inside `text`) for each sample name in a mini-notation string."""
    return [(w, at) for w, at in _words(text) if _is_sample_name(w)]


def bus_words(text: str) -> list[tuple[str, int]]:
    """(bus name without `~`, 0-based offset of the `~`) for each `~bus` a string names:
    `bus_words('bd ~lead*2 ~')` -> [("lead", 3)]. A lone `~` is a rest, not a bus."""
    return [(w[1:], at) for w, at in _words(text) if w.startswith("~") and len(w) > 1]


def has_note_names(text: str) -> bool:
    """Does a mini-notation string name notes (`"c3 e3 g3"`)?"""
    return any(is_note_name(w) for w, _ in _words(text))


def sound_words(v: Value) -> tuple[frozenset, bool]:
    """(buses named, whether samples are named) by the value of an `s` control."""
    if isinstance(v, Text):
        return frozenset(b for b, _ in bus_words(v.text)), bool(sample_words(v.text))
    if isinstance(v, (Pat, Events)):
        return v.buses, v.samples
    return frozenset(), True


class BusNames(Protocol):
    """The buses of the program being compiled, as name checks need them."""

    def bus_names(self) -> list[str]: ...
    def is_bus(self, name: str) -> bool: ...            # defined, or defined with errors


class SoundNames:
    """Checks the names an `s` string uses: samples against `known` (None: any name; every
    name is collected into `found`), buses against the program's buses."""

    def __init__(self, report: Reporter, buses: BusNames, known: set[str] | None,
                 found: set[str]) -> None:
        self.report = report
        self.buses = buses
        self.known = known
        self.found = found

    def collect_samples(self, t: Text) -> None:
        for word, offset in sample_words(t.text):
            if self.known is not None and word not in self.known:
                pos = A.Pos(t.pos.line, t.pos.col + 1 + offset)
                self.report.error(pos, f"unknown sample '{word}'", suggest(word, sorted(self.known)))
            else:
                self.found.add(word)

    def check_bus_words(self, t: Text) -> None:
        """Every `~bus` named in an `s` string must be defined (error at its column)."""
        for name, offset in bus_words(t.text):
            if not self.buses.is_bus(name):
                pos = A.Pos(t.pos.line, t.pos.col + 1 + offset)
                self.report.error(pos, f"unknown bus '~{name}'",
                                  suggest(name, self.buses.bus_names(), prefix="~")
                                  or f"define it on its own line: ~{name}: ...")

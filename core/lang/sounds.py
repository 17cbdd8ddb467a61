"""Names in mini-notation strings, read with the real parser (`phonon.patterns.mini`).

`sample_words('bd*4 [sn:3 ~ hh(3,8)] <cp ~lead>')` -> [("bd", 0), ("sn", 6), ("hh", 13), ("cp", 23)]
and `bus_words(...)` -> [("lead", 26)]. Every alternative counts (`<a b>`, `a | b`, `a?`), which
is what `phonon check` wants; rests and the arguments of operators (`*2`, `(3,8)`, `:3`, `%4`)
are not names. A string that does not parse names nothing here: turning it into a pattern
reports its error.
"""
from __future__ import annotations

from ..errors import MiniNotationError
from ..patterns.mini import value_words
from ..patterns.notes import is_note_name
from ..patterns.values import parse_number


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

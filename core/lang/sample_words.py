"""Sample names referenced by a mini-notation string, found statically (no pattern query).

`sample_words('bd*4 [sn:3 ~ hh(3,8)] <cp ~lead>')` -> [("bd", 0), ("sn", 6), ("hh", 13), ("cp", 23)].
Every alternative counts (`<a b>`, `a | b`, `a?`), which is what `phonon check` wants.
Numbers after `* / @ ! ? % :` and inside `( )` (Euclid arguments) are not names, nor are `~` rests
and `~bus` references.
"""
from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]+)*")
_MODIFIERS = set("*/@!?%:~^.")


def sample_words(text: str) -> list[tuple[str, int]]:
    """(name, 0-based offset inside `text`) for each sample name in a mini-notation string."""
    out: list[tuple[str, int]] = []
    depth = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "(":
            depth += 1
            i += 1
            continue
        if c == ")":
            depth = max(0, depth - 1)
            i += 1
            continue
        m = _WORD.match(text, i)
        if not m:
            i += 1
            continue
        word = m.group()
        prev = text[i - 1] if i else " "
        if depth == 0 and prev not in _MODIFIERS and not _is_number(word):
            out.append((word, i))
        i = m.end()
    return out


def _is_number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return "." in word or word.isdigit() and len(word) < 3  # "808"/"909" are names, "4" is not


_BUS = re.compile(r"~([A-Za-z_][A-Za-z0-9_]*)")


def bus_words(text: str) -> list[tuple[str, int]]:
    """(bus name without `~`, 0-based offset of the `~`) for each `~bus` named in a string:
    `bus_words('bd ~lead*2 ~')` -> [("lead", 3)]. A lone `~` is a rest, not a bus."""
    return [(m.group(1), m.start()) for m in _BUS.finditer(text)
            if m.start() == 0 or not (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_")]


__all__ = ["sample_words", "bus_words"]

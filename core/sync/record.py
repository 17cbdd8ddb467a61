"""Record-to-pattern: notes played on a MIDI keyboard become mini-notation.

Each note's onset (the cycle position that was being heard when the key went down) is
quantised to the nearest step of a grid (`grid` steps per cycle); a note that rounds to the end
of the window belongs to the next one and is left out. Each cycle is written with the coarsest
grid that still holds every onset (`c3 e3` rather than `c3 ~ ~ ~ e3 ~ ~ ~`); notes on the same
step become a chord `[c3,e3,g3]`; several cycles become an alternation `<[...] [...]>`, which
plays them one per cycle. Names are Strudel's (`c4` = MIDI 60, sharps as `cs4`), so the result
can be pasted as `note "..."` (or into an instrument: `saw "..."`, `midi "..."`).
"""
from __future__ import annotations

from fractions import Fraction
from typing import Iterable

NAMES = ("c", "cs", "d", "ds", "e", "f", "fs", "g", "gs", "a", "as", "b")


def note_name(key: int) -> str:
    """MIDI key -> Strudel note name (60 -> c4, 61 -> cs4)."""
    return f"{NAMES[key % 12]}{key // 12 - 1}"


def _coarsest(steps: dict[int, list[int]], grid: int) -> int:
    """The largest divisor d of `grid` such that every onset step is a multiple of d."""
    for d in sorted((d for d in range(1, grid + 1) if grid % d == 0), reverse=True):
        if all(s % d == 0 for s in steps):
            return d
    return 1


def _cycle_text(steps: dict[int, list[int]], grid: int) -> str:
    if not steps:
        return "~"
    d = _coarsest(steps, grid)
    words = []
    for i in range(0, grid, d):
        keys = sorted(set(steps.get(i, [])))
        if not keys:
            words.append("~")
        elif len(keys) == 1:
            words.append(note_name(keys[0]))
        else:
            words.append("[" + ",".join(note_name(k) for k in keys) + "]")
    return " ".join(words)


def to_mini(notes: Iterable[tuple[Fraction | float, int]], first_cycle: int, cycles: int,
            grid: int = 16) -> str:
    """Mini-notation for `(cycle, key)` onsets in cycles [first_cycle, first_cycle + cycles),
    quantised to `grid` steps per cycle."""
    if cycles < 1 or grid < 1:
        raise ValueError("cycles and grid must be at least 1")
    per_cycle: list[dict[int, list[int]]] = [{} for _ in range(cycles)]
    for cycle, key in notes:
        step = round((Fraction(cycle) - first_cycle) * grid)
        if 0 <= step < cycles * grid:
            c, s = divmod(step, grid)
            per_cycle[c].setdefault(s, []).append(int(key))
    texts = [_cycle_text(steps, grid) for steps in per_cycle]
    if cycles == 1:
        return texts[0]
    return "<" + " ".join(t if t == "~" or " " not in t else f"[{t}]" for t in texts) + ">"

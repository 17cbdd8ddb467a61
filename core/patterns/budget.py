"""The event budget: one cycle of one pattern may make at most `EVENT_BUDGET` events.

Nothing in a pattern's shape bounds how many events a query makes (`s "bd*1e8"`, `fast 1e9`,
`ply 1e8`), so the work is counted lazily while a query runs: every cycle fragment the pattern
machinery visits (`TimeSpan.span_cycles`, the one loop every discrete event comes from) and
every pair an `app_both` compares spends one unit, and a query that spends more than
`EVENT_BUDGET` units per cycle it asks for stops with `EventBudgetError` — after a bounded
amount of work and memory, whatever the pattern.

The budget belongs to the outermost query (`budgeted`): queries made while it runs (the
inner patterns of a transform) spend from it. Outside a budgeted query nothing is counted
(a pattern used directly from Python, as in tests, is unbounded as before). The counter is
per thread: the live reload thread and the audio thread never share one.
"""
from __future__ import annotations

import threading
from typing import Any, Callable

#: events (cycle fragments visited) one cycle of one pattern may make
EVENT_BUDGET = 10_000
#: the largest count a transform accepts (`iter`, `chop`, `striate`, euclid steps, `!`, ...):
#: a count builds a list of that many steps or patterns before any query
MAX_COUNT = EVENT_BUDGET


class EventBudgetError(ValueError):
    """A query made more than `EVENT_BUDGET` events per cycle."""

    def __init__(self, cycles: int) -> None:
        self.cycles = cycles
        super().__init__(f"more than {EVENT_BUDGET} events in one cycle" if cycles == 1 else
                         f"more than {EVENT_BUDGET} events per cycle")


class _State(threading.local):
    left: int | None = None        # units left in the running budgeted query (None: none runs)
    cycles: int = 1


_state = _State()


def spend(units: int) -> None:
    """Count `units` of work against the running budgeted query (if any)."""
    s = _state
    left = s.left
    if left is None:
        return
    left -= units
    s.left = left
    if left < 0:
        raise EventBudgetError(s.cycles)


def budgeted(query: Callable[[Any], list], span: Any) -> list:
    """`query(span)` under a budget of `EVENT_BUDGET` per cycle of `span` (at least one cycle);
    inside another budgeted query it spends from that one's budget instead."""
    s = _state
    if s.left is not None:
        return query(span)
    length = span.end - span.begin
    cycles = max(1, -(-length.numerator // length.denominator))
    s.left, s.cycles = EVENT_BUDGET * cycles, cycles
    try:
        return query(span)
    finally:
        s.left = None


def check_count(n: int | float, what: str = "count") -> int | float:
    """`n` if its size is at most `MAX_COUNT`, else ValueError naming `what`."""
    if not -MAX_COUNT <= n <= MAX_COUNT:
        shown = f"{n:g}" if isinstance(n, float) else str(n)
        raise ValueError(f"{what} {shown} is too large (at most {MAX_COUNT})")
    return n

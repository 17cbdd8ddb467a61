"""Cheap per-block access to a pattern's onsets: query whole cycles once, then slice.

The audio engine asks for the onsets in every block (~0.01-0.05 cycles). `CycleCache` queries
the pattern one whole cycle at a time, keeps a few recent cycles, and answers a block's window
with two binary searches, so a block costs a few microseconds whatever the pattern.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict
from fractions import Fraction
from typing import Any

from .budget import budgeted
from .pattern import Pattern
from .signals import get_seed
from .timespan import Event, TimeSpan, to_time

_NOTHING = object()


def _by_onset(e: Event) -> tuple[float, Fraction]:
    """Sort key of an event by its onset, exact: floats are correctly rounded (so a float
    order is the Fraction order), the Fraction breaks a tie of equal floats."""
    t = e.whole.begin
    return (t.numerator / t.denominator, t)


#: periodic patterns repeating within this many cycles are queried once per cycle of their
#: period; later cycles are shifted copies (`CycleCache`, and event streams' onsets)
MAX_PERIOD = 64


def whole_period(pattern: Pattern, most: int = MAX_PERIOD) -> int | None:
    """A whole number of cycles after which `pattern` repeats, at most `most`, else None: the
    numerator of its period (`"hh*16"` repeats every 1/16 cycle, so every cycle; a period of
    3/2 cycles makes 3)."""
    p = pattern.period
    if p is None or p <= 0 or p.numerator > most:
        return None
    return p.numerator


class _Cycle:
    __slots__ = ("events", "times", "ftimes")

    def __init__(self, events: list[Event]) -> None:
        self.events = events
        self.times = [e.whole.begin for e in events]
        self.ftimes = [t.numerator / t.denominator for t in self.times]   # (= float(t))

    def index(self, t: Fraction, ft: float) -> int:
        """First index whose onset is >= t.

        Floats are correctly rounded, so a float comparison is exact except between equal
        floats; only those (rare) neighbours are compared as Fractions.
        """
        ftimes = self.ftimes
        i = bisect_left(ftimes, ft)
        n = len(ftimes)
        while i < n and ftimes[i] == ft and self.times[i] < t:
            i += 1
        return i


class CycleCache:
    """Onsets of `pattern`, computed one cycle at a time and cached (at most `max_cycles`).

    - `onsets(begin, end)`: events whose `whole.begin` is in [begin, end), sorted by onset.
    - `value_at(t)`: sample-and-hold value for stepped controls: the value of the latest onset
      at or before `t` (simultaneous onsets: the last one listed wins); for a continuous pattern
      (no onsets) the pattern's value sampled at `t`; None when no onset occurred in the
      `lookback_cycles` cycles before `t` (patterns extend to negative time, so at t = 0 the
      value held from cycle -1 is used).
    - `changes(begin, end)`: `(time, value)` for each onset in [begin, end) whose value differs
      from the value held just before it (i.e. the points where a stepped control changes).
    """

    def __init__(self, pattern: Pattern, max_cycles: int = 8, lookback_cycles: int = 4,
                 max_period: int = MAX_PERIOD) -> None:
        self.pattern = pattern
        self.max_cycles = max(2, max_cycles)
        self.lookback_cycles = min(lookback_cycles, self.max_cycles - 1)
        self._cycles: OrderedDict[int, _Cycle] = OrderedDict()
        self._last_c: int | None = None  # the most recently used cycle, for a fast path
        self._last: _Cycle | None = None
        self.queries = 0  # number of pattern queries made (for tests and benchmarks)
        # A periodic pattern (pattern.period known, at most `max_period` cycles) is queried once
        # per cycle of its period; later cycles are shifted copies.
        self.period: int | None = whole_period(pattern, max_period)
        self._base: dict[int, _Cycle] = {}

    def _cycle(self, c: int) -> _Cycle:
        cyc = self._cycles.get(c)
        if cyc is None:
            cyc = self._compute(c)
            self._cycles[c] = cyc
            if len(self._cycles) > self.max_cycles:
                self._cycles.popitem(last=False)
        self._last_c, self._last = c, cyc
        return cyc

    def _compute(self, c: int) -> _Cycle:
        """The onsets of cycle c: shifted from the base cycle when the pattern is periodic."""
        p = self.period
        if p is not None:
            base = c % p
            src = self._base.get(base)
            if src is None:
                src = self._base[base] = self._query_cycle(base)
            if base == c or not src.events:
                return src
            d = c - base
            return _Cycle([Event(TimeSpan(e.whole.begin + d, e.whole.end + d),
                                 TimeSpan(e.part.begin + d, e.part.end + d), e.value) for e in src.events])
        return self._query_cycle(c)

    def _query_cycle(self, c: int) -> _Cycle:
        begin, end = Fraction(c), Fraction(c + 1)
        self.queries += 1
        probed = self.pattern.probed        # the compile-time probe's, default seed only
        found = probed.pop(c, None) if probed is not None and get_seed() == 0 else None
        if found is None:
            found = budgeted(self.pattern._query, TimeSpan(begin, end))
        # onsets in cycle c: the whole begins with the part (often the same object) and lies
        # in [c, c + 1) (its floor is c: integers, no Fraction comparison)
        evs = [e for e in found if e.whole is not None
               and ((wb := e.whole.begin) is (pb := e.part.begin) or wb == pb)
               and wb.numerator // wb.denominator == c]
        evs.sort(key=_by_onset)               # stable: keeps the pattern's order for ties
        return _Cycle(evs)

    def clear(self) -> None:
        """Forget cached cycles (e.g. after the pattern object was replaced)."""
        self._cycles.clear()
        self._base.clear()
        self._last_c, self._last = None, None

    def onsets(self, begin: Any, end: Any) -> list[Event]:
        """Events with onset in [begin, end), sorted by onset."""
        b = begin if type(begin) is Fraction else to_time(begin)
        e = end if type(end) is Fraction else to_time(end)
        bn, bd = b.numerator, b.denominator
        c0 = bn // bd
        en, ed = e.numerator, e.denominator
        c1 = -((-en) // ed)  # ceil(e)
        if c1 - c0 == 1:  # the usual case: the block lies inside one cycle
            cyc = self._last if self._last_c == c0 else self._cycle(c0)
            if not cyc.events:
                return []
            ftimes = cyc.ftimes
            fb, fe = bn / bd, en / ed
            if ftimes[-1] < fb or ftimes[0] > fe:
                return []
            return cyc.events[cyc.index(b, fb):cyc.index(e, fe)]
        if e <= b:
            return []
        fb, fe = bn / bd, en / ed
        out: list[Event] = []
        for c in range(c0, c1):
            cyc = self._cycle(c)
            lo = cyc.index(b, fb) if c == c0 else 0
            hi = cyc.index(e, fe) if c == c1 - 1 else len(cyc.events)
            out.extend(cyc.events[lo:hi])
        return out

    def _held(self, t: Fraction, inclusive: bool) -> Any:
        c = t.numerator // t.denominator
        for cc in range(c, c - self.lookback_cycles - 1, -1):
            cyc = self._cycle(cc)
            if not cyc.events:
                continue
            i = len(cyc.events) if cc < c else cyc.index(t, float(t))
            if inclusive and cc == c:
                while i < len(cyc.events) and cyc.times[i] == t:
                    i += 1
            if i > 0:
                return cyc.events[i - 1].value
        return _NOTHING

    def value_at(self, t: Any) -> Any:
        """The stepped (sample-and-hold) value at time `t`; see the class docstring."""
        t = to_time(t)
        v = self._held(t, inclusive=True)
        if v is not _NOTHING:
            return v
        evs = budgeted(self.pattern._query, TimeSpan(t, t))
        return evs[-1].value if evs else None

    def changes(self, begin: Any, end: Any) -> list[tuple[Fraction, Any]]:
        """`(time, value)` where the stepped value changes within [begin, end)."""
        b = to_time(begin)
        prev = self._held(b, inclusive=False)
        out = []
        evs = self.onsets(b, end)
        for i, ev in enumerate(evs):
            if i + 1 < len(evs) and evs[i + 1].whole.begin == ev.whole.begin:
                continue  # simultaneous onsets: the last one wins
            if prev is _NOTHING or ev.value != prev:
                out.append((ev.whole.begin, ev.value))
            prev = ev.value
        return out



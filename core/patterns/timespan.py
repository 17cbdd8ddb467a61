"""Exact time for patterns: `TimeSpan` (a half-open arc of cycles) and `Event` (Tidal's Hap).

Time is measured in cycles as `fractions.Fraction`. An event has a `whole` (the span of the
complete event, `None` for continuous signals) and a `part` (the fragment of it that a query
returned). An event *has an onset* in a query when its part starts where its whole starts.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Callable

from .budget import spend

Time = Fraction

_new = object.__new__
_gcd = math.gcd


def ratio(n: int, d: int) -> Fraction:
    """`Fraction(n, d)` for ints with `d > 0`, made without `Fraction`'s checks and parsing
    (3x faster: the pattern engine's hottest constructor). Relies on `Fraction` keeping its
    value in the `_numerator`/`_denominator` slots, as CPython's has since 3.0;
    tests/patterns/test_steps.py holds it to `Fraction`'s own results."""
    g = _gcd(n, d)
    f = _new(Fraction)
    if g == 1:
        f._numerator, f._denominator = n, d
    else:
        f._numerator, f._denominator = n // g, d // g
    return f


def int_time(n: int) -> Fraction:
    """`Fraction(n)` for an int `n` (see `ratio`)."""
    f = _new(Fraction)
    f._numerator, f._denominator = n, 1
    return f


def shifted(t: Fraction, k: int) -> Fraction:
    """`t + k` for an int `k` (see `ratio`; no gcd: adding an integer keeps `t` reduced)."""
    f = _new(Fraction)
    d = t.denominator
    f._numerator, f._denominator = t.numerator + k * d, d
    return f


def added(t: Fraction, n: int, d: int) -> Fraction:
    """`t + n/d` for ints, d > 0 (see `ratio`)."""
    td = t.denominator
    return ratio(t.numerator * d + n * td, td * d)


def moved(t: Fraction, c: int, n: int, d: int) -> Fraction:
    """`c + (t - c) * n/d` for ints, d > 0 (see `ratio`): t's place in cycle c, scaled."""
    td = t.denominator
    return ratio(c * td * d + (t.numerator - c * td) * n, td * d)


def scaled_span(span: "TimeSpan", n: int, d: int) -> "TimeSpan":
    """`span` with both ends multiplied by n/d (ints, d > 0, n > 0; see `ratio`)."""
    b, e = span.begin, span.end
    return TimeSpan(ratio(b.numerator * n, b.denominator * d),
                    ratio(e.numerator * n, e.denominator * d))


# Floats are turned into the simplest fraction that rounds to them (so 0.1 -> 1/10, as
# Strudel's fraction.js does), not into their exact binary value.
_FLOAT_DENOMINATOR_LIMIT = 1 << 40


def to_time(x: Any) -> Fraction:
    """Convert a number (int, float, Fraction, numeric str) into an exact time in cycles."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, bool):
        return Fraction(int(x))
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, float):
        if x.is_integer():
            return Fraction(int(x))
        if not math.isfinite(x):
            raise ValueError(f"time must be finite, got {x!r}")
        return Fraction(repr(x)).limit_denominator(_FLOAT_DENOMINATOR_LIMIT)
    if isinstance(x, str):
        try:
            return to_time(float(x)) if any(c in x for c in ".eE") else Fraction(x)
        except ValueError:
            raise ValueError(f"expected a number of cycles, got {x!r}") from None
    try:
        return to_time(float(x))
    except (TypeError, ValueError):
        raise TypeError(f"expected a number of cycles, got {x!r}") from None


def sam(t: Fraction) -> Fraction:
    """The start of the cycle containing `t`."""
    return int_time(t.numerator // t.denominator)


class TimeSpan:
    """A half-open span of time `[begin, end)` in cycles."""

    __slots__ = ("begin", "end")

    def __init__(self, begin: Any, end: Any) -> None:
        self.begin = begin if type(begin) is Fraction else to_time(begin)
        self.end = end if type(end) is Fraction else to_time(end)

    # -- cycles -------------------------------------------------------------------------
    def span_cycles(self) -> list["TimeSpan"]:
        """Split at cycle boundaries (a zero-width span is returned as is). Every fragment
        counts against the event budget of the running query (`budget.spend`)."""
        begin, end = self.begin, self.end
        # integer arithmetic on the (normalised) fractions: a Fraction comparison costs more
        # than the rest of a one-cycle query
        bn, bd, en, ed = begin.numerator, begin.denominator, end.numerator, end.denominator
        if bn == en and bd == ed:
            return [self]
        spans: list[TimeSpan] = []
        end_sam = en // ed
        cycle = bn // bd
        spend(end_sam - cycle + (ed != 1))                               # budget
        if en * bd <= bn * ed:                                           # end <= begin
            return spans
        while True:
            if cycle == end_sam:
                spans.append(TimeSpan(begin, end))
                break
            cycle += 1
            nxt = int_time(cycle)
            spans.append(TimeSpan(begin, nxt))
            begin = nxt
            if en <= cycle * ed:                                         # end <= begin
                break
        return spans

    @property
    def duration(self) -> Fraction:
        return self.end - self.begin

    def with_time(self, func: Callable[[Fraction], Fraction]) -> "TimeSpan":
        return TimeSpan(func(self.begin), func(self.end))

    def with_cycle(self, func: Callable[[Fraction], Fraction]) -> "TimeSpan":
        """Like with_time, with times relative to the cycle of `begin`."""
        s = sam(self.begin)
        return TimeSpan(s + func(self.begin - s), s + func(self.end - s))

    def cycle_arc(self) -> "TimeSpan":
        b = self.begin - sam(self.begin)
        return TimeSpan(b, b + self.duration)

    def intersection(self, other: "TimeSpan") -> "TimeSpan | None":
        """The overlap, or None; a point overlap at the end of a non-empty span is none."""
        b = self.begin if self.begin > other.begin else other.begin
        e = self.end if self.end < other.end else other.end
        if b > e:
            return None
        if b == e:
            if b == self.end and self.begin < self.end:
                return None
            if b == other.end and other.begin < other.end:
                return None
        return TimeSpan(b, e)

    def intersection_e(self, other: "TimeSpan") -> "TimeSpan":
        result = self.intersection(other)
        if result is None:
            raise ValueError("TimeSpans do not intersect")
        return result

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TimeSpan) and self.begin == other.begin and self.end == other.end

    def __hash__(self) -> int:
        return hash((self.begin, self.end))

    def __repr__(self) -> str:
        return f"TimeSpan({self.begin}, {self.end})"


class Event:
    """One event: `whole` (None for continuous values), `part` and `value`."""

    __slots__ = ("whole", "part", "value")

    def __init__(self, whole: TimeSpan | None, part: TimeSpan, value: Any) -> None:
        self.whole = whole
        self.part = part
        self.value = value

    def has_onset(self) -> bool:
        """True when this fragment contains the start of the whole event."""
        return self.whole is not None and self.whole.begin == self.part.begin

    @property
    def onset(self) -> Fraction | None:
        return None if self.whole is None else self.whole.begin

    def whole_or_part(self) -> TimeSpan:
        return self.whole if self.whole is not None else self.part

    def with_span(self, func: Callable[[TimeSpan], TimeSpan]) -> "Event":
        """`func` applied to the part and the whole (one call when the whole is the part)."""
        whole, part = self.whole, self.part
        new_part = func(part)
        return Event(None if whole is None else new_part if whole is part else func(whole),
                     new_part, self.value)

    def with_value(self, func: Callable[[Any], Any]) -> "Event":
        return Event(self.whole, self.part, func(self.value))

    def span_equals(self, other: "Event") -> bool:
        return self.whole == other.whole and self.part == other.part

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Event) and self.whole == other.whole and self.part == other.part
                and self.value == other.value)

    def __hash__(self) -> int:
        return hash((self.whole, self.part))

    def __repr__(self) -> str:
        w = "~" if self.whole is None else f"{self.whole.begin}-{self.whole.end}"
        return f"Event({w} [{self.part.begin}-{self.part.end}] {self.value!r})"

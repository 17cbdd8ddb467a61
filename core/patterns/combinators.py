"""Combining patterns: in parallel (`stack`), one after another per cycle (`slowcat`/`cat`),
squeezed into one cycle (`fastcat`/`sequence`, `timecat` with weights)."""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Iterable

from .budget import MAX_COUNT
from .pattern import (REST, Pattern, cycle_steps, int_period, lcm_period, reify, silence,
                      steps, steps_per_cycle)
from .timespan import Event, TimeSpan, shifted, to_time


def _as_patterns(pats: Iterable[Any]) -> list[Pattern]:
    return [sequence(*p) if isinstance(p, list) else reify(p) for p in pats]


def stack(*pats: Any) -> Pattern:
    """Play patterns at the same time."""
    ps = _as_patterns(pats)
    queries = [p._query for p in ps]

    def q(span: TimeSpan) -> list[Event]:
        out: list[Event] = []
        for query in queries:
            out.extend(query(span))
        return out
    return Pattern(q, period=lcm_period(*[p.period for p in ps]))


def slowcat(*pats: Any) -> Pattern:
    """One pattern per cycle, in turn (each keeps its own cycle count)."""
    ps = [fastcat(*p) if isinstance(p, list) else reify(p) for p in pats]
    if not ps:
        return silence
    if len(ps) == 1:
        return ps[0]
    n = len(ps)

    def q(span: TimeSpan) -> list[Event]:
        begin = span.begin
        cycle = begin.numerator // begin.denominator
        pat = ps[cycle % n]
        offset = cycle - begin.numerator // (begin.denominator * n)    # cycle - floor(begin / n)
        if offset == 0:                  # (events are never changed in place: shared as they are)
            return pat._query(span)
        def back(s: TimeSpan) -> TimeSpan:
            return TimeSpan(shifted(s.begin, offset), shifted(s.end, offset))
        return [e.with_span(back) for e in
                pat._query(TimeSpan(shifted(begin, -offset), shifted(span.end, -offset)))]
    periods = [int_period(p.period) for p in ps]
    period = None if None in periods else Fraction(n * math.lcm(*periods))
    return Pattern(q, period=period).split_queries()


def slowcat_prime(*pats: Any) -> Pattern:
    """One pattern per cycle, in turn, each queried at the absolute cycle."""
    ps = [reify(p) for p in pats]
    n = len(ps)

    def q(span: TimeSpan) -> list[Event]:
        cycle = span.begin.numerator // span.begin.denominator
        return ps[cycle % n]._query(span)  # Python's % (Tidal); Strudel plays nothing before 0
    periods = [int_period(p.period) for p in ps]
    period = None if None in periods else Fraction(math.lcm(n, *periods))
    return Pattern(q, period=period).split_queries()


cat = slowcat


def fastcat(*pats: Any) -> Pattern:
    """All patterns squeezed into one cycle, one after the other."""
    if len(pats) <= 1:
        return slowcat(*pats)
    ps = [fastcat(*p) if isinstance(p, list) else reify(p) for p in pats]
    # "bd ~ sn ~" (values and rests), "[bd sn] [hh hh]", "bd*2 sn*2": steps of one length
    as_steps = _equal_steps([(Fraction(1), p) for p in ps])
    if as_steps is not None:
        return as_steps
    return slowcat(*ps)._fast(len(ps))


def _equal_steps(pairs: list[tuple[Fraction, Pattern]]) -> Pattern | None:
    """`timecat` of pieces that are all steps of one length (`"bd!3 sn"`: 3 steps of bd in 3
    quarters, sn in one) as one `steps` of their cycles' values, else None. The same events;
    a query of several cycles lists them in time order, as `fastcat`'s always were, instead of
    piece by piece."""
    pairs = [(w, p) for w, p in pairs if w != 0]
    if any(w < 0 for w, _ in pairs):
        return None
    counts = [1 if p is silence else steps_per_cycle(p) for _, p in pairs]
    if None in counts or sum(counts) > MAX_COUNT:
        return None
    if len({w / n for (w, _), n in zip(pairs, counts)}) != 1:     # steps of unequal lengths
        return None
    values = [v for _, p in pairs for v in ([REST] if p is silence else cycle_steps(p))]
    return steps(values, Fraction(len(values)))


def sequence(*pats: Any) -> Pattern:
    """Like fastcat; a list argument becomes a nested sequence."""
    return fastcat(*pats)


def timecat(*pairs: tuple[Any, Any]) -> Pattern:
    """Concatenate `(weight, pattern)` pairs into one cycle, each taking its weight's share."""
    pairs_ = [(to_time(w), reify(p)) for w, p in pairs]
    if not pairs_:
        return silence
    if len(pairs_) == 1:
        return pairs_[0][1]
    as_steps = _equal_steps(pairs_)
    if as_steps is not None:
        return as_steps
    total = sum((w for w, _ in pairs_), Fraction(0))
    begin = Fraction(0)
    parts = []
    for w, p in pairs_:
        if w == 0:
            continue
        end = begin + w
        parts.append(p._compress(begin / total, end / total))
        begin = end
    return stack(*parts)

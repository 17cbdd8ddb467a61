"""Combining patterns: in parallel (`stack`), one after another per cycle (`slowcat`/`cat`),
squeezed into one cycle (`fastcat`/`sequence`, `timecat` with weights)."""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Iterable

from .pattern import REST, Pattern, int_period, lcm_period, reify, silence, steps
from .timespan import Event, TimeSpan, to_time


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
        shifted = TimeSpan(begin - offset, span.end - offset)
        return [e.with_span(lambda s: TimeSpan(s.begin + offset, s.end + offset))
                for e in pat._query(shifted)]
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
    if all(p is silence or p.is_pure for p in ps):      # "bd ~ sn ~": values and rests
        return steps([REST if p is silence else p.pure_value for p in ps], Fraction(len(ps)))
    return slowcat(*ps)._fast(len(ps))


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

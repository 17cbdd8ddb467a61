"""The pattern algebra: a `Pattern` is a function from a query span to events (Tidal/Strudel).

Everything here is exact (`Fraction` cycles) and pure Python. Onsets come from `whole.begin`,
never from the query window, so results do not depend on how time is sliced.

Internal conventions: methods with a leading underscore take plain values (`_fast(2)`);
the patternable versions (`fast("<1 2>")`) live in `transforms/` (also reachable as methods,
`pat.every(3, f)`) and follow Strudel's `register` (see `patternify`).

This module imports nothing from the modules built on it (`mini.py`, `transforms/`, ...).
The two things it needs from above (the mini-notation parser that `reify` applies to strings,
and the transform table behind `pat.name(...)`) are handed to it once, by `attach`, which
`phonon.patterns` (the package's `__init__`) calls after importing them, as Strudel's
`setStringParser` does.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Callable, Mapping

from .arithmetic import (COMBINERS, compose_op, merge_values, num_add, num_div, num_mul, num_sub,
                         truthy)
from .budget import budgeted, spend
from .timespan import (Event, TimeSpan, added, int_time, moved, ratio, sam, scaled_span,
                       to_time)

_NOT_PURE = object()
Query = Callable[[TimeSpan], list]


def _unattached(text: str) -> "Pattern":
    raise RuntimeError("phonon.patterns.pattern is used without its mini-notation parser: "
                       "import phonon.patterns, which attaches it")


_read_mini: Callable[[str], "Pattern"] = _unattached     # set by attach()
_methods: Mapping[str, Any] = {}                          # set by attach()


def attach(read_mini: Callable[[str], "Pattern"], methods: Mapping[str, Any]) -> None:
    """Connect the algebra to the layers built on it (called once, by `phonon.patterns`).

    `read_mini(text)` is what `reify` does with a string (mini-notation); `methods` maps a name
    to a transform spec whose `fn(*args, pat)` is reachable as `pat.name(*args)`.
    """
    global _read_mini, _methods
    _read_mini, _methods = read_mini, methods


class Pattern:
    """A function from a time span to the events active in it."""

    __slots__ = ("_query", "_pure", "period", "probed", "_merged", "_steps")

    def __init__(self, query: Query, pure_value: Any = _NOT_PURE, period: Fraction | None = None) -> None:
        self._query = query
        self._pure = pure_value
        # `period`: cycles after which the pattern repeats exactly (shifted), or None if unknown
        # or aperiodic (randomness, signals). CycleCache uses it to query each cycle only once.
        self.period = period
        # `probed`: {cycle: events} the compile-time probe queried under the default seed
        # (`phonon.lang.probe`); `CycleCache` takes those cycles instead of querying them again
        self.probed: dict[int, list[Event]] | None = None
        # `_merged`: (left, dict) when this pattern is `left # pure(dict)` (see `app_left`)
        self._merged: tuple[Pattern, dict] | None = None
        # `_steps`: (values, factor) when this pattern is `steps(values, factor)` (its values
        # can be mapped without querying it: `control`, `# pure(map)` in `app_left`)
        self._steps: tuple[list, Fraction] | None = None

    # -- querying ------------------------------------------------------------------------
    def query(self, begin: Any, end: Any) -> list[Event]:
        """All event fragments active in `[begin, end)` (cycles; Fraction, int or float).
        Raises `budget.EventBudgetError` past the event budget (10,000 per cycle)."""
        return budgeted(self._query, TimeSpan(begin, end))

    def query_span(self, span: TimeSpan) -> list[Event]:
        return budgeted(self._query, span)

    def onsets(self, begin: Any, end: Any) -> list[Event]:
        """Events whose onset lies in `[begin, end)`, sorted by onset."""
        b, e = to_time(begin), to_time(end)
        evs = [ev for ev in budgeted(self._query, TimeSpan(b, e))
               if ev.has_onset() and b <= ev.whole.begin < e]
        evs.sort(key=lambda ev: (ev.whole.begin, ev.whole.end))
        return evs

    def first_cycle(self) -> list[Event]:
        return self.query(0, 1)

    @property
    def is_pure(self) -> bool:
        return self._pure is not _NOT_PURE

    @property
    def pure_value(self) -> Any:
        """The value of a `pure` pattern (check `is_pure` first)."""
        return self._pure

    # -- functor -------------------------------------------------------------------------
    def fmap(self, func: Callable[[Any], Any]) -> "Pattern":
        """Apply `func` to every value."""
        query = self._query
        return Pattern(lambda span: [Event(e.whole, e.part, func(e.value)) for e in query(span)],
                       period=self.period)

    with_value = fmap

    def with_query_span(self, func: Callable[[TimeSpan], TimeSpan | None]) -> "Pattern":
        query = self._query

        def q(span: TimeSpan) -> list[Event]:
            new = func(span)
            return [] if new is None else query(new)
        return Pattern(q)

    def with_query_time(self, func: Callable[[Fraction], Fraction]) -> "Pattern":
        query = self._query
        return Pattern(lambda span: query(TimeSpan(func(span.begin), func(span.end))))

    def with_event_span(self, func: Callable[[TimeSpan], TimeSpan]) -> "Pattern":
        query = self._query
        return Pattern(lambda span: [e.with_span(func) for e in query(span)])

    def with_event_time(self, func: Callable[[Fraction], Fraction]) -> "Pattern":
        return self.with_event_span(lambda s: TimeSpan(func(s.begin), func(s.end)))

    def with_events(self, func: Callable[[list[Event]], list[Event]]) -> "Pattern":
        query = self._query
        return Pattern(lambda span: func(query(span)), period=self.period)

    def with_event(self, func: Callable[[Event], Event]) -> "Pattern":
        query = self._query
        return Pattern(lambda span: [func(e) for e in query(span)], period=self.period)

    def _cyclic(self, source: "Pattern") -> "Pattern":
        """Set the period of a per-cycle transform of `source` (a whole number of cycles)."""
        p = int_period(source.period)
        self.period = None if p is None else Fraction(p)
        return self

    def split_queries(self) -> "Pattern":
        """Query one cycle at a time."""
        query = self._query

        def q(span: TimeSpan) -> list[Event]:
            out: list[Event] = []
            for sub in span.span_cycles():
                out.extend(query(sub))
            return out
        return Pattern(q, period=self.period)

    def filter_events(self, test: Callable[[Event], bool]) -> "Pattern":
        query = self._query
        return Pattern(lambda span: [e for e in query(span) if test(e)], period=self.period)

    def filter_values(self, test: Callable[[Any], bool]) -> "Pattern":
        """The events whose value passes `test` (a function of the value alone)."""
        if self._steps is not None:          # steps: a value that fails becomes a rest
            try:
                out = steps(*map_steps(self._steps, lambda v: v if test(v) else REST))
            except Exception:  # noqa: BLE001 - the general way fails when queried, as before
                out = None
            if out is not None:
                out.period = self.period
                return out
        query = self._query
        return Pattern(lambda span: [e for e in query(span) if test(e.value)], period=self.period)

    def remove_none(self) -> "Pattern":
        return self.filter_values(lambda v: v is not None)

    def onsets_only(self) -> "Pattern":
        return self.filter_events(Event.has_onset)

    def discrete_only(self) -> "Pattern":
        return self.filter_events(lambda e: e.whole is not None)

    # -- applicative ---------------------------------------------------------------------
    def app_both(self, other: "Pattern", func: Callable[[Any, Any], Any]) -> "Pattern":
        """Combine values of two patterns; structure from both (wholes intersect)."""
        qa, qb = self._query, other._query
        if other._pure is not _NOT_PURE:
            return Pattern(_with_pure_right(qa, other, func, True),
                           period=lcm_period(self.period, other.period))

        def q(span: TimeSpan) -> list[Event]:
            evs_b = qb(span)
            return _app_both_events(qa(span), evs_b, func)
        return Pattern(q, period=lcm_period(self.period, other.period))

    def app_left(self, other: "Pattern", func: Callable[[Any, Any], Any]) -> "Pattern":
        """Combine values; structure (wholes) from the left, like Tidal's `|+`."""
        qa, qb = self._query, other._query
        if other._pure is not _NOT_PURE:
            value = other._pure
            merge = func is merge_values and type(value) is dict
            if merge and self._merged is not None:
                # `x # gain 0.8 # pan 0.3` is `x # {gain: 0.8, pan: 0.3}`: the same events
                # (the union of maps is associative, right wins), one pass over them
                left, first = self._merged
                return left.app_left(pure(merge_values(first, value)), func)
            period = lcm_period(self.period, other.period)
            out = None
            if self._steps is None or self._steps[1].denominator == 1:
                # a pure value, or whole steps of a cycle each: every event meets exactly one
                # pure event, so its value is func(its value, value) whatever the query (see
                # _with_pure_right), computed once per distinct value
                out = self._mapped_once(lambda v: func(v, value))
            if out is None:
                out = Pattern(_with_pure_right(qa, other, func, False), period=period)
            else:
                out.period = period
            if merge:
                out._merged = (self, value)
            return out

        def q(span: TimeSpan) -> list[Event]:
            out = []
            for a in qa(span):
                _app_left_event(a, qb, func, out)
            return out
        return Pattern(q, period=lcm_period(self.period, other.period))

    def _mapped_once(self, func: Callable[[Any], Any]) -> "Pattern | None":
        """`fmap(func)` with `func` applied once per distinct value, when this pattern is pure
        or `steps` (values known without a query; `func` must depend on the value alone).
        None otherwise, or when `func` fails on a value: the general way then fails when
        queried, as it always did."""
        try:
            if self._pure is not _NOT_PURE:
                out = pure(func(self._pure))
            elif self._steps is not None:
                out = steps(*map_steps(self._steps, func))
            else:
                return None
        except Exception:  # noqa: BLE001 - see the doc
            return None
        out.period = self.period
        return out

    def app_right(self, other: "Pattern", func: Callable[[Any, Any], Any]) -> "Pattern":
        """Combine values; structure from the right, like Tidal's `+|`."""
        qa, qb = self._query, other._query
        if self._pure is not _NOT_PURE and (other._steps is None
                                            or other._steps[1].denominator == 1):
            # a pure left side: every right event inside one cycle meets exactly that cycle's
            # pure event (see _with_pure_right); a pure or whole-steps right side maps once
            value = self._pure
            out = other._mapped_once(lambda v: func(value, v))
            if out is not None:
                out.period = lcm_period(self.period, other.period)
                return out

        def q(span: TimeSpan) -> list[Event]:
            out = []
            for b in qb(span):
                for a in qa(b.whole_or_part()):
                    part = a.part.intersection(b.part)
                    if part is not None:
                        out.append(Event(b.whole, part, func(a.value, b.value)))
            return out
        return Pattern(q, period=lcm_period(self.period, other.period))

    # -- monad ---------------------------------------------------------------------------
    def _bind_whole(self, choose_whole: Callable, func: Callable[[Any], "Pattern"]) -> "Pattern":
        query = self._query

        def q(span: TimeSpan) -> list[Event]:
            out = []
            for a in query(span):
                for b in func(a.value)._query(a.part):
                    out.append(Event(choose_whole(a.whole, b.whole), b.part, b.value))
            return out
        return Pattern(q)

    def bind(self, func: Callable[[Any], "Pattern"]) -> "Pattern":
        """Flatten with wholes the intersection of outer and inner wholes."""
        return self._bind_whole(
            lambda a, b: None if a is None or b is None else a.intersection_e(b), func)

    def inner_bind(self, func: Callable[[Any], "Pattern"]) -> "Pattern":
        return self._bind_whole(lambda a, b: b, func)

    def outer_bind(self, func: Callable[[Any], "Pattern"]) -> "Pattern":
        return self._bind_whole(lambda a, b: a, func)

    def join(self) -> "Pattern":
        return self.bind(_identity)

    def inner_join(self) -> "Pattern":
        """Flatten a pattern of patterns; wholes come from the inner patterns."""
        return self.inner_bind(_identity)

    def outer_join(self) -> "Pattern":
        """Flatten a pattern of patterns; wholes come from the outer pattern."""
        return self.outer_bind(_identity)

    def squeeze_join(self) -> "Pattern":
        """Flatten by fitting a whole cycle of each inner pattern into its outer event."""
        query = self._query

        def q(span: TimeSpan) -> list[Event]:
            out = []
            for outer in query(span):
                if outer.whole is None:
                    continue
                inner_pat = outer.value._focus_span(outer.whole)
                for inner in inner_pat._query(outer.part):
                    whole = None
                    if inner.whole is not None:
                        whole = inner.whole.intersection(outer.whole)
                        if whole is None:
                            continue
                    part = inner.part.intersection(outer.part)
                    if part is None:
                        continue
                    out.append(Event(whole, part, inner.value))
            return out
        return Pattern(q)

    def squeeze_bind(self, func: Callable[[Any], "Pattern"]) -> "Pattern":
        return self.fmap(func).squeeze_join()

    # -- elementary time transforms (plain arguments) ------------------------------------
    def _fast(self, factor: Any) -> "Pattern":
        factor = to_time(factor)
        if factor == 0:
            return silence
        if factor < 0:
            return self._fast(-factor)._rev()
        if self._pure is not _NOT_PURE:
            return steps([self._pure], factor)
        if self._steps is not None:          # steps k times as fast: the same events
            values, old = self._steps
            return steps(values, old * factor)
        # with_query_time(t * factor).with_event_time(t / factor), in integer arithmetic (the
        # same Fractions, several times faster: every nested sequence is a `_fast`)
        num, den = factor.numerator, factor.denominator
        query = self._query

        def back(s: TimeSpan) -> TimeSpan:
            return scaled_span(s, den, num)

        def q(span: TimeSpan) -> list[Event]:
            return [e.with_span(back) for e in query(scaled_span(span, num, den))]
        return Pattern(q, period=None if self.period is None else self.period / factor)

    def _slow(self, factor: Any) -> "Pattern":
        factor = to_time(factor)
        if factor == 0:
            return silence
        return self._fast(1 / factor)

    def _early(self, offset: Any) -> "Pattern":
        offset = to_time(offset)
        if offset == 0:
            return self
        # with_query_time(t + offset).with_event_time(t - offset), in integer arithmetic
        on, od = offset.numerator, offset.denominator
        query = self._query

        def back(s: TimeSpan) -> TimeSpan:
            return TimeSpan(added(s.begin, -on, od), added(s.end, -on, od))

        def q(span: TimeSpan) -> list[Event]:
            return [e.with_span(back) for e in
                    query(TimeSpan(added(span.begin, on, od), added(span.end, on, od)))]
        return Pattern(q, period=self.period)

    def _late(self, offset: Any) -> "Pattern":
        return self._early(-to_time(offset))

    def _fast_gap(self, factor: Any) -> "Pattern":
        """Speed up but keep the cycle: events squashed into the start of each cycle."""
        factor = to_time(factor)
        if factor <= 0:
            return silence

        num, den = factor.numerator, factor.denominator
        # in integer arithmetic: a time t in cycle c moves to c + (t - c) * factor (queries)
        # or c + (t - c) / factor (events), at most to c + 1

        def qf(span: TimeSpan) -> TimeSpan | None:
            b, e = span.begin, span.end
            bn, bd, en, ed = b.numerator, b.denominator, e.numerator, e.denominator
            c = bn // bd
            if (bn - c * bd) * num >= bd * den:          # starts at or after c + 1
                return None
            return TimeSpan(moved(b, c, num, den), int_time(c + 1)
                            if (en - c * ed) * num >= ed * den else moved(e, c, num, den))

        def ef(ev: Event) -> Event:
            part, whole = ev.part, ev.whole
            begin, end = part.begin, part.end
            bn, bd, en, ed = begin.numerator, begin.denominator, end.numerator, end.denominator
            c = bn // bd
            b_over = (bn - c * bd) * den >= bd * num     # (begin - c) / factor >= 1
            e_over = (en - c * ed) * den >= ed * num
            nb = int_time(c + 1) if b_over else moved(begin, c, den, num)
            ne = int_time(c + 1) if e_over else moved(end, c, den, num)
            new_part = TimeSpan(nb, ne)
            if whole is None:
                return Event(None, new_part, ev.value)
            if whole is part and not (b_over or e_over):
                return Event(new_part, new_part, ev.value)
            # part.begin - (begin - whole.begin) / factor, unclamped: c + (whole.begin - c) / f
            wb = nb - (begin - whole.begin) / factor if b_over else moved(whole.begin, c, den, num)
            we = ne + (whole.end - end) / factor if e_over else moved(whole.end, c, den, num)
            return Event(TimeSpan(wb, we), new_part, ev.value)
        return self.with_query_span(qf).with_event(ef).split_queries()._cyclic(self)

    def _compress(self, b: Any, e: Any) -> "Pattern":
        """Squeeze each cycle into the span `[b, e)` of the cycle (0 <= b <= e <= 1)."""
        b, e = to_time(b), to_time(e)
        if b > e or b > 1 or e > 1 or b < 0 or e < 0:
            return silence
        if b == e:
            return silence
        return self._fast_gap(1 / (e - b))._late(b)

    def _focus(self, b: Any, e: Any) -> "Pattern":
        b, e = to_time(b), to_time(e)
        return self._early(sam(b))._fast(1 / (e - b))._late(b)

    def _focus_span(self, span: TimeSpan) -> "Pattern":
        return self._focus(span.begin, span.end)

    def _zoom(self, s: Any, e: Any) -> "Pattern":
        s, e = to_time(s), to_time(e)
        if s >= e:
            return silence
        d = e - s
        return (self.with_query_span(lambda span: span.with_cycle(lambda t: t * d + s))
                .with_event_span(lambda span: span.with_cycle(lambda t: (t - s) / d))
                .split_queries()._cyclic(self))

    def _rev(self) -> "Pattern":
        query = self._query

        def q(span: TimeSpan) -> list[Event]:
            cycle = sam(span.begin)
            nxt = cycle + 1

            def reflect(s: TimeSpan) -> TimeSpan:
                return TimeSpan(cycle + (nxt - s.end), cycle + (nxt - s.begin))
            return [e.with_span(reflect) for e in query(reflect(span))]
        return Pattern(q).split_queries()._cyclic(self)

    def _repeat_cycles(self, n: Any) -> "Pattern":
        n = to_time(n)
        if n <= 0:
            return silence
        if steps_per_cycle(self) is not None:   # `"x!3"`: repeating alike cycles changes nothing
            return self
        query = self._query

        def q(span: TimeSpan) -> list[Event]:
            cycle = sam(span.begin)
            source = sam(cycle / n)
            delta = cycle - source
            return [e.with_span(lambda s: TimeSpan(s.begin + delta, s.end + delta))
                    for e in query(TimeSpan(span.begin - delta, span.end - delta))]
        out = Pattern(q).split_queries()
        p = int_period(self.period)
        out.period = None if p is None or n.denominator != 1 else Fraction(p) * n
        return out

    def _segment(self, n: Any) -> "Pattern":
        return self.struct(pure(True)._fast(n))

    # -- structure -----------------------------------------------------------------------
    def struct(self, bools: Any) -> "Pattern":
        """Keep values from self where `bools` is true, with the structure of `bools`."""
        return self.app_right(reify(bools), lambda a, b: a if truthy(b) else None).remove_none()

    def mask(self, bools: Any) -> "Pattern":
        """Keep the parts of self where `bools` is true (structure from self)."""
        return self.app_left(reify(bools), lambda a, b: a if truthy(b) else None).remove_none()

    def __getattr__(self, name: str) -> Callable[..., "Pattern"]:
        """`pat.every(3, f)` is `TRANSFORMS["every"].fn(3, f, pat)` (the table given to `attach`)."""
        spec = _methods.get(name)
        if spec is None:
            raise AttributeError(f"'Pattern' object has no attribute or transform {name!r}")
        return lambda *args: spec.fn(*args, self)

    # -- operators -----------------------------------------------------------------------
    def merge(self, other: Any) -> "Pattern":
        """Tidal's `#` / `|>`: structure from self, values from `other` (dicts are unioned)."""
        return self.app_left(reify(other), merge_values)

    def combine(self, other: Any, op: str, structure: str = "left") -> "Pattern":
        """Tidal's operator family: `op` in + - * / % > < and structure left/right/both.

        `combine(b, "+")` is `|+`, `combine(b, "+", "right")` is `+|`, `combine(b, "+", "both")`
        is `|+|`; `>` takes values from the right (`#` is `combine(b, ">")`), `<` from the left
        (dicts are unioned either way).
        """
        try:
            func = COMBINERS[op]
        except KeyError:
            raise ValueError(f"unknown operator {op!r}; expected one of {' '.join(COMBINERS)}") from None
        other = reify(other)
        if structure == "left":
            return self.app_left(other, func)
        if structure == "right":
            return self.app_right(other, func)
        if structure == "both":
            return self.app_both(other, func)
        raise ValueError(f"structure must be left, right or both, got {structure!r}")

    def _op(self, other: Any, func: Callable[[Any, Any], Any]) -> "Pattern":
        return self.app_left(reify(other), lambda a, b: compose_op(a, b, func))

    def __add__(self, other: Any) -> "Pattern":
        return self._op(other, num_add)

    def __sub__(self, other: Any) -> "Pattern":
        return self._op(other, num_sub)

    def __mul__(self, other: Any) -> "Pattern":
        return self._op(other, num_mul)

    def __truediv__(self, other: Any) -> "Pattern":
        return self._op(other, num_div)

    def __radd__(self, other: Any) -> "Pattern":
        return reify(other)._op(self, num_add)

    def __rsub__(self, other: Any) -> "Pattern":
        return reify(other)._op(self, num_sub)

    def __rmul__(self, other: Any) -> "Pattern":
        return reify(other)._op(self, num_mul)

    def __rtruediv__(self, other: Any) -> "Pattern":
        return reify(other)._op(self, num_div)

    def __neg__(self) -> "Pattern":
        return self.fmap(lambda v: compose_op(v, -1, num_mul))

    def __repr__(self) -> str:
        try:
            evs = self.query(0, 1)
        except Exception as e:  # noqa: BLE001 - a repr must not raise
            return f"<Pattern (query failed: {e})>"
        shown = " ".join(f"{e.whole.begin if e.whole else '~'}:{e.value!r}" for e in evs[:8])
        return f"<Pattern {shown}{' ...' if len(evs) > 8 else ''}>"

    # Convenience aliases used by other modules (plain or patterned arguments).
    def fast(self, factor: Any) -> "Pattern":
        return patternify(lambda x, p: p._fast(x), factor, pat=self)

    def slow(self, factor: Any) -> "Pattern":
        return patternify(lambda x, p: p._slow(x), factor, pat=self)

    def early(self, offset: Any) -> "Pattern":
        return patternify(lambda x, p: p._early(x), offset, pat=self)

    def late(self, offset: Any) -> "Pattern":
        return patternify(lambda x, p: p._late(x), offset, pat=self)

    def rev(self) -> "Pattern":
        return self._rev()

    def segment(self, n: Any) -> "Pattern":
        return patternify(lambda x, p: p._segment(x), n, pat=self)


# ---------------------------------------------------------------- app_both's pairs
_PAIRS_SCANNED = 1024      # below this many pairs app_both compares every pair


def _overlap_finder(evs: list[Event], n_queries: int) -> Callable[[TimeSpan], list[Event]]:
    """A function part -> the events of `evs` (in their order) whose part can overlap `part`.

    For few pairs: all of `evs`. Otherwise the parts are sorted by begin with a running maximum
    of their ends, and only the window that overlaps is taken (an event touching `part` at an
    end does not overlap it, see `TimeSpan.intersection`); what is taken spends from the event
    budget, so a query compares O(output) pairs instead of every pair."""
    many = len(evs) * n_queries > _PAIRS_SCANNED
    if not many or any(e.part.begin == e.part.end for e in evs):
        # zero-width parts (a zero-width query): every pair is an event, counted as such
        def every(part: TimeSpan) -> list[Event]:
            if many:
                spend(len(evs))
            return evs
        return every
    from bisect import bisect_left, bisect_right
    order = sorted(range(len(evs)), key=lambda i: evs[i].part.begin)
    begins = [evs[i].part.begin for i in order]
    max_end, top = [], None
    for i in order:
        end = evs[i].part.end
        top = end if top is None or end > top else top
        max_end.append(top)

    def overlapping(part: TimeSpan) -> list[Event]:
        b, e = part.begin, part.end
        if b == e:           # a point: the parts around it (begin <= b < end)
            lo, hi = bisect_right(max_end, b), bisect_right(begins, b)
        else:                # begin < e and end > b
            lo, hi = bisect_right(max_end, b), bisect_left(begins, e)
        spend(max(0, hi - lo))
        return [evs[i] for i in sorted(order[lo:hi])]
    return overlapping


# ---------------------------------------------------------------- periods
def _identity(x: Any) -> Any:
    return x


def int_period(p: Fraction | None) -> int | None:
    """The smallest whole number of cycles that is a multiple of period `p`."""
    return None if p is None else p.numerator


def lcm_period(*periods: Fraction | None) -> Fraction | None:
    """Least common multiple of periods (None if any is unknown)."""
    num, den = 1, 0
    for p in periods:
        if p is None:
            return None
        num, den = math.lcm(num, p.numerator), math.gcd(den, p.denominator)
    return ratio(num, den) if den else None


def _app_both_events(evs_a: list[Event], evs_b: list[Event],
                     func: Callable[[Any, Any], Any]) -> list[Event]:
    """`app_both` of two queries' events: every overlap of an `a` part with a `b` part."""
    out = []
    overlapping = _overlap_finder(evs_b, len(evs_a))
    for a in evs_a:
        for b in overlapping(a.part):
            part = a.part.intersection(b.part)
            if part is None:
                continue
            whole = None if a.whole is None or b.whole is None else a.whole.intersection_e(b.whole)
            out.append(Event(whole, part, func(a.value, b.value)))
    return out


def _app_left_event(a: Event, qb: Query, func: Callable[[Any, Any], Any],
                    out: list[Event]) -> None:
    """`app_left` for one left event `a`: `b`'s events over its whole, cut to its part."""
    for b in qb(a.whole_or_part()):
        part = a.part.intersection(b.part)
        if part is not None:
            out.append(Event(a.whole, part, func(a.value, b.value)))


def steps_per_cycle(p: Pattern) -> int | None:
    """How many equal steps make each cycle of `p`, when every cycle of `p` is the same and no
    event crosses a cycle boundary (a pure value: 1; steps of a whole number per cycle whose
    period divides one cycle); else None. Shifting such a pattern by whole cycles, or querying
    it one cycle at a time, makes the same events."""
    if p._pure is not _NOT_PURE:
        return 1
    st = p._steps
    if st is not None and st[1].denominator == 1 and st[1].numerator % len(st[0]) == 0:
        return st[1].numerator
    return None


def cycle_steps(p: Pattern) -> list:
    """The values of one cycle's steps of `p` (`steps_per_cycle(p)` is not None)."""
    if p._pure is not _NOT_PURE:
        return [p._pure]
    values, factor = p._steps
    return values * (factor.numerator // len(values))


def _within_a_cycle(span: TimeSpan) -> bool:
    """True when non-empty `span` lies inside one cycle [c, c + 1]."""
    b, e = span.begin, span.end
    bn, bd, en, ed = b.numerator, b.denominator, e.numerator, e.denominator
    return bn * ed < en * bd and en <= (bn // bd + 1) * ed


def _with_pure_right(qa: Query, right: Pattern, func: Callable[[Any, Any], Any],
                     both: bool) -> Query:
    """The query of `app_left` (`both`: `app_both`) with a `pure` right side (`# gain 0.8`,
    `+ 3`): a left event whose part (and, for `app_both`, whole) lies inside one cycle meets
    exactly that cycle's pure event, which covers it, so it keeps its spans and order and only
    its value changes, without querying the pure side. Other events take the general way."""
    value, qb = right._pure, right._query

    def q(span: TimeSpan) -> list[Event]:
        events = qa(span)
        out = []
        for a in events:
            whole = a.whole
            if _within_a_cycle(a.part) and (not both or whole is None or _within_a_cycle(whole)):
                out.append(Event(whole, a.part, func(a.value, value)))
            elif both:                          # an event across cycles: as without the shortcut
                return _app_both_events(events, qb(span), func)
            else:
                _app_left_event(a, qb, func, out)
        return out
    return q


REST = object()          # a step of `steps` without an event (`~`)


def steps(values: list[Any], factor: Fraction) -> "Pattern":
    """`values` one after another, each a step of 1/`factor` cycle (`factor` > 0), repeating;
    a `REST` step has no event. The events of the general constructions, made in one step:
    `pure(v)._fast(f)` (`"hat*16"`: `steps([v], f)`) and `fastcat` of values and rests
    (`"~ sn ~ sn"`: `steps(values, n)`), with the same spans; a whole step's part is its
    whole. The query splits the span at step boundaries in integer arithmetic and spends the
    event budget as `TimeSpan.span_cycles` of the span in steps would."""
    n = len(values)
    num, den = factor.numerator, factor.denominator

    def q(span: TimeSpan) -> list[Event]:
        b, e = span.begin, span.end
        bn, bd = b.numerator * num, b.denominator * den      # the span in steps: bn/bd ..
        en, ed = e.numerator * num, e.denominator * den      # .. en/ed (not reduced)
        first = bn // bd
        if bn * ed == en * bd:                   # zero width: one fragment, no budget spent
            last = first
        else:
            partial = en % ed != 0               # the span ends inside a step
            spend(en // ed - first + partial)
            if en * bd <= bn * ed:
                return []
            last = en // ed if partial else en // ed - 1
        out = []
        start_k, start = None, None              # a step's end is the next one's start
        for k in range(first, last + 1):
            value = values[k % n]
            if value is REST:
                continue
            wb = start if start_k == k else ratio(k * den, num)
            we = ratio((k + 1) * den, num)
            start_k, start = k + 1, we
            whole = TimeSpan(wb, we)
            if bn <= k * bd and (k + 1) * ed <= en:
                part = whole
            else:
                part = TimeSpan(b if bn > k * bd else wb, e if en < (k + 1) * ed else we)
            out.append(Event(whole, part, value))
        return out
    pat = Pattern(q, period=ratio(n * den, num))
    pat._steps = (values, factor)
    return pat


def map_steps(st: tuple[list, Fraction], func: Callable[[Any], Any]) -> tuple[list, Fraction]:
    """A `_steps` pair with `func` applied to every value but the rests, once per distinct
    value (`func` must be a pure function of its value): equal steps share one result."""
    values, factor = st
    done: dict[Any, Any] = {REST: REST}
    out = []
    for v in values:
        t = type(v)       # keys: equal strings and ints, the same float bits (-0.0 is not 0.0)
        key = (t, v) if t is str or t is int else (t, v.hex()) if t is float \
            else v if v is REST else id(v)
        mapped = done.get(key, done)
        if mapped is done:
            mapped = done[key] = func(v)
        out.append(mapped)
    return out, factor


# ---------------------------------------------------------------- constructors
def pure(value: Any) -> Pattern:
    """One event per cycle, filling the cycle, with `value`."""
    def q(span: TimeSpan) -> list[Event]:
        out = []
        for sub in span.span_cycles():
            c = sub.begin.numerator // sub.begin.denominator
            out.append(Event(TimeSpan(int_time(c), int_time(c + 1)), sub, value))
        return out
    return Pattern(q, value, period=Fraction(1))


def steady(value: Any) -> Pattern:
    """A continuous (whole-less) value."""
    return Pattern(lambda span: [Event(None, span, value)], period=Fraction(1))


def signal(func: Callable[[Fraction], Any]) -> Pattern:
    """A continuous pattern whose value is `func(t)` at the start of each query."""
    return Pattern(lambda span: [Event(None, span, func(span.begin))])


silence = Pattern(lambda span: [], period=Fraction(1))


def reify(thing: Any) -> Pattern:
    """A Pattern as is; a str parsed as mini-notation; anything else as `pure`."""
    if isinstance(thing, Pattern):
        return thing
    if isinstance(thing, str):
        return _read_mini(thing)
    return pure(thing)


_MEMO_LIMIT = 256
_PERIOD_PROBE_LIMIT = 64


def patternify(func: Callable[..., Pattern], *args: Any, pat: Pattern) -> Pattern:
    """Call `func(*args, pat)` with patternable arguments, as Strudel's `register` does.

    If every argument is a plain value (or a pure pattern), `func` is called with the values.
    Otherwise the argument patterns are combined (structure from the first) and each of their
    events selects a `func(...)` pattern, inner-joined. The selected patterns are memoised per
    argument values, and when the arguments repeat every few cycles the result's period is
    found by building the patterns for the values of one period.
    """
    pats = [pure(a) if callable(a) and not isinstance(a, Pattern) else reify(a) for a in args]
    if all(p._pure is not _NOT_PURE for p in pats):
        return func(*[p._pure for p in pats], pat)
    acc = pats[0].fmap(lambda a: (a,))
    for p in pats[1:]:
        acc = acc.app_left(p, lambda t, b: t + (b,))
    memo: dict = {}

    def build(values: tuple) -> Pattern:
        try:
            hit = memo.get(values)
        except TypeError:  # unhashable values (dicts, lists)
            return func(*values, pat)
        if hit is None:
            hit = func(*values, pat)
            if len(memo) < _MEMO_LIMIT:
                memo[values] = hit
        return hit
    out = acc.fmap(build).inner_join()
    out.period = _joined_period(acc, build)
    return out


def _joined_period(outer: Pattern, build: Callable[[Any], Pattern]) -> Fraction | None:
    """Period of `outer.fmap(build).inner_join()`, if the outer pattern repeats soon enough."""
    p = int_period(outer.period)
    if p is None or p > _PERIOD_PROBE_LIMIT:
        return None
    try:
        inner = [build(e.value).period
                 for e in budgeted(outer._query, TimeSpan(Fraction(0), Fraction(p)))]
    except ValueError:      # a value out of range (`iter "<4 1e8>"`): an error now, not later
        raise
    except Exception:  # noqa: BLE001 - a bad value fails later, at query time, with its own error
        return None
    return lcm_period(outer.period, *inner)


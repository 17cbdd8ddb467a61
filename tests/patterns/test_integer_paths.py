"""The pattern engine's shorter ways (issue 19), each held to the general construction it
replaces: `_fast` in integer arithmetic, a speed-up of `steps` as `steps`, `slowcat`'s shift by
whole cycles, `app_right` (`struct`) with a pure left side, `filter_values` over `steps`, and
`_repeat_cycles` of a pattern whose cycles are all alike, `_early` / `_late` and `_fast_gap`
(`_compress`, `timecat`'s weights) in integer arithmetic, and `timecat` of equal steps as one
`steps`. The same events (spans and values) for any query, the same periods where the period is
kept."""
from __future__ import annotations

from fractions import Fraction as F

from hypothesis import given, settings, strategies as st

from phonon.patterns import budget, mini, pure
from phonon.patterns.combinators import fastcat, slowcat, stack, timecat
from phonon.patterns.pattern import REST, Pattern, sam, silence, steps
from phonon.patterns.timespan import Event, TimeSpan, to_time

TIMES = st.fractions(min_value=-3, max_value=9, max_denominator=30)
FACTORS = st.fractions(min_value=F(1, 12), max_value=24, max_denominator=12)
#: sequences, alternations, stacks, rests, steps and plain values
TEXTS = st.sampled_from(["bd*2 sn", "bd [~ sn] hh*3", "<a b [c d]>", "a , b c", "~ a ~ [b c]",
                         "hat*16", "a b c", "a", "<1 2>*4", "[a b]@2 c", "a(3,8)", "x!3 y"])


def events(pattern: Pattern, begin: F, end: F, with_budget: bool = False):
    """(whole, part, value) of one query, and (with_budget) the budget units it spent."""
    budget._state.left, budget._state.cycles = 10 ** 9, 1
    try:
        found = [(e.whole, e.part, e.value) for e in pattern._query(TimeSpan(begin, end))]
        spent = 10 ** 9 - budget._state.left
    finally:
        budget._state.left = None
    return (found, spent) if with_budget else found


def stripped(p: Pattern) -> Pattern:
    """The same query without what marks it as pure or steps (the general way is taken)."""
    return Pattern(p._query, period=p.period)


def general_fast(p: Pattern, factor: F) -> Pattern:
    """`_fast` as it was: query times times the factor, event times divided by it."""
    out = p.with_query_time(lambda t: t * factor).with_event_time(lambda t: t / factor)
    out.period = None if p.period is None else p.period / factor
    return out


def general_slowcat(*ps: Pattern) -> Pattern:
    """`slowcat` as it was: the shift by whole cycles in Fraction arithmetic."""
    n = len(ps)

    def q(span: TimeSpan) -> list[Event]:
        begin = span.begin
        cycle = begin.numerator // begin.denominator
        offset = cycle - begin.numerator // (begin.denominator * n)
        pat = ps[cycle % n]
        if offset == 0:
            return pat._query(span)
        return [e.with_span(lambda s: TimeSpan(s.begin + offset, s.end + offset))
                for e in pat._query(TimeSpan(begin - offset, span.end - offset))]
    return Pattern(q).split_queries()


def general_early(p: Pattern, offset: F) -> Pattern:
    """`_early` as it was."""
    out = p.with_query_time(lambda t: t + offset).with_event_time(lambda t: t - offset)
    out.period = p.period
    return out


def general_fast_gap(p: Pattern, factor: F) -> Pattern:
    """`_fast_gap` as it was, in Fraction arithmetic."""
    def qf(span):
        cycle = sam(span.begin)
        bpos = min((span.begin - cycle) * factor, F(1))
        epos = min((span.end - cycle) * factor, F(1))
        return None if bpos >= 1 else TimeSpan(cycle + bpos, cycle + epos)

    def ef(ev):
        begin, end = ev.part.begin, ev.part.end
        cycle = sam(begin)
        part = TimeSpan(cycle + min((begin - cycle) / factor, F(1)),
                        cycle + min((end - cycle) / factor, F(1)))
        whole = None if ev.whole is None else TimeSpan(
            part.begin - (begin - ev.whole.begin) / factor, part.end + (ev.whole.end - end) / factor)
        return Event(whole, part, ev.value)
    return p.with_query_span(qf).with_event(ef).split_queries()


def general_timecat(*pairs) -> Pattern:
    """`timecat` as the stack of its compressed pieces."""
    total, begin, parts = sum(w for w, _ in pairs), F(0), []
    for w, p in pairs:
        if w:
            parts.append(general_early(general_fast_gap(stripped(p), 1 / (w / total)),
                                       -begin / total))
            begin += w
    return stack(*parts)


def span_of(a: F, b: F) -> tuple[F, F]:
    return min(a, b), max(a, b)


@settings(database=None, max_examples=300, deadline=None)
@given(TEXTS, FACTORS, TIMES, TIMES)
def test_fast_makes_the_general_events_and_spends_the_same_budget(text, factor, a, b):
    begin, end = span_of(a, b)
    p = mini(text)
    fast = p._fast(factor)
    assert events(fast, begin, end, True) == events(general_fast(stripped(p), factor), begin,
                                                    end, True)
    assert fast.period == (None if p.period is None else p.period / factor)
    if p._steps is not None:                    # a faster sequence is still a sequence
        assert fast._steps == (p._steps[0], p._steps[1] * factor)


@settings(database=None, max_examples=200, deadline=None)
@given(st.lists(TEXTS, min_size=2, max_size=3), TIMES, TIMES)
def test_slowcat_shifts_whole_cycles_as_before(texts, a, b):
    begin, end = span_of(a, b)
    ps = [mini(t) for t in texts]
    assert events(slowcat(*ps), begin, end) == events(general_slowcat(*ps), begin, end)


@settings(database=None, max_examples=200, deadline=None)
@given(TEXTS, st.sampled_from(["x", 3, {"s": "bd"}]), TIMES, TIMES)
def test_struct_of_a_pure_value_makes_the_general_events(text, value, a, b):
    """`struct "t ~ t t" x`, `x(3,8)`: a pure value given the structure of a pattern."""
    begin, end = span_of(a, b)
    bools = mini(text).fmap(lambda v: v not in ("a", "b", 1))
    fast, general = pure(value).struct(bools), stripped(pure(value)).struct(stripped(bools))
    assert events(fast, begin, end) == events(general, begin, end)
    assert fast.period == bools.period or fast.period == 1
    if bools._steps is not None and bools._steps[1].denominator == 1:
        assert fast._steps is not None          # computed once, a sequence again


@settings(database=None, max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", 3, None, REST]), min_size=1, max_size=6), FACTORS,
       TIMES, TIMES)
def test_filtering_steps_makes_rests_of_the_values_that_fail(values, factor, a, b):
    begin, end = span_of(a, b)
    p = steps(values, factor)
    fast, general = p.remove_none(), stripped(p).remove_none()
    assert events(fast, begin, end, True) == events(general, begin, end, True)
    assert fast._steps is not None and fast.period == p.period


def test_a_filter_that_fails_on_a_value_fails_when_queried_as_before():
    def picky(v):
        if v == "b":
            raise ValueError("no b")
        return True
    p = steps(["a", "b"], F(2)).filter_values(picky)
    assert p._steps is None
    try:
        p.query(0, 1)
    except ValueError as e:
        assert str(e) == "no b"
    else:
        raise AssertionError("the filter's error was lost")


@settings(database=None, max_examples=200, deadline=None)
@given(TEXTS, st.integers(1, 4), TIMES, TIMES)
def test_repeating_cycles_of_a_pattern_whose_cycles_are_alike(text, n, a, b):
    """`x!3`: each cycle repeated n times; a pattern whose every cycle is the same is itself."""
    begin, end = span_of(a, b)
    p = mini(text)
    fast, general = p._repeat_cycles(n), stripped(p)._repeat_cycles(n)
    assert events(fast, begin, end) == events(general, begin, end)
    alike = p.is_pure or (p._steps is not None and p._steps[1].denominator == 1
                          and p._steps[1].numerator % len(p._steps[0]) == 0)
    assert (fast is p) == alike


def test_the_examples_shapes_take_the_short_ways():
    """What performers type: a sequence, a speed-up of one, replication, Euclid on a value."""
    for text in ("bd*2", "[bd sn]*2", "bd!3 sn", "x(3,8)", "x(5,8,2)", "~ a!2 b"):
        p = mini(text)
        assert p._steps is not None or p.is_pure, text
    assert to_time(mini("{a b c}%4").period) == F(3, 4)


OFFSETS = st.fractions(min_value=-5, max_value=5, max_denominator=12)


@settings(database=None, max_examples=300, deadline=None)
@given(TEXTS, OFFSETS, TIMES, TIMES)
def test_early_and_late_make_the_general_events(text, offset, a, b):
    begin, end = span_of(a, b)
    p = mini(text)
    for shifted, general in ((p._early(offset), general_early(stripped(p), offset)),
                             (p._late(offset), general_early(stripped(p), -offset))):
        assert events(shifted, begin, end, True) == events(general, begin, end, True)
        assert shifted.period == p.period


@settings(database=None, max_examples=300, deadline=None)
@given(TEXTS, st.fractions(min_value=F(1, 8), max_value=8, max_denominator=8), TIMES, TIMES)
def test_fast_gap_makes_the_general_events(text, factor, a, b):
    """Factors below 1 too: events beyond the cycle's end are clamped to it."""
    begin, end = span_of(a, b)
    p = mini(text)
    assert events(p._fast_gap(factor), begin, end, True) == \
        events(general_fast_gap(stripped(p), factor), begin, end, True)


def in_time_order(found: list) -> list:
    return sorted(found, key=lambda e: (e[1].begin, e[1].end))


@settings(database=None, max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([1, 2, 3, F(1, 2)]),
                          st.sampled_from(["a", "b*2", "c!3", "~", "d e", "<a b>", "a*4"])),
                min_size=2, max_size=4), TIMES, TIMES)
def test_timecat_makes_the_events_of_its_compressed_pieces(pieces, a, b):
    """`"bd!3 sn"`, `"a@2 b*2"`: equal steps become one `steps`; other weights stay a stack."""
    begin, end = span_of(a, b)
    pairs = [(w, mini(t)) for w, t in pieces]
    cat = timecat(*pairs)
    assert in_time_order(events(cat, begin, end)) == \
        in_time_order(events(general_timecat(*pairs), begin, end))
    if begin.denominator == 1 and end - begin == 1:         # one cycle: already in time order
        assert events(cat, begin, end) == in_time_order(events(cat, begin, end))


def test_equal_steps_of_a_timecat_are_one_sequence():
    assert timecat((3, mini("bd!3")), (1, mini("sn")))._steps == (["bd", "bd", "bd", "sn"], F(4))
    assert timecat((2, mini("a*2")), (1, silence))._steps == (["a", "a", REST], F(3))
    assert timecat((2, mini("a")), (1, mini("b")))._steps is None      # a step twice as long


@settings(database=None, max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b*2", "[c d]", "~", "<a b>", "e!2", "f*4", "[g ~]"]),
                min_size=2, max_size=4), TIMES, TIMES)
def test_fastcat_of_equal_steps_makes_the_general_events(texts, a, b):
    """`"[bd sn] [hh hh]"`, `"bd*2 sn*2"`: pieces of equal steps are one `steps`, the same
    events in the same order as the general `slowcat(...)._fast(n)`."""
    begin, end = span_of(a, b)
    ps = [mini(t) for t in texts]
    cat = fastcat(*ps)
    general = general_slowcat(*[stripped(p) for p in ps])
    assert events(cat, begin, end) == events(general_fast(general, F(len(ps))), begin, end)
    alike = [1 if t == "~" else 2 if t in ("b*2", "[c d]", "e!2", "[g ~]") else
             4 if t == "f*4" else 1 if t == "a" else None for t in texts]
    assert (cat._steps is not None) == (None not in alike and len(set(alike)) == 1)

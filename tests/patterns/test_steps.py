"""`steps(values, factor)` (`"hat*16"`, `"~ sn ~ sn"`) queries in integer arithmetic, and
`control` / `# pure(map)` map its values once instead of every event of every query (issue 19).
Each is held to the general construction it replaces: the same events (spans and values), the
same event budget spent, the same errors."""
from __future__ import annotations

import math
from fractions import Fraction as F

import pytest
from hypothesis import given, settings, strategies as st

from phonon.patterns import budget, controls, mini, pure
from phonon.patterns.arithmetic import merge_values
from phonon.patterns.pattern import REST, Pattern, lcm_period, map_steps, steps
from phonon.patterns.timespan import Event, TimeSpan, int_time, ratio


def general_steps(values, factor):
    """The query `steps` had before: split the span in steps with `span_cycles`."""
    n = len(values)
    num, den = factor.numerator, factor.denominator

    def q(span):
        out = []
        for sub in TimeSpan(span.begin * factor, span.end * factor).span_cycles():
            b, e = sub.begin, sub.end
            k = b.numerator // b.denominator
            value = values[k % n]
            if value is REST:
                continue
            whole = TimeSpan(F(k * den, num), F((k + 1) * den, num))
            if b.denominator == 1 and e.denominator == 1 and b.numerator == k \
                    and e.numerator == k + 1:
                part = whole
            else:
                part = TimeSpan(b / factor, e / factor)
            out.append(Event(whole, part, value))
        return out
    return Pattern(q, period=F(n * den, num))


def run(pattern, begin, end):
    """Events of one query (whole, part, value, whole step?) and the budget units it spent."""
    budget._state.left, budget._state.cycles = 10 ** 9, 1
    try:
        events = pattern._query(TimeSpan(begin, end))
        spent = 10 ** 9 - budget._state.left
    finally:
        budget._state.left = None
    return [(e.whole, e.part, e.value, e.part is e.whole) for e in events], spent


VALUES = st.lists(st.sampled_from(["bd", "sn", 3, REST]), min_size=1, max_size=7)
FACTORS = st.fractions(min_value=F(1, 12), max_value=24, max_denominator=12)
TIMES = st.fractions(min_value=-3, max_value=9, max_denominator=30)


@settings(database=None, max_examples=400, deadline=None)
@given(VALUES, FACTORS, TIMES, TIMES)
def test_a_query_makes_the_events_and_spends_the_budget_of_the_general_split(values, factor,
                                                                             a, b):
    begin, end = min(a, b), max(a, b)
    assert run(steps(values, factor), begin, end) == run(general_steps(values, factor), begin, end)


@pytest.mark.parametrize("begin,end", [(F(1, 3), F(1, 3)), (F(2), F(2)), (F(5, 4), F(7, 4)),
                                       (F(0), F(1)), (F(-1, 2), F(3))])
def test_edges_zero_width_and_whole_cycles(begin, end):
    for values, factor in (([1], F(16)), (["a", REST, "b"], F(3)), (["x", "y"], F(2, 3))):
        assert run(steps(values, factor), begin, end) == \
            run(general_steps(values, factor), begin, end)


def test_the_budget_stops_a_huge_query_as_before():
    with pytest.raises(budget.EventBudgetError):
        steps(["bd"], F(10 ** 8)).query(0, 1)


@settings(database=None, max_examples=300, deadline=None)
@given(st.integers(-10 ** 12, 10 ** 12), st.integers(1, 10 ** 12))
def test_ratio_and_int_time_are_fractions(n, d):
    for made, expected in ((ratio(n, d), F(n, d)), (int_time(n), F(n))):
        assert type(made) is F
        assert (made.numerator, made.denominator) == (expected.numerator, expected.denominator)
        assert made == expected and hash(made) == hash(expected)
        assert made + F(1, 3) == expected + F(1, 3) and str(made) == str(expected)


def fmapped(pattern, key):
    return pattern.fmap(lambda v: controls._control_value(key, v))


@settings(database=None, max_examples=150, deadline=None)
@given(st.sampled_from(["hat*16", "~ sn ~ sn", "bd ~ hh sn", "c e g", "0 ~ 3 7", "[a ~ b]"]),
       st.sampled_from(["s", "n", "note", "gain"]), TIMES, TIMES)
def test_a_control_of_steps_maps_each_value_once_to_the_same_events(text, name, a, b):
    begin, end = min(a, b), max(a, b)
    source = mini(text)
    assert source._steps is not None
    made = controls.control(name, source)
    assert made._steps is not None and made.period == source.period
    assert run(made, begin, end)[0] == run(fmapped(source, controls.canonical(name)), begin, end)[0]


def test_a_value_that_cannot_be_mapped_fails_when_queried_as_before(monkeypatch):
    real = controls._control_value

    def picky(name, v):
        if v == "nope":
            raise ValueError("no such value")
        return real(name, v)
    monkeypatch.setattr(controls, "_control_value", picky)
    made = controls.control("s", mini("bd nope sn"))        # made without an error ...
    assert made._steps is None
    with pytest.raises(ValueError, match="no such value"):  # ... which the query raises
        made.query(0, 1)


@settings(database=None, max_examples=200, deadline=None)
@given(VALUES, FACTORS, st.dictionaries(st.sampled_from(["gain", "s", "n"]),
                                        st.sampled_from([0.5, "bd", 2]), min_size=1, max_size=2),
       TIMES, TIMES)
def test_merging_a_constant_map_into_steps_makes_the_general_merges_events(values, factor, m,
                                                                          a, b):
    begin, end = min(a, b), max(a, b)
    left = steps([v if v is REST else {"s": v} for v in values], factor)
    merged = left.merge(pure(m))
    general = left.app_left(pure(m), lambda x, y: merge_values(x, y))   # not the fast path
    assert (merged._steps is not None) == (factor.denominator == 1)
    assert merged.period == general.period and merged._merged == (left, m)
    (events, spent), (general_events, general_spent) = run(merged, begin, end), run(general, begin, end)
    assert events == general_events
    # the general merge of a zero-width fragment queries the pure side (one unit more)
    assert spent == general_spent if begin < end else spent <= general_spent


@settings(database=None, max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.fractions(min_value=F(1, 50), max_value=64)), max_size=4))
def test_lcm_period_is_the_least_common_multiple(periods):
    if not periods or None in periods:
        assert lcm_period(*periods) is None
        return
    made = lcm_period(*periods)
    assert all((made / p).denominator == 1 for p in periods)          # a multiple of each
    assert made == F(math.lcm(*[p.numerator for p in periods]),
                     math.gcd(*[p.denominator for p in periods]))


def test_equal_steps_share_one_mapped_value_and_signed_zeros_stay_apart():
    values, _ = map_steps((["bd", "bd", REST, 0.0, -0.0, 2, 2], F(7)), lambda v: {"s": v})
    assert values[0] is values[1] and values[2] is REST and values[5] is values[6]
    assert values[3] is not values[4] and str(values[4]["s"]) == "-0.0"


def stripped(p):
    """The same query without what marks it as pure or steps (so the general way is taken)."""
    return Pattern(p._query, period=p.period)


@settings(database=None, max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([1, 2.5, -3, REST]), min_size=1, max_size=6), FACTORS,
       st.sampled_from(["+", "-", "*", "/", "%", ">", "<"]), st.sampled_from([2, 0.5, -1, 0]),
       TIMES, TIMES)
def test_combining_steps_or_a_pure_value_with_a_constant_makes_the_general_events(
        values, factor, op, x, a, b):
    """`"0 3 5" + 12`, `"bd:3"` (a pure value combined with a pure one): the values are combined
    once, the events are those of combining every event with the pure one (a value `func`
    cannot combine, like a division by zero, fails when queried, as before)."""
    begin, end = min(a, b), max(a, b)
    def outcome(p):
        try:
            return run(p, begin, end)[0]
        except ZeroDivisionError:                      # (`%` by 0; `/` by 0 gives inf)
            return ZeroDivisionError

    def fails(v):
        return outcome(stripped(pure(v)).combine(pure(x), op)) is ZeroDivisionError

    for left in (steps(values, factor), pure(values[0] if values[0] is not REST else 7)):
        fast, general = left.combine(pure(x), op), stripped(left).combine(pure(x), op)
        assert fast.period == general.period
        assert outcome(fast) == outcome(general)
        if any(fails(v) for v in ([left.pure_value] if left.is_pure else values) if v is not REST):
            assert fast._steps is None and not fast.is_pure    # the general way, failing late
        elif left.is_pure:                                     # computed once, ahead
            assert fast.is_pure
        elif factor.denominator == 1:
            assert fast._steps is not None
        else:                                                  # steps across cycle boundaries
            assert fast._steps is None

"""The event budget of `phonon.patterns.budget` and the compile-time checks built on it."""
from __future__ import annotations

import random
import threading
from fractions import Fraction

import pytest

from phonon.errors import MiniNotationError, PhononErrors
from phonon.lang import compile_program
from phonon.patterns import mini, pure, stack
from phonon.patterns.budget import EVENT_BUDGET, EventBudgetError, budgeted
from phonon.patterns.schedule import CycleCache
from phonon.patterns.timespan import Event, TimeSpan


def test_one_cycle_may_make_exactly_the_budget():
    assert EVENT_BUDGET == 10_000
    assert len(pure(1)._fast(10_000).query(0, 1)) == 10_000
    with pytest.raises(EventBudgetError, match="more than 10000 events in one cycle"):
        pure(1)._fast(10_001).query(0, 1)


def test_the_budget_scales_with_the_cycles_asked_for():
    assert len(pure(1)._fast(10_000).query(0, 3)) == 30_000
    with pytest.raises(EventBudgetError, match="more than 10000 events per cycle"):
        pure(1)._fast(10_001).query(0, 3)


def test_a_flood_stops_after_bounded_work():
    """1e9 events per cycle: the query stops at the budget, long before building them."""
    with pytest.raises(EventBudgetError):
        pure(1)._fast(10**9).query(0, 1)
    with pytest.raises(EventBudgetError):
        CycleCache(mini("bd*1e8")).onsets(0, Fraction(1, 2))


def test_nested_queries_spend_from_the_outer_budget():
    """Inner queries (a transform's argument patterns) count against the one budget."""
    layered = stack(*[pure(k)._fast(2_000) for k in range(5)])       # 10,000 events
    assert len(layered.query(0, 1)) == 10_000
    with pytest.raises(EventBudgetError):
        stack(layered, pure(9)).query(0, 1)


def test_direct_queries_of_the_algebra_are_not_budgeted():
    """`_query` outside a budgeted query (the algebra used from Python) counts nothing."""
    assert len(pure(1)._fast(20_000)._query(TimeSpan(Fraction(0), Fraction(1)))) == 20_000


def test_each_thread_has_its_own_budget():
    big = pure(1)._fast(9_000)
    results = []

    def work():
        results.append(len(budgeted(big._query, TimeSpan(Fraction(0), Fraction(1)))))
    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [9_000] * 4


def _brute_app_both(a, b, span):
    out = []
    for x in a._query(span):
        for y in b._query(span):
            part = x.part.intersection(y.part)
            if part is None:
                continue
            whole = None if x.whole is None or y.whole is None else x.whole.intersection_e(y.whole)
            out.append(Event(whole, part, (x.value, y.value)))
    return out


def test_app_both_compares_only_overlapping_pairs_and_keeps_every_event():
    """`|+|` of two dense patterns made n*m comparisons (1e8 inside the budget); it scans the
    overlapping window only, with the same events in the same order."""
    rng = random.Random(7)
    for _ in range(20):
        a = mini(" ".join(rng.choice(["a", "b", "[c d]", "~", "e@3", "<f g>"]) for _ in range(40)))
        b = stack(mini("x*37"), mini("[y z]*13"), mini("w(5,11)"))
        got = a.app_both(b, lambda x, y: (x, y)).query(0, 2)
        want = _brute_app_both(a, b, TimeSpan(Fraction(0), Fraction(2)))
        assert got == want and [e.value for e in got] == [e.value for e in want]
    dense = pure(1)._fast(3_000)     # 6,000 events in, 3,000 out: within the budget
    assert len(dense.app_both(pure(2)._fast(3_000), lambda x, y: x + y).query(0, 1)) == 3_000
    for t in (Fraction(0), Fraction(1, 3), Fraction(1, 3000)):    # zero-width queries too
        point = TimeSpan(t, t)
        got = mini("a*40 b").app_both(mini("x*41"), lambda x, y: (x, y)).query_span(point)
        assert got == _brute_app_both(mini("a*40 b"), mini("x*41"), point)


@pytest.mark.parametrize("text, col, message", [
    ("bd(3,1e8)", 3, "steps 100000000 is too large (at most 10000)"),
    ("bd!1e8", 3, "replicate count 1e+08 is too large (at most 10000)"),
    ("hh 0 .. 1e6", 6, "range length 1000001 is too large (at most 10000)"),
    ("bd sn(3,8,1e9)", 6, "rotation 1000000000 is too large"),
    ("bd(3,nan)", 3, "steps: expected a whole number, got 'nan'"),
])
def test_mini_notation_counts_are_bounded_and_located(text, col, message):
    with pytest.raises(MiniNotationError) as err:
        mini(text)
    assert err.value.col == col and message in err.value.message


@pytest.mark.parametrize("program, col, warning", [
    ('out: fast 0 $ s "bd"', 11, "'fast' with factor 0 plays nothing: the pattern is silent"),
    ('out: slow 0 $ s "bd"', 11, "'slow' with factor 0 plays nothing: the pattern is silent"),
    ('out: every 0 (fast 2) $ s "bd"', 12, "'every' with n 0 never applies its function"),
    ('out: s "bd" $ segment 0', 23, "'segment' with n 0 plays nothing: the pattern is silent"),
    ('out: s "bd*0 sn"', 11, "'*0' plays nothing: the step is silent"),
    ('out: s "bd [sn/0 hh]"', 15, "'/0' plays nothing: the step is silent"),
])
def test_zero_factors_are_located_warnings(program, col, warning):
    """`slow 0`, `fast 0`, `bd*0`, `every 0` used to be silently silent."""
    ir = compile_program(program, file="z.ph")
    assert [w.format() for w in ir.warnings] == [f"z.ph:1:{col}: warning: {warning}"]


def test_repeat_cycles_and_slice_of_zero_are_silent_not_a_division_error():
    from phonon.patterns import TRANSFORMS
    assert TRANSFORMS["repeatCycles"].fn(0, mini("a b")).query(0, 2) == []
    assert TRANSFORMS["slice"].fn(0, 1, mini("a b")).query(0, 2) == []


@pytest.mark.parametrize("tempo, message", [
    ("cps: 1e-300", "cps 1e-300 is out of range: use 0.001 to 20"),
    ("cps: 25", "cps 25 is out of range: use 0.001 to 20"),
    ("bpm: 2000", "bpm 2000 is out of range: use 0.06 to 1200"),
])
def test_tempo_is_bounded_at_compile_time(tempo, message):
    """`cps: 1e-300` passed check, then a ValueError traceback; `cps: 1e9` rendered forever."""
    with pytest.raises(PhononErrors) as err:
        compile_program(f'{tempo}\nout: s "bd"', file="t.ph")
    assert err.value.errors[0].headline == f"t.ph:1:6: {message}"


def test_the_slowest_and_fastest_tempo_compile():
    assert compile_program('cps: 0.001\nout: s "bd"').cps == 0.001
    assert compile_program('bpm: 1200\nout: s "bd"').cps == 20.0

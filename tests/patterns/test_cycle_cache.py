"""CycleCache: block-sized onset windows from cached whole-cycle queries."""
from __future__ import annotations

from fractions import Fraction as F

from hypothesis import given, settings, strategies as st

from phonon.patterns import mini, sine, stack
from phonon.patterns.schedule import CycleCache
from phonon.patterns.signals import seeded
from tests.patterns.test_pattern_properties import programs


def test_block_windows_return_each_onset_exactly_once_and_query_each_cycle_once():
    pat = mini("bd*4 [~ sn] <hh oh>(3,8)")
    cache = CycleCache(pat)
    block = F(512, 44100) * 2  # 512 samples at cps 2
    got, t = [], F(0)
    while t < 4:
        got += cache.onsets(t, t + block)
        t += block
    want = pat.onsets(0, t)
    assert [(e.whole.begin, e.value) for e in got] == [(e.whole.begin, e.value) for e in want]
    assert pat.period == 2 and cache.queries == 2  # one query per cycle of the period


def test_aperiodic_patterns_are_queried_once_per_cycle():
    pat = mini("hh*16? <a b>")
    assert pat.period is None
    cache = CycleCache(pat)
    got, t, block = [], F(0), F(512, 44100)
    while t < 3:
        got += cache.onsets(t, t + block)
        t += block
    assert [(e.whole.begin, e.value) for e in got] == [(e.whole.begin, e.value) for e in pat.onsets(0, t)]
    assert cache.queries == 4  # cycles 0..3


def test_onsets_at_window_edges_are_half_open():
    cache = CycleCache(mini("a b c d"))
    assert [e.value for e in cache.onsets(F(1, 4), F(1, 2))] == ["b"]
    assert [e.value for e in cache.onsets(F(1, 4) + F(1, 10**12), F(1, 2))] == []
    assert [e.value for e in cache.onsets(F(3, 4), F(5, 4))] == ["d", "a"]
    assert cache.onsets(1, 1) == []


def test_cache_is_bounded():
    cache = CycleCache(mini("a?"), max_cycles=3)
    for c in range(10):
        cache.onsets(c, c + 1)
    assert len(cache._cycles) == 3 and cache.queries == 10
    cache.onsets(9, 10)
    assert cache.queries == 10


def test_periodic_pattern_cycles_are_shifted_copies():
    pat = mini("<a b c>(3,8)")
    cache = CycleCache(pat)
    for c in range(-3, 12):
        assert ([(e.whole, e.part, e.value) for e in cache.onsets(c, c + 1)]
                == [(e.whole, e.part, e.value) for e in pat.onsets(c, c + 1)])
    assert cache.queries == 3


def test_value_at_holds_the_last_onset_through_rests_and_cycles():
    cache = CycleCache(mini("300 ~ 800 ~"))
    assert cache.value_at(0) == 300
    assert cache.value_at(F(3, 8)) == 300  # during the rest: held
    assert cache.value_at(F(1, 2)) == 800
    assert cache.value_at(F(99, 100)) == 800
    assert CycleCache(mini("~ 5")).value_at(F(1, 4)) == 5  # held from the onset at -1/2
    assert CycleCache(mini("~")).value_at(F(1, 4)) is None  # nothing has sounded


def test_value_at_samples_continuous_patterns():
    assert CycleCache(sine).value_at(F(1, 4)) == 1.0


def test_changes_lists_only_value_changes():
    cache = CycleCache(mini("1 1 2 2 <2 3>"))
    assert cache.changes(0, 2) == [(0, 1), (F(2, 5), 2), (1, 1), (F(7, 5), 2), (F(9, 5), 3)]
    assert cache.changes(F(1, 5), F(3, 5)) == [(F(2, 5), 2)]



def _counted(pat) -> list[int]:
    """Count the queries that reach `pat`'s own query function from now on."""
    calls = [0]
    query = pat._query

    def counting(span):
        calls[0] += 1
        return query(span)
    pat._query = counting
    return calls


def _program_pattern(source: str):
    from phonon.lang import compile_program
    from phonon.lang.ir import PatternArg
    ir = compile_program(source)
    return next(arg.pattern for node in ir.nodes.values() for arg in node.params.values()
                if isinstance(arg, PatternArg) and getattr(arg.pattern, "probed", None))


def test_the_engine_takes_the_cycles_the_compile_time_probe_queried():
    """The probe's queries (`phonon.lang.probe`) are the engine's first: not made twice."""
    pat = _program_pattern('out: s "<bd sn> hh*3"\n')        # period 2: both cycles probed
    calls = _counted(pat)
    cache = CycleCache(pat)
    got = cache.onsets(0, 2)
    assert calls[0] == 0 and cache.queries == 2
    fresh = CycleCache(_program_pattern('out: s "<bd sn> hh*3"\n'))
    fresh.pattern.probed = None                                 # as if never probed
    assert [(e.whole, e.part, e.value) for e in got] == \
        [(e.whole, e.part, e.value) for e in fresh.onsets(0, 2)]
    CycleCache(pat).onsets(0, 2)                                # taken once: asked again now
    assert calls[0] == 2


def test_a_session_with_another_seed_queries_again():
    pat = _program_pattern('out: s "hh*8?"\n')
    calls = _counted(pat)
    with seeded(3):
        got = CycleCache(pat).onsets(0, 1)
    assert calls[0] == 1
    fresh = CycleCache(_program_pattern('out: s "hh*8?"\n'))
    fresh.pattern.probed = None
    with seeded(3):
        want = fresh.onsets(0, 1)
    assert [(e.whole, e.value) for e in got] == [(e.whole, e.value) for e in want]


def test_only_the_default_seeds_probe_results_are_kept():
    """Another thread's session may change the process's seed in the middle of a probe."""
    from phonon.lang import compile_program
    from phonon.lang.ir import PatternArg
    with seeded(3):
        ir = compile_program('out: s "hh*8?"\n')
    patterns = [arg.pattern for node in ir.nodes.values() for arg in node.params.values()
                if isinstance(arg, PatternArg)]
    assert patterns and all(getattr(p, "probed", None) is None for p in patterns)


@settings(database=None, max_examples=200, deadline=None)
@given(st.lists(programs, min_size=1, max_size=3), st.integers(-3, 6))
def test_a_cycles_onsets_are_its_events_with_onsets_in_order_of_onset(texts, c):
    """The definition: the events of the cycle's query whose whole begins with their part
    inside the cycle, stably sorted by onset as Fractions (stacks make ties)."""
    pat = stack(*[mini(t) for t in texts])
    want = sorted([e for e in pat.query(c, c + 1) if e.whole is not None
                   and e.whole.begin == e.part.begin and c <= e.whole.begin < c + 1],
                  key=lambda e: e.whole.begin)
    got = CycleCache(pat).onsets(F(c), F(c + 1))
    assert [(e.whole, e.part, e.value) for e in got] == [(e.whole, e.part, e.value) for e in want]

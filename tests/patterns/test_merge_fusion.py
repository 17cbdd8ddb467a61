"""`x # gain 0.8 # pan 0.3` is one pass over x's events (issue 19): a `#` of a constant control
map into a pattern that is itself `left # constant map` merges into `left` with the union of
the two maps. The events are those of merging one map after the other, for any left pattern
(maps, bare values, events across cycle boundaries, continuous values) and any query span."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from phonon.patterns import controls, mini, pure, steady
from phonon.patterns.arithmetic import merge_values
from tests.patterns.test_pattern_properties import programs, times


def one_at_a_time(p, maps):
    """The merges made one layer each (a combiner that is not `merge_values` is never fused)."""
    for m in maps:
        p = p.app_left(pure(m), lambda a, b: merge_values(a, b))
    return p


def fused(p, maps):
    for m in maps:
        p = p.merge(pure(m))
    return p


def events(p, a, b):
    return [(e.whole, e.part, e.value) for e in p.query(a, b)]


MAPS = st.lists(st.dictionaries(st.sampled_from(["gain", "pan", "s", "n", "speed"]),
                                st.sampled_from([0.5, 1, "bd", 3]), min_size=1, max_size=3),
                min_size=2, max_size=4)


@settings(database=None, max_examples=150, deadline=None)
@given(programs, MAPS, times, times, st.sampled_from(["s", "n", "bare", "slow", "steady"]))
def test_merging_constant_maps_one_after_another_is_one_merge_of_their_union(
        text, maps, a, b, how):
    base = {"s": controls.control("s", mini(text)), "n": controls.control("n", mini("0 1 2")),
            "bare": mini(text), "slow": controls.control("s", mini(text)).slow("1.5"),
            "steady": steady({"s": "bd"})}[how]
    begin, end = min(a, b), max(a, b)
    assert events(fused(base, maps), begin, end) == events(one_at_a_time(base, maps), begin, end)


def test_the_chain_is_one_layer_over_the_left_pattern():
    left = controls.control("s", mini("hat*16"))
    chained = left.merge(pure({"gain": 0.35})).merge(pure({"pan": 0.3})).merge(pure({"n": 2}))
    assert chained._merged == (left, {"gain": 0.35, "pan": 0.3, "n": 2})
    assert [e.value for e in chained.query(0, 1)][0] == {"s": "hat", "gain": 0.35, "pan": 0.3,
                                                        "n": 2}


def test_a_non_map_constant_is_not_fused():
    """`merge_values` of a bare value is not associative (a map after a number replaces it):
    such merges stay one layer each."""
    left = controls.control("s", mini("bd sn"))
    once = left.merge(pure(3))
    assert once._merged is None
    twice = once.merge(pure({"gain": 1}))
    assert twice._merged == (once, {"gain": 1})
    assert [e.value for e in twice.query(0, 1)] == [{"gain": 1}, {"gain": 1}]

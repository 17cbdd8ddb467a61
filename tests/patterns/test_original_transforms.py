"""The Rust original's transform names (PHONON-RS.md §3.2) that neither Tidal nor Strudel answer,
with exact event lists from their documented meaning, and the arity variants (`stutter 4`,
`inside 0 0.5 rev`, `fit 2`, `chew 4`, `smooth 0.5`, `groove "mpc"`). Tidal's and Strudel's
functions of the same names are pinned in test_tidal_pinned.py / strudel_pinned.jsonl."""
from __future__ import annotations

from fractions import Fraction as F

import pytest

from phonon.patterns import TRANSFORMS as T, mini
from phonon.patterns.controls import n, s
from phonon.patterns.transforms.feel import GROOVES


def ev(pat, a=0, b=1):
    return [(e.whole.begin, e.whole.end, e.value) for e in pat.onsets(a, b)]


def times(pat, a=0, b=1):
    return [(e.whole.begin, e.value) for e in pat.onsets(a, b)]


def v(name, arity, *args):
    return T[name].for_arity(arity).fn(*args)


ABCD = mini("a b c d")


def test_squeeze_is_fastgap():
    assert ev(T["squeeze"].fn(2, ABCD)) == [(F(0), F(1, 8), "a"), (F(1, 8), F(1, 4), "b"),
                                           (F(1, 4), F(3, 8), "c"), (F(3, 8), F(1, 2), "d")]


def test_compressgap_is_compress_and_dup_is_fast_and_offset_wait_are_late():
    assert ev(T["compressGap"].fn(0.25, 0.75, ABCD)) == ev(T["compress"].fn(0.25, 0.75, ABCD))
    assert ev(T["dup"].fn(2, ABCD)) == ev(T["fast"].fn(2, ABCD))
    for name in ("offset", "wait"):
        assert times(T[name].fn(0.25, ABCD)) == [(F(0), "d"), (F(1, 4), "a"), (F(1, 2), "b"), (F(3, 4), "c")]


def test_trim_keeps_events_starting_in_the_span():
    assert ev(T["trim"].fn(0.25, 0.75, ABCD), 0, 2) == [
        (F(1, 4), F(1, 2), "b"), (F(1, 2), F(3, 4), "c"), (F(5, 4), F(3, 2), "b"), (F(3, 2), F(7, 4), "c")]


def test_fit_one_argument_is_slow_and_loop_is_fast():
    assert times(v("fit", 1, 2, ABCD), 0, 2) == [(F(0), "a"), (F(1, 2), "b"), (F(1), "c"), (F(3, 2), "d")]
    assert times(T["loop"].fn(2, mini("a b"))) == [(F(0), "a"), (F(1, 4), "b"), (F(1, 2), "a"), (F(3, 4), "b")]


def test_loopback_plays_forwards_then_backwards():
    assert [x for _, x in times(T["loopback"].fn(mini("a b c")))] == list("abccba")


def test_mirror_is_palindrome():
    assert times(T["mirror"].fn(ABCD), 0, 2) == times(T["palindrome"].fn(ABCD), 0, 2)
    assert [x for _, x in times(T["mirror"].fn(ABCD), 1, 2)] == list("dcba")


def test_reset_and_restart_start_again_every_n_cycles():
    pat = mini("<a b c d e>")
    for name in ("reset", "restart"):
        assert [x for _, x in times(T[name].fn(2, pat), 0, 6)] == list("ababab")
        assert [x for _, x in times(T[name].fn(3, pat), -3, 3)] == list("abcabc")


def test_binary_plays_the_cycles_with_the_bit_set():
    assert [t for t, _ in times(T["binary"].fn(0, mini("a")), 0, 8)] == [1, 3, 5, 7]
    assert [t for t, _ in times(T["binary"].fn(2, mini("a")), 0, 16)] == [4, 5, 6, 7, 12, 13, 14, 15]


def test_every_offset_and_the_originals_fold_every():
    rev, f2 = T["rev"].fn, T["fast"].fn(2)
    pat = T["foldEvery"].fn([rev, f2], 2, mini("a b"))
    assert times(pat, 0, 5) == [(F(0), "b"), (F(1, 2), "a"), (F(1), "a"), (F(3, 2), "b"),
                                (F(2), "a"), (F(9, 4), "b"), (F(5, 2), "a"), (F(11, 4), "b"),
                                (F(3), "a"), (F(7, 2), "b"), (F(4), "b"), (F(9, 2), "a")]


def test_degrade_seed_drops_what_the_seeded_question_mark_drops():
    # in "x?, a*16?" the first `?` has seed 0, the second seed 1 (a stack keeps each one's time)
    for seed, text in ((0, "a*16?"), (1, "x?, a*16?")):
        want = [e.whole.begin for e in mini(text).onsets(0, 8) if e.value == "a"]
        plain = text.replace("?", "")
        got = [e.whole.begin for e in T["degradeSeed"].fn(seed, mini(plain)).onsets(0, 8) if e.value == "a"]
        assert 40 < len(got) < 88 and got == want
    assert ev(T["degradeSeed"].fn(0, mini("a*16")), 0, 4) != ev(T["degradeSeed"].fn(1, mini("a*16")), 0, 4)


def test_stutter_one_argument_is_ply():
    assert ev(v("stutter", 1, 3, mini("a b"))) == ev(T["ply"].fn(3, mini("a b")))
    assert [t for t, _ in times(T["stutter"].fn(3, F(1, 16), mini("a")))] == [0, F(1, 16), F(1, 8)]


def test_inside_and_outside_with_a_span():
    add10 = T["add"].fn(10)
    pat = mini("0 1 2 3")
    assert [x for _, x in times(v("inside", 3, 0, 0.5, add10, pat))] == [10, 11, 2, 3]
    assert [x for _, x in times(v("outside", 3, 0, 0.5, add10, pat))] == [0, 1, 12, 13]
    assert times(T["inside"].fn(2, T["rev"].fn, mini("0 1 2 3 4 5 6 7"))) == \
        times(mini("3 2 1 0 7 6 5 4"))


def test_chew_one_argument_is_iter():
    assert times(v("chew", 1, 4, ABCD), 0, 4) == times(T["iter"].fn(4, ABCD), 0, 4)


def test_control_setters():
    assert ev(T["staccato"].fn(0.5, s("bd"))) == [(0, 1, {"s": "bd", "legato": 0.5})]
    assert ev(T["dur"].fn(0.2, s("bd"))) == [(0, 1, {"s": "bd", "sustain": 0.2})]
    assert ev(T["accelerate"].fn(-1, s("bd"))) == [(0, 1, {"s": "bd", "accelerate": -1})]


def test_exp_log_and_smooth_by_amount():
    assert [x for _, x in times(T["exp"].fn(2, mini("0 1 3")))] == [1.0, 2.0, 8.0]
    assert [x for _, x in times(T["log"].fn(10, mini("1 100")))] == [0.0, 2.0]
    assert [x for _, x in times(v("smooth", 1, 0.5, mini("0 4 0 4")), 0, 2)] == [0, 2.0, 1.0, 2.5] * 2
    assert [x for _, x in times(T["exp"].fn(2, n("1 2")))] == [{"n": 2.0}, {"n": 4.0}]


def test_walk_wanders_by_at_most_a_step_per_event_and_restarts_each_cycle():
    values = [x for _, x in times(T["walk"].fn(0.5, mini("0*8")), 0, 2)]
    steps = [b - a for a, b in zip([0] + values[:7], values[:8])]
    assert all(abs(d) <= 0.5 for d in steps) and len(set(values)) == 16
    assert abs(values[8]) <= 0.5


def test_groove_delays_each_event_by_its_grid_step():
    mpc = times(v("groove", 1, "mpc", mini("a*16")))
    assert [t for t, _ in mpc][:4] == [0, F(1, 16) + F(1, 32), F(1, 8), F(3, 16) + F(1, 32)]
    half = times(T["groove"].fn("hiphop", 0.5, mini("a*4")))
    assert [t for t, _ in half] == [0, F(1, 4) + F(1, 100), F(1, 2), F(3, 4) + F(1, 100)]
    assert GROOVES["one_drop"] == GROOVES["reggae"]
    with pytest.raises(ValueError, match="unknown groove 'swung'"):
        T["groove"].fn("swung", 1, mini("a")).query(0, 1)


def test_humanize_moves_within_bounds_and_varies_gain():
    pat = T["humanize"].fn(0.02, 0.25, s("bd*8"))
    evs = [e for e in pat.onsets(-1, 5) if 0 <= round(e.whole.begin * 8) < 32]
    assert len(evs) == 32
    for e in evs:
        k = round(e.whole.begin * 8)
        assert abs(e.whole.begin - F(k, 8)) <= F(2, 100) and e.whole.end - e.whole.begin == F(1, 8)
        assert 0.75 <= e.value["gain"] <= 1.25
    assert len({round(e.whole.begin * 8) for e in evs}) == 32
    assert len({e.value["gain"] for e in evs}) == len(evs)


def test_stripe_repeats_the_cycle_n_times_with_weights_one_two_three():
    pat = T["stripe"].fn(3, mini("a b"))
    for c in range(4):
        evs = times(pat, c, c + 1)
        assert [x for _, x in evs] == list("ababab")
        starts = [t - c for t, _ in evs[::2]] + [F(1)]
        spans = [b - a for a, b in zip(starts, starts[1:])]
        smallest = min(spans)
        assert sorted(x / smallest for x in spans) in ([1, 1, 1], [1, 1, 2], [1, 1, 3], [1, 2, 2],
                                                         [1, 2, 3], [1, 3, 3], [2, 2, 3], [2, 3, 3],
                                                         [1, 1.5, 1.5], [2, 3, 3])
        assert sum(spans) == 1


NEW = {
    "squeeze": (2,), "focus": (0.25, 0.75), "trim": (0.25, 0.75), "loop": (2,), "loopback": (),
    "reset": (3,), "stretch": (), "rot": (1,), "spin": (2,), "gap": (4,), "stripe": (3,),
    "binary": (1,), "walk": (0.5,), "humanize": (0.05, 0.1), "groove": ("drunken", 1),
    "quantise": (2,), "degradeSeed": (7,), "undegrade": (), "every'": (3, 1, T["rev"].fn),
    "chew": (4, "0 [1 2] <3 1>"), "bite": (4, "0 [1 2]"), "arp": ("<updown converge>",),
}


@pytest.mark.parametrize("name", sorted(NEW))
def test_results_do_not_depend_on_the_query_window(name):
    """[0, 4) queried at once and in 48 slices gives the same onsets (PHONON-RS §9.2)."""
    base = n("<0'maj7 4'min9>*2 [2 5]") if name in ("arp", "rot", "walk") else s("bd*4 [sn cp] hh")
    pat = T[name].fn(*NEW[name], base)
    whole = [(e.whole.begin, e.whole.end, repr(e.value)) for e in pat.onsets(0, 4)]
    sliced = [(e.whole.begin, e.whole.end, repr(e.value))
              for k in range(48) for e in pat.onsets(F(k, 12), F(k + 1, 12))]
    assert whole and sorted(whole) == sorted(sliced)


def test_chord_stacks_each_note():
    assert ev(T["chord"].fn("maj", n("0 5"))) == [
        (0, F(1, 2), {"n": 0}), (0, F(1, 2), {"n": 4}), (0, F(1, 2), {"n": 7}),
        (F(1, 2), 1, {"n": 5}), (F(1, 2), 1, {"n": 9}), (F(1, 2), 1, {"n": 12})]
    assert [x for _, x in times(T["chord"].fn("<maj min7>", mini("0")), 1, 2)] == [0, 3, 7, 10]
    with pytest.raises(ValueError, match="unknown chord 'mjr'"):
        T["chord"].fn("mjr", mini("0"))

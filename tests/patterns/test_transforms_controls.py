"""Transforms not in Strudel (Tidal semantics, expected values worked out by hand), the
TRANSFORMS table, control patterns and pattern arithmetic."""
from __future__ import annotations

from fractions import Fraction as F

import pytest

from phonon.patterns import TRANSFORMS, mini
from phonon.patterns.controls import CONTROLS, control, n, note, s

T = {k: v.fn for k, v in TRANSFORMS.items()}

LANGUAGE_MD = """fast slow hurry rev palindrome iter iterBack every whenmod sometimesBy sometimes often rarely
almostAlways almostNever degrade degradeBy unDegradeBy ply chunk off superimpose jux juxBy
early late rotL rotR segment range struct mask euclid euclidInv euclidFull swingBy swing
chop striate slice splice loopAt linger trunc zoom compress inside outside within stut echo
legato sustain""".split()
ORACLE = "add fastGap firstOf euclidRot euclidLegatoRot fastChunk press someCyclesBy n s".split()


def ev(pat, begin=0, end=1):
    return [(e.whole.begin, e.whole.end, e.value) for e in pat.onsets(begin, end)]


def test_every_listed_transform_exists_with_arg_specs():
    missing = [name for name in LANGUAGE_MD + ORACLE if name not in TRANSFORMS]
    assert missing == []
    spec = TRANSFORMS["every"]
    assert [(a.name, a.kind) for a in spec.args] == [("n", "pattern"), ("f", "function")]
    assert all(a.kind in {"pattern", "function", "number", "list", "any"}
               for t in TRANSFORMS.values() for f in t.forms() for a in f.args)
    assert all(t.doc for t in TRANSFORMS.values())


def test_wrong_argument_count_is_a_clear_error():
    with pytest.raises(TypeError, match="every expects 2 argument"):
        T["every"](mini("a"))
    fast2 = T["fast"](2)  # partial application, as Tidal's `fast 2`
    assert ev(fast2(mini("a"))) == [(0, F(1, 2), "a"), (F(1, 2), 1, "a")]


def test_whenmod_applies_from_cycle_b_of_every_a():
    pat = T["whenmod"](4, 2, T["rev"], mini("a b"))
    assert [v for _, _, v in ev(pat, 0, 4)] == ["a", "b", "a", "b", "b", "a", "b", "a"]


def test_trunc_keeps_the_start_of_each_cycle():
    assert ev(T["trunc"](0.75, mini("a b c d")), 0, 2) == [
        (0, F(1, 4), "a"), (F(1, 4), F(1, 2), "b"), (F(1, 2), F(3, 4), "c"),
        (1, F(5, 4), "a"), (F(5, 4), F(3, 2), "b"), (F(3, 2), F(7, 4), "c")]


def test_rot_l_and_rot_r_shift_time():
    assert ev(T["rotL"](0.25, mini("a b c d"))) == ev(mini("b c d a"))
    assert ev(T["rotR"](0.25, mini("a b c d"))) == ev(mini("d a b c"))


def test_euclid_inv_and_full():
    assert [t for t, _, _ in ev(T["euclidInv"](3, 8, mini("x")))] == [F(k, 8) for k in (1, 2, 4, 5, 7)]
    full = ev(T["euclidFull"](3, 8, mini("bd"), mini("hh")))
    assert [(t, v) for t, _, v in sorted(full)] == [
        (0, "bd"), (F(1, 8), "hh"), (F(1, 4), "hh"), (F(3, 8), "bd"), (F(1, 2), "hh"),
        (F(5, 8), "hh"), (F(3, 4), "bd"), (F(7, 8), "hh")]


def test_echo_with_applies_the_function_cumulatively_like_tidal_stut_with():
    pat = T["echoWith"](3, F(1, 8), lambda p: T["add"](12, p), mini("0"))
    assert sorted(ev(pat)) == [(0, 1, 0), (F(1, 8), F(9, 8), 12), (F(1, 4), F(5, 4), 24)]


def test_stutter_repeats_each_event():
    assert ev(T["stutter"](4, F(1, 16), mini("bd"))) == [(F(k, 16), F(k, 16) + 1, "bd") for k in range(4)]


def test_slice_splice_and_loop_at_set_sample_controls():
    sl = ev(T["slice"](4, mini("0 2"), mini("bev")))
    assert sl == [(0, F(1, 2), {"begin": 0.0, "end": 0.25, "_slices": 4, "s": "bev"}),
                  (F(1, 2), 1, {"begin": 0.5, "end": 0.75, "_slices": 4, "s": "bev"})]
    sp = ev(T["splice"](4, mini("0 2"), mini("bev")))
    assert sp[0][2]["speed"] == pytest.approx(0.5) and sp[0][2]["unit"] == "c"  # (1/4 slice) / (1/2 cycle)
    la = ev(T["loopAt"](2, T["s"](mini("break"))), 0, 2)
    assert la == [(0, 2, {"s": "break", "speed": 0.5, "unit": "c"})]


def test_control_setters_for_legato_sustain_gain():
    assert ev(T["legato"](0.5, T["s"](mini("bd sn")))) == [
        (0, F(1, 2), {"s": "bd", "legato": 0.5}), (F(1, 2), 1, {"s": "sn", "legato": 0.5})]
    assert ev(T["sustain"](mini("0.1 0.2"), T["s"](mini("bd"))))[0][2] == {"s": "bd", "sustain": 0.1}


def test_jux_pans_hard_left_and_right():
    """Phonon's pan is -1..1: jux's copies are at -1 and 1 (Strudel's 0 and 1 on its scale)."""
    vals = sorted((t, v["s"], v["pan"]) for t, _, v in ev(T["jux"](T["rev"], T["s"](mini("bd sn")))))
    assert vals == [(0, "bd", -1.0), (0, "sn", 1.0), (F(1, 2), "bd", 1.0), (F(1, 2), "sn", -1.0)]


def test_juxby_pans_by_the_amount_around_an_existing_pan():
    vals = sorted((t, v["s"], v["pan"]) for t, _, v in ev(T["juxBy"](0.5, T["rev"], T["s"](mini("bd sn")))))
    assert vals == [(0, "bd", -0.5), (0, "sn", 0.5), (F(1, 2), "bd", 0.5), (F(1, 2), "sn", -0.5)]
    panned = T["s"](mini("bd")).merge(control("pan", 0.25))
    assert sorted(v["pan"] for _, _, v in ev(T["juxBy"](0.5, T["rev"], panned))) == [-0.25, 0.75]


def test_patternable_arguments_accept_mini_strings_and_patterns():
    assert ev(T["fast"]("<1 2>", mini("a")), 1, 2) == [(1, F(3, 2), "a"), (F(3, 2), 2, "a")]
    assert ev(T["fast"](mini("<1 2>"), mini("a")), 1, 2) == [(1, F(3, 2), "a"), (F(3, 2), 2, "a")]


def test_controls_build_dicts_and_parse_sample_indices():
    assert ev(s("bd:3 sn")) == [(0, F(1, 2), {"s": "bd", "n": 3}), (F(1, 2), 1, {"s": "sn"})]
    assert ev(n("0 2")) == [(0, F(1, 2), {"n": 0}), (F(1, 2), 1, {"n": 2})]
    assert {"s", "n", "note", "gain", "pan", "speed", "begin", "end", "cut", "attack", "release",
            "legato", "loop", "shape", "vowel", "orbit", "sustain", "room", "size", "cutoff",
            "resonance"} <= CONTROLS
    assert ev(control("gain", 0.8)) == [(0, 1, {"gain": 0.8})]


def test_note_names_become_semitones_from_middle_c():
    assert [v["note"] for _, _, v in ev(note("c4 e4 a4 c5 c eb3 f#4 7"))] == [0, 4, 9, 12, 0, -9, 6, 7]


def test_merge_is_tidals_hash_structure_from_the_left():
    pat = s("bd*2 sn").merge(control("gain", "1 0.5"))
    assert ev(pat) == [(0, F(1, 4), {"s": "bd", "gain": 1}), (F(1, 4), F(1, 2), {"s": "bd", "gain": 1}),
                       (F(1, 2), 1, {"s": "sn", "gain": 0.5})]


def test_arithmetic_takes_structure_from_the_left():
    assert ev(mini("0 1") + mini("10 20 30")) == [(0, F(1, 2), 10), (F(1, 2), 1, 21)]
    assert ev(mini("1 2 3") * 2) == [(0, F(1, 3), 2), (F(1, 3), F(2, 3), 4), (F(2, 3), 1, 6)]
    assert ev(mini("4 6") / 2) == [(0, F(1, 2), 2), (F(1, 2), 1, 3)]
    assert ev(mini("1") - mini("0.5")) == [(0, 1, 0.5)]
    assert ev(10 - mini("1 2")) == [(0, 1, 9)]  # number on the left: its structure (one event)
    assert ev(mini("c4 a4") + 0) == [(0, F(1, 2), 60), (F(1, 2), 1, 69)]  # note names -> MIDI
    assert ev(n("1 2") + n("10")) == [(0, F(1, 2), {"n": 11}), (F(1, 2), 1, {"n": 12})]


def test_arithmetic_on_words_is_an_error():
    with pytest.raises(ValueError, match="cannot do arithmetic on 'bd'"):
        (mini("bd") + 1).query(0, 1)


def test_transforms_are_also_pattern_methods():
    pat = mini("a b c d").every(2, lambda p: p.rev())
    assert [v for _, _, v in ev(pat, 0, 2)] == ["d", "c", "b", "a", "a", "b", "c", "d"]
    with pytest.raises(AttributeError, match="no attribute or transform 'evry'"):
        mini("a").evry(2)


def test_struct_reads_tidal_booleans():
    assert [t for t, _, _ in ev(mini("x").struct("t f t t"))] == [0, F(1, 2), F(3, 4)]
    assert [t for t, _, _ in ev(mini("x").struct("1 0 true false"))] == [0, F(1, 2)]


def test_operator_family_chooses_structure_and_value_side():
    a, b = mini("1 2"), mini("10 20 30")
    assert ev(a.combine(b, "+")) == [(0, F(1, 2), 11), (F(1, 2), 1, 22)]
    assert ev(a.combine(b, "+", "right")) == [(0, F(1, 3), 11), (F(1, 3), F(2, 3), 21), (F(2, 3), 1, 32)]
    assert ev(a.combine(b, "+", "both")) == [(0, F(1, 3), 11), (F(1, 3), F(1, 2), 21),
                                              (F(1, 2), F(2, 3), 22), (F(2, 3), 1, 32)]
    assert ev(s("bd sn").combine(control("s", "hh"), "<")) == [(0, F(1, 2), {"s": "bd"}),
                                                              (F(1, 2), 1, {"s": "sn"})]
    assert ev(mini("7").combine(3, "%")) == [(0, 1, 1)]
    with pytest.raises(ValueError, match="unknown operator '\\^'"):
        a.combine(b, "^")


def test_alternating_transforms_are_defined_before_cycle_zero():
    # Strudel's palindrome/every/lastOf play nothing for negative cycles (JavaScript's `%`), so
    # `iterBack`, which reads the previous cycle, drops the first step in Strudel. Tidal's
    # modulo keeps it: cycle -1 of the palindrome is reversed (d c b a), its last step `a`
    # comes first.
    pat = mini("a b c d").palindrome().iterBack(4)
    assert [(t, v) for t, _, v in ev(pat, 1, 2)] == [(1, "a"), (F(5, 4), "a"), (F(3, 2), "b"), (F(7, 4), "c")]
    assert [v for _, _, v in ev(mini("a b").every(2, lambda p: p.rev()), -2, 0)] == ["b", "a", "a", "b"]


def test_bjorklund_patterns_and_degenerate_arguments():
    from phonon.patterns.transforms import bjorklund
    assert bjorklund(3, 8) == [1, 0, 0, 1, 0, 0, 1, 0]
    assert bjorklund(5, 8) == [1, 0, 1, 1, 0, 1, 1, 0]
    assert bjorklund(-3, 8) == [0, 1, 1, 0, 1, 1, 0, 1]
    assert bjorklund(5, 3) == [1, 1, 1]  # Strudel raises; we fill every step
    assert bjorklund(2, 0) == []
    assert ev(mini("bd(5,3)")) == ev(mini("bd*3"))

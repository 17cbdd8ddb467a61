"""Mini-notation: values, event times, and parse errors with exact columns."""
from __future__ import annotations

from fractions import Fraction as F

import pytest

from phonon.errors import MiniNotationError, PhononError
from phonon.patterns import Event, TimeSpan, mini


def onsets(text, begin=0, end=1):
    return [(e.whole.begin, e.whole.end, e.value) for e in mini(text).onsets(begin, end)]


def test_atom_values_keep_their_written_type():
    (_, _, a), (_, _, b), (_, _, c), (_, _, d), (_, _, e) = onsets("bd 1 0.5 -2 1e3")
    assert (a, b, c, d, e) == ("bd", 1, 0.5, -2, 1000.0)
    assert type(b) is int and type(c) is float and type(d) is int
    assert onsets("c4 eb3")[0][2] == "c4"  # note names stay strings in plain mini-notation
    assert onsets("bd:3")[0][2] == ("bd", 3)
    assert onsets("a:1:2")[0][2] == ("a", 1, 2)
    assert onsets("0..3")[0][2] == "0..3"  # no spaces: one word


def test_sequence_group_and_rest_times():
    assert onsets("bd [~ sn] hh") == [(0, F(1, 3), "bd"), (F(1, 2), F(2, 3), "sn"), (F(2, 3), 1, "hh")]


def test_alternation_advances_once_per_cycle_of_its_parent():
    assert [v for _, _, v in onsets("[<a b> c]*2", 0, 2)] == ["a", "c", "b", "c", "a", "c", "b", "c"]
    assert [v for _, _, v in onsets("<a <b c>>", 0, 4)] == ["a", "b", "a", "c"]


def test_weights_elongation_replication_and_feet():
    assert onsets("a@3 b") == [(0, F(3, 4), "a"), (F(3, 4), 1, "b")]
    assert onsets("a _ _ b") == [(0, F(3, 4), "a"), (F(3, 4), 1, "b")]
    assert onsets("a!2 b") == [(0, F(1, 3), "a"), (F(1, 3), F(2, 3), "a"), (F(2, 3), 1, "b")]
    assert onsets("a . b c") == [(0, F(1, 2), "a"), (F(1, 2), F(3, 4), "b"), (F(3, 4), 1, "c")]


def test_euclid_with_patterned_arguments_and_rotation_later():
    assert [t for t, _, _ in onsets("bd(3,8)")] == [0, F(3, 8), F(3, 4)]
    assert [t for t, _, _ in onsets("bd(3,8,2)")] == [0, F(1, 4), F(5, 8)]  # x..x..x. -> x.x..x..
    assert [t for t, _, _ in onsets("bd(<3 5>,8)", 1, 2)] == [1, F(5, 4), F(11, 8), F(13, 8), F(7, 4)]  # x.xx.xx.


def test_polymeter_steps_and_ranges():
    assert [v for _, _, v in onsets("{a b c}%4", 0, 2)] == ["a", "b", "c", "a", "b", "c", "a", "b"]
    assert [v for _, _, v in onsets("0 .. 3")] == [0, 1, 2, 3]
    assert [v for _, _, v in onsets("3 .. 0")] == [3, 2, 1, 0]


def test_patterned_fast_and_slow():
    assert [t for t, _, _ in onsets("bd*<2 3>", 1, 2)] == [1, F(4, 3), F(5, 3)]
    assert onsets("bd/2", 0, 4) == [(0, 2, "bd"), (2, 4, "bd")]


def test_stack_at_top_level_and_nested():
    assert sorted(onsets("bd*2, hh")) == [(0, F(1, 2), "bd"), (0, 1, "hh"), (F(1, 2), 1, "bd")]


def test_degrade_and_choice_are_deterministic_and_seeded_per_operator():
    a = onsets("hh*16?", 0, 4)
    assert a == onsets("hh*16?", 0, 4) and 16 < len(a) < 48
    # each ? takes the next seed: the two halves of this pattern are decided differently
    both = mini("[hh*8?, oh*8?]").onsets(0, 4)
    hh = [e.whole.begin for e in both if e.value == "hh"]
    oh = [e.whole.begin for e in both if e.value == "oh"]
    assert hh == [e.whole.begin for e in mini("hh*8?").onsets(0, 4)]
    assert hh != oh


def test_query_results_do_not_depend_on_slicing():
    pat = mini("bd*3 <sn [cp cp]> hh(3,8)")
    whole = [(e.whole.begin, e.value) for e in pat.onsets(0, 2)]
    sliced = []
    t = F(0)
    while t < 2:
        sliced += [(e.whole.begin, e.value) for e in pat.onsets(t, t + F(1, 7))]
        t += F(1, 7)
    assert whole == sliced


def test_query_returns_fragments_with_whole_and_part():
    (ev,) = mini("bd/2").query(F(1, 2), 1)
    assert ev == Event(TimeSpan(0, 2), TimeSpan(F(1, 2), 1), "bd") and not ev.has_onset()


@pytest.mark.parametrize("text, col, message", [
    ("bd [sn hh", 10, "expected ']'"),
    ("a ]", 3, "unexpected ']'"),
    ("<a b", 5, "expected '>'"),
    ("{a b", 5, "expected '}'"),
    ("bd(3,8", 7, "expected ')'"),
    ("bd(3 8)", 6, "expected ','"),
    ("a b . c d, e", 10, "unexpected ','"),
    ("bd*", 4, "expected a number or pattern after '*', found end of pattern"),
    ("", 1, "empty pattern"),
    ("bd [", 5, "expected a step, found end of pattern"),
])
def test_parse_errors_name_the_column(text, col, message):
    with pytest.raises(MiniNotationError) as info:
        mini(text)
    err = info.value
    assert (err.message, err.col, err.line, err.source_line) == (message, col, 1, text)
    assert isinstance(err, PhononError)
    assert str(err).splitlines()[-1] == "    " + " " * (col - 1) + "^"


def test_parse_error_hint_points_at_the_open_bracket():
    with pytest.raises(MiniNotationError) as info:
        mini("bd [sn hh")
    assert info.value.hint == "to close the '[' at col 4"


def test_parse_error_in_a_multiline_string_reports_line_and_column():
    with pytest.raises(MiniNotationError) as info:
        mini("a\nb [c")
    assert (info.value.line, info.value.col, info.value.source_line) == (2, 5, "b [c")


def test_words_read_as_numbers_exactly_like_javascript_number():
    from phonon.patterns.values import parse_number
    cases = {"0x10": 16, "0X1f": 31, "0b101": 5, "007": 7, "-0": 0, ".5": 0.5, "5.": 5.0,
             "1e3": 1000.0, "2E-2": 0.02, "Infinity": float("inf")}
    assert {k: parse_number(k) for k in cases} == cases
    assert [parse_number(x) for x in ("0x-1", "0o8", "1_0", "bd", "-", "~", "1e", "")] == [None] * 8


def test_absurd_nesting_is_a_mininotation_error_not_a_crash():
    with pytest.raises(MiniNotationError, match="nested too deeply"):
        mini("[" * 2000 + "a" + "]" * 2000)
    assert onsets("[[[[[[a]]]]]]") == [(0, 1, "a")]


def test_value_words_are_the_steps_the_parser_reads():
    from phonon.patterns.mini import value_words
    assert value_words("bd*2 [sn:3 ~ hh(3,8)] <cp ~lead>") == (
        ("bd", 0), ("sn", 6), ("hh", 13), ("cp", 23), ("~lead", 26))
    # alternatives all count; operator arguments (*<2 3>, %4, (3,8,<0 2>), .. 7, ?0.3) do not
    assert value_words("{a b, c}%4 d*<2 3> e(3,8,<0 2>) f?0.3 [g|h] 0 .. 7") == (
        ("a", 1), ("b", 3), ("c", 6), ("d", 11), ("e", 19), ("f", 32), ("g", 39), ("h", 41),
        ("0", 44))
    assert value_words("c#4 eb3 - ~") == (("c#4", 0), ("eb3", 4))
    with pytest.raises(MiniNotationError):
        value_words("bd [sn")

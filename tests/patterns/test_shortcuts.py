"""The pattern engine's shortcuts give exactly the events of the general constructions, in the
same order, for any span: `pure(v)._fast(f)`, `fastcat` of values and rests, `#`/`|+|` with a
pure right side, and `TimeSpan.span_cycles` (integer arithmetic). Each shortcut is compared
with the same pattern built so that the general way must be taken (a query function that is not
marked pure)."""
from __future__ import annotations

from fractions import Fraction as F

from hypothesis import given, settings, strategies as st

from phonon.patterns import mini
from phonon.patterns.arithmetic import merge_values
from phonon.patterns.combinators import fastcat, slowcat
from phonon.patterns.pattern import Pattern, pure, silence
from phonon.patterns.timespan import TimeSpan

times = st.fractions(min_value=-5, max_value=9, max_denominator=12)
factors = st.fractions(min_value=F(1, 5), max_value=17, max_denominator=5)


@st.composite
def spans(draw) -> tuple[F, F]:
    """Spans inside a cycle, across cycles, zero-width, on and off cycle boundaries."""
    begin = draw(times)
    return begin, begin + draw(st.sampled_from([F(0), F(1, 3), F(1), F(5, 2), F(4)]) | times.map(abs))


def general(p: Pattern) -> Pattern:
    """`p` without its pure mark: operations on it take the general way."""
    return Pattern(p._query, period=p.period)


def events(p: Pattern, span: tuple[F, F]) -> list:
    return [(e.whole, e.part, e.value) for e in p.query(*span)]


@settings(max_examples=300, deadline=None)
@given(factors, spans())
def test_fast_of_a_pure_value_is_the_general_fast(factor, span):
    assert pure("hat")._fast(factor).is_pure is False
    assert events(pure("hat")._fast(factor), span) == events(general(pure("hat"))._fast(factor), span)
    assert pure("hat")._fast(factor).period == general(pure("hat"))._fast(factor).period


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["bd", "sn", None, 3, None]), min_size=2, max_size=9), spans())
def test_a_sequence_of_values_and_rests_is_the_general_fastcat(values, span):
    steps = [silence if v is None else pure(v) for v in values]
    shortcut = fastcat(*steps)
    wanted = slowcat(*[general(p) for p in steps])._fast(len(steps))
    assert events(shortcut, span) == events(wanted, span)
    assert shortcut.period == wanted.period


def test_mini_notation_takes_the_shortcut_and_keeps_the_strudel_events():
    p = mini("~ ~ perc perc ~ ~ ~ perc")
    assert [(e.whole.begin, e.whole.end, e.value) for e in p.query(0, 1)] == [
        (F(1, 4), F(3, 8), "perc"), (F(3, 8), F(1, 2), "perc"), (F(7, 8), F(1), "perc")]
    p = mini("bd*3")
    assert [e.part for e in p.query(F(1, 6), F(1, 2))] == [TimeSpan(F(1, 6), F(1, 3)),
                                                            TimeSpan(F(1, 3), F(1, 2))]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["bd*4 [sn cp]", "bd(3,8)", "<bd sn>/2 hh*3", "bd@3 sn", "[bd sn]/3"]),
       spans())
def test_a_pure_right_side_of_hash_is_the_general_app_left(source, span):
    left, right = mini(source), pure({"gain": 0.5})
    assert events(left.app_left(right, merge_values), span) == \
        events(left.app_left(general(right), merge_values), span)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["0 1 2", "0 [1 2]/2", "<0 3>*3", "0@5 7", "[0 1]/3 2"]), spans())
def test_a_pure_right_side_of_a_both_structure_operation_is_the_general_app_both(source, span):
    left, right = mini(source), pure(3)
    add = lambda a, b: a + b    # noqa: E731
    assert events(left.app_both(right, add), span) == events(left.app_both(general(right), add), span)


def _span_cycles_by_comparisons(begin: F, end: F) -> list[TimeSpan]:
    """The definition: cut at every whole cycle between begin and end."""
    if begin == end:
        return [TimeSpan(begin, end)]
    out = []
    while end > begin:
        nxt = F(begin.numerator // begin.denominator + 1)
        out.append(TimeSpan(begin, min(nxt, end)))
        begin = nxt
    return out


@settings(max_examples=500, deadline=None)
@given(times, times)
def test_span_cycles_cuts_at_every_whole_cycle(begin, end):
    assert TimeSpan(begin, end).span_cycles() == _span_cycles_by_comparisons(begin, end)

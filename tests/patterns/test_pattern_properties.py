"""Property tests (hypothesis) over generated mini-notation programs."""
from __future__ import annotations

from fractions import Fraction as F

from hypothesis import given, settings, strategies as st

from phonon.patterns import TRANSFORMS, mini
from phonon.patterns.mini import _compile, parse

WORDS = st.sampled_from(["bd", "sn", "hh", "cp", "~", "0", "3", "a:2", "[0 .. 2]"])
NUMS = st.sampled_from(["2", "3", "0.5", "1.5", "<2 3>", "[1 2]"])


@st.composite
def terms(draw, depth=0):
    kind = draw(st.integers(0, 7 if depth < 2 else 0))
    if kind == 0:
        t = draw(WORDS)
    else:
        inner = " ".join(draw(st.lists(terms(depth + 1), min_size=1, max_size=3)))
        t = {1: f"[{inner}]", 2: f"<{inner}>", 3: f"{{{inner}}}%{draw(st.integers(1, 5))}",
             4: f"[{inner}, {draw(WORDS)}]", 5: f"[{inner} | {draw(WORDS)}]",
             6: f"{draw(WORDS)}({draw(st.integers(1, 5))},8,{draw(st.integers(0, 3))})",
             7: f"[{inner} . {draw(WORDS)}]"}[kind]
    suffix = draw(st.sampled_from(["", "", "*" + draw(NUMS), "/" + draw(NUMS), "?", "!", "@2", "?0.3"]))
    return t + suffix


programs = st.lists(terms(), min_size=1, max_size=4).map(" ".join)
times = st.fractions(min_value=0, max_value=6, max_denominator=24)


def _key(e):
    return (e.whole.begin, e.whole.end, repr(e.value))


@settings(database=None, max_examples=120, deadline=None)
@given(programs, times, times, times)
def test_query_splits_add_up(text, a, b, c):
    a, b, c = sorted((a, b, c))
    pat = mini(text)
    joined = sorted(map(_key, pat.onsets(a, c)))
    split = sorted(map(_key, pat.onsets(a, b) + pat.onsets(b, c)))
    assert joined == split


@settings(database=None, max_examples=80, deadline=None)
@given(programs, st.sampled_from([F(2), F(3), F(1, 2), F(3, 2), F(5, 4)]))
def test_fast_n_of_slow_n_is_identity(text, n):
    pat = mini(text)
    fast, slow = TRANSFORMS["fast"].fn, TRANSFORMS["slow"].fn
    a = sorted((e.whole.begin, e.whole.end, e.part.begin, e.part.end, repr(e.value))
               for e in fast(n, slow(n, pat)).query(0, 3))
    b = sorted((e.whole.begin, e.whole.end, e.part.begin, e.part.end, repr(e.value))
               for e in pat.query(0, 3))
    assert a == b


@settings(database=None, max_examples=60, deadline=None)
@given(programs.filter(lambda t: "?" in t or "|" in t))
def test_random_patterns_are_reproducible(text):
    fresh1, fresh2 = _compile(parse(text)), _compile(parse(text))
    assert list(map(_key, fresh1.onsets(0, 8))) == list(map(_key, fresh2.onsets(0, 8)))


@settings(database=None, max_examples=60, deadline=None)
@given(programs, st.integers(-3, 3))
def test_onsets_lie_in_the_window_and_are_sorted(text, start):
    evs = mini(text).onsets(start, start + 2)
    assert all(start <= e.whole.begin < start + 2 and e.has_onset() for e in evs)
    assert [e.whole.begin for e in evs] == sorted(e.whole.begin for e in evs)


@settings(database=None, max_examples=150, deadline=None)
@given(programs, st.sampled_from([None, "every 3 (fast 2)", "iter 4", "chunk 4 (hurry 2)", "rev",
                                  "off 0.125 rev", "jux rev", "ply \"<2 3>\"", "whenmod 4 2 rev",
                                  "linger 0.25", "palindrome", "euclid \"<3 5>\" 8", "ply 1.5",
                                  "press", "s ; chop 2", "segment 3", "swingBy 1/3 4"]),
       st.integers(-2, 3))
def test_declared_period_is_a_true_period(text, transform, cycle):
    from tests.oracle_adapter import transformed
    pat = transformed(mini(text), transform)
    if pat.period is None:
        return
    p = pat.period.numerator
    here = [(e.whole.begin + p, e.whole.end + p, repr(e.value)) for e in pat.onsets(cycle, cycle + 1)]
    there = [(e.whole.begin, e.whole.end, repr(e.value)) for e in pat.onsets(cycle + p, cycle + p + 1)]
    assert sorted(here) == sorted(there)

"""Clock: exact sample <-> cycle mapping, rounding rule, tempo changes without jumps."""
import math
from fractions import Fraction

import pytest

from phonon.timing.clock import Clock, exact_cps
from phonon.timing.events import EventStream

from tests.graph_fixtures import CyclePattern


def test_cycle_at_and_sample_at_are_exact():
    c = Clock(44100, Fraction(1, 3))
    assert c.cycle_at(44100) == Fraction(1, 3)
    assert c.sample_at(Fraction(1, 4)) == 33075          # 0.75 s
    assert c.sample_at(Fraction(7, 4)) == 231525         # 5.25 s
    c2 = Clock(44100, 2.5)
    assert c2.cps == Fraction(5, 2)
    assert c2.sample_at(Fraction(1, 4)) == 4410


def test_float_cps_is_read_as_nearest_simple_fraction():
    assert exact_cps(1 / 3) == Fraction(1, 3)
    assert exact_cps(174 / 60) == Fraction(29, 10)
    with pytest.raises(ValueError):
        exact_cps(0)


def test_rounding_is_half_to_even():
    c = Clock(2, 1)                                       # 2 samples per cycle
    assert c.position(Fraction(1, 4)) == Fraction(1, 2)
    assert c.sample_at(Fraction(1, 4)) == 0               # 0.5 -> 0
    assert c.sample_at(Fraction(3, 4)) == 2               # 1.5 -> 2


def test_set_cps_rebases_without_a_jump():
    c = Clock(48000, 1)
    before = c.cycle_at(12000)
    c.set_cps(2, at=12000)
    assert c.cycle_at(12000) == before == Fraction(1, 4)
    assert c.cycle_at(12000 + 24000) == Fraction(5, 4)
    assert c.sample_at(Fraction(1)) == 12000 + 18000
    assert c.version == 1


@pytest.mark.parametrize("block", [1, 7, 64, 500, 4096])
def test_each_onset_lands_in_exactly_one_block(block):
    clock = Clock(44100, Fraction(1, 3))
    pat = CyclePattern.seq(["a", "b", None, "c", "d", "e", "f"])
    stream = EventStream(pat, clock)
    total = 3 * 44100 * 3                                 # 3 cycles
    got = []
    for start in range(0, total, block):
        end = min(start + block, total)
        got += [(start + off, ev.value) for off, ev in stream.take(start, end)]
    expected = []
    for k in range(3):
        for i, v in enumerate(["a", "b", None, "c", "d", "e", "f"]):
            if v is not None:
                expected.append((round(Fraction(7 * k + i, 7) / Fraction(1, 3) * 44100), v))
    assert got == expected


def test_tempo_change_remaps_pending_onsets():
    clock = Clock(1000, 1)
    stream = EventStream(CyclePattern.seq(["a", "b", "c", "d"]), clock)
    assert [(o, e.value) for o, e in stream.take(0, 300)] == [(0, "a"), (250, "b")]
    clock.set_cps(2, at=300)            # cycle 0.3 at sample 300; 500 samples per cycle now
    got = [(o + 300, e.value) for o, e in stream.take(300, 1100)]
    # c at cycle 1/2 -> 300 + 0.2*500 = 400; d at 3/4 -> 525; next a at 1 -> 650; b 1.25 -> 775
    assert got == [(400, "c"), (525, "d"), (650, "a"), (775, "b"), (900, "c"), (1025, "d")]


from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=60, deadline=None)
@given(
    steps=st.lists(st.integers(1, 12), min_size=1, max_size=6),
    cps=st.fractions(min_value=Fraction(1, 7), max_value=Fraction(7, 2), max_denominator=12),
    sr=st.sampled_from([1000, 22050, 44100, 48000]),
    blocks=st.lists(st.integers(1, 3000), min_size=1, max_size=4),
)
def test_onsets_match_the_formula_for_any_block_sequence(steps, cps, sr, blocks):
    """Each onset once, on round(cycle / cps * sr), whatever the (varying) block sizes."""
    # a sequence with the given relative step lengths
    total = sum(steps)
    bounds = [Fraction(sum(steps[:i]), total) for i in range(len(steps) + 1)]
    pat = CyclePattern([(bounds[i], bounds[i + 1], i) for i in range(len(steps))])
    clock = Clock(sr, cps)
    stream = EventStream(pat, clock)
    end_sample = round(2 / cps * sr)                      # two cycles
    got, start, i = [], 0, 0
    while start < end_sample:
        b = min(blocks[i % len(blocks)], end_sample - start)
        got += [start + off for off, _ in stream.take(start, start + b)]
        start, i = start + b, i + 1
    expected = [s for s in (round((k + bounds[j]) / cps * sr) for k in range(3)
                            for j in range(len(steps))) if s < end_sample]
    assert got == expected


@settings(max_examples=300, deadline=None)
@given(
    cycle=st.fractions(min_value=-50, max_value=5000, max_denominator=10**6),
    cps=st.fractions(min_value=Fraction(1, 100), max_value=100, max_denominator=1000),
    c0=st.fractions(min_value=-10, max_value=10, max_denominator=97),
    n0=st.integers(-10**6, 10**6),
    sr=st.sampled_from([1, 2, 1000, 44100, 48000, 96000]),
)
def test_integer_sample_at_equals_exact_round(cycle, cps, c0, n0, sr):
    c = Clock(sr, cps, n0=n0, c0=c0)
    assert c.sample_at(cycle) == round(c.position(cycle))
    # the horizon of event streams: the floor, in integers too (issue 19)
    assert c.floor_position(cycle) == math.floor(c.position(cycle))
    assert c.floor_position(int(cycle)) == math.floor(c.position(Fraction(int(cycle))))


@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(-10**7, 10**10),
    cps=st.fractions(min_value=Fraction(1, 100), max_value=100, max_denominator=1000),
    c0=st.fractions(min_value=-10, max_value=10, max_denominator=97),
    n0=st.integers(-10**6, 10**6),
    sr=st.sampled_from([1, 2, 1000, 44100, 48000, 96000]),
    later=st.one_of(st.none(), st.tuples(st.integers(0, 10**6),
                                         st.fractions(min_value=Fraction(1, 10), max_value=10,
                                                      max_denominator=100))),
)
def test_integer_cycle_at_equals_the_exact_formula(n, cps, c0, n0, sr, later):
    """`cycle_at` of a sample is one integer Fraction (issue 19): the same value as the
    definition, before and after a tempo change."""
    c = Clock(sr, cps, n0=n0, c0=c0)
    if later is not None:
        c.set_cps(later[1], later[0])
    exact = c.c0 + Fraction(n - c.n0) * c.cps / c.sr
    assert c.cycle_at(n) == exact and type(c.cycle_at(n)) is Fraction
    assert c.cycle_at(Fraction(n)) == exact


@settings(max_examples=80, deadline=None)
@given(
    text=st.sampled_from(["hh*16", "a*3", "<a b>*4", "[a b c]*2", "a(3,8)", "{a b c}%4",
                          "<a b c>", "a b"]),
    cps=st.fractions(min_value=Fraction(1, 7), max_value=Fraction(7, 2), max_denominator=12),
    blocks=st.lists(st.integers(1, 30000), min_size=1, max_size=4),
)
def test_a_stream_repeats_a_pattern_by_the_numerator_of_its_period(text, cps, blocks):
    """`"hh*16"` repeats every 1/16 cycle: its stream shifts the onsets of one cycle (the
    numerator of any period is a whole number of cycles it repeats after), and plays the
    onsets of a stream that queries every cycle (issue 19: 79 -> 6 us a cycle)."""
    from phonon.patterns import mini
    pat = mini(text)
    periodic, queried = EventStream(pat, Clock(44100, cps)), EventStream(pat, Clock(44100, cps))
    queried._period = None
    assert periodic._period == pat.period.numerator
    end_sample = round(7 / cps * 44100)                   # seven cycles
    heard = {id(periodic): [], id(queried): []}
    start, i = 0, 0
    while start < end_sample:
        b = min(blocks[i % len(blocks)], end_sample - start)
        for stream in (periodic, queried):
            heard[id(stream)] += [(start + off, ev.whole.begin + shift, ev.whole.end + shift,
                                   ev.value) for off, ev, shift in stream.take_shifted(start,
                                                                                      start + b)]
        start, i = start + b, i + 1
    assert heard[id(periodic)] == heard[id(queried)] and heard[id(queried)]

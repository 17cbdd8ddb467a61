"""Continuous signals and the random generator against values printed by Strudel 1.2.6
(strudel_signals.json, from strudel_signals_probe.mjs): exact float equality."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from phonon.patterns import signals as S
from phonon.patterns import irand

PINNED = json.loads((Path(__file__).parent / "strudel_signals.json").read_text())


def _sampled(pat, n, begin, end):
    return [[float(e.whole.begin), e.value] for e in pat._segment(n).query(begin, end)]


@pytest.mark.parametrize("name", ["sine", "cosine", "saw", "isaw", "tri", "square", "rand", "perlin"])
def test_signal_values_equal_strudels_bit_for_bit(name):
    assert _sampled(getattr(S, name), 8, 0, 2) == PINNED[name]


def test_irand_equals_strudel():
    assert _sampled(irand(8), 8, 0, 2) == PINNED["irand8"]
    assert all(isinstance(v, int) and 0 <= v < 8 for _, v in PINNED["irand8"])


def test_rand_far_from_zero_and_before_zero_equals_strudel():
    assert _sampled(S.rand, 1, 1000, 1004) == PINNED["rand_far"]
    assert _sampled(S.rand, 2, -2, 0) == PINNED["rand_neg"]


def test_rand_is_a_pure_function_of_time():
    a = [e.value for e in S.rand._segment(16).query(3, 5)]
    b = [e.value for e in S.rand._segment(16).query(3, 5)]
    assert a == b and len(set(a)) == 32
    assert S.rand_at(0.125) == PINNED["rand"][1][1]


def test_signals_have_no_whole_and_sample_at_query_start():
    (ev,) = S.saw.query(0.25, 0.5)
    assert ev.whole is None and ev.value == 0.25 and not ev.has_onset()

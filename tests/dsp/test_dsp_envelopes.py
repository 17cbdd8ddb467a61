"""Event-triggered envelopes: segment timings in samples."""
import numpy as np
import pytest

from phonon.nodes.envelopes import ADSR, AR, Perc
from phonon.plugins.testing import render_node

SR = 44100


def test_perc_attack_and_release_times_in_samples():
    # attack 441 samples, release 4410 samples, onset at sample 1000
    y = render_node(Perc, frames=8000, params={"attack": 0.01, "release": 0.1},
                    events=[(1000, 0.5)], block=256)[0]
    assert np.all(y[:1000] == 0.0)
    assert y[1000] == 0.0                                    # the onset sample starts from 0
    assert y[1000 + 220] == pytest.approx(220 / 441, abs=1e-6)
    assert y[1000 + 441] == 1.0                              # peak exactly `attack` later
    assert np.argmax(y) == 1441
    assert y[1441 + 2205] == pytest.approx(0.5, abs=1e-6)     # halfway down the release
    assert y[1441 + 4410] == 0.0
    assert y[1441 + 4409] > 0.0
    assert np.all(y[1441 + 4410:] == 0.0)


def test_zero_attack_jumps_to_one_at_the_onset():
    y = render_node(Perc, frames=2000, params={"attack": 0.0, "release": 0.01}, events=[(500, 0.1)])[0]
    assert y[499] == 0.0 and y[500] == 1.0
    assert y[500 + 441] == 0.0 and y[500 + 440] > 0.0


def test_ar_holds_for_the_event_duration_then_releases():
    # gate 0.1 s = 4410 samples; attack 441, release 882
    y = render_node(AR, frames=10000, params={"attack": 0.01, "release": 0.02},
                    events=[(100, 0.1)], block=64)[0]
    assert y[100 + 441] == 1.0
    assert np.all(y[100 + 441:100 + 4410 + 1] == 1.0)         # held until the gate ends
    assert y[100 + 4410 + 441] == pytest.approx(0.5, abs=1e-6)
    assert y[100 + 4410 + 882] == 0.0 and y[100 + 4410 + 881] > 0.0


def test_adsr_segments():
    # a=441, d=882 samples to sustain 0.6, gate 4410, r=441
    y = render_node(ADSR, frames=10000, params={"attack": 0.01, "decay": 0.02, "sustain": 0.6,
                                                 "release": 0.01},
                    events=[(0, 0.1)], block=512)[0]
    assert y[441] == 1.0
    assert y[441 + 441] == pytest.approx(0.8, abs=1e-6)       # halfway through the decay
    assert y[441 + 882] == pytest.approx(0.6, abs=1e-6)
    assert np.allclose(y[441 + 882:4411], 0.6)
    assert y[4410 + 220] == pytest.approx(0.6 * (1 - 220 / 441), abs=1e-6)
    assert y[4410 + 441] == 0.0


def test_gate_shorter_than_attack_releases_from_the_current_level():
    y = render_node(AR, frames=3000, params={"attack": 0.02, "release": 0.01},
                    events=[(0, 441 / SR)])[0]                  # gate ends halfway up the attack
    assert y[441] == pytest.approx(0.5, abs=1e-6)
    assert y.max() == pytest.approx(0.5, abs=1e-6)
    assert y[441 + 441] == 0.0


def test_retrigger_restarts_the_attack_from_the_current_level():
    y = render_node(Perc, frames=6000, params={"attack": 0.01, "release": 0.1},
                    events=[(0, 0.1), (2646, 0.1)], block=100)[0]
    level = y[2646]
    assert level == pytest.approx(1 - (2646 - 441) / 4410, abs=1e-6)
    assert y[2647] == pytest.approx(level + 1 / 441, abs=1e-6)  # rising again
    assert y[2646 + int(np.ceil((1 - level) * 441))] == 1.0


@pytest.mark.parametrize("cls", [Perc, AR, ADSR])
def test_onsets_in_many_blocks_match_a_single_block(cls):
    events = [(k * 3000 + 17, 0.03) for k in range(12)]
    a = render_node(cls, frames=40000, events=events, block=64)
    b = render_node(cls, frames=40000, events=events, block=4096)
    assert np.array_equal(a, b)
    assert np.array_equal(a[0], a[1])

"""Gates, triggers, hold/timer, selection and ramps, and the level followers: each against its
exact definition (sample positions, thresholds, values at set times, RMS of a known sine)."""
from __future__ import annotations

import numpy as np
import pytest

import phonon
from phonon.errors import PhononError
from phonon.nodes.analysis import AmpFollower, PeakFollower, Rms
from phonon.nodes.gates import Gate, Latch, SampleHold, Schmidt, Timer, Trig
from phonon.nodes.logic import If, Min, Select, Wrap
from phonon.nodes.ramps import Curve, Segments, XLine
from phonon.runtime.options import RuntimeOptions
from tests.nodes_fx.quality import (SR, check_block_size, check_documented, check_hot_swap,
                                    check_nan_safe, noise, render)

SIGNAL_NODES = [Schmidt, Latch, SampleHold, Timer, If, Min, Select, Wrap, Rms, PeakFollower,
                AmpFollower, Curve, XLine, Segments]
PARAMS = {Latch: {"gate": (np.arange(12000) % 700 < 300).astype(float)},
          Curve: {"dur": 0.1, "curve": -3.0}, XLine: {"start": 100.0, "end": 2000.0, "dur": 0.2},
          Schmidt: {"high": 0.2, "low": -0.2}}


def _square(frames: int, period: int) -> np.ndarray:
    s = (np.arange(frames) % period < period // 2).astype(np.float32)
    return np.vstack([s, s])


INPUTS = {Timer: lambda n: [_square(n, 900)], SampleHold: lambda n: [noise(n), _square(n, 700)],
          Select: lambda n: [np.full((2, n), 1.5, np.float32), noise(n, 1), noise(n, 2), noise(n, 3)],
          If: lambda n: [_square(n, 500), noise(n, 1), noise(n, 2)]}


@pytest.mark.parametrize("cls", SIGNAL_NODES, ids=lambda c: c.spec.name)
def test_quality_bar(cls):
    check_documented(cls)
    params = PARAMS.get(cls)
    make = INPUTS.get(cls)
    kw = {"inputs": make(12000)} if make else {}
    check_block_size(cls, params, **kw)
    check_nan_safe(cls, params=params, **kw)
    hs = None if params is None else {k: (v[:9600] if isinstance(v, np.ndarray) else v)
                                      for k, v in params.items()}
    check_hot_swap(cls, hs, **({"inputs": make(9600)} if make else {}))


@pytest.mark.parametrize("cls", [Gate, Trig], ids=lambda c: c.spec.name)
def test_event_nodes_quality(cls):
    check_documented(cls)
    key = cls.spec.name
    events = [(100, 0.02, {key: "t"}), (5000, 0.05, {key: "f"}), (9000, 0.01, {key: 1})]
    check_block_size(cls, events=events)


# ----------------------------------------------------------------------------- gates
def test_gate_is_1_exactly_while_true_events_last():
    events = [(100, 0.01, {"gate": "t"}), (2000, 0.01, {"gate": "f"}), (3000, 0.02, {"gate": 1}),
              (3500, 0.02, {"gate": "x"})]
    y = render(Gate, 6000, events=events)[0]
    ones = np.flatnonzero(y == 1.0).tolist()
    assert ones == list(range(100, 580)) + list(range(3000, 3500 + 960))   # overlapping: merged
    assert set(np.unique(y)) == {0.0, 1.0}


def test_trig_is_a_one_sample_1_at_each_true_onset():
    events = [(10, 0.1, {"trig": "x"}), (700, 0.1, {"trig": 0}), (1400, 0.1, {"trig": "t"})]
    y = render(Trig, 2000, events=events, block=64)[0]
    assert np.flatnonzero(y).tolist() == [10, 1400] and y[10] == 1.0


def test_schmidt_switches_at_its_two_thresholds():
    x = np.sin(2 * np.pi * 5 * np.arange(SR) / SR).astype(np.float32)
    y = render(Schmidt, SR, {"high": 0.5, "low": -0.3}, inputs=[np.vstack([x, x])])[0]
    rises = np.flatnonzero(np.diff(y) > 0) + 1
    falls = np.flatnonzero(np.diff(y) < 0) + 1
    assert np.all(x[rises] > 0.5) and np.all(x[rises - 1] <= 0.5)
    assert np.all(x[falls] < -0.3) and np.all(x[falls - 1] >= -0.3)
    assert len(rises) == 5 and len(falls) == 5


def test_latch_and_sample_hold_take_the_input_at_each_rising_edge():
    x = noise(4000)
    trig = (np.arange(4000) % 500 >= 250).astype(float)
    edges = np.flatnonzero(np.diff(trig) > 0) + 1
    held = render(SampleHold, 4000, inputs=[x, np.vstack([trig, trig]).astype(np.float32)])
    latched = render(Latch, 4000, {"gate": trig}, inputs=[x])
    np.testing.assert_array_equal(held, latched)
    assert np.all(held[:, :edges[0]] == 0.0)
    for a, b in zip(edges, list(edges[1:]) + [4000]):
        assert np.all(held[:, a:b] == x[:, a:a + 1])


def test_timer_counts_seconds_since_the_last_rising_edge():
    trig = np.zeros((2, SR), np.float32)
    trig[:, 4800:4900] = 1.0
    trig[:, 24000] = 1.0
    y = render(Timer, SR, inputs=[trig])[0]
    assert y[4799] == pytest.approx(4799 / SR) and y[4800] == 0.0
    assert y[23999] == pytest.approx(19199 / SR) and y[24000] == 0.0
    assert y[-1] == pytest.approx((SR - 1 - 24000) / SR)


# ----------------------------------------------------------------------------- selection
def test_select_if_min_wrap():
    a, b, c = noise(1000, seed=1), noise(1000, seed=2), noise(1000, seed=3)
    index = np.tile(np.repeat([0.2, 1.7, 2.0, 5.0, -3.0], 200), (2, 1)).astype(np.float32)
    y = render(Select, 1000, inputs=[index, a, b, c])
    pick = np.repeat([0, 1, 2, 2, 0], 200)
    np.testing.assert_array_equal(y, np.choose(pick, [a, b, c]))
    cond = (np.arange(1000) % 300 < 100).astype(np.float32)
    y = render(If, 1000, inputs=[np.vstack([cond, cond]), a, b])
    np.testing.assert_array_equal(y, np.where(cond >= 0.5, a, b))
    np.testing.assert_array_equal(render(Min, 1000, inputs=[a, b]), np.minimum(a, b))
    x = np.array([1.25, -0.25, 0.5, 2.0, 0.999], np.float32)
    y = render(Wrap, 5, {"lo": 0.0, "hi": 1.0}, inputs=[np.vstack([x, x])])[0]
    np.testing.assert_allclose(y, [0.25, 0.75, 0.5, 0.0, 0.999], atol=1e-6)
    y = render(Wrap, 5, {"lo": -1.0, "hi": 1.0}, inputs=[np.vstack([x, x])])[0]
    np.testing.assert_allclose(y, [-0.75, -0.25, 0.5, 0.0, 0.999], atol=1e-6)


# ----------------------------------------------------------------------------- ramps
def test_curve_xline_segments_values_at_set_times():
    y = render(Curve, SR, {"start": 100.0, "end": 500.0, "dur": 0.5, "curve": 0.0})[0]
    assert y[SR // 4] == pytest.approx(300.0) and y[SR - 1] == 500.0
    bent = render(Curve, SR, {"start": 0.0, "end": 1.0, "dur": 1.0, "curve": 4.0})[0]
    assert bent[SR // 2] == pytest.approx(np.expm1(2.0) / np.expm1(4.0), rel=1e-5)   # slow start
    x = render(XLine, SR, {"start": 100.0, "end": 1600.0, "dur": 1.0})[0]
    assert x[SR // 4] == pytest.approx(200.0, rel=1e-5) and x[SR // 2] == pytest.approx(400.0, rel=1e-5)
    s = render(Segments, SR, static={"levels": "0 1 0.25", "times": "0.1 0.4"})[0]
    assert s[0] == 0.0 and s[int(0.05 * SR)] == pytest.approx(0.5)
    assert s[int(0.1 * SR)] == pytest.approx(1.0) and s[int(0.3 * SR)] == pytest.approx(0.625)
    assert np.all(s[int(0.5 * SR):] == np.float32(0.25))


def test_segments_with_bad_text_is_an_error_at_the_call():
    with pytest.raises(PhononError) as err:
        phonon.render('out: sine (segments "0 x" "1")', 0.1)
    assert "segments: levels must be numbers" in err.value.message


# ----------------------------------------------------------------------------- analysis
def test_rms_of_a_known_sine_is_its_amplitude_over_root_two():
    amp = 0.8
    x = (amp * np.sin(2 * np.pi * 1000 * np.arange(SR) / SR)).astype(np.float32)
    y = render(Rms, SR, {"window": 0.01}, inputs=[np.vstack([x, x])])[0]   # 10 periods
    np.testing.assert_allclose(y[480:], amp / np.sqrt(2), rtol=1e-5)
    ramp = render(Rms, SR, {"window": np.where(np.arange(SR) < SR // 2, 0.01, 0.05)},
                  inputs=[np.vstack([x, x])])[0]
    np.testing.assert_allclose(ramp[480:], amp / np.sqrt(2), rtol=1e-5)   # a changed window


def test_peak_follower_time_constants():
    step = np.zeros((2, SR), np.float32)
    step[:, :SR // 2] = 1.0
    y = render(PeakFollower, SR, {"attack": 0.01, "release": 0.1}, inputs=[step])[0]
    assert y[480 - 1] == pytest.approx(1 - np.exp(-1), abs=2e-3)        # 63 % after attack
    assert y[SR // 2 + 4800 - 1] == pytest.approx(np.exp(-1), abs=2e-3)  # 37 % after release


def test_amp_follower_settles_on_the_rms():
    x = (0.5 * np.sin(2 * np.pi * 500 * np.arange(SR) / SR)).astype(np.float32)
    y = render(AmpFollower, SR, {"attack": 0.01, "release": 0.05, "window": 0.02},
               inputs=[np.vstack([x, x])])[0]
    assert y[SR // 2:].mean() == pytest.approx(0.5 / np.sqrt(2), rel=1e-3)


PROGRAM = """cps: 2
limiter: 0.05
~x: saw 110 * 0.3
~lfo: sine 3
~a: ~x # adsr 0.01 0.05 0.5 0.1 # env 0.01 0.1 0.5 0.2 # env_trig "x*4" 0.001 0.1 0.3 0.1
~b: (struct "t ~ t t" ~x) + ~x * (asr (sine 1) 0.01 0.2) + ~x * (gate "t ~ t t") + trig "x*8"
~c: (~lfo # schmidt 0.5 -0.5 # timer) * 0.1 + (sample_hold (noise) ~lfo) * 0.1 + ~x # latch ~lfo
~d: select (~lfo + 1) ~x (~x * 0.5) + (if ~lfo ~x 0) + min ~x ~lfo + wrap ~lfo 0 0.5
~e: ~x # rms 0.02 + (~x # peak_follower 0.01 0.1) + (~x # amp_follower 0.01 0.1 0.01)
~f: sine (curve 200 800 1 -3) * 0.1 + sine (xline 100 400 1) * 0.1 + sine (segments "100 300 200" "0.3 0.5") * 0.1
~g: sine (rand * 200 + 200) + sine (irand 4 * 50 + 300) + sine (run 4 * 50 + 200) + sine (scan 3 * 50 + 200)
~h: sine (every_val 2 440 220) + sine (sometimes_by_val 0.5 300 400) + sine (whenmod_val 4 2 300 500) + sine (line 200 400)
out: (~a + ~b + ~c + ~d + ~e + ~f + ~g * 0.02 + ~h * 0.02) * 0.1
"""


def test_workers_render_the_control_nodes_bit_identically():
    inline = phonon.render(PROGRAM, 1.0, block=512)
    assert np.abs(inline).max() > 0.01
    actors = phonon.render(PROGRAM, 1.0, block=512, workers=2, runtime=RuntimeOptions(placement="all"))
    np.testing.assert_array_equal(actors, inline)

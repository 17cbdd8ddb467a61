"""An orbit's global effects (core-synths-global.scd), here on the `s` node's own orbit: delay
echo times and feedback ratio, the reverb's tail and level, the leslie's rates; the values are
the orbit's, set by each event at its onset (GlobalDirtEffect.set)."""
from __future__ import annotations

import numpy as np
import pytest

from tests.superdirt.rig import SR, render_program

IMP = 'cps: 0.25\nout: s "imp" # pan -1 # nudge 0.05'      # one impulse 50 ms after the event


def peaks(y: np.ndarray, k: int) -> list[tuple[int, float]]:
    idx = np.argsort(np.abs(y))[-k:]
    return sorted((int(i), float(y[i])) for i in idx)


def test_delay_echoes_every_delaytime_with_feedback_ratio(dirt_root):
    """dirt_delay: CombL with decay log2(0.001)/log2(fb) x delaytime: echo k at k x delaytime,
    level delay x fb^(k-1) (then LeakDC)."""
    y = render_program(IMP + " # delay 0.5 # delaytime 0.2 # delayfeedback 0.6\n", 1.0, dirt_root)[0]
    at = round(0.05 * SR)
    assert y[at] == 1.0                                                  # the dry impulse
    for k in range(1, 4):
        e = at + k * round(0.2 * SR)
        assert y[e] == pytest.approx(0.5 * 0.6 ** (k - 1), rel=2e-3), k
        assert abs(y[e - 1]) < 1e-6 and abs(y[e + 1]) < 0.01             # one frame wide
    quiet = np.abs(y[at + 1:at + round(0.2 * SR) - 1]).max()
    assert quiet < 1e-6                                                  # nothing in between


def test_lock_measures_delaytime_in_cycles(dirt_root):
    y = render_program(IMP + " # delay 1 # delaytime 0.125 # lock 1 # delayfeedback 0\n", 1.0,
                       dirt_root)[0]                                     # 0.125 cycle at cps 0.25
    at = round(0.05 * SR)
    assert abs(y[at + round(0.5 * SR)]) == pytest.approx(1.0, rel=2e-3)


def test_an_event_without_delay_silences_the_echoes(dirt_root):
    """SuperDirt sends `delay` (0 when absent) with every event: the orbit's delay level."""
    src = ('cps: 1\nout: s "[imp ~ ~ ~, ~ ~ dc ~]" # pan -1 # delaytime 0.05 # delayfeedback 0.9 '
           '# delay "1 0"\n')
    y = render_program(src, 1.0, dirt_root)[0]
    assert np.abs(y[SR // 4:SR // 2]).max() > 0.1                      # echoes ring on
    assert np.abs(y[round(0.52 * SR) + 10000:SR - 100]).max() < 1e-3    # the dc event: gone


def reverb_tail_decay(dirt_root, size: float, room: float = 1.0) -> tuple[float, np.ndarray]:
    """dB per second of the reverb tail (Schroeder integral, -5..-35 dB) and the output."""
    src = f'cps: 0.1\nout: s "imp" # pan -1 # nudge 0.05 # room {room} # size {size}\n'
    out = render_program(src, 6.0, dirt_root).astype(np.float64)                # one event
    y = out[0].copy()
    y[:round(0.05 * SR) + 1] = 0.0                                       # the dry impulse off
    energy = np.cumsum((y ** 2)[::-1])[::-1]
    db = 10 * np.log10(energy / energy[0] + 1e-30)
    t5, t35 = np.argmax(db < -5), np.argmax(db < -35)
    return 30.0 / ((t35 - t5) / SR), out


def test_room_tail_decays_by_the_loop_depth_of_size(dirt_root):
    """dirt_reverb: the loop gain is depth = size.linexp(0, 1, 0.01, 0.98) (+ SuperDirt's
    Rand(0, 0.05)); a larger size rings longer, and the decay rates of two sizes stand in the
    ratio of log(depth) (the loop's period being the same)."""
    d6, _ = reverb_tail_decay(dirt_root, 0.6)
    d9, out9 = reverb_tail_decay(dirt_root, 0.9)
    depth = lambda s, r: 0.01 * 98 ** s + r
    want = np.log(depth(0.6, 0.0275)) / np.log(depth(0.9, 0.0275))    # mean of the two channels
    assert d6 / d9 == pytest.approx(want, rel=0.15)
    assert 60 / d9 > 3.0                                                 # RT60 of seconds
    left, right = out9[0, SR:2 * SR], out9[1, SR:2 * SR]
    assert abs(np.corrcoef(left, right)[0, 1]) < 0.3                     # decorrelated channels


def test_room_is_the_send_level_and_dry_one_silences_the_reverb(dirt_root):
    full = render_program(IMP + " # room 1 # size 0.5\n", 2.0, dirt_root).astype(np.float64)
    half = render_program(IMP + " # room 0.5 # size 0.5\n", 2.0, dirt_root).astype(np.float64)
    dry = render_program(IMP + "\n", 2.0, dirt_root).astype(np.float64)
    tail = slice(round(0.06 * SR), 2 * SR)
    np.testing.assert_allclose(half[:, tail] - dry[:, tail], 0.5 * (full[:, tail] - dry[:, tail]),
                               atol=1e-6)
    none = render_program(IMP + " # room 1 # size 0.5 # dry 1\n", 2.0, dirt_root)
    np.testing.assert_array_equal(none, dry.astype(np.float32))


def envelope_peak_hz(y: np.ndarray, lo: float, hi: float) -> float:
    env = np.abs(y)
    from scipy.signal import butter, sosfiltfilt
    env = sosfiltfilt(butter(2, 40, fs=SR, output="sos"), env)
    spec = np.abs(np.fft.rfft((env - env.mean()) * np.hanning(env.size)))
    hz = np.fft.rfftfreq(env.size, 1 / SR)
    band = (hz > lo) & (hz < hi)
    return float(hz[band][np.argmax(spec[band])])


def test_leslie_throbs_the_lows_at_0_8_lrate_and_moves_the_highs_at_lrate(dirt_root):
    """dirt_leslie (lrate 6.7, lsize 0.3): below 800 Hz x (1 - throb), throb = SinOsc(0.8 lrate);
    above, Doppler delay and x (1 - distance), distance = SinOsc(lrate)."""
    low = render_program('cps: 0.5\nout: s "sine100" # leslie 1\n', 1.0, dirt_root)[0]
    assert envelope_peak_hz(low[4410:].astype(np.float64), 2, 20) == pytest.approx(0.8 * 6.7, abs=0.6)
    high = render_program('cps: 0.5\nout: s "sine1k" # leslie 1 # hcutoff 900\n', 1.0, dirt_root)[0]
    assert envelope_peak_hz(high[4410:].astype(np.float64), 2, 20) == pytest.approx(6.7, abs=0.6)


def test_an_orbit_effect_exists_only_once_an_event_used_it(bank):
    from tests.superdirt.rig import render, voice_node
    node = voice_node(bank)
    dry = render(node, [(0, {"s": "imp", "pan": -1}, 1.0), (100, {"s": "dc"}, 1.0)], 4096)
    assert node.orbit is None                                         # nothing made, no cost
    late = [(0, {"s": "imp", "pan": -1}, 1.0), (3000, {"s": "dc", "room": 0.0}, 1.0)]
    node2 = voice_node(bank)
    wet = render(node2, late, 4096)
    assert node2.orbit is not None and node2.orbit.reverb is not None
    assert node2.orbit.delay is None and node2.orbit.leslie is None
    solo = render(voice_node(bank), [(0, {"s": "imp", "pan": -1}, 1.0), (3000, {"s": "dc"}, 1.0)], 4096)
    np.testing.assert_array_equal(wet, solo)                          # room 0: the dry bus exactly
    assert dry.any()

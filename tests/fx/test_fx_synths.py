"""Synths and `fm`: measured pitch, spectra, envelopes, triggering and block-size independence."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.special import jv

from phonon.nodes.synths import FM, SuperFM, SuperHat, SuperKick, SuperPWM, SuperSaw, SuperSnare

from .fxhelp import SR, band_level, defaults, peak_freq, rms_db, run_node, run_strict


def test_superkick_55_settles_at_55_hz_after_its_pitch_sweep():
    y = run_node(SuperKick(), SR // 2, defaults(SuperKick, freq=55.0))
    tail = y[0, int(0.06 * SR):int(0.3 * SR)]
    assert abs(peak_freq(tail, lo=20, hi=500) - 55.0) <= 3.0
    # the sweep starts at (1 + 2*pitch_env) * freq = 110 Hz: the first 10 ms sit well above 55 Hz
    assert peak_freq(y[0, :int(0.01 * SR)], lo=20, hi=500) > 90.0


def test_superkick_lasts_sustain_seconds_and_is_stereo():
    y = run_node(SuperKick(), SR, defaults(SuperKick, sustain=0.2))
    end = int(0.2 * SR)
    assert np.all(y[:, end + 1:] == 0.0)
    assert np.abs(y[0, end - 2000:end - 1000]).max() > 1e-3      # still sounding before the end
    assert np.array_equal(y[0], y[1])
    assert 0.9 < np.abs(y).max() <= 1.1


def test_superkick_hits_at_each_trigger_onset_and_not_at_start_when_triggered():
    hits = [1000, 30000]
    y = run_node(SuperKick(trig="x"), SR, defaults(SuperKick, sustain=0.1), hits=hits, block=256)
    nonzero = np.flatnonzero(y[0])
    assert nonzero[0] == 1000                                   # the noise click starts on the onset
    assert np.all(y[0, 1000 + int(0.1 * SR) + 1:30000] == 0.0)  # silent between the two hits
    assert np.flatnonzero(y[0, 20000:])[0] + 20000 == 30000
    # both hits are identical apart from the noise click
    a = run_node(SuperKick(trig="x"), 6000, defaults(SuperKick, noise=0.0), hits=[0])
    b = run_node(SuperKick(trig="x"), 9000, defaults(SuperKick, noise=0.0), hits=[3000])
    np.testing.assert_allclose(b[:, 3000:], a[:, :6000], atol=1e-6)


@pytest.mark.parametrize("cls", [SuperKick, SuperSnare, SuperHat, SuperSaw, SuperPWM, SuperFM, FM])
def test_synth_output_does_not_depend_on_block_size(cls):
    params = defaults(cls)
    hits = [700, 20001]
    a = run_node(cls(), 30000, params, block=64, hits=hits)
    b = run_node(cls(), 30000, params, block=4096, hits=hits)
    np.testing.assert_allclose(a, b, atol=1e-6)
    assert np.abs(a).max() > 0.05


def test_supersnare_body_at_freq_and_noise_falls_60_db_in_sustain():
    body = run_node(SuperSnare(), SR // 4, defaults(SuperSnare, freq=200.0, snappy=0.0, sustain=0.2))
    assert abs(peak_freq(body[0, int(0.03 * SR):int(0.12 * SR)], lo=50, hi=1000) - 200.0) <= 5.0
    noisy = run_node(SuperSnare(), SR // 4, defaults(SuperSnare, snappy=1.0, sustain=0.1))
    early = rms_db(noisy[0, :int(0.01 * SR)])
    late = rms_db(noisy[0, int(0.085 * SR):int(0.095 * SR)])
    # envelope 10**(-3 t / sustain): 0.005 s vs 0.09 s mean level differ by ~51 dB
    assert 45.0 < early - late < 58.0
    assert np.all(noisy[:, int(0.1 * SR) + 1:] == 0.0)


def test_superhat_is_bright_and_brightness_moves_energy_up():
    def high_share(y):
        spec = np.abs(np.fft.rfft(y[0, :int(0.04 * SR)])) ** 2
        f = np.fft.rfftfreq(int(0.04 * SR), 1 / SR)
        return spec[f > 6000].sum() / spec.sum()

    bright = run_node(SuperHat(), SR // 10, defaults(SuperHat, bright=1.0))
    dull = run_node(SuperHat(), SR // 10, defaults(SuperHat, bright=0.0))
    assert high_share(bright) > 0.75
    assert high_share(dull) < high_share(bright) - 0.1
    assert np.all(bright[:, int(0.05 * SR) + 1:] == 0.0)


def test_supersaw_voices_sit_at_their_detuned_frequencies():
    f0, detune, voices = 220.0, 0.3, 7
    y = run_node(SuperSaw(), SR, defaults(SuperSaw, freq=f0, detune=detune, voices=float(voices)))
    # at the 10th harmonic the voices are 2200 * 2**(+-0.3/12 ...) apart by ~12.7 Hz: resolvable in 1 s
    for k in range(voices):
        f = 10 * f0 * 2 ** (detune * (2 * k / (voices - 1) - 1) / 12)
        assert abs(peak_freq(y[0], lo=f - 4, hi=f + 4) - f) < 1.0
        assert band_level(y[0], f, width=2.0) > 0.3 * (2 / (np.pi * 10)) / voices


def test_supersaw_single_voice_is_a_saw_with_1_over_k_harmonics():
    y = run_node(SuperSaw(), SR, defaults(SuperSaw, freq=200.0, detune=0.0, voices=1.0))
    for k in (1, 2, 3, 5):
        assert band_level(y[0], 200.0 * k) == pytest.approx(2 / (np.pi * k), rel=0.03)


def test_superpwm_without_modulation_is_a_square_with_no_even_harmonics():
    y = run_node(SuperPWM(), SR, defaults(SuperPWM, freq=200.0, pwm_depth=0.0))
    fund = band_level(y[0], 200.0)
    assert fund == pytest.approx(4 / np.pi, rel=0.03)
    assert band_level(y[0], 400.0) < fund * 1e-3
    assert band_level(y[0], 600.0) == pytest.approx(4 / (3 * np.pi), rel=0.03)
    modulated = run_node(SuperPWM(), SR, defaults(SuperPWM, freq=200.0, pwm_depth=1.0, pwm_rate=0.5))
    assert band_level(modulated[0], 400.0) > fund * 0.05


@pytest.mark.parametrize("index", [0.5, 2.0])
def test_fm_sidebands_follow_bessel_functions(index):
    fc, fmod = 1000.0, 200.0
    y = run_node(FM(), SR, {"carrier": fc, "modulator": fmod, "index": index})
    for k in range(0, 4):
        expected = abs(jv(k, index))
        if expected > 0.05:
            assert band_level(y[0], fc + k * fmod) == pytest.approx(expected, abs=0.02)


def test_superfm_modulator_is_freq_times_ratio():
    y = run_node(SuperFM(), SR, defaults(SuperFM, freq=300.0, ratio=3.0, index=1.0))
    assert band_level(y[0], 300.0) == pytest.approx(jv(0, 1.0), abs=0.02)
    assert band_level(y[0], 1200.0) == pytest.approx(jv(1, 1.0), abs=0.02)   # fc + fm
    assert band_level(y[0], 2100.0) == pytest.approx(jv(2, 1.0), abs=0.02)   # fc + 2 fm
    assert band_level(y[0], 600.0) == pytest.approx(jv(1, 1.0), abs=0.02)    # |fc - fm|, reflected
    assert band_level(y[0], 900.0) < 0.01                                     # not the modulator itself


def test_patterned_freq_switches_pitch_at_the_onset():
    freq = np.full(SR, 300.0)
    freq[SR // 2:] = 600.0
    y = run_node(SuperFM(), SR, {"freq": freq, "ratio": 1.0, "index": 0.0}, block=1000)
    assert abs(peak_freq(y[0, :SR // 2]) - 300.0) < 1.0
    assert abs(peak_freq(y[0, SR // 2:]) - 600.0) < 1.0


def test_connected_trigger_pattern_suppresses_the_start_hit():
    # the runtime marks a connected trigger pattern by a true p.trig (or static trig)
    y = run_node(SuperKick(), 4000, defaults(SuperKick, trig='"~ x"'), hits=[2000])
    assert np.flatnonzero(y[0])[0] == 2000
    y = run_node(SuperKick(), 4000, defaults(SuperKick, trig=""), hits=[2000])   # none: start hit too
    assert np.flatnonzero(y[0])[0] == 0


def test_hot_swap_hands_over_the_ringing_voice():
    old = SuperKick()
    first = run_node(old, 4800, defaults(SuperKick))
    new = SuperKick()
    new.prepare(SR, 512, 2)
    new.load_state(old.state())
    cont = run_node(new, 4800, defaults(SuperKick), prepare=False)
    whole = run_node(SuperKick(), 9600, defaults(SuperKick))
    np.testing.assert_allclose(np.concatenate([first, cont], axis=1), whole, atol=1e-6)


@pytest.mark.parametrize("cls", [SuperKick, SuperSnare, SuperHat, SuperSaw, SuperPWM, SuperFM, FM])
def test_synth_writes_every_output_sample_of_a_partial_block(cls):
    node = cls()
    node.prepare(SR, 512, 2)
    y = run_strict(node, 1000, defaults(cls), block=512, hits=[600])
    assert np.isfinite(y).all()

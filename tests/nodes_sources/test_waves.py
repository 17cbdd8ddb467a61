"""Wave sources: wavetable, additive, organ, soft_saw, blip, impulse, pm, vco, phasor, superchip
and the aliases saw_hz square_hz triangle_hz white_noise pink_noise brown_noise. Pitch within
1 cent, spectra as declared, nothing aliased."""
import numpy as np
import pytest
from scipy.special import jv

import phonon
from phonon.nodes.oscillators import Saw, Sine, Square, Tri
from phonon.nodes.synths import SuperChip
from phonon.nodes.waves import (ORGAN, SOFT_SAW, VCO, PM, Additive, Blip, Impulse, Organ, Phasor,
                                SoftSaw, Wavetable)
from phonon.plugins.testing import render_node

from ..measure import SR, cents, spectral_peak, zero_crossing_freq


def tone(cls, seconds=1.0, static=None, **params):
    return render_node(cls, frames=int(SR * seconds), params=params, static=static or {})[0]


def harmonic_levels(y, f0, count):
    """Amplitudes of harmonics 1..count of y (integer number of periods: exact bins)."""
    spec = np.abs(np.fft.rfft(np.asarray(y, dtype=np.float64))) * 2 / len(y)
    step = len(y) * f0 / SR
    return np.array([spec[int(round(k * step))] for k in range(1, count + 1)])


@pytest.mark.parametrize("cls, static", [(Wavetable, {"table": "saw"}), (Wavetable, {"table": "square"}),
                                         (Wavetable, {"table": "triangle"}), (Wavetable, {"table": "sine"}),
                                         (Additive, {"partials": "1 0.5 0.25"}), (Organ, {}), (SoftSaw, {})])
@pytest.mark.parametrize("freq", [55.0, 261.63, 1234.5, 4186.0])
def test_table_sources_play_their_pitch_within_a_cent(cls, static, freq):
    y = tone(cls, static=static, freq=freq)
    assert abs(cents(spectral_peak(y, freq * 0.97, freq * 1.03), freq)) < 1.0


def test_additive_partials_have_the_given_amplitudes():
    y = tone(Additive, static={"partials": "1 0.5 0 0.25"}, freq=441.0)      # 441 Hz: whole bins
    levels = harmonic_levels(y, 441.0, 5)
    np.testing.assert_allclose(levels / levels[0], [1.0, 0.5, 0.0, 0.25, 0.0], atol=2e-4)
    # scaled down only when the waveform would exceed +-1: 1 0.5 0.25 peaks above 1
    assert np.abs(y).max() == pytest.approx(1.0, abs=1e-3)
    quiet = tone(Additive, static={"partials": "0.5"}, freq=441.0)
    assert np.abs(quiet).max() == pytest.approx(0.5, abs=1e-3)


@pytest.mark.parametrize("cls, amps", [(Organ, ORGAN), (SoftSaw, SOFT_SAW)])
def test_organ_and_soft_saw_spectra_are_as_documented(cls, amps):
    y = tone(cls, freq=441.0)
    levels = harmonic_levels(y, 441.0, len(amps))
    np.testing.assert_allclose(levels / levels[0], amps / amps[0], atol=2e-4)


@pytest.mark.parametrize("freq", [3000.0, 7000.0])
def test_wavetable_saw_never_aliases(freq):
    """Every partial the table plays is a harmonic below 0.45*sr: between harmonics and above
    the top one the spectrum is empty (-90 dB), where a naive saw would be full of aliases."""
    frames = SR
    y = tone(Wavetable, static={"table": "saw"}, freq=freq).astype(np.float64)
    spec = np.abs(np.fft.rfft(y * np.blackman(frames))) / (np.blackman(frames).sum() / 2)
    freqs = np.fft.rfftfreq(frames, 1 / SR)
    harmonic = np.abs(freqs / freq - np.round(freqs / freq)) * freq < 15.0
    assert 20 * np.log10(spec[~harmonic].max() / spec.max()) < -90.0
    assert spec[freqs > 0.45 * SR + 20].max() / spec.max() < 10 ** (-90 / 20)


def test_each_spectrum_is_built_once_and_each_level_sums_its_partials_in_order():
    """Table nodes of one spectrum share one read-only set of tables (a poly of 16 `organ`
    voices builds it once); every level is its partials added from the fundamental up,
    exactly as summing that level on its own (then scaled like the full band)."""
    a, b = Organ(), Organ()
    assert a.tables is b.tables and not a.tables.flags.writeable
    assert Additive(partials="1 0.5").tables is not a.tables
    size = a.tables.shape[1] - 1
    t = np.arange(size) / size
    levels = []
    for cap in a.caps:
        wave = np.zeros(size)
        for k in range(1, int(cap) + 1):
            if k <= len(ORGAN) and ORGAN[k - 1] != 0.0:
                wave += ORGAN[k - 1] * np.sin(2 * np.pi * k * t + 0.0)
        levels.append(wave)
    peak = max(1.0, float(np.abs(levels[-1]).max()))
    for level, wave in enumerate(levels):
        np.testing.assert_array_equal(a.tables[level, :size], wave / peak if peak > 1.0 else wave)
        assert a.tables[level, size] == a.tables[level, 0]


def test_unknown_table_and_bad_partials_are_errors_at_the_call():
    from phonon.errors import PhononError
    with pytest.raises(PhononError, match="unknown table 'sawtoothx'"):
        phonon.render('out: wavetable 220 "sawtoothx"', 0.1)
    with pytest.raises(PhononError, match="partial amplitudes must be numbers"):
        phonon.render('out: additive 220 "1 x 3"', 0.1)


def test_blip_is_a_flat_band_limited_impulse_train():
    y = tone(Blip, freq=441.0)
    levels = harmonic_levels(y, 441.0, 49)
    top = int(0.45 * SR / 441.0)                       # 45 harmonics below 0.45*sr
    np.testing.assert_allclose(levels[:top], levels[0], rtol=1e-3)
    assert levels[top:].max() < 1e-4
    assert y.max() == pytest.approx(1.0, abs=1e-6) and y[0] == pytest.approx(1.0, abs=1e-6)
    assert abs(np.mean(y)) < 1e-4                        # no DC
    few = harmonic_levels(tone(Blip, freq=441.0, harmonics=5.0), 441.0, 8)
    assert few[:5].min() > 0.19 and few[5:].max() < 1e-4   # 1/5 each


def test_impulse_clicks_exactly_freq_times_a_second_on_the_period_samples():
    y = tone(Impulse, seconds=2.0, freq=7.0)
    hits = np.flatnonzero(y)
    assert len(hits) == 14 and np.all(y[hits] == 1.0)
    np.testing.assert_array_equal(hits, np.ceil(np.arange(14) * SR / 7.0 - 1e-9).astype(int))
    fast = np.flatnonzero(tone(Impulse, freq=1000.0))
    assert len(fast) == 1000                             # 44.1 samples apart on average


def test_pm_without_index_is_a_sine_and_with_a_sine_modulator_has_bessel_sidebands():
    t = np.arange(SR) / SR
    plain = tone(PM, carrier=440.0, mod=np.sin(2 * np.pi * 110 * t), index=0.0)
    np.testing.assert_allclose(plain, tone(Sine, freq=440.0), atol=1e-6)
    y = tone(PM, carrier=4410.0, mod=np.sin(2 * np.pi * 441 * t), index=1.5)
    levels = np.abs(np.fft.rfft(y.astype(np.float64))) * 2 / SR
    for k in range(4):
        assert levels[4410 + 441 * k] == pytest.approx(abs(jv(k, 1.5)), abs=2e-3)


@pytest.mark.parametrize("wave, cls", [(0.0, Saw), (1.0, Square), (2.0, Tri), (3.0, Sine)])
def test_vco_waves_are_the_oscillators(wave, cls):
    np.testing.assert_array_equal(tone(VCO, 0.3, freq=220.0, wave=wave), tone(cls, 0.3, freq=220.0))


def test_vco_switches_wave_at_the_step_sample_without_resetting_the_phase():
    wave = np.where(np.arange(SR) < 10000, 0.0, 3.0)
    y = tone(VCO, freq=441.0, wave=wave)
    saw = tone(Saw, freq=441.0)
    np.testing.assert_array_equal(y[:10000], saw[:10000])
    after = np.arange(10040, 10300)            # once the saw's last minBLEP correction has played
    np.testing.assert_allclose(y[after], np.sin(2 * np.pi * 441.0 * after / SR), atol=1e-6)


def test_phasor_ramps_speed_times_per_cycle_in_phase_with_the_cycle():
    y = render_node(Phasor, frames=SR, params={"speed": 2.0}, cps=0.5)[0]
    expected = (np.arange(SR) * 2.0 * 0.5 / SR) % 1.0
    np.testing.assert_allclose(y, expected, atol=1e-6)
    late = render_node(Phasor, frames=100, params={"speed": 3.0}, cps=1.0, start=SR // 4)[0]
    assert late[0] == pytest.approx((0.25 * 3.0) % 1.0, abs=1e-6)   # starts at the cycle's phase


def test_superchip_is_a_square_with_vibrato_of_depth_times_freq():
    steady = tone(SuperChip, freq=440.0, vib_depth=0.0)
    np.testing.assert_array_equal(steady, tone(Square, freq=440.0))
    y = tone(SuperChip, 2.0, freq=440.0, vib_rate=5.0, vib_depth=0.05).astype(np.float64)
    i = np.flatnonzero((y[:-1] < 0) & (y[1:] >= 0))
    rising = i + y[i] / (y[i] - y[i + 1])                 # interpolated crossings
    inst = SR / np.diff(rising)
    assert inst.max() == pytest.approx(440 * 1.05, rel=0.004)
    assert inst.min() == pytest.approx(440 * 0.95, rel=0.004)
    assert zero_crossing_freq(y) == pytest.approx(440.0, rel=2e-3)    # centred on freq


@pytest.mark.parametrize("alias, name", [("saw_hz", "saw"), ("square_hz", "square"),
                                         ("triangle_hz", "tri"), ("organ_hz", "organ"),
                                         ("soft_saw_hz", "soft_saw")])
def test_fundsp_style_names_are_the_band_limited_oscillators(alias, name):
    np.testing.assert_array_equal(phonon.render(f"out: {alias} 220 * 0.5", 0.2),
                                  phonon.render(f"out: {name} 220 * 0.5", 0.2))


@pytest.mark.parametrize("alias, name", [("white_noise", "noise"), ("pink_noise", "pink"),
                                         ("brown_noise", "brown")])
def test_noise_long_names_are_the_noise_nodes(alias, name):
    from phonon.lang import compile_program
    ir = compile_program(f"out: {alias} * 0.3")
    assert [n.kind for n in ir.nodes.values()].count(name) == 1

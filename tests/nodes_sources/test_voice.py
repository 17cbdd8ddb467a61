"""granular, pitch_shift, vocoder and formant: their defining properties, measured."""
import numpy as np
import pytest

import phonon
from phonon.dsp import biquad
from phonon.dsp import vocoder as vk
from phonon.nodes.voice import Formant, Granular, PitchShift, Vocoder
from phonon.plugins.testing import render_node

from ..measure import SR, band_energy, db, sine, sine_response, spectral_peak


def run(cls, x, seconds=1.0, static=None, **params):
    frames = int(SR * seconds)
    ins = x if isinstance(x, list) else [x]
    return render_node(cls, frames=frames, inputs=ins, params=params, static=static or {})[0].astype(np.float64)


# ----------------------------------------------------------------------------- granular
@pytest.mark.parametrize("density", [5.0, 20.0, 37.5])
def test_granular_starts_density_grains_per_second(density):
    """A constant input shows every grain as a Hann bump; count them over 2 s."""
    y = run(Granular, np.ones(2 * SR, dtype=np.float32), 2.0, grain_ms=10.0, density=density, spray=0.0)
    starts = np.flatnonzero((y[1:] > 1e-9) & (y[:-1] <= 1e-9))    # a grain's Hann is 0 at its start
    assert len(starts) == int(np.ceil(2.0 * density)) and starts[0] == 0
    gaps = np.diff(starts)
    assert gaps.min() >= np.floor(SR / density) and gaps.max() <= np.ceil(SR / density)
    assert y.max() == pytest.approx(1.0, abs=1e-3)       # window peak at the input's level
    width = np.flatnonzero(y[starts[1]:starts[1] + 600] > 0.5).size
    assert width == pytest.approx(0.5 * 0.010 * SR, abs=2)  # a Hann of 10 ms is above 1/2 for 5 ms


@pytest.mark.parametrize("pitch, expected", [(1.0, 440.0), (2.0, 880.0), (0.5, 220.0), (1.5, 660.0)])
def test_granular_pitch_is_the_grains_playback_rate(pitch, expected):
    """One grain alone (5 grains/s of 100 ms) plays the input at `pitch` times its speed.
    (Overlapping grains start at unrelated phases, which adds sidebands at the grain rate:
    granular pitch shifting is not phase-coherent.)"""
    y = run(Granular, sine(440.0, SR, 0.5), grain_ms=100.0, density=5.0, pitch=pitch, spray=0.0)
    grain = y[SR // 5 * 2:SR // 5 * 2 + SR // 10]           # the third grain, whole
    assert spectral_peak(grain, 100.0, 2000.0) == pytest.approx(expected, rel=0.002)


def test_granular_keeps_the_level_near_the_input_s():
    x = sine(440.0, SR, 0.5)
    for density, grain in ((10.0, 50.0), (40.0, 50.0), (100.0, 100.0)):
        y = run(Granular, x, grain_ms=grain, density=density, spray=0.01)
        ratio = np.sqrt(np.mean(y[SR // 4:] ** 2)) / np.sqrt(np.mean(x.astype(float) ** 2))
        assert 0.25 < ratio < 1.5, (density, grain, ratio)


# ----------------------------------------------------------------------------- pitch_shift
@pytest.mark.parametrize("semitones, expected", [(12.0, 880.0), (-12.0, 220.0), (7.0, 440 * 2 ** (7 / 12))])
def test_pitch_shift_moves_a_440_hz_sine(semitones, expected):
    y = run(PitchShift, sine(440.0, SR, 0.5), semitones=semitones)
    assert spectral_peak(y[SR // 4:], 100.0, 2000.0) == pytest.approx(expected, rel=0.01)


def test_pitch_shift_takes_its_input_first_and_after_a_chain():
    a = phonon.render("out: pitch_shift (sine 440 * 0.5) 12", 0.5)
    b = phonon.render("out: sine 440 * 0.5 # pitch_shift 12", 0.5)
    c = phonon.render("out: sine 440 * 0.5 # pitch 12", 0.5)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)


# ----------------------------------------------------------------------------- vocoder
def band_levels(y, centres):
    """Energy (dB) of y in a third-octave around each centre."""
    return np.array([10 * np.log10(band_energy(y, f / 2 ** (1 / 6), f * 2 ** (1 / 6)) + 1e-30)
                     for f in centres])


def test_vocoder_band_energies_follow_the_modulator():
    """Noise carrier, a modulator of two sines: the output's energy sits in the modulator's bands,
    and moves with them."""
    centres = vk.band_centres(16, SR)
    noise = np.random.default_rng(5).uniform(-0.5, 0.5, 2 * SR).astype(np.float32)
    t = np.arange(2 * SR) / SR
    for a, b in ((3, 10), (6, 13)):
        mod = (0.3 * np.sin(2 * np.pi * centres[a] * t) + 0.3 * np.sin(2 * np.pi * centres[b] * t)).astype(np.float32)
        y = run(Vocoder, [mod, noise], 2.0, static={"bands": 16})[SR // 2:]
        levels = band_levels(y, centres)
        others = np.delete(levels, [a - 1, a, a + 1, b - 1, b, b + 1])   # 24 dB/octave skirts
        assert min(levels[a], levels[b]) - others.max() > 18.0


@pytest.mark.parametrize("where", [0.0, 0.25, 0.5])      # at a band centre .. half way to the next
def test_vocoder_output_band_has_the_modulator_band_s_level(where):
    centres = vk.band_centres(16, SR)
    f = centres[8] * (centres[9] / centres[8]) ** where
    car = sine(f, 2 * SR, 0.05)                              # a quiet carrier at the same pitch
    for amp in (0.1, 0.4):
        mod = sine(f, 2 * SR, amp)
        y = run(Vocoder, [mod, car], 2.0, static={"bands": 16})[SR:]
        level = np.sqrt(2 * np.mean(y ** 2))                  # sine amplitude
        assert abs(db(level / amp)) < 1.5


def test_vocoder_follows_the_modulator_s_envelope_in_time():
    centres = vk.band_centres(16, SR)
    f = centres[7]
    gate = (np.arange(2 * SR) % SR < SR // 2).astype(np.float32)           # on 0.5 s, off 0.5 s
    mod = sine(f, 2 * SR, 0.3) * gate
    noise = np.random.default_rng(6).uniform(-0.5, 0.5, 2 * SR).astype(np.float32)
    y = run(Vocoder, [mod, noise], 2.0, static={"bands": 16}, release=0.02)
    on = np.sqrt(np.mean(y[SR + 5000:SR + 20000] ** 2))
    off = np.sqrt(np.mean(y[SR + 26000:SR + 44000] ** 2))   # 60 ms after the gate closed
    assert db(on) - db(off) > 30.0


def test_vocoder_forms_and_band_count():
    a = phonon.render("~m: saw 110 * 0.5\n~c: noise * 0.5\nout: vocoder ~m ~c 8", 0.3)
    b = phonon.render("~m: saw 110 * 0.5\n~c: noise * 0.5\nout: ~m # vocoder ~c 8", 0.3)
    np.testing.assert_array_equal(a, b)
    from phonon.errors import PhononError
    with pytest.raises(PhononError, match="bands must be 2..32"):
        phonon.render("~m: saw 110\n~c: noise\nout: vocoder ~m ~c 64", 0.1)


# ----------------------------------------------------------------------------- formant
def test_formant_peaks_at_its_three_frequencies_with_their_bandwidths():
    params = {"f1": 700.0, "f2": 1800.0, "f3": 3000.0, "bw1": 70.0, "bw2": 90.0, "bw3": 120.0}

    def h(f):
        return sine_response(lambda x: render_node(Formant, frames=len(x), inputs=[x], params=params), f)
    for i, (f, bw) in enumerate(((700.0, 70.0), (1800.0, 90.0), (3000.0, 120.0))):
        theory = sum(biquad.response(biquad.BAND, [f], fc, fc / b, SR)[0]
                     for fc, b in ((700.0, 70.0), (1800.0, 90.0), (3000.0, 120.0)))
        assert abs(h(f) - theory) < 1e-4
        assert db(h(f)) == pytest.approx(0.0, abs=0.3)     # 0 dB at each centre (others add a little)
    assert db(h(1200.0)) < -15.0                          # between the formants


def test_formant_is_input_first_like_the_original():
    a = phonon.render("out: formant (saw 110 * 0.5) 800 1150 2900 80 90 120", 0.3)
    b = phonon.render("out: saw 110 * 0.5 # formant 800 1150 2900 80 90 120", 0.3)
    np.testing.assert_array_equal(a, b)

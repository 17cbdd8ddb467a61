"""SuperDirt's per-event effects on the synth instruments: a bus played by `s` (`s "~lead"`),
an oscillator playing note names (`sine "c4"`) and a one-voice drum (`s "~k"`): each voice runs
the modules its event uses on its panned output, before its gain and envelope."""
from __future__ import annotations

import numpy as np
import phonon

SR = 44100
HOLD = slice(2000, 20000)          # inside the note: past the 10 ms attack, before the release


def test_shape_on_a_note_instrument_is_the_transfer_curve_on_each_voice():
    plain = phonon.render('cps: 1\nout: sine "c4 ~"', 0.5).astype(np.float64)
    shaped = phonon.render('cps: 1\nout: sine "c4 ~" # shape 0.5', 0.5).astype(np.float64)
    k = 2 * 0.5 / 0.5
    x = plain[:, HOLD]
    np.testing.assert_allclose(shaped[:, HOLD], (1 + k) * x / (1 + k * np.abs(x)), atol=2e-6)


def test_crush_on_a_bus_instrument_quantises_each_voice_before_its_gain():
    y = phonon.render('cps: 1\n~lead: sine 440\nout: s "~lead ~" # crush 2 # gain 0.5',
                      0.5).astype(np.float64)
    steady = y[0, HOLD] / 0.5                                  # crush 2: steps of 0.5
    assert set(np.round(steady, 6)) <= {-1.0, -0.5, 0.0, 0.5, 1.0}
    assert len(set(np.round(steady, 6))) == 5


def test_vowel_on_a_bus_instrument_is_the_formant_filter():
    plain = phonon.render('cps: 1\n~n: saw 110\nout: s "~n ~" # gain 0.01', 0.5)[0]
    vowel = phonon.render('cps: 1\n~n: saw 110\nout: s "~n ~" # vowel "i" # gain 0.01', 0.5)[0]
    spec = lambda y: np.abs(np.fft.rfft(y[HOLD].astype(np.float64) * np.hanning(18000)))
    hz = np.fft.rfftfreq(18000, 1 / SR)
    gain_db = 20 * np.log10(spec(vowel) / spec(plain))
    harmonics = np.array([110.0 * k for k in range(1, 30)])
    got = np.array([gain_db[int(np.argmin(np.abs(hz - f)))] for f in harmonics])
    from tests.superdirt.test_voice_filters import dirt_vowel_db
    np.testing.assert_allclose(got, dirt_vowel_db("i", 0.5, harmonics), atol=0.3)

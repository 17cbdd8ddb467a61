"""synth and the *_trig note synths: pitch of note names within a cent, onsets on their sample,
ADSR times and levels, chord scaling 1/sqrt(notes), voice stealing, the original's forms."""
import numpy as np
import pytest

import phonon
from phonon.nodes.notesynth import VOICE_LEVEL, SawTrig, SineTrig, SquareTrig, Synth, TriTrig
from phonon.plugins.testing import render_node

from ..measure import SR, cents, spectral_peak


def play(cls, events, seconds=1.0, static=None, **params):
    return render_node(cls, frames=int(SR * seconds), events=events, params=params,
                       static=static or {}).astype(np.float64)


@pytest.mark.parametrize("cls", [SineTrig, SawTrig, SquareTrig, TriTrig])
@pytest.mark.parametrize("note, freq", [("a4", 440.0), ("c2", 65.406), (7, 391.995), ("eb5", 622.254)])
def test_notes_play_in_tune_within_a_cent(cls, note, freq):
    y = play(cls, [(0, 1.0, {cls.spec.name: note})], sustain=1.0)[0]
    assert abs(cents(spectral_peak(y[2000:40000], freq * 0.97, freq * 1.03), freq)) < 1.0


def test_a_note_starts_on_its_sample_and_follows_its_adsr():
    a, d, s, r = 0.01, 0.05, 0.5, 0.1
    onset, gate = 1000, 0.3
    y = play(SineTrig, [(onset, gate, {"note": "a4"})], 0.6, attack=a, decay=d, sustain=s, release=r)[0]
    assert np.abs(y[:onset + 1]).max() == 0.0                       # silent up to and on the onset
    assert np.abs(y[onset + 1:onset + 3]).max() > 0.0
    env = np.abs(y)

    def peak(t0, t1):
        return env[onset + int(t0 * SR):onset + int(t1 * SR)].max()
    assert peak(a - 0.0012, a + 0.0012) == pytest.approx(VOICE_LEVEL, rel=0.01)       # attack top
    assert peak(a + d + 0.01, gate - 0.01) == pytest.approx(VOICE_LEVEL * s, rel=0.01)  # sustain
    assert peak(gate + r / 2 - 0.0012, gate + r / 2 + 0.0012) == pytest.approx(VOICE_LEVEL * s / 2, rel=0.05)
    assert env[onset + int((gate + r) * SR) + 2:].max() == 0.0        # released after r


def test_the_defaults_are_the_original_s_short_pluck():
    """a 0.001 d 0.1 s 0 r 0.1: the level falls to 0 within 0.1 s of the attack."""
    y = play(SawTrig, [(0, 0.5, {"note": 0})], 0.5)[0]
    assert np.abs(y[:200]).max() > 0.3
    assert np.abs(y[int(0.102 * SR):]).max() == 0.0


def test_chord_voices_are_each_scaled_by_one_over_sqrt_notes():
    notes = ["c4", "e4", "g4"]
    chord = play(SawTrig, [(100, 0.5, {"note": n}) for n in notes], 0.5, sustain=1.0)
    single = [play(SawTrig, [(100, 0.5, {"note": n})], 0.5, sustain=1.0) for n in notes]
    np.testing.assert_allclose(chord, sum(single) / np.sqrt(3), atol=2e-6)
    assert np.abs(chord).max() < 0.87                                 # a 3-note chord never clips
    four = play(SquareTrig, [(0, 0.5, {"note": n}) for n in ["c3", "e3", "g3", "b3"]], 0.5, sustain=1.0)
    assert np.abs(four).max() <= 1.0


def test_gain_pan_and_freq_controls():
    y = play(SineTrig, [(0, 0.5, {"note": "a4", "gain": 0.5, "pan": -1.0})], 0.3, sustain=1.0)
    assert np.abs(y[1]).max() == 0.0
    assert np.abs(y[0]).max() == pytest.approx(VOICE_LEVEL * 0.5 * np.sqrt(2), rel=0.01)
    f = play(SineTrig, [(0, 0.5, {"freq": 1000.0})], 0.5, sustain=1.0)[0]
    assert abs(cents(spectral_peak(f[1000:20000], 950, 1050), 1000.0)) < 1.0


def test_a_new_note_steals_the_oldest_voice_when_all_sound():
    events = [(0, 1.0, {"note": 0}), (1000, 1.0, {"note": 4}), (2000, 1.0, {"note": 7})]
    y = play(SineTrig, events, 0.3, static={"voices": 2}, sustain=1.0)[0]
    late = y[10000:]
    c4, e4, g4 = 261.63, 329.63, 392.0
    spec = np.abs(np.fft.rfft(late * np.hanning(len(late)), 1 << 18))
    freqs = np.fft.rfftfreq(1 << 18, 1 / SR)

    def level(f):
        return spec[np.abs(freqs - f) < 3].max()
    assert level(c4) < 0.01 * level(e4) and level(g4) > 0.5 * level(e4)   # c4 was stolen


def test_the_original_forms_compile_and_play():
    """`synth "c4 e4" "saw" a d s r`, `saw_trig "c3 e3" a d s r`, per-event merges."""
    a = phonon.render('tempo: 1\nout: synth "a4 ~" "sine" 0.01 0.1 1 0.1', 1.0)[0]
    b = phonon.render('tempo: 1\nout: sine_trig "a4 ~" 0.01 0.1 1 0.1', 1.0)[0]
    np.testing.assert_array_equal(a, b)
    assert abs(cents(spectral_peak(a[1000:20000].astype(float), 420, 460), 440.0)) < 1.0
    merged = phonon.render('tempo: 1\nout: saw_trig "x ~" # note "a3" # gain 0.5', 1.0)[0]
    assert abs(cents(spectral_peak(merged[500:8000].astype(float), 200, 240), 220.0)) < 1.0
    from phonon.errors import PhononError
    with pytest.raises(PhononError, match="unknown wave 'wobble'"):
        phonon.render('out: synth "c4" "wobble"', 0.1)


def test_instrument_chords_are_scaled_like_the_original():
    """The `poly` instrument (`saw "[c3,e3,g3]"`) scales each chord note by 1/sqrt(3) too."""
    chord = phonon.render('tempo: 1\nout: saw "[c3,e3,g3] ~" # gain 0.4', 1.0).astype(np.float64)
    notes = sum(phonon.render(f'tempo: 1\nout: saw "{n} ~" # gain 0.4', 1.0).astype(np.float64)
                for n in ("c3", "e3", "g3"))
    np.testing.assert_allclose(chord, notes / np.sqrt(3), atol=1e-6)

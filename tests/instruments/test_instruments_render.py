"""Buses played as instruments and oscillators that play note names: rendered and measured.

Every expectation is computed independently: the voice of `s "~lead"` is the bus's own chain
rendered from the onset, times the AR envelope written out here; pitches are FFT peaks."""
from __future__ import annotations

import numpy as np
import pytest

import phonon
from phonon.runtime.options import RuntimeOptions

SR = 44100
LEAD = "tempo: 1\n~lead: saw 220 # lpf 2000 0.7\n"


def peak(x: np.ndarray, lo: float = 60.0, hi: float = 1000.0) -> float:
    """The strongest frequency in lo..hi Hz (Hann window, 16x zero padding: 0.1-0.3 Hz bins)."""
    n = x.size
    spectrum = np.abs(np.fft.rfft(x * np.hanning(n), 16 * n))
    hz = np.fft.rfftfreq(16 * n, 1.0 / SR)
    band = (hz > lo) & (hz < hi)
    return float(hz[band][np.argmax(spectrum[band])])


def ar(n: int, onset: int, gate: int, attack: float = 0.01, release: float = 0.3) -> np.ndarray:
    """The poly voice envelope over n samples for a voice starting at `onset`."""
    t = np.arange(n, dtype=np.float64) - onset
    a, r = attack * SR, release * SR
    rise = np.minimum(t / a, 1.0)
    fall = np.maximum(min(gate / a, 1.0) * (1.0 - (t - gate) / r), 0.0)
    env = np.where(t < gate, rise, fall)
    env[t < 0] = 0.0
    return env


@pytest.fixture(scope="module")
def bus() -> np.ndarray:
    """The lead bus's chain, rendered on its own from sample 0 (what one voice plays)."""
    return phonon.render(LEAD + "out: ~lead * 0.3", 2.0, block=512).astype(np.float64)


def test_second_note_of_note_0_12_doubles_the_fundamental():
    out = phonon.render(LEAD + 'out: s "~lead*2" # note "0 12" # gain 0.3 # release 0.01', 1.0)
    first, second = peak(out[0, 0:22050]), peak(out[0, 22050 + 441:44100])
    assert first == pytest.approx(220.0, abs=0.5)
    assert second == pytest.approx(2.0 * first, abs=1.0)


def test_a_voice_is_the_bus_chain_from_its_onset_times_the_envelope(bus):
    # one event over a quarter cycle (11025 samples): 10 ms attack, gate, 300 ms release
    out = phonon.render(LEAD + 'out: s "~lead ~ ~ ~" # gain 0.3', 1.0, block=512)
    expected = bus[:, :SR] * ar(SR, 0, 11025)
    np.testing.assert_allclose(out, expected, atol=2e-7)
    end = 11025 + 13230                                        # gate + release
    assert not out[:, end:].any()                              # the tail ends exactly ...
    assert end - 20 <= np.flatnonzero(out[0])[-1] < end        # ... and not earlier


def test_onsets_land_on_their_exact_samples(bus):
    out = phonon.render(LEAD + 'out: s "~ ~lead" # gain 0.3', 1.0, block=512)
    assert not out[:, :22051].any()                           # the envelope is 0 at the onset
    assert out[0, 22051] == pytest.approx(bus[0, 1] / 441.0, abs=1e-9)
    np.testing.assert_allclose(out[:, 22050:], bus[:, :22050] * ar(22050, 0, 22050), atol=2e-7)


def test_transposition_is_relative_and_a_note_name_is_absolute():
    rel = phonon.render(LEAD + 'out: s "~lead" # note 7 # gain 0.3', 1.0)
    name = phonon.render(LEAD + 'out: s "~lead" # note "a4" # gain 0.3', 1.0)
    assert peak(rel[0, 441:30000]) == pytest.approx(220.0 * 2 ** (7 / 12), abs=0.5)
    assert peak(name[0, 441:30000]) == pytest.approx(440.0, abs=0.5)     # a4: 440 Hz whatever the bus


def test_attack_release_legato_gain_and_pan_per_event(bus):
    out = phonon.render(LEAD + 'out: s "~lead ~" # attack 0.05 # release 0.1 # legato 0.5 # pan 1 '
                        '# gain 0.5', 1.0, block=512)
    env = ar(SR, 0, 11025, attack=0.05, release=0.1)
    assert not out[0].any()                                   # hard right
    np.testing.assert_allclose(out[1], bus[1, :SR] / 0.3 * 0.5 * np.sqrt(2) * env, atol=4e-7)


def test_several_s_patterns_playing_one_bus_are_stacked(bus):
    both = phonon.render(LEAD + 'out2: s "~lead ~" # gain 0.3\nout: s "~ ~lead" # gain 0.3', 1.0)
    one = phonon.render(LEAD + 'out: s "~lead ~lead" # gain 0.3', 1.0)
    # both outputs are the one poly node of ~lead (its events stacked), summed twice
    np.testing.assert_allclose(both, np.clip(2 * one, -1, 1), atol=1e-6)


def test_oscillator_given_note_names_plays_them():
    out = phonon.render('out: saw "c3 e3 g3" # gain 0.3', 6.0)     # cps 0.5: 2/3 s per note
    step = 2 * SR // 3
    got = [peak(out[0, k * step + 2000:(k + 1) * step - 2000]) for k in range(3)]
    assert got == pytest.approx([130.81, 164.81, 196.00], abs=0.5)


def test_oscillator_notes_use_the_voice_envelope():
    out = phonon.render('tempo: 1\nout: sine "c4 ~"', 1.0, block=512)
    t = np.arange(SR)
    expected = np.sin(2 * np.pi * 261.6255653005986 * t / SR) * ar(SR, 0, 22050)
    np.testing.assert_allclose(out[0], expected, atol=2e-5)
    assert not out[:, 22050 + 13230:].any()


def test_plain_numbers_stay_a_stepped_frequency():
    out = phonon.render('tempo: 1\nout: sine "110 220" * 0.5', 1.0)
    t = np.arange(SR)
    phase = np.concatenate([110 * t[:22050], 110 * 22050 + 220 * (t[22050:] - 22050)]) / SR
    np.testing.assert_allclose(out[0], 0.5 * np.sin(2 * np.pi * phase), atol=2e-5)


@pytest.mark.parametrize("program", [
    LEAD + 'out: s "~lead*4 ~lead*3" # note "0 3 7 12" # gain 0.2 # legato 1.5',
    'tempo: 1\nout: saw "c3 [e3 g3]*2 <c4 a3>" # gain 0.2 # release 0.05',
])
def test_block_size_does_not_change_the_output(program):
    small = phonon.render(program, 1.5, block=64)
    large = phonon.render(program, 1.5, block=4096)
    np.testing.assert_allclose(small, large, atol=1e-6)


def test_a_trigger_synth_bus_plays_one_voice_per_s_event():
    """`s "~k"` over a one-voice drum (`superkick`, no :trig of its own) plays it as a poly
    chain: each event its own kick (overlapping hits ring together, as SuperDirt's synths do),
    with no fade-in and the poly's release after the event."""
    bus = phonon.render('tempo: 1\n~k: superkick 55\nout: s "~k ~"', 1.0, block=512).astype(np.float64)
    direct = phonon.render('tempo: 1\nout: superkick 55 :trig "x ~"', 1.0, block=512).astype(np.float64)
    assert np.abs(direct).max() > 0.5
    np.testing.assert_allclose(bus, direct * ar(SR, 0, 22050, attack=1 / SR), atol=1e-6)
    two = 2 * phonon.render('tempo: 1\n~k: superkick 55\nout: s "~k*2 ~" # gain 0.5', 1.0,
                            block=512).astype(np.float64)            # the sum peaks above 1
    second = np.zeros_like(direct)
    second[:, 11025:] = direct[:, :SR - 11025]
    want = direct * ar(SR, 0, 11025, attack=1 / SR) + second * ar(SR, 11025, 11025, attack=1 / SR)
    np.testing.assert_allclose(two, want, atol=1e-6)


def test_a_trigger_synth_bus_takes_per_event_controls():
    plain = phonon.render('tempo: 1\n~k: superkick 55\nout: s "~k ~"', 0.5, block=512)
    quiet = phonon.render('tempo: 1\n~k: superkick 55\nout: s "~k ~" # gain 0.5', 0.5, block=512)
    np.testing.assert_allclose(quiet, 0.5 * plain.astype(np.float64), atol=1e-6)
    dull = phonon.render('tempo: 1\n~k: superkick 55\nout: s "~k ~" # lpf 200 # gain 0.5', 0.5,
                         block=512)
    from scipy.signal import butter, sosfilt
    above_2k = butter(4, 2000, "hp", fs=SR, output="sos")
    click = lambda y: float(np.sqrt(np.mean(sosfilt(above_2k, y[0, :2048].astype(np.float64)) ** 2)))
    assert click(dull) < 0.02 * click(quiet)                           # the click filtered off


def test_samples_and_a_bus_in_one_s_pattern_sum_exactly():
    mixed = phonon.render('tempo: 1\n~k: superkick 55\nout: s "bd ~k sn" # gain 0.4', 1.0, block=512)
    samples = phonon.render('tempo: 1\nout: s "bd ~ sn" # gain 0.4', 1.0, block=512)
    kick = phonon.render('tempo: 1\n~k: superkick 55\nout: s "~ ~k ~" # gain 0.4', 1.0, block=512)
    assert np.abs(samples).max() > 0.1 and np.abs(kick).max() > 0.1
    np.testing.assert_array_equal(mixed, samples + kick)


def test_a_chain_with_a_pattern_parameter_and_another_bus_plays_per_voice():
    chain = 'tempo: 1\n~lfo: sine 3\n~lead: saw (~lfo * 20 + 220) # lpf "400 3000 800 2000" 0.9\n'
    bus = phonon.render(chain + "out: ~lead * 0.3", 1.0, block=512).astype(np.float64)
    out = phonon.render(chain + 'out: s "~lead ~" # gain 0.3', 1.0, block=512)
    np.testing.assert_allclose(out, bus * ar(SR, 0, 22050), atol=2e-7)
    up = phonon.render(chain + 'out: s "~lead ~" # gain 0.3 # note 12', 1.0, block=512)
    octave = phonon.render('tempo: 1\n~lfo: sine 3\nout: saw (~lfo * 40 + 440) # lpf "400 3000 800 2000" 0.9'
                           ' * 0.3', 1.0, block=512).astype(np.float64)
    np.testing.assert_allclose(up, octave * ar(SR, 0, 22050), atol=1e-4)


def test_the_actor_runtime_renders_instruments_identically():
    program = LEAD + 'out: s "~lead*4" # note "0 3 7 12" # gain 0.2\nout2: saw "c3 e3" # gain 0.1'
    inline = phonon.render(program, 0.5, block=512)
    actors = phonon.render(program, 0.5, block=512, workers=2, runtime=RuntimeOptions(placement="all"))
    np.testing.assert_array_equal(inline, actors)

"""Effects (pedalboard-backed and own kernels): measured gains, delays, spectra, dry/wet law,
sample-accurate parameter changes and block-size independence."""
from __future__ import annotations

import numpy as np
import pedalboard as pb
import pytest
import soundfile as sf

from phonon.errors import PhononError
from phonon.nodes.fx import Chorus, Convolve, Distortion, Eq, mix_into
from phonon.nodes.ladder import MoogLadder as Moog
from phonon.nodes.modfx import Bitcrush, Flanger, Phaser, Pitch, PingPong, Sidechain, Tremolo

from .fxhelp import SR, defaults, peak_freq, rms_db, run_node, run_strict

T = np.arange(SR) / SR


def sine(f: float, amp: float = 0.5, frames: int = SR) -> np.ndarray:
    s = (amp * np.sin(2 * np.pi * f * np.arange(frames) / SR)).astype(np.float32)
    return np.stack([s, s])


def noise(frames: int = SR, seed: int = 7) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal((2, frames)) * 0.25).astype(np.float32)


def impulse(at: int = 10, frames: int = SR) -> np.ndarray:
    x = np.zeros((2, frames), dtype=np.float32)
    x[:, at] = 1.0
    return x


def gain_db(y: np.ndarray, x: np.ndarray) -> float:
    """Steady-state gain: RMS of the second halves."""
    h = x.shape[1] // 2
    return rms_db(y[0, h:]) - rms_db(x[0, h:])


# ----------------------------------------------------------------------------- dry/wet law
def test_mix_law_is_linear_and_exact():
    dry = np.full((2, 8), 1.0, dtype=np.float32)
    wet = np.full((2, 8), 3.0, dtype=np.float32)
    out = np.zeros((2, 8), dtype=np.float32)
    mix_into(out, dry, wet, 0.25, 8)
    assert np.all(out == 1.5)
    mix_into(out, dry, wet, np.linspace(0, 1, 8), 8)
    np.testing.assert_allclose(out[0], 1 + 2 * np.linspace(0, 1, 8), rtol=1e-6)


@pytest.mark.parametrize("cls", [Chorus, Phaser, Distortion, Pitch, Bitcrush, Flanger, PingPong])
def test_mix_0_is_the_dry_signal_and_mix_1_the_pure_wet_return(cls):
    x = noise(SR // 4)
    dry = run_node(cls(), x.shape[1], defaults(cls, mix=0.0), inputs=[x])
    assert np.array_equal(dry, x)
    wet = run_node(cls(), x.shape[1], defaults(cls, mix=1.0), inputs=[x])
    half = run_node(cls(), x.shape[1], defaults(cls, mix=0.5), inputs=[x])
    np.testing.assert_allclose(half, 0.5 * x + 0.5 * wet, atol=1e-6)


@pytest.mark.parametrize("cls", [Chorus, Phaser, Distortion, Moog, Eq, Pitch, Bitcrush, Flanger,
                                 PingPong, Tremolo])
def test_effect_output_does_not_depend_on_block_size(cls):
    x = noise(SR // 2)
    params = defaults(cls, **({"low": 6.0, "high": -6.0} if cls is Eq else {}))
    a = run_node(cls(), x.shape[1], params, inputs=[x], block=64)
    b = run_node(cls(), x.shape[1], params, inputs=[x], block=4096)
    np.testing.assert_allclose(a, b, atol=1e-6)


# ------------------------------------------------------------------------ pedalboard-backed
def test_chorus_pure_wet_equals_pedalboard_chorus():
    x = noise(SR // 2)
    y = run_node(Chorus(), x.shape[1], defaults(Chorus, rate=2.0, depth=0.4, mix=1.0), inputs=[x])
    ref = pb.Chorus(rate_hz=2.0, depth=0.4, mix=1.0).process(x, SR)
    np.testing.assert_allclose(y, ref, atol=1e-6)


def test_chorus_without_depth_is_the_centre_delay():
    x = noise(SR // 4)
    y = run_node(Chorus(), x.shape[1], defaults(Chorus, depth=0.0, mix=1.0, delay=5.0), inputs=[x])
    corr = [float(np.dot(y[0, 2000:8000], x[0, 2000 - d:8000 - d])) for d in range(400)]
    assert int(np.argmax(corr)) == 240                      # 5 ms at 48 kHz
    assert max(corr) / float(np.dot(x[0, 2000:8000], x[0, 2000:8000])) > 0.98


def test_phaser_pattern_switches_rate_exactly_at_the_onset():
    """A stepped rate equals running the first part at 0.5 Hz, then the same node at 4 Hz."""
    x = noise(SR // 2)
    onset = 10_000
    rate = np.full(x.shape[1], 0.5)
    rate[onset:] = 4.0
    y = run_node(Phaser(), x.shape[1], defaults(Phaser, rate=rate, mix=1.0), inputs=[x], block=4096)
    node = Phaser()
    first = run_node(node, onset, defaults(Phaser, rate=0.5, mix=1.0), inputs=[x[:, :onset]])
    second = run_node(node, x.shape[1] - onset, defaults(Phaser, rate=4.0, mix=1.0),
                      inputs=[x[:, onset:]], prepare=False)
    np.testing.assert_array_equal(y, np.concatenate([first, second], axis=1))


def test_distortion_is_tanh_of_drive_in_db():
    x = sine(100.0, amp=0.5)
    y = run_node(Distortion(), x.shape[1], defaults(Distortion, drive=20.0), inputs=[x])
    np.testing.assert_allclose(y, np.tanh(x.astype(np.float64) * 10.0), atol=2e-4)


def test_moog_passes_the_band_and_falls_24_db_per_octave():
    def g(f):
        x = sine(f)
        return gain_db(run_node(Moog(), SR, defaults(Moog, cutoff=500.0), inputs=[x]), x)

    assert abs(g(50.0)) < 0.5            # 1/(1 + (f/fc)^2)^2 below the cutoff (tests/nodes_filters)
    slope = g(2000.0) - g(4000.0)
    assert 21.0 < slope < 26.0


@pytest.mark.parametrize("freq,expected", [(50.0, 6.0), (1000.0, -6.0), (15000.0, 3.0)])
def test_eq_bands_apply_their_gain_in_db(freq, expected):
    x = sine(freq)
    y = run_node(Eq(), SR, defaults(Eq, low=6.0, mid=-6.0, high=3.0), inputs=[x])
    assert gain_db(y, x) == pytest.approx(expected, abs=0.3)


def test_convolve_applies_the_impulse_response_exactly(tmp_path):
    ir = np.zeros(2000, dtype=np.float32)
    ir[100], ir[1500] = 0.5, 0.25
    path = tmp_path / "ir.wav"
    sf.write(path, ir, SR, subtype="FLOAT")
    y = run_node(Convolve(file=str(path)), 8000, {"mix": 1.0}, inputs=[impulse(10, 8000)], block=64)
    hits = np.flatnonzero(np.abs(y[0]) > 1e-4)
    assert hits.tolist() == [110, 1510]
    np.testing.assert_allclose(y[:, hits], [[0.5, 0.25], [0.5, 0.25]], atol=1e-5)
    half = run_node(Convolve(file=str(path)), 8000, {"mix": 0.5}, inputs=[impulse(10, 8000)], block=64)
    np.testing.assert_allclose(half[0, [10, 110, 1510]], [0.5, 0.25, 0.125], atol=1e-5)


def test_convolve_resamples_an_ir_at_another_rate(tmp_path):
    ir = np.zeros(1000, dtype=np.float32)
    ir[441] = 1.0                                   # 10 ms at 44.1 kHz
    sf.write(tmp_path / "ir44.wav", ir, 44100, subtype="FLOAT")
    y = run_node(Convolve(file=str(tmp_path / "ir44.wav")), 4000, {"mix": 1.0}, inputs=[impulse(0, 4000)])
    assert int(np.argmax(np.abs(y[0]))) == 480     # 10 ms at 48 kHz


def test_convolve_missing_file_is_a_clear_error():
    with pytest.raises(PhononError) as err:
        Convolve(file="no/such/hall.wav")
    assert err.value.message == "convolve: impulse response file 'no/such/hall.wav' not found"
    assert "WAV" in err.value.hint


# ------------------------------------------------------------------------------ own kernels
@pytest.mark.parametrize("semitones,expected", [(12.0, 880.0), (-12.0, 220.0), (7.0, 440.0 * 2 ** (7 / 12))])
def test_pitch_moves_a_sine_by_semitones(semitones, expected):
    x = sine(440.0)
    y = run_node(Pitch(), SR, defaults(Pitch, semitones=semitones), inputs=[x])
    assert abs(peak_freq(y[0, SR // 4:], lo=50, hi=4000) - expected) < 2.0
    assert abs(gain_db(y, x)) < 1.5


def test_pitch_zero_is_a_pure_delay_of_half_a_grain():
    x = noise(4000)
    y = run_node(Pitch(), 4000, defaults(Pitch, semitones=0.0), inputs=[x])
    d = 1 + int(0.025 * SR)                                # 1 + window/2 = 1201 samples
    np.testing.assert_allclose(y[:, d:], x[:, :-d], atol=1e-6)
    assert np.all(y[:, :d] == 0.0)


def test_bitcrush_quantises_to_bits_and_holds_rate_samples():
    x = (np.linspace(-1, 1, 4800, dtype=np.float32)[None, :] * np.ones((2, 1), np.float32)) * 0.9
    y = run_node(Bitcrush(), 4800, defaults(Bitcrush, bits=3.0, rate=1.0), inputs=[x])
    levels = np.unique(y[0])
    assert set(np.round(levels * 4).tolist()) <= set(range(-4, 5))      # multiples of 1/4
    np.testing.assert_allclose(y, np.round(x * 4) / 4, atol=1e-7)
    held = run_node(Bitcrush(), 4800, defaults(Bitcrush, bits=16.0, rate=4.0), inputs=[x])
    np.testing.assert_allclose(held[0], np.repeat(np.round(x[0, ::4] * 32768) / 32768, 4), atol=1e-7)


def test_flanger_without_sweep_or_feedback_is_a_3_ms_delay():
    x = noise(4000)
    y = run_node(Flanger(), 4000, defaults(Flanger, depth=0.0, feedback=0.0, mix=1.0), inputs=[x])
    d = int(0.003 * SR)
    np.testing.assert_allclose(y[:, d:], x[:, :-d], atol=1e-6)
    assert np.all(y[:, :d] == 0.0)


def test_flanger_feedback_repeats_the_delay():
    y = run_node(Flanger(), 2000, defaults(Flanger, depth=0.0, feedback=0.5, mix=1.0), inputs=[impulse(0, 2000)])
    d = int(0.003 * SR)
    np.testing.assert_allclose(y[0, [d, 2 * d, 3 * d]], [1.0, 0.5, 0.25], atol=1e-6)


def test_pingpong_echoes_alternate_sides_with_feedback_gains():
    time, fb = 0.1, 0.5
    y = run_node(PingPong(), SR, defaults(PingPong, time=time, feedback=fb, width=1.0, mix=1.0),
                 inputs=[impulse(0)])
    step = int(time * SR)
    left, right = y[0], y[1]
    assert np.flatnonzero(np.abs(left) > 1e-6).tolist() == [step, 3 * step, 5 * step, 7 * step, 9 * step]
    assert np.flatnonzero(np.abs(right) > 1e-6).tolist() == [2 * step, 4 * step, 6 * step, 8 * step]
    np.testing.assert_allclose(left[[step, 3 * step]], [1.0, fb ** 2], rtol=1e-6)
    np.testing.assert_allclose(right[[2 * step, 4 * step]], [fb, fb ** 3], rtol=1e-6)


def test_tremolo_gain_swings_between_1_and_1_minus_depth():
    x = np.ones((2, SR), dtype=np.float32)
    y = run_node(Tremolo(), SR, defaults(Tremolo, rate=4.0, depth=0.6), inputs=[x])
    period = SR // 4
    assert y[0, 0] == pytest.approx(1.0)
    assert y[0, period // 2] == pytest.approx(0.4, abs=1e-6)
    assert y[0, period] == pytest.approx(1.0, abs=1e-6)
    assert y.min() == pytest.approx(0.4, abs=1e-6)


def test_sidechain_ducks_by_the_compressor_law_while_the_key_plays():
    x = sine(200.0, amp=0.5)
    key = np.zeros((2, SR), dtype=np.float32)
    key[:, : SR // 2] = 1.0                    # 0 dB key for half a second, then silence
    params = defaults(Sidechain, threshold=-20.0, ratio=4.0, attack=0.001, release=0.05)
    y = run_node(Sidechain(), SR, params, inputs=[x, key])
    ducked = rms_db(y[0, SR // 4:SR // 2]) - rms_db(x[0, SR // 4:SR // 2])
    assert ducked == pytest.approx(-15.0, abs=0.05)          # (0 - -20) * (1 - 1/4)
    recovered = rms_db(y[0, -SR // 4:]) - rms_db(x[0, -SR // 4:])
    assert recovered == pytest.approx(0.0, abs=0.01)
    linear = run_node(Sidechain(), SR, dict(params, threshold=0.1), inputs=[x, key])
    np.testing.assert_allclose(linear, y, atol=1e-6)        # 0.1 linear == -20 dB


def test_sidechain_does_not_depend_on_block_size():
    x, key = noise(SR // 2), noise(SR // 2, seed=9)
    a = run_node(Sidechain(), SR // 2, defaults(Sidechain), inputs=[x, key], block=64)
    b = run_node(Sidechain(), SR // 2, defaults(Sidechain), inputs=[x, key], block=4096)
    np.testing.assert_allclose(a, b, atol=1e-6)


def test_pitch_hot_swap_keeps_the_delay_line():
    x = sine(440.0, frames=9600)
    old = Pitch()
    first = run_node(old, 4800, defaults(Pitch, semitones=5.0), inputs=[x[:, :4800]])
    new = Pitch()
    new.prepare(SR, 512, 2)
    new.load_state(old.state())
    cont = run_node(new, 4800, defaults(Pitch, semitones=5.0), inputs=[x[:, 4800:]], prepare=False)
    whole = run_node(Pitch(), 9600, defaults(Pitch, semitones=5.0), inputs=[x])
    np.testing.assert_allclose(np.concatenate([first, cont], axis=1), whole, atol=1e-6)


def test_pedalboard_effect_hot_swap_continues_the_plugin_state():
    x = noise(9600)
    params = defaults(Chorus, rate=3.0, depth=0.6, mix=1.0)
    old = Chorus()
    first = run_node(old, 4800, params, inputs=[x[:, :4800]])
    new = Chorus()
    new.prepare(SR, 512, 2)
    new.load_state(old.state())
    cont = run_node(new, 4800, params, inputs=[x[:, 4800:]], prepare=False)
    whole = run_node(Chorus(), 9600, params, inputs=[x])
    np.testing.assert_allclose(np.concatenate([first, cont], axis=1), whole, atol=1e-6)


@pytest.mark.parametrize("cls", [Chorus, Phaser, Distortion, Moog, Eq, Pitch, Bitcrush, Flanger,
                                 PingPong, Tremolo, Sidechain])
def test_effect_writes_every_output_sample_of_a_partial_block(cls):
    x = noise(1000)
    node = cls()
    node.prepare(SR, 512, 2)
    y = run_strict(node, 1000, defaults(cls), inputs=[x, x], block=512)   # the last block has 488 frames
    assert np.isfinite(y).all()

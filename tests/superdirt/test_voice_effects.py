"""The per-voice effects other than filters, each measured against SuperDirt's formula on a
known input (core-synths.scd, library/default-effects-extra.scd, the UGens they use)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import lfilter

from tests.superdirt.rig import SR, play_one

LEFT = {"pan": -1}                         # hard left: the left channel carries the input x 1


def left(bank, controls: dict, n: int, **kw) -> np.ndarray:
    return play_one(bank, {**LEFT, **controls}, n, **kw)[0].astype(np.float64)


def source(bank, name: str) -> np.ndarray:
    return bank.get(name)[0].astype(np.float64)


def peak_amplitudes(y: np.ndarray, freqs: list[float]) -> list[float]:
    """Amplitude of each sinusoid in y (1 s windows give 1 Hz bins)."""
    spec = np.abs(np.fft.rfft(y * np.hanning(y.size))) / (y.size / 4)
    hz = np.fft.rfftfreq(y.size, 1 / SR)
    return [float(spec[np.argmin(np.abs(hz - f))]) for f in freqs]


def test_shape_transfer_curve(bank):
    """dirt_shape: k = 2s/(1-s), y = (1+k) x / (1 + k|x|)."""
    x = source(bank, "lin")
    for s in (0.3, 0.7, 0.99):
        k = 2 * s / (1 - s)
        y = left(bank, {"s": "lin", "shape": s}, x.size)
        assert np.allclose(y, (1 + k) * x / (1 + k * np.abs(x)), rtol=0, atol=2e-7)
    assert np.array_equal(left(bank, {"s": "lin", "shape": 0}, x.size), left(bank, {"s": "lin"}, x.size))


@pytest.mark.parametrize("crush", [1, 2, 4, 8])
def test_crush_quantises_to_half_to_the_crush_minus_one(bank, crush):
    """dirt_crush: round(x, 0.5^(crush-1)): every value a multiple of the step, the nearest."""
    x = source(bank, "noise")[:4096]
    step = 0.5 ** (crush - 1)
    y = left(bank, {"s": "noise", "crush": crush}, 4096)
    assert np.allclose(y / step, np.round(y / step), atol=1e-6)
    assert np.allclose(y, np.floor(x / step + 0.5) * step, atol=1e-7)
    assert len(np.unique(y)) <= 1.0 / step + 1


@pytest.mark.parametrize("coarse", [2, 4, 7])
def test_coarse_holds_each_value_for_coarse_frames(bank, coarse):
    """dirt_coarse: Latch(x, Impulse(sr/coarse)): x[k*coarse] held coarse frames."""
    x = source(bank, "noise")[:4200]
    y = left(bank, {"s": "noise", "coarse": coarse}, 4200)
    idx = (np.arange(4200) // coarse) * coarse
    assert np.array_equal(y.astype(np.float32), x[idx].astype(np.float32))
    assert np.array_equal(left(bank, {"s": "noise", "coarse": 1}, 4200), left(bank, {"s": "noise"}, 4200))


def test_tremolo_is_one_minus_d_plus_d_cos(bank):
    """dirt_tremolo: (1 - d) + d SinOsc(rate, pi/2), d = depth / 2: on a constant 0.5."""
    y = left(bank, {"s": "dc", "tremolorate": 8, "tremolodepth": 0.6}, 10000)
    t = np.arange(10000) / SR
    assert np.allclose(y, 0.5 * (0.7 + 0.3 * np.cos(2 * np.pi * 8 * t)), atol=1e-7)
    default = left(bank, {"s": "dc", "tremolorate": 8}, 10000)
    assert np.allclose(default, 0.5 * (0.75 + 0.25 * np.cos(2 * np.pi * 8 * t)), atol=1e-7)


def lfpar(phase: np.ndarray) -> np.ndarray:
    p = phase % 4
    return np.where(p < 1, 1 - p ** 2, np.where(p < 3, (p - 2) ** 2 - 1, 1 - (p - 4) ** 2))


def test_phaser_adds_the_signal_delayed_by_an_lfpar_sweep_at_phaserrate(bank):
    """dirt_phaser: x + depth AllpassL(x, delay LFPar(rate).range(8.8 ms, 10 ms), decay 0)
    (a pure delay): on a 100 Hz sine the level swings once per LFO cycle."""
    x = source(bank, "sine100")
    y = left(bank, {"s": "sine100", "phaserrate": 2, "phaserdepth": 0.8}, SR)
    t = np.arange(SR)
    d = (0.0094 + 0.0006 * lfpar(4 * 2 * t / SR)) * SR
    delayed = np.interp(t - d, np.arange(-1, x.size), np.concatenate([[0.0], x]), left=0.0)
    assert np.allclose(y, x + 0.8 * delayed, atol=1e-6)
    env = np.abs(np.fft.rfft(np.abs(y[:SR]) - np.abs(y[:SR]).mean()))
    assert np.argmax(env[1:20]) + 1 == 2                              # the swing: 2 Hz


def test_ring_multiplies_by_one_plus_ring_sine(bank):
    """dirt_ring: x (1 + ring SinOsc(ringf)): sidebands of ring/2 at 1 kHz +- ringf."""
    y = left(bank, {"s": "sine1k", "ring": 1.0, "ringf": 100}, SR)
    a, lo, hi = peak_amplitudes(y, [1000, 900, 1100])
    assert a == pytest.approx(0.5, rel=0.02)
    assert lo == pytest.approx(0.25, rel=0.02) and hi == pytest.approx(0.25, rel=0.02)


def test_ringf_below_20_hz_is_clipped_and_ringdf_sweeps_over_one_second(bank):
    y = left(bank, {"s": "dc", "ring": 1.0}, 4410)                     # ringf 0: 20 Hz
    t = np.arange(4410) / SR
    assert np.allclose(y, 0.5 * (1 + np.sin(2 * np.pi * 20 * t)), atol=1e-6)
    sweep = left(bank, {"s": "sine1k", "ring": 1.0, "ringf": 100, "ringdf": 300}, SR)
    late = np.abs(np.fft.rfft(sweep[SR // 2 + 8000:] * np.hanning(SR // 2 - 8000)))
    hz = np.fft.rfftfreq(SR // 2 - 8000, 1 / SR)
    assert hz[np.argmax(late * (hz < 900))] < 720                       # the sideband moved down


def test_fshift_moves_a_sine_up_by_fshift(bank):
    """dirt_fshift: FreqShift by fshift + fshiftnote * freq: 1 kHz -> 1.1 kHz, the image at
    900 Hz suppressed (single sideband)."""
    y = left(bank, {"s": "sine1k", "fshift": 100}, SR)[2000:]
    y = y[:SR - 2000]
    up, image = peak_amplitudes(y, [1100, 900])
    assert up == pytest.approx(0.5, rel=0.03)
    assert 20 * np.log10(image / up) < -35
    note = left(bank, {"s": "sine1k", "fshift": 0, "fshiftnote": 0.25}, SR)[2000:]
    assert peak_amplitudes(note[:SR - 2000], [1000 + 0.25 * 261.6256])[0] == pytest.approx(0.5, rel=0.03)


def test_triode_passes_the_positive_half_and_tanh_compresses_the_negative(bank):
    """dirt_triode: x (x > 0) + tanh(x sc) / sc (x < 0), sc = 10 triode + 1e-3, then LeakDC."""
    x = source(bank, "sine100")
    sc = 0.5 * 10 + 1e-3
    shaped = np.where(x > 0, x, np.tanh(x * sc) / sc)
    want = lfilter([1, -1], [1, -0.995], shaped)
    assert np.allclose(left(bank, {"s": "sine100", "triode": 0.5}, 20000), want[:20000], atol=1e-6)


def test_krush_is_sonic_pis_krush_through_a_4khz_rlpf(bank):
    """dirt_krush: (x^2 + k x) / (x^2 + |x|(k-1) + 1) through RLPF(kcutoff or 4 kHz, rq 1),
    SelectX(2 krush) from the dry signal; krush 0 is the dry signal exactly."""
    x = source(bank, "sine100")
    k = 1.0
    shaped = (x * x + k * x) / (x * x + np.abs(x) * (k - 1) + 1)
    w = 4000 * 2 * np.pi / SR
    d = np.tan(w * 0.5)
    c = (1 - d) / (1 + d)
    b1 = (1 + c) * np.cos(w)
    a0 = (1 + c - b1) * 0.25
    want = lfilter(a0 * np.array([1, 2, 1]), [1, -b1, c], shaped)
    assert np.allclose(left(bank, {"s": "sine100", "krush": k}, 20000), want[:20000], atol=1e-6)
    assert np.array_equal(left(bank, {"s": "sine100", "krush": 0}, 20000),
                          left(bank, {"s": "sine100"}, 20000))


def test_octer_doubles_the_frequency_and_octersub_adds_the_octave_below(bank):
    """dirt_octer: octer 1 selects 2 LeakDC(|x|) (the octave up); octersub adds
    ToggleFF(LPF(x, 440)) * LPF(x, 440) (an octave down)."""
    y = left(bank, {"s": "sine100", "octer": 1}, SR)[4410:]
    a100, a200 = peak_amplitudes(y[:SR - 4410], [100, 200])
    assert a200 > 10 * a100
    sub = left(bank, {"s": "sine100", "octersub": 1}, SR)[4410:]
    assert peak_amplitudes(sub[:SR - 4410], [50])[0] > 0.05


def test_distort_zero_is_dry_and_one_is_bounded_and_rich(bank):
    """dirt_distort: SelectX(distort, [x, softclip((cross + 0.1 distort Klank)^3 8) 0.5])."""
    dry = left(bank, {"s": "sine1k"}, 20000)
    assert np.array_equal(left(bank, {"s": "sine1k", "distort": 0}, 20000), dry)
    y = left(bank, {"s": "sine1k", "distort": 1}, 20000)
    assert np.abs(y).max() < 0.5
    spec = np.abs(np.fft.rfft(y[4000:20000]))
    hz = np.fft.rfftfreq(16000, 1 / SR)
    assert spec[np.argmin(np.abs(hz - 3000))] > 0.05 * spec.max()     # odd harmonics appear


def test_squiz_plays_each_fragment_back_twice_as_fast_then_silence(bank):
    """Squiz(x, 2): every fragment between upward zero crossings (here one 441-frame period
    of a 100 Hz sine) is played back at double speed in the next fragment, then zeros."""
    x = source(bank, "sine100")
    y = left(bank, {"s": "sine100", "squiz": 2}, 8000)
    start = 441 * 5                                              # a fragment boundary
    prev = x[start - 441:start]
    got = y[start:start + 441]                                   # one frame of latency
    assert got[0] == 0 and np.allclose(got[1:222], prev[::2], atol=1e-7)
    assert not got[222:].any()


@pytest.mark.parametrize("drop", [0, 30, 100])
def test_waveloss_drops_whole_segments_with_probability_drop_over_100(bank, drop):
    """WaveLoss(x, drop, 100, mode 2): each segment between upward zero crossings is kept
    exactly or zeroed; about drop % of them are zeroed."""
    x = source(bank, "sine100")
    y = left(bank, {"s": "sine100", "waveloss": drop}, SR - 441)
    segments = [(y[k * 441:(k + 1) * 441], x[k * 441:(k + 1) * 441]) for k in range(1, 98)]
    kept = [np.allclose(a, b, atol=1e-7) for a, b in segments]
    zeroed = [not a.any() for a, _ in segments]
    assert all(k or z for k, z in zip(kept, zeroed))
    assert abs(sum(zeroed) / len(segments) - drop / 100) < 0.15


def test_modules_run_in_superdirts_order_shape_before_lpf(bank):
    """shape (core module 2) runs before lpf (module 7): a shaped then filtered signal, not
    the other way round."""
    x = source(bank, "noise")[:4096]
    k = 2 * 0.6 / 0.4
    shaped = (1 + k) * x / (1 + k * np.abs(x))
    w = 1000 * 2 * np.pi / SR
    d = np.tan(w * 0.5)
    c = (1 - d) / (1 + d)
    b1 = (1 + c) * np.cos(w)
    want = lfilter((1 + c - b1) * 0.25 * np.array([1, 2, 1]), [1, -b1, c], shaped)
    y = left(bank, {"s": "noise", "shape": 0.6, "cutoff": 1000}, 4096)
    assert np.allclose(y, want, atol=1e-6)


def test_effects_act_before_the_level(bank):
    """SuperDirt applies gain (amp) in the gate, after the modules: shape sees the sample at
    full scale, and gain only scales the result."""
    x = source(bank, "lin")
    k = 2 * 0.5 / 0.5
    y = left(bank, {"s": "lin", "shape": 0.5, "gain": 0.25}, x.size)
    assert np.allclose(y, 0.25 * (1 + k) * x / (1 + k * np.abs(x)), atol=2e-7)

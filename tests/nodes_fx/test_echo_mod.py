"""Delay and modulation effects: tapedelay, multitap, pingpong (width, first side), flanger
(the original's argument order), phaser (stages), vibrato, fchorus, coarse, decimator, ring,
ring_mod, fm_crossmod, widener, pan2_l/pan2_r, xfade — each by its defining measurement."""
from __future__ import annotations

import numpy as np
import pytest

from phonon.nodes.echoes import Multitap, TapeDelay
from phonon.nodes.modfx import (Bitcrush, Coarse, Decimator, FChorus, Flanger, Phaser, PingPong,
                                Vibrato)
from phonon.nodes.ringmod import FmCrossmod, Ring, RingMod
from phonon.nodes.stereo import Pan2Left, Pan2Right, Widener, XFade

from .quality import (SR, check_block_size, check_documented, check_hot_swap, check_nan_safe,
                      inst_freq, noise, render)

NODES = [TapeDelay, Multitap, PingPong, Flanger, Phaser, Vibrato, FChorus, Coarse, Decimator, Ring,
         RingMod, FmCrossmod, Widener, Pan2Left, Pan2Right, XFade]
MODULATED = {TapeDelay: {"wow_depth": 0.05, "flutter_depth": 1.0},
             Phaser: {"rate": 3.0, "feedback": 0.5}, Widener: {"width": 1.7},
             XFade: {"pos": 0.3}, PingPong: {"time": 0.01}}


def impulse(frames: int, at: int = 0) -> np.ndarray:
    x = np.zeros((2, frames), dtype=np.float32)
    x[:, at] = 1.0
    return x


def sine(f: float, frames: int, amp: float = 0.5) -> np.ndarray:
    s = (amp * np.sin(2 * np.pi * f * np.arange(frames) / SR)).astype(np.float32)
    return np.vstack([s, s])


@pytest.mark.parametrize("cls", NODES, ids=lambda c: c.spec.name)
def test_quality_bar(cls):
    check_documented(cls)
    check_block_size(cls, MODULATED.get(cls))
    check_nan_safe(cls, params=MODULATED.get(cls))
    check_hot_swap(cls, MODULATED.get(cls))


# ----------------------------------------------------------------------------- echoes
def test_tapedelay_without_wobble_echoes_at_multiples_of_time_with_feedback_gains():
    y = render(TapeDelay, SR, {"time": 0.1, "feedback": 0.5, "wow_depth": 0.0,
                               "flutter_depth": 0.0, "saturation": 0.0, "mix": 1.0},
               inputs=[impulse(SR)])
    step = int(0.1 * SR)
    hits = np.flatnonzero(np.abs(y[0]) > 1e-6).tolist()
    assert hits[:4] == [step, 2 * step, 3 * step, 4 * step]
    np.testing.assert_allclose(y[0, [step, 2 * step, 3 * step]], [1.0, 0.5, 0.25], rtol=1e-6)


def test_tapedelay_wow_swings_the_delay_by_the_set_depth():
    """delay(t) = time*(1 + depth*sin(2 pi rate t)): a 1 kHz tone comes out with frequency
    1000*(1 - d'(t)), i.e. 1000*(1 -+ time*depth*2*pi*rate) at the extremes."""
    time, depth, rate = 0.2, 0.02, 1.0
    y = render(TapeDelay, 3 * SR, {"time": time, "feedback": 0.0, "wow_rate": rate,
                                   "wow_depth": depth, "flutter_depth": 0.0, "saturation": 0.0,
                                   "mix": 1.0}, inputs=[sine(1000.0, 3 * SR)])
    f = inst_freq(y[0, SR:-SR // 4])
    swing = time * depth * 2 * np.pi * rate                 # 0.0251
    assert f.max() == pytest.approx(1000 * (1 + swing), rel=2e-3)
    assert f.min() == pytest.approx(1000 * (1 - swing), rel=2e-3)


def test_tapedelay_flutter_depth_is_in_milliseconds():
    depth_ms, rate = 0.5, 6.0
    y = render(TapeDelay, 2 * SR, {"time": 0.1, "feedback": 0.0, "wow_depth": 0.0,
                                   "flutter_rate": rate, "flutter_depth": depth_ms,
                                   "saturation": 0.0, "mix": 1.0}, inputs=[sine(1000.0, 2 * SR)])
    f = inst_freq(y[0, SR // 2:-SR // 4])
    swing = depth_ms * 1e-3 * 2 * np.pi * rate
    assert f.max() == pytest.approx(1000 * (1 + swing), rel=1e-3)


def test_tapedelay_saturation_compresses_loud_repeats_only():
    loud = render(TapeDelay, SR // 2, {"time": 0.05, "feedback": 0.0, "wow_depth": 0.0,
                                       "flutter_depth": 0.0, "saturation": 1.0, "mix": 1.0},
                  inputs=[4.0 * impulse(SR // 2)])
    quiet = render(TapeDelay, SR // 2, {"time": 0.05, "feedback": 0.0, "wow_depth": 0.0,
                                        "flutter_depth": 0.0, "saturation": 1.0, "mix": 1.0},
                   inputs=[0.001 * impulse(SR // 2)])
    d = int(0.05 * SR)
    assert loud[0, d] == pytest.approx(np.tanh(5 * 4.0) / 5, rel=1e-6)     # 0.2: squashed
    assert quiet[0, d] == pytest.approx(0.001, rel=1e-4)                    # unity when small


def test_multitap_taps_fade_linearly_and_the_pattern_repeats_with_feedback():
    time, fb = 0.05, 0.5
    y = render(Multitap, SR, {"time": time, "feedback": fb, "mix": 1.0}, static={"taps": 4},
               inputs=[impulse(SR)])
    step = int(time * SR)
    np.testing.assert_allclose(y[0, [step * k for k in range(1, 5)]], [1.0, 0.75, 0.5, 0.25], rtol=1e-6)
    np.testing.assert_allclose(y[0, [step * k for k in range(5, 9)]],
                               [fb * g for g in (1.0, 0.75, 0.5, 0.25)], rtol=1e-6)
    assert np.count_nonzero(np.abs(y[0, :8 * step + 1]) > 1e-9) == 8


def test_pingpong_width_and_first_side():
    step = int(0.1 * SR)
    hard = render(PingPong, SR // 2, {"time": 0.1, "feedback": 0.5, "width": 1.0, "channel": 0.0,
                                      "mix": 1.0}, inputs=[impulse(SR // 2)])
    assert (hard[0, step], hard[1, step], hard[0, 2 * step], hard[1, 2 * step]) == (1.0, 0.0, 0.0, 0.5)
    half = render(PingPong, SR // 2, {"time": 0.1, "feedback": 0.5, "width": 0.5, "channel": 1.0,
                                      "mix": 1.0}, inputs=[impulse(SR // 2)])
    # first echo on the right: 0.75 there, 0.25 on the left; the second mirrored
    np.testing.assert_allclose([half[1, step], half[0, step]], [0.75, 0.25], rtol=1e-6)
    np.testing.assert_allclose([half[0, 2 * step], half[1, 2 * step]], [0.375, 0.125], rtol=1e-6)


def test_flanger_takes_depth_first_like_the_original():
    assert [p.name for p in Flanger.spec.params][:3] == ["depth", "rate", "feedback"]
    assert [p.name for p in PingPong.spec.params] == ["time", "feedback", "width", "channel", "mix"]
    assert [p.name for p in Phaser.spec.params][:4] == ["rate", "depth", "feedback", "stages"]


# ----------------------------------------------------------------------------- modulation
def _notches(y: np.ndarray, x: np.ndarray, expected: list[float]) -> list[float]:
    X = np.abs(np.fft.rfft(x[SR:].astype(np.float64))) ** 2
    Y = np.abs(np.fft.rfft(y[SR:].astype(np.float64))) ** 2
    f = np.fft.rfftfreq(x.size - SR, 1 / SR)
    g = 10 * np.log10(np.convolve(Y / np.maximum(X, 1e-12), np.ones(41) / 41, "same") + 1e-12)
    found = []
    for e in expected:
        band = (f > e / 1.5) & (f < e * 1.5)
        found.append(float(f[band][np.argmin(g[band])]))
        assert g[band].min() < -20.0
    return found


@pytest.mark.parametrize("stages, angles", [(4, (22.5, 67.5)), (6, (15.0, 45.0, 75.0)),
                                            (8, (11.25, 33.75))])
def test_static_phaser_notches_follow_the_number_of_stages(stages, angles):
    fc = 1000.0
    x = np.random.default_rng(1).uniform(-0.5, 0.5, 4 * SR).astype(np.float32)
    y = render(Phaser, x.size, {"rate": 0.5, "depth": 0.0, "feedback": 0.0, "mix": 0.5,
                                "centre": fc}, static={"stages": stages}, inputs=[np.vstack([x, x])])
    expected = [fc * np.tan(np.radians(a)) for a in angles]
    for got, want in zip(_notches(y[0], x, expected), expected):
        assert abs(got - want) / want < 0.05


def test_vibrato_peaks_exactly_depth_semitones_up():
    depth = 1.0
    y = render(Vibrato, 2 * SR, {"rate": 5.0, "depth": depth}, inputs=[sine(1000.0, 2 * SR)])
    f = inst_freq(y[0, SR // 4:-SR // 4])
    up = 2 ** (depth / 12)
    assert f.max() == pytest.approx(1000 * up, rel=5e-4)
    assert f.min() == pytest.approx(1000 * (2 - up), rel=5e-4)
    lfo = np.argmax(f[: SR // 5])                   # one 5 Hz period: the peak sits mid-rise
    assert abs(np.mean(f) - 1000.0) < 0.5


def test_fchorus_without_variation_is_five_equal_taps_separation_apart():
    sep = 0.01
    y = render(FChorus, SR // 4, {"separation": sep, "variation": 0.0, "mod_freq": 0.2, "mix": 1.0},
               inputs=[impulse(SR // 4)])
    taps = [1 + k * int(sep * SR) for k in range(5)]
    assert np.flatnonzero(np.abs(y[0]) > 1e-9).tolist() == taps
    np.testing.assert_allclose(y[0, taps], 0.2, rtol=1e-6)


def test_coarse_is_bitcrush_at_16_bits():
    x = noise(4800)
    a = render(Coarse, 4800, {"n": 5.0}, inputs=[x])
    b = render(Bitcrush, 4800, {"bits": 16.0, "rate": 5.0, "mix": 1.0}, inputs=[x])
    np.testing.assert_array_equal(a, b)
    assert np.all(a[0, :5] == a[0, 0]) and a[0, 5] != a[0, 0]


def test_decimator_holds_factor_samples_and_smooths_with_a_one_pole():
    x = noise(4800)
    held = render(Decimator, 4800, {"factor": 8.0, "smooth": 0.0}, inputs=[x])
    np.testing.assert_array_equal(held[0], np.repeat(x[0, ::8], 8))
    step = np.ones((2, 200), dtype=np.float32)
    smooth = render(Decimator, 200, {"factor": 1.0, "smooth": 0.9}, inputs=[step])
    np.testing.assert_allclose(smooth[0, :50], 1 - 0.9 ** np.arange(1, 51), rtol=1e-5)


def test_ring_makes_sum_and_difference_tones():
    y = render(Ring, SR, {"freq": 300.0}, inputs=[sine(1000.0, SR)])
    spec = np.abs(np.fft.rfft(y[0].astype(np.float64)))
    f = np.fft.rfftfreq(SR, 1 / SR)
    assert sorted(f[np.argsort(spec)[-2:]].tolist()) == [700.0, 1300.0]


def test_ring_mod_and_fm_crossmod_formulas():
    a, b = noise(2000, seed=1), noise(2000, seed=2)
    np.testing.assert_array_equal(render(RingMod, 2000, inputs=[a, b]), a * b)
    y = render(FmCrossmod, 2000, {"depth": 2.0}, inputs=[a, b])
    np.testing.assert_allclose(y, a * np.cos(2 * np.pi * 2.0 * b.astype(np.float64)), atol=1e-6)


# ----------------------------------------------------------------------------- stereo
def test_widener_width_0_is_mono_1_is_untouched_2_decorrelates_a_mono_input():
    st = noise(SR)
    zero = render(Widener, SR, {"width": 0.0}, inputs=[st])
    np.testing.assert_allclose(zero[0], 0.5 * (st[0] + st[1]), atol=1e-7)
    np.testing.assert_array_equal(zero[0], zero[1])
    np.testing.assert_array_equal(render(Widener, SR, {"width": 1.0}, inputs=[st]), st)
    mono = np.vstack([st[0], st[0]])
    for w in (1.5, 2.0):
        y = render(Widener, SR, {"width": w}, inputs=[mono])[:, 2000:].astype(np.float64)
        corr = np.corrcoef(y[0], y[1])[0, 1]
        e = (w - 1) ** 2
        assert corr == pytest.approx((1 - e) / (1 + e), abs=0.02)
        np.testing.assert_allclose(y[0] + y[1], 2 * mono[0, 2000:], atol=1e-5)   # mono-compatible


def test_pan2_sides_are_the_equal_power_gains():
    x = noise(1000)
    left = render(Pan2Left, 1000, {"pos": 0.5}, inputs=[x])
    right = render(Pan2Right, 1000, {"pos": 0.5}, inputs=[x])
    mono = 0.5 * (x[0].astype(np.float64) + x[1])
    np.testing.assert_allclose(left[0], mono * np.cos(1.5 * np.pi / 4), atol=1e-7)
    np.testing.assert_allclose(right[1], mono * np.sin(1.5 * np.pi / 4), atol=1e-7)


def test_xfade_is_linear_and_clamped():
    a, b = noise(1000, seed=1), noise(1000, seed=2)
    pos = np.linspace(-0.5, 1.5, 1000)
    y = render(XFade, 1000, {"pos": pos}, inputs=[a, b])
    p = np.clip(pos, 0, 1)
    np.testing.assert_allclose(y, a * (1 - p) + b * p, atol=1e-7)

"""Reverbs (plate, lush, reverb_stereo, the built-in convolution room), spectral freeze, the
upward expander and the transient shaper: RT60 against the set decay, the frozen spectrum and
level, the expansion law, the shaper's attack and sustain gains."""
from __future__ import annotations

import numpy as np
import pytest

from phonon.nodes.dynamics import Expander, TransientShaper
from phonon.nodes.fx import Convolve, builtin_impulse_response
from phonon.nodes.reverbs import Lush, Plate, ReverbStereo
from phonon.nodes.spectral import HOP, Freeze

from .quality import (SR, check_block_size, check_documented, check_hot_swap, check_nan_safe,
                      render, rms_db)

NODES = [Plate, Lush, ReverbStereo, Freeze, Expander, TransientShaper, Convolve]
MODULATED = {Freeze: {"trigger": (np.arange(12000) // 3000 % 2).astype(np.float64)},
             Lush: {"freeze": (np.arange(12000) > 6000).astype(np.float64)},
             TransientShaper: {"attack": 12.0, "sustain": -6.0}}


@pytest.mark.parametrize("cls", NODES, ids=lambda c: c.spec.name)
def test_quality_bar(cls):
    check_documented(cls)
    check_block_size(cls, MODULATED.get(cls), atol=1e-6 if cls is Convolve else 0.0)
    check_nan_safe(cls, params=MODULATED.get(cls))
    params = MODULATED.get(cls)
    if cls is Freeze:
        params = {"trigger": params["trigger"][:9600]}
    elif cls is Lush:
        params = {"freeze": params["freeze"][:9600]}
    check_hot_swap(cls, params, atol=1e-6 if cls is Convolve else 0.0)


def impulse(seconds: float) -> np.ndarray:
    x = np.zeros((2, int(seconds * SR)), dtype=np.float32)
    x[:, 100] = 1.0
    return x


def rt60(y: np.ndarray) -> float:
    """RT60 from the Schroeder energy decay curve, extrapolated from its -5..-25 dB part."""
    e = y.astype(np.float64) ** 2
    edc = np.cumsum(e[::-1])[::-1]
    db = 10 * np.log10(edc / edc[0] + 1e-30)
    return 3.0 * (np.argmax(db < -25) - np.argmax(db < -5)) / SR


def sine(f: float, frames: int, amp: float = 0.5) -> np.ndarray:
    s = (amp * np.sin(2 * np.pi * f * np.arange(frames) / SR)).astype(np.float32)
    return np.vstack([s, s])


# ----------------------------------------------------------------------------- reverbs
@pytest.mark.parametrize("decay", [0.5, 1.0, 2.0, 4.0])
def test_plate_rt60_follows_the_decay_setting(decay):
    y = render(Plate, int((decay * 1.6 + 1) * SR), {"pre_delay": 0.0, "decay": decay, "damping": 0.0,
                                                    "mix": 1.0}, inputs=[impulse(decay * 1.6 + 1)])
    for ch in (0, 1):
        assert rt60(y[ch]) == pytest.approx(decay, rel=0.2)      # measured 0.59/1.08/1.98/3.82


def test_plate_damping_shortens_the_tail_and_predelay_delays_it():
    base = {"pre_delay": 0.0, "decay": 2.0, "mix": 1.0}
    times = [rt60(render(Plate, 4 * SR, dict(base, damping=d), inputs=[impulse(4)])[0])
             for d in (0.0, 0.5, 0.9)]
    assert times[0] > times[1] > times[2]
    early = render(Plate, SR // 2, dict(base, pre_delay=0.0), inputs=[impulse(0.5)])
    late = render(Plate, SR // 2, dict(base, pre_delay=100.0), inputs=[impulse(0.5)])
    onset = [int(np.argmax(np.abs(y[0]) > 1e-4)) for y in (early, late)]
    assert onset[1] - onset[0] == pytest.approx(0.1 * SR, abs=1)


@pytest.mark.parametrize("decay", [1.0, 3.0])
def test_lush_rt60_is_the_decay_setting(decay):
    y = render(Lush, int((decay * 1.6 + 1) * SR), {"decay": decay, "damping": 0.0, "wander": 0.0,
                                                   "predelay": 0.0, "mix": 1.0},
               inputs=[impulse(decay * 1.6 + 1)])
    assert rt60(y[0]) == pytest.approx(decay, rel=0.05)             # measured 0.998, 3.01
    mod = render(Lush, int((decay * 1.6 + 1) * SR), {"decay": decay, "damping": 0.0, "wander": 2.0,
                                                     "predelay": 0.0, "mix": 1.0},
                 inputs=[impulse(decay * 1.6 + 1)])
    assert rt60(mod[0]) == pytest.approx(decay, rel=0.1)            # modulated: within 8 %


def test_lush_freeze_holds_the_tail_and_mutes_the_input():
    x = (np.random.default_rng(5).standard_normal((2, 4 * SR)) * 0.2).astype(np.float32)
    x[:, SR // 2:] *= np.where(np.arange(4 * SR - SR // 2) < SR // 2, 1.0, 0.0)[None, :]
    freeze = (np.arange(4 * SR) >= SR).astype(np.float64)
    y = render(Lush, 4 * SR, {"decay": 2.0, "freeze": freeze, "mix": 1.0}, inputs=[x])
    levels = [rms_db(y[0, a * SR // 2:(a + 1) * SR // 2]) for a in range(3, 8)]
    assert max(levels) - min(levels) < 1.0                     # 2.5 s frozen: no decay
    free = render(Lush, 4 * SR, {"decay": 2.0, "freeze": 0.0, "mix": 1.0}, inputs=[x])
    assert rms_db(free[0, 7 * SR // 2:]) < levels[-1] - 40.0   # unfrozen it would have died


def test_reverb_stereo_time_is_its_rt60_and_wet_its_mix():
    y = render(ReverbStereo, 5 * SR, {"wet": 1.0, "time": 2.0}, inputs=[impulse(5)])
    assert rt60(y[0]) == pytest.approx(2.0, rel=0.2)                # damped: measured 1.7
    assert rt60(y[1]) == pytest.approx(2.0, rel=0.2)
    dry = render(ReverbStereo, SR, {"wet": 0.0, "time": 2.0}, inputs=[impulse(1)])
    np.testing.assert_array_equal(dry, impulse(1))
    assert np.corrcoef(y[0, 2000:SR], y[1, 2000:SR])[0, 1] < 0.5   # a stereo tail


def test_convolve_without_a_file_convolves_with_the_built_in_room():
    x = (np.random.default_rng(2).standard_normal((2, SR)) * 0.1).astype(np.float32)
    y = render(Convolve, SR, {"mix": 1.0}, static={}, inputs=[x])
    ir = builtin_impulse_response(SR)
    ref = np.stack([np.convolve(x[c], ir[c])[:SR] for c in (0, 1)])
    np.testing.assert_allclose(y, ref, atol=2e-4)
    from scipy.signal import butter, sosfilt
    low = sosfilt(butter(4, 1000.0, "lowpass", fs=SR, output="sos"), ir[0])
    high = sosfilt(butter(4, 6000.0, "highpass", fs=SR, output="sos"), ir[0])
    assert rt60(low) == pytest.approx(1.6, rel=0.1)               # the documented two bands
    assert rt60(high) == pytest.approx(0.7, rel=0.1)
    assert abs(rms_db(y[:, SR // 2:]) - rms_db(x[:, SR // 2:])) < 1.5   # unit-energy IR


# ----------------------------------------------------------------------------- freeze
def test_freeze_holds_the_spectrum_and_level_of_the_moment_it_rose():
    frames = 2 * SR
    x = np.where(np.arange(frames) < SR, sine(440.0, frames), sine(880.0, frames))
    trigger = ((np.arange(frames) >= SR // 2) & (np.arange(frames) < frames - SR // 4)).astype(float)
    y = render(Freeze, frames, {"trigger": trigger}, inputs=[x])
    frozen = y[0, SR + SR // 8: frames - SR // 4 - HOP].astype(np.float64)
    spec = np.abs(np.fft.rfft(frozen * np.hanning(frozen.size)))
    f = np.fft.rfftfreq(frozen.size, 1 / SR)
    assert abs(f[np.argmax(spec)] - 440.0) < 25.0             # still the 440 Hz of t = 0.5 s
    #                                                       (random phases: within one bin)
    assert spec[np.abs(f - 880) < 20].max() < 0.01 * spec.max()
    assert rms_db(frozen) == pytest.approx(rms_db(x[0, :SR]), abs=1.5)
    start = (SR // 2 // HOP + 1) * HOP                         # first hop boundary after the rise
    np.testing.assert_array_equal(y[:, :start], x[:, :start])  # before: the input exactly
    end = ((frames - SR // 4) // HOP + 2) * HOP                # one crossfade hop after the fall
    np.testing.assert_array_equal(y[:, end:], x[:, end:])


# ----------------------------------------------------------------------------- expander
@pytest.mark.parametrize("level_db, ratio, gain_db", [(-14.0, 2.0, 6.0), (-17.0, 3.0, 6.0),
                                                      (-26.0, 4.0, 0.0), (-10.0, 10.0, 24.0)])
def test_expander_boosts_by_the_ratio_above_the_threshold(level_db, ratio, gain_db):
    amp = 10 ** (level_db / 20)
    x = sine(1000.0, SR, amp)
    y = render(Expander, SR, {"threshold": -20.0, "ratio": ratio, "attack": 0.0, "release": 0.5},
               inputs=[x])                                 # attack 0: the detector reads the peak
    assert rms_db(y[0, SR // 2:]) - rms_db(x[0, SR // 2:]) == pytest.approx(gain_db, abs=0.15)


def test_expander_threshold_follows_the_linear_or_db_rule():
    x = sine(1000.0, SR // 2, 0.2)
    a = render(Expander, SR // 2, {"threshold": 0.1, "ratio": 2.0}, inputs=[x])
    b = render(Expander, SR // 2, {"threshold": -20.0, "ratio": 2.0}, inputs=[x])
    np.testing.assert_allclose(a, b, atol=1e-6)


# ----------------------------------------------------------------------------- transient shaper
def burst() -> np.ndarray:
    t = np.arange(SR) / SR
    env = np.where(t < 0.1, 0.0, np.where(t < 0.6, 1.0, np.exp(-(t - 0.6) / 0.05)))
    s = (0.5 * np.sin(2 * np.pi * 1000 * t) * env).astype(np.float32)
    return np.vstack([s, s])


def gain_trace(y: np.ndarray, x: np.ndarray, a: float, b: float) -> np.ndarray:
    sl = slice(int(a * SR), int(b * SR))
    xs, ys = x[0, sl].astype(np.float64), y[0, sl].astype(np.float64)
    keep = np.abs(xs) > 0.05 * np.abs(xs).max()
    return 20 * np.log10(np.abs(ys[keep]) / np.abs(xs[keep]))


def test_transient_shaper_attack_gain_lands_on_the_onset_only():
    x = burst()
    y = render(TransientShaper, SR, {"attack": 12.0, "sustain": 0.0}, inputs=[x])
    onset = gain_trace(y, x, 0.1, 0.103)
    assert onset.max() == pytest.approx(12.0, abs=0.5)          # the first ms: the full attack
    later = gain_trace(y, x, 0.3, 0.59)
    assert np.abs(later).max() < 0.05                         # steady: untouched
    cut = render(TransientShaper, SR, {"attack": -12.0, "sustain": 0.0}, inputs=[x])
    assert gain_trace(cut, x, 0.1, 0.103).min() == pytest.approx(-12.0, abs=0.5)


def test_transient_shaper_sustain_gain_lands_on_the_decay():
    x = burst()
    y = render(TransientShaper, SR, {"attack": 0.0, "sustain": 12.0}, inputs=[x])
    steady = gain_trace(y, x, 0.3, 0.59)
    assert np.abs(steady).max() < 0.05
    tail = gain_trace(y, x, 0.7, 0.8)
    assert tail.min() > 12.0 * 0.5 and tail.max() <= 12.0 + 1e-6   # s between 0.5 and 1

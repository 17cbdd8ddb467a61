"""Measured properties the effects issue names: reverb decay vs room size, the phaser's
notches, and the limiter's ceiling on a drum loop driven 12 dB hot."""
from __future__ import annotations

import numpy as np
import pytest

import phonon
from phonon.plugins import default_registry
from phonon.plugins.testing import render_node
from tests.data_paths import CC0_KIT as KIT

SR = 48000


def rt60(y: np.ndarray, sr: int) -> float:
    """RT60 from the Schroeder energy decay curve, extrapolated from its -5..-25 dB part."""
    e = y.astype(np.float64) ** 2
    edc = np.cumsum(e[::-1])[::-1]
    db = 10 * np.log10(edc / edc[0] + 1e-30)
    t5, t25 = np.argmax(db < -5), np.argmax(db < -25)
    return 3.0 * (t25 - t5) / sr


def test_reverb_decay_time_grows_with_room_size():
    impulse = np.zeros((2, 6 * SR), dtype=np.float32)
    impulse[:, 100] = 1.0
    times = []
    for room in (0.2, 0.5, 0.8):
        node = default_registry().get("reverb")()
        node.prepare(SR, 512, 2)
        y = render_node(node, frames=impulse.shape[1], inputs=[impulse],
                        params={"room": room, "damp": 0.5, "mix": 1.0}, sr=SR, block=512)
        times.append(rt60(y[0], SR))
    # measured 0.63, 1.01 and 2.25 s: each larger room rings at least 30 % longer
    assert times[0] > 0.3 and times[1] > 1.3 * times[0] and times[2] > 1.3 * times[1]


def test_static_phaser_notches_sit_where_six_allpass_stages_cancel_the_dry_signal():
    """Depth 0 holds the six first-order all-pass stages at the centre frequency fc; mixed 50/50
    with the dry signal they cancel where the total phase is 180 degrees + k*360: at
    fc*tan(15°), fc and fc*tan(75°)."""
    fc = 1000.0
    x = np.random.default_rng(1).uniform(-0.5, 0.5, 4 * SR).astype(np.float32)
    node = default_registry().get("phaser")()
    node.prepare(SR, 512, 2)
    y = render_node(node, frames=x.size, inputs=[np.vstack([x, x])],
                    params={"rate": 0.5, "depth": 0.0, "mix": 0.5, "centre": fc, "feedback": 0.0},
                    sr=SR, block=512)
    X = np.abs(np.fft.rfft(x[SR:])) ** 2
    Y = np.abs(np.fft.rfft(y[0, SR:].astype(np.float64))) ** 2
    f = np.fft.rfftfreq(x.size - SR, 1 / SR)
    gain_db = 10 * np.log10(np.convolve(Y / np.maximum(X, 1e-12), np.ones(41) / 41, "same") + 1e-12)
    for expected in (fc * np.tan(np.radians(15)), fc, fc * np.tan(np.radians(75))):
        band = (f > expected / 1.6) & (f < expected * 1.6)
        notch = f[band][np.argmin(gain_db[band])]
        assert abs(notch - expected) / expected < 0.05
        assert gain_db[band].min() < -20.0                       # a deep notch
    assert abs(np.median(gain_db[(f > 100) & (f < 10000)])) < 6.0  # elsewhere about unity


@pytest.mark.parametrize("ceiling, linear", [("0.9", 0.9), ("-1", 10 ** (-1 / 20))])
def test_limiter_holds_its_ceiling_on_a_drum_loop_12_db_hot(ceiling, linear):
    hot = phonon.render('cps: 0.5\nout: s "loop" # gain 4\n', 4.0, samples=str(KIT))
    y = phonon.render(f'cps: 0.5\nout: s "loop" # gain 4 # limiter {ceiling}\n', 4.0,
                      samples=str(KIT))
    assert np.abs(hot).max() >= 0.999                  # the loop really is driven into the clip
    assert np.abs(y).max() <= np.float32(linear)
    assert np.abs(y).max() > 0.9 * linear              # limited, not muted

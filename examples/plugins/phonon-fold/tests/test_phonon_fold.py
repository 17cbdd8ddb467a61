"""Unit tests of the `fold` node, rendered with `phonon.plugins.testing.render_node`."""
from __future__ import annotations

import numpy as np
import pytest

from phonon.plugins.testing import render_node
from phonon_fold import Fold


def reference_fold(u):
    """The triangle fold, written independently of the kernel: reflect at +1 and -1."""
    u = np.asarray(u, dtype=np.float64)
    k = np.floor((u + 1.0) / 2.0)                # which 2-wide band u is in
    r = u - 2.0 * k                              # r in [-1, 1)
    return np.where(k % 2 == 0, r, -r)


def staircase(levels, hold=64):
    return np.repeat(np.asarray(levels, dtype=np.float64), hold)


@pytest.mark.parametrize("amount", [0.0, 0.3, 0.7, 1.0])
def test_transfer_curve_matches_the_triangle_fold(amount):
    levels = np.linspace(-1.0, 1.0, 81)
    out = render_node(Fold, frames=levels.size * 64, inputs=[staircase(levels)],
                      params={"amount": amount})
    settled = out[0].reshape(levels.size, 64)[:, 1:]      # first sample of a step is a segment mean
    expected = reference_fold((1.0 + 9.0 * amount) * levels.astype(np.float32))
    np.testing.assert_allclose(settled, np.repeat(expected[:, None], 63, axis=1), atol=2e-6)
    np.testing.assert_array_equal(out[0], out[1])


def test_specific_fold_points():
    # amount 0.7 -> drive 7.3: 0.2 -> 1.46 -> 0.54; -0.5 -> -3.65 -> 0.35 (folded twice)
    out = render_node(Fold, frames=256, inputs=[staircase([0.2, -0.5, 0.0, 1.0])],
                      params={"amount": 0.7})
    assert out[0, 63] == pytest.approx(0.54, abs=1e-5)
    assert out[0, 127] == pytest.approx(0.35, abs=1e-5)
    assert out[0, 191] == 0.0
    assert out[0, 255] == pytest.approx(reference_fold(7.3), abs=1e-5)   # 7.3 -> -0.7


def test_amount_zero_is_a_clean_pass_below_full_scale():
    t = np.arange(4096) / 44100.0
    x = 0.9 * np.sin(2 * np.pi * 100.0 * t)
    out = render_node(Fold, frames=4096, inputs=[x], params={"amount": 0.0})
    # ADAA averages the fold over each input step: for the identity that is the midpoint,
    # i.e. a half-sample delay.
    midpoint = 0.5 * (x[1:] + x[:-1])
    np.testing.assert_allclose(out[0, 1:], midpoint, atol=1e-6)


def test_bias_and_mix():
    x = staircase([0.5])
    wet = render_node(Fold, frames=64, inputs=[x], params={"amount": 0.0, "bias": 0.8})
    assert wet[0, -1] == pytest.approx(0.7, abs=1e-6)        # 1.3 reflects to 0.7
    half = render_node(Fold, frames=64, inputs=[x],
                       params={"amount": 0.0, "bias": 0.8, "mix": 0.25})
    assert half[0, -1] == pytest.approx(0.75 * 0.5 + 0.25 * 0.7, abs=1e-6)


def test_folding_adds_odd_harmonics_of_a_sine():
    sr, f, n = 44100, 441.0, 44100
    x = 0.8 * np.sin(2 * np.pi * f * np.arange(n) / sr)
    out = render_node(Fold, frames=n, inputs=[x], params={"amount": 0.5})   # drive 5.5
    spectrum = np.abs(np.fft.rfft(out[0] * np.hanning(n)))
    level = lambda h: spectrum[int(h * f)]                                   # 1 Hz bins
    assert level(3) > 0.1 * level(1)                 # strong odd harmonics
    assert level(2) < 1e-4 * level(1)                # a symmetric fold makes no even ones


def test_anti_aliasing_beats_a_naive_fold():
    sr, f, n = 44100, 3001.0, 44100
    x = 0.9 * np.sin(2 * np.pi * f * np.arange(n) / sr)
    out = render_node(Fold, frames=n, inputs=[x], params={"amount": 1.0})[0]
    naive = reference_fold(10.0 * x)

    def inharmonic_energy(y):
        s = np.abs(np.fft.rfft(y * np.hanning(n))) ** 2
        mask = np.ones_like(s, dtype=bool)
        for h in range(1, 8, 2):                          # the audible harmonics below 22 kHz
            b = int(h * f)
            mask[b - 3:b + 4] = False
        return s[mask].sum() / s[~mask].sum()

    # measured: ADAA 0.093, naive 0.98 (aliases carry as much energy as the harmonics)
    assert inharmonic_energy(out) < 0.2 * inharmonic_energy(naive)


def test_output_does_not_depend_on_block_size_and_state_hands_over():
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, 3000)
    amount = np.linspace(0, 1, 3000)
    a = render_node(Fold, frames=3000, inputs=[x], params={"amount": amount}, block=64)
    b = render_node(Fold, frames=3000, inputs=[x], params={"amount": amount}, block=1024)
    np.testing.assert_array_equal(a, b)
    # hot swap at sample 1500: the successor takes over the predecessor's state
    first = Fold()
    first.prepare(44100, 512, 2)
    render_node(first, frames=1500, inputs=[x[:1500]], params={"amount": amount[:1500]})
    second = Fold()
    second.prepare(44100, 512, 2)
    second.load_state(first.state())
    tail = render_node(second, frames=1500, inputs=[x[1500:]], params={"amount": amount[1500:]},
                       start=1500)
    np.testing.assert_array_equal(tail, a[:, 1500:])

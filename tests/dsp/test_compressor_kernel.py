"""`phonon.dsp.compressor` is pedalboard's `Compressor` (JUCE's), sample for sample: the kernel
against the plugin, and the `compressor` node against the pedalboard-driven node it replaced
(constant, patterned and signal parameters, make-up gain, any block size, hot swap)."""
from __future__ import annotations

import numpy as np
import pedalboard
import pytest

from phonon.dsp import pedal
from phonon.dsp.compressor import (ATTACK, EXPONENT, RELEASE, THRESHOLD, JuceCompressor,
                                   compress)
from phonon.nodes.dynamics import Compressor, level_to_db, parameter_spans
from phonon.plugins import value_at
from phonon.plugins.api import Block, Params
from tests.dsp.side_by_side import assert_plays_alike

RNG = np.random.default_rng(23)


def program_material(sr: int) -> np.ndarray:
    """Loud noise, three seconds of silence (the envelope decays into the denormal range),
    a quiet stretch, then louder noise again."""
    loud = (RNG.standard_normal((2, sr)) * 0.5).astype(np.float32)
    quiet = (RNG.standard_normal((2, sr // 2)) * 1e-3).astype(np.float32)
    return np.concatenate([loud, np.zeros((2, 3 * sr), np.float32), quiet, loud * 2], axis=1)


def plugin_settings(plugin, threshold_db: float, ratio: float, attack_ms: float,
                    release_ms: float) -> None:
    plugin.threshold_db, plugin.ratio = threshold_db, ratio
    plugin.attack_ms, plugin.release_ms = attack_ms, release_ms


@pytest.mark.parametrize("sr", [22050, 44100, 48000])
def test_the_kernel_is_pedalboards_compressor_bit_for_bit(sr):
    """Thresholds that are not whole dB (powf rounds them), ratios, attack 0 and below 1 us,
    parameters changed at block boundaries, random block sizes, silence and quiet tails."""
    x = program_material(sr)
    settings = [(-12.0, 4.0, 5.0, 100.0), (-17.3, 2.5, 0.0, 30.0), (-3.71, 10.0, 0.0005, 250.0),
                (-26.9, 1.0, 1.0, 1.0), (-8.123, 7.7, 12.0, 0.0)]
    plugin = pedalboard.Compressor()
    pedal.prime(plugin, 2, float(sr), 512)
    kernel = JuceCompressor(float(sr))
    want, got = np.zeros_like(x), np.zeros_like(x)
    a, k = 0, 0
    while a < x.shape[1]:
        n = min(int(RNG.integers(1, 512)), x.shape[1] - a)
        if k % 40 == 0:
            s = settings[(k // 40) % len(settings)]
            plugin_settings(plugin, *s)
            kernel.set(*s)
        want[:, a:a + n] = pedal.process(plugin, np.ascontiguousarray(x[:, a:a + n]), float(sr))
        compress(*kernel.args(x, got, a, a + n))
        a += n
        k += 1
    assert np.array_equal(got, want)
    assert np.abs(got - x).max() > 0.1                  # it compressed


def test_coefficients_are_computed_as_juce_computes_them():
    c = JuceCompressor(44100.0)
    c.set(-12.0, 4.0, 5.0, 100.0)
    k = c.coefficients
    assert k[THRESHOLD].dtype == np.float32 and abs(float(k[THRESHOLD]) - 10.0 ** -0.6) < 3e-8
    assert k[EXPONENT] == np.float32(0.25) - np.float32(1.0)
    assert k[ATTACK] == np.float32(np.exp(-2.0 * np.pi * 1000.0 / 44100.0 / 5.0))
    assert k[RELEASE] == np.float32(np.exp(-2.0 * np.pi * 1000.0 / 44100.0 / 100.0))
    c.set(-12.0, 4.0, 0.0009, 100.0)                    # under 1 us: an instant attack
    assert k[ATTACK] == 0.0


class PedalboardCompressor:
    """The `compressor` node as it was: pedalboard's plugin, configured per parameter span,
    then the make-up gain."""

    def __init__(self, sr: int, block: int) -> None:
        self.sr = float(sr)
        self.plugin = pedalboard.Compressor()
        pedal.prime(self.plugin, 2, self.sr, block)

    def process(self, x: np.ndarray, p: Params, out: np.ndarray, n: int) -> None:
        arrays = any(isinstance(v, np.ndarray) for v in p.__dict__.values())
        for a, b in ([(0, n)] if not arrays else parameter_spans(p, n)):
            plugin_settings(self.plugin, level_to_db(value_at(p.threshold, a)),
                            max(value_at(p.ratio, a), 1.0),
                            max(value_at(p.attack, a), 0.0) * 1000.0,
                            max(value_at(p.release, a), 0.0) * 1000.0)
            out[:, a:b] = pedal.process(self.plugin, np.ascontiguousarray(x[:, a:b]), self.sr)
        makeup = p.makeup
        if isinstance(makeup, np.ndarray) or makeup != 0.0:
            out[:, :n] *= np.power(10.0, np.asarray(makeup, dtype=np.float64)[..., :n] / 20.0) \
                if isinstance(makeup, np.ndarray) else 10.0 ** (makeup / 20.0)


def block_params(k: int, n: int) -> Params:
    """Block k's parameters: constants, a linear threshold, pattern steps and signals."""
    kind = k % 4
    if kind == 0:
        return Params(threshold=-14.0, ratio=4.0, attack=0.005, release=0.1, makeup=0.0)
    if kind == 1:
        return Params(threshold=0.3, ratio=6.0, attack=0.0, release=0.05, makeup=3.0)
    if kind == 2:
        steps = np.where(np.arange(n) < n // 2, -20.0, -9.5)
        return Params(threshold=steps, ratio=3.0, attack=0.002, release=0.2, makeup=0.0)
    signal = -18.0 + 8.0 * np.sin(np.arange(n) / 50.0)
    return Params(threshold=signal, ratio=2.0 + signal * -0.1, attack=0.01, release=0.08,
                  makeup=np.linspace(0.0, 2.0, n))


@pytest.mark.parametrize("block", [1, 3, 64, 512, 2048])
def test_the_node_plays_what_the_pedalboard_node_played(block):
    blocks = 9 if block >= 512 else 80
    x = (RNG.standard_normal((2, block * blocks)) * 0.6).astype(np.float32)
    assert_plays_alike(Compressor(), PedalboardCompressor(44100, block), x, block, block_params)


def test_the_steady_call_and_a_hot_swap_continue_exactly():
    block = 256
    x = (RNG.standard_normal((2, block * 10)) * 0.6).astype(np.float32)
    p = Params(threshold=-15.5, ratio=5.0, attack=0.003, release=0.12, makeup=0.0)
    whole, first, second = Compressor(), Compressor(), Compressor()
    for n in (whole, first, second):
        n.prepare(44100, block, 2)
    want, got = np.zeros((2, block), np.float32), np.zeros((2, block), np.float32)
    xb = np.zeros((2, block), np.float32)
    ctx = Block(index=0, start=0, frames=block, sr=44100, cps=0.5, cycle=0.0)
    call = None
    for k in range(10):
        xb[...] = x[:, k * block:(k + 1) * block]
        whole.process(ctx, [xb], p, want)
        if k == 5:
            second.load_state(first.state())
        if k < 3:
            first.process(ctx, [xb], p, got)
        elif k < 5:                                   # the steady call in place of process
            if call is None:
                call, args = first.steady_call(ctx, [xb], p, got)
            call(*args)
        else:
            second.process(ctx, [xb], p, got)
        assert np.array_equal(got, want), f"block {k}"
    assert call is not compress                        # the compiled entry point itself
    assert whole.steady_call(ctx, [xb], Params(threshold=-15.5, ratio=5.0, attack=0.003,
                                               release=0.12, makeup=1.0), want) is None

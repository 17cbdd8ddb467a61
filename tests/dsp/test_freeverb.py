"""`phonon.dsp.freeverb` is pedalboard's `Reverb` (JUCE's Freeverb), sample for sample: the
kernel against the plugin, and the `reverb` node against the pedalboard-driven node it replaced
(constant, patterned and signal parameters, the dry path of mix 0, any block size, hot swap)."""
from __future__ import annotations

import numpy as np
import pedalboard
import pytest

from phonon.dsp import pedal
from phonon.dsp.freeverb import DAMPING, DRY, FEEDBACK, WET1, WET2, Freeverb, freeverb
from phonon.nodes.dynamics import Reverb, parameter_spans
from phonon.plugins import value_at
from phonon.plugins.api import Block, Params
from tests.dsp.side_by_side import assert_plays_alike

RNG = np.random.default_rng(11)


def noise(n: int, scale: float = 0.3) -> np.ndarray:
    return (RNG.standard_normal((2, n)) * scale).astype(np.float32)


def plugin_settings(plugin, room: float, damp: float, mix: float) -> None:
    """The settings the pedalboard-driven node gave the plugin."""
    plugin.room_size, plugin.damping = room, damp
    plugin.wet_level, plugin.dry_level = mix, (1.0 - mix) * 0.5


@pytest.mark.parametrize("sr", [22050, 44100, 48000, 96000])
def test_the_kernel_is_pedalboards_reverb_bit_for_bit(sr):
    """Random block sizes, parameters changed at block boundaries (JUCE's 10 ms ramps
    included), a fresh plugin's default parameters before the first change."""
    blocks = [int(b) for b in RNG.integers(1, 700, 50)]
    changes = {0: (0.8, 0.2, 0.4), 9: (0.3, 0.9, 0.7), 10: (0.31, 0.9, 0.7), 25: (1.0, 0.0, 1.0),
               40: (0.0, 1.0, 0.05)}
    x = noise(sum(blocks))
    plugin = pedalboard.Reverb()
    pedal.prime(plugin, 2, float(sr), 512)
    reverb = Freeverb(float(sr), 512)
    want, got = np.zeros_like(x), np.zeros_like(x)
    a = 0
    for k, n in enumerate(blocks):
        if k in changes:
            room, damp, mix = changes[k]
            plugin_settings(plugin, room, damp, mix)
            reverb.set(room, damp, mix, (1.0 - mix) * 0.5, 1.0)
        want[:, a:a + n] = pedal.process(plugin, np.ascontiguousarray(x[:, a:a + n]), float(sr))
        reverb.process(x, got, a, a + n)
        a += n
    assert np.array_equal(got, want)
    assert np.abs(want[:, sr // 10:]).max() > 0.05          # a real tail was compared


def test_a_fresh_reverb_holds_juces_defaults_and_ramps_a_change_over_10_ms():
    reverb = Freeverb(44100.0, 64)
    s = reverb.smooth
    assert reverb.steps == 441 and not reverb.countdown.any()
    assert s[FEEDBACK, 1] == np.float32(0.5) * np.float32(0.28) + np.float32(0.7)
    assert s[DAMPING, 1] == np.float32(0.2) and s[DRY, 1] == np.float32(0.8)
    assert s[WET1, 1] == np.float32(0.5) * (np.float32(0.33) * np.float32(3.0)) * np.float32(2.0)
    assert s[WET2, 1] == 0.0
    reverb.set(0.5, 0.5, 1.0, 0.0, 1.0)              # wet and dry change, room and damping do not
    assert list(reverb.countdown) == [0, 0, 441, 441, 0]
    reverb.set(0.5, 0.5, 1.0, 0.0, 1.0)              # the same again: the ramp goes on
    assert list(reverb.countdown) == [0, 0, 441, 441, 0]
    x, out = noise(64), np.zeros((2, 64), np.float32)
    for _ in range(7):                                 # 448 samples: the ramps are over
        reverb.process(x, out, 0, 64)
    assert not reverb.countdown.any() and s[DRY, 0] == 0.0 and s[WET1, 0] == np.float32(3.0)


class PedalboardReverb:
    """The `reverb` node as it was: pedalboard's plugin, configured per parameter span."""

    def __init__(self, sr: int, block: int) -> None:
        self.sr = float(sr)
        self.plugin = pedalboard.Reverb()
        pedal.prime(self.plugin, 2, self.sr, block)

    def configure(self, p: Params, i: int) -> None:
        clamp = lambda v: min(max(value_at(v, i), 0.0), 1.0)  # noqa: E731
        plugin_settings(self.plugin, clamp(p.room), clamp(p.damp), clamp(p.mix))

    def process(self, x: np.ndarray, p: Params, out: np.ndarray, n: int) -> None:
        arrays = any(isinstance(v, np.ndarray) for v in (p.room, p.damp, p.mix))
        if not arrays and p.mix <= 0.0:
            out[:, :n] = x[:, :n]
            self.configure(p, 0)
            pedal.process(self.plugin, np.ascontiguousarray(x[:, :n]), self.sr)
            return
        for a, b in ([(0, n)] if not arrays else parameter_spans(p, n)):
            self.configure(p, a)
            out[:, a:b] = pedal.process(self.plugin, np.ascontiguousarray(x[:, a:b]), self.sr)


def block_params(k: int, n: int) -> Params:
    """Block k's parameters: constants, a dry block, pattern steps and a signal, in turn."""
    kind = k % 5
    if kind == 0:
        return Params(room=0.6, damp=0.4, mix=0.5)
    if kind == 1:
        return Params(room=0.6, damp=0.4, mix=0.0)                 # the dry path
    if kind == 2:
        steps = np.where(np.arange(n) < n // 3, 0.2, 0.9)         # a pattern step
        return Params(room=steps, damp=0.4, mix=0.5)
    if kind == 3:
        signal = 0.5 + 0.5 * np.sin(np.arange(n) / 40.0)           # a modulating signal
        return Params(room=0.6, damp=signal, mix=signal * 0.8)
    return Params(room=1.5, damp=-0.2, mix=0.7)                    # clamped to 0..1


@pytest.mark.parametrize("block", [1, 2, 17, 64, 512, 2048])
def test_the_node_plays_what_the_pedalboard_node_played(block):
    blocks = 9 if block >= 512 else 60
    assert_plays_alike(Reverb(), PedalboardReverb(44100, block), noise(block * blocks), block,
                       block_params)


def test_the_steady_call_continues_exactly_as_process_would():
    x = noise(512)
    p = Params(room=0.7, damp=0.3, mix=0.6)
    ctx = Block(index=0, start=0, frames=512, sr=44100, cps=0.5, cycle=0.0)
    a, b = Reverb(), Reverb()
    a.prepare(44100, 512, 2)
    b.prepare(44100, 512, 2)
    out_a, out_b = np.zeros_like(x), np.zeros_like(x)
    a.process(ctx, [x], p, out_a)
    b.process(ctx, [x], p, out_b)
    call, args = a.steady_call(ctx, [x], p, out_a)
    assert b.steady_call(ctx, [x], Params(room=0.7, damp=0.3, mix=0.0), out_b) is None
    for _ in range(30):                                 # past the 10 ms ramps
        call(*args)
        b.process(ctx, [x], p, out_b)
        assert np.array_equal(out_a, out_b)
    assert call is not freeverb                         # the compiled entry point itself


def test_a_hot_swapped_reverb_continues_the_tail_of_its_predecessor():
    block = 256
    x = noise(block * 12)
    p = Params(room=0.8, damp=0.2, mix=1.0)
    whole, first, second = Reverb(), Reverb(), Reverb()
    for n in (whole, first, second):
        n.prepare(44100, block, 2)
    want, got = np.zeros((2, block), np.float32), np.zeros((2, block), np.float32)
    for k in range(12):
        ctx = Block(index=k, start=k * block, frames=block, sr=44100, cps=0.5, cycle=0.0)
        xb = np.ascontiguousarray(x[:, k * block:(k + 1) * block])
        if k == 6:
            second.load_state(first.state())
        whole.process(ctx, [xb], p, want)
        (first if k < 6 else second).process(ctx, [xb], p, got)
        assert np.array_equal(got, want), f"block {k}"
    other = Reverb()
    other.prepare(48000, block, 2)                      # other delay lengths: starts fresh
    other.load_state(whole.state())
    assert not other.fx.lines.any()


def test_the_kernels_refuse_more_frames_than_their_arrays_hold():
    from phonon.dsp.compressor import JuceCompressor, compress
    reverb = Freeverb(44100.0, 64)
    x, out = noise(128), np.zeros((2, 128), np.float32)
    with pytest.raises(ValueError):
        freeverb(*reverb.args(x, out, 0, 128))          # the scratch holds 64 frames
    reverb.process(x, out, 0, 128)                      # `process` grows it
    wide, want = Freeverb(44100.0, 128), np.zeros_like(out)
    freeverb(*wide.args(x, want, 0, 128))
    assert np.array_equal(out, want) and np.abs(want).max() > 0.01
    comp = JuceCompressor(44100.0)
    with pytest.raises(ValueError):
        compress(*comp.args(x, out, 0, 129))            # beyond the block

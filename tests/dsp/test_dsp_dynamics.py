"""Pedalboard wrappers: limiter ceiling, compressor gain reduction, reverb dry path."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phonon.dsp.limiter import lookahead_samples
from phonon.plugins import segments
from phonon.nodes.dynamics import Compressor, Limiter, Reverb
from phonon.nodes.noise import PinkNoise
from phonon.plugins.testing import render_node

SR = 44100


def sine(freq, amp, seconds):
    t = np.arange(int(SR * seconds)) / SR
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def hot_program(seconds=2.0):
    """Pink noise bursts and a sine up to +12 dBFS: plenty to limit."""
    noise = render_node(PinkNoise, seconds)[0] * 4.0
    return noise + sine(220.0, 2.0, seconds) * (np.arange(int(SR * seconds)) % 11025 < 3000)


@pytest.mark.parametrize("ceiling,linear", [(0.9, 0.9), (-1.0, 10 ** (-1 / 20)), (0.5, 0.5)])
def test_limiter_never_exceeds_the_ceiling(ceiling, linear):
    x = hot_program()
    y = render_node(Limiter, frames=len(x), inputs=[x], params={"ceiling": ceiling})
    assert np.max(np.abs(y)) <= np.float32(linear)
    assert np.max(np.abs(y)) > 0.95 * linear                      # and it does reach it


def test_limiter_passes_quiet_material_unchanged_after_its_latency():
    x = sine(440.0, 0.1, 1.0)                                      # -20 dBFS under a 0.9 ceiling
    y = render_node(Limiter, frames=len(x), inputs=[x], params={"ceiling": 0.9})
    lag = lookahead_samples(SR)                                    # 66 samples = 1.5 ms
    assert np.all(y[:, :lag] == 0.0)
    assert np.array_equal(y[0, lag:], x[:-lag])


def test_limiter_gain_recovers_with_the_release_time():
    x = np.concatenate([sine(440.0, 2.0, 0.5), sine(440.0, 0.25, 1.0)])
    y = render_node(Limiter, frames=len(x), inputs=[x], params={"ceiling": 0.5, "release": 0.05})
    lag = lookahead_samples(SR)
    late = y[0, lag + SR // 2 + SR // 2:]                         # 0.5 s = 10 time constants later
    assert np.max(np.abs(late)) == pytest.approx(0.25, abs=1e-3)


def test_compressor_steady_state_gain_reduction():
    # threshold -20 dB, 4:1, a -8 dBFS sine: 12 dB over -> 3 dB over -> 9 dB of reduction
    x = sine(1000.0, 10 ** (-8 / 20), 2.0)
    y = render_node(Compressor, frames=len(x), inputs=[x], params={"threshold": -20.0, "ratio": 4.0})
    reduction = -20 * np.log10(np.max(np.abs(y[0, -SR // 2:])) / 10 ** (-8 / 20))
    assert reduction == pytest.approx(9.0, abs=1.0)               # measured 8.1 dB (peak detector)


def test_compressor_linear_threshold_and_makeup():
    x = sine(1000.0, 10 ** (-8 / 20), 2.0)
    in_db = render_node(Compressor, frames=len(x), inputs=[x], params={"threshold": -20.0})
    in_lin = render_node(Compressor, frames=len(x), inputs=[x], params={"threshold": 0.1})
    assert np.allclose(in_db, in_lin, atol=1e-6)                   # 0.1 linear == -20 dB
    made_up = render_node(Compressor, frames=len(x), inputs=[x], params={"threshold": -20.0, "makeup": 6.0})
    assert 20 * np.log10(np.max(np.abs(made_up[0, -1000:])) / np.max(np.abs(in_db[0, -1000:]))) \
        == pytest.approx(6.0, abs=0.01)


def test_reverb_mix_zero_is_bit_exact_dry_and_mix_one_is_wet():
    x = render_node(PinkNoise, 0.5)
    dry = render_node(Reverb, frames=x.shape[1], inputs=[x], params={"mix": 0.0})
    assert np.array_equal(dry, x)
    wet = render_node(Reverb, frames=x.shape[1] + SR, inputs=[np.pad(x, ((0, 0), (0, SR)))],
                      params={"mix": 1.0})
    tail = wet[:, x.shape[1] + SR // 4:]
    assert 20 * np.log10(np.sqrt(np.mean(tail ** 2))) > -60       # a real tail after the input stops
    assert np.corrcoef(wet[0, :x.shape[1]], x[0])[0, 1] < 0.5      # not the dry signal


def test_segments_split_patterns_at_steps_and_signals_every_64():
    pattern = np.array([1.0] * 100 + [2.0] * 156)
    assert segments([0.5, pattern], 256) == [(0, 100), (100, 256)]
    signal = np.linspace(0, 1, 256)
    assert segments([signal], 256) == [(0, 64), (64, 128), (128, 192), (192, 256)]
    assert segments([0.5], 256) == [(0, 256)]


def test_patterned_room_size_switches_at_the_step():
    x = render_node(PinkNoise, 0.5)
    n = x.shape[1]
    room = np.where(np.arange(n) < 10000, 0.2, 0.9)
    stepped = render_node(Reverb, frames=n, inputs=[x], params={"room": room, "mix": 1.0}, block=512)
    const = render_node(Reverb, frames=n, inputs=[x], params={"room": 0.2, "mix": 1.0}, block=512)
    assert np.array_equal(stepped[:, :10000], const[:, :10000])
    assert not np.allclose(stepped[:, 10000:], const[:, 10000:])


@settings(max_examples=40, deadline=None)
@given(
    ceiling=st.floats(0.05, 1.0),
    release=st.floats(0.0, 0.5),
    gain=st.floats(0.1, 50.0),
    seed=st.integers(0, 2**16),
    block=st.sampled_from([1, 7, 64, 512]),
)
def test_limiter_ceiling_holds_for_any_input(ceiling, release, gain, seed, block):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((2, 3000)) * gain * rng.random(3000) ** 4).astype(np.float32)
    y = render_node(Limiter, frames=3000, inputs=[x], params={"ceiling": ceiling, "release": release},
                    block=block)
    assert np.max(np.abs(y)) <= np.float32(ceiling)

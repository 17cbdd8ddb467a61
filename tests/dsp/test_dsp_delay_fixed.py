"""The constant-parameter delay kernels equal the general per-sample kernel bit for bit."""
from __future__ import annotations

import numpy as np
import pytest

from phonon.dsp.delay import feedback_delay, feedback_delay_constant, feedback_delay_fixed

SR = 1000.0


def run_both(size: int, start: int, d: int, n: int, fb: float, mix: float, seed: int):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, n)).astype(np.float32)
    line = rng.standard_normal((2, size)).astype(np.float32)
    ref_line, ref_head, ref_out = line.copy(), np.array([start]), np.zeros((2, n), np.float32)
    full = np.ones(n)
    feedback_delay(x, ref_out, n, full * (d / SR), full * fb, full * mix, ref_line, ref_head, SR)
    head, out, tap = np.array([start]), np.zeros((2, n), np.float32), np.zeros(n)
    feedback_delay_fixed(x, out, n, d, max(-1.0, min(1.0, fb)), mix, line, head, tap)
    return (ref_out, ref_line, ref_head), (out, line, head)


@pytest.mark.parametrize("start, d", [
    (0, 50),        # read position wraps behind the start of the line
    (40, 40),       # read starts at index 0
    (90, 60),       # the write head wraps to 0 inside the block
    (80, 90),       # mid-block, a tap at size-1 whose neighbour is index 0
    (69, 70),       # the read starts exactly at size-1
    (10, 98),       # the longest delay (size - 2)
    (55, 33),       # delay just above the block
])
def test_fixed_delay_equals_general_kernel(start, d):
    ref, got = run_both(size=100, start=start, d=d, n=32, fb=0.6, mix=0.7, seed=start + d)
    for r, g in zip(ref, got):
        assert r.tobytes() == g.tobytes()


def test_fixed_delay_clamps_feedback_like_the_general_kernel():
    ref, got = run_both(size=100, start=5, d=40, n=32, fb=1.7, mix=1.0, seed=3)
    assert ref[0].tobytes() == got[0].tobytes()
    assert ref[1].tobytes() == got[1].tobytes()


def test_fixed_delay_echo_lands_d_samples_later_across_blocks():
    size, d, n = 100, 40, 16
    line, head, tap = np.zeros((2, size), np.float32), np.zeros(1, np.int64), np.zeros(n)
    outs = []
    for b in range(8):
        x = np.zeros((2, n), np.float32)
        if b == 0:
            x[:, 3] = 1.0
        out = np.zeros((2, n), np.float32)
        feedback_delay_fixed(x, out, n, d, 0.5, 1.0, line, head, tap)
        outs.append(out)
    y = np.concatenate(outs, axis=1)
    hits = np.flatnonzero(y[0])
    assert hits.tolist() == [43, 83, 123]
    assert y[0, hits].tolist() == [1.0, 0.5, 0.25]


@pytest.mark.parametrize("start, d", [
    (0, 50.5), (90, 60.25), (80, 90.7), (69, 70.5), (10, 97.9), (55, 33.125), (3, 41.0 / 3.0 * 3.3),
])
def test_constant_fractional_delay_equals_general_kernel(start, d):
    size, n = 100, 32
    rng = np.random.default_rng(start)
    x = rng.standard_normal((2, n)).astype(np.float32)
    line = rng.standard_normal((2, size)).astype(np.float32)
    ref_line, ref_head, ref_out = line.copy(), np.array([start]), np.zeros((2, n), np.float32)
    full = np.ones(n)
    feedback_delay(x, ref_out, n, full * (d / SR), full * 0.6, full * 0.7, ref_line, ref_head, SR)
    head, out = np.array([start]), np.zeros((2, n), np.float32)
    # the node passes d = time * sr, exactly as the general kernel computes it
    feedback_delay_constant(x, out, n, (d / SR) * SR, 0.6, 0.7, line, head, np.zeros(n))
    assert out.tobytes() == ref_out.tobytes()
    assert line.tobytes() == ref_line.tobytes()
    assert head[0] == ref_head[0] == (start + n) % size


@pytest.mark.parametrize("time", [0.25, 0.375, 0.3, 0.001, 9.99])
def test_delay_node_fast_paths_equal_the_general_path_through_a_line_wrap(time):
    """Constant parameters (fast kernels when the delay is longer than the block) against the
    same values given as arrays (always the general kernel), for 10.5 s: the write head wraps."""
    from phonon.nodes.delay import Delay
    from phonon.plugins.api import Block, Params

    sr, block = 44100, 4096
    fast, general = Delay(), Delay()
    fast.prepare(sr, block, 2)
    general.prepare(sr, block, 2)
    rng = np.random.default_rng(7)
    const = Params(time=time, feedback=0.6, mix=0.8)
    arrays = Params(time=np.full(block, time), feedback=np.full(block, 0.6),
                    mix=np.full(block, 0.8))
    for b in range(int(10.5 * sr) // block):
        x = rng.standard_normal((2, block)).astype(np.float32)
        ctx = Block(b, b * block, block, sr, 1.0, 0.0)
        y_fast, y_general = np.zeros_like(x), np.zeros_like(x)
        fast.process(ctx, [x], const, y_fast)
        general.process(ctx, [x], arrays, y_general)
        assert y_fast.tobytes() == y_general.tobytes(), f"block {b}"
    assert fast.head[0] == general.head[0]
    assert fast.line.tobytes() == general.line.tobytes()

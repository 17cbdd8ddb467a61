"""The two-pass stereo limiter kernel equals the general kernel bit for bit, block after block."""
from __future__ import annotations

import numpy as np

from phonon.dsp import limiter as lim

SR = 44100.0
L = lim.lookahead_samples(SR)


def fresh_state():
    return [np.zeros((2, L)), lim.new_state(L)]


def test_stereo_kernel_equals_general_kernel_across_block_sizes():
    rng = np.random.default_rng(1)
    general, stereo = fresh_state(), fresh_state()
    # blocks shorter, equal to, one past and far beyond the look-ahead; > L*(L+1) samples in
    # all, so the periodic re-sum of the envelope happens too
    for i, n in enumerate([64, 10, L, L + 1, 512, 1, 2048, 100, 30, 4096, L - 1, 2048]):
        x = (rng.standard_normal((2, n)) * rng.uniform(0.1, 2.0)).astype(np.float32)
        ceiling = np.full(n, 0.8) if i % 2 else rng.uniform(0.3, 1.0, n)
        release = np.full(n, 0.05) if i < 6 else np.full(n, 0.2)
        want, got = np.zeros((2, n), np.float32), np.zeros((2, n), np.float32)
        lim.limiter(x, want, n, ceiling, release, *general, SR)
        lim.limiter_stereo(x, got, n, ceiling, release, *stereo, SR, np.zeros(n))
        assert got.tobytes() == want.tobytes(), f"block {i} ({n} frames)"
        for a, b in zip(general, stereo):
            assert a.tobytes() == b.tobytes()
    assert lim.state_parts(general[1], L)[2][2] < 1.0   # the limiter did engage


def test_stereo_kernel_keeps_the_ceiling_and_delays_by_the_lookahead():
    n = 512
    x = np.zeros((2, n), np.float32)
    x[0, 100] = 2.0
    x[1, 200] = 0.25
    out = np.zeros((2, n), np.float32)
    lim.limiter_stereo(x, out, n, np.full(n, 0.5), np.full(n, 0.1), *fresh_state(), SR, np.zeros(n))
    assert np.flatnonzero(out[0]).tolist() == [100 + L]
    assert out[0, 100 + L] == np.float32(0.5)          # clamped to the ceiling
    assert np.flatnonzero(out[1]).tolist() == [200 + L]
    assert 0.0 < out[1, 200 + L] < 0.25                 # still recovering from the peak

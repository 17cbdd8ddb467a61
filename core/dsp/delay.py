"""Feedback delay line and one-pole smoother kernels (numba).

Delay: per channel a ring buffer; the read tap sits `time * sr` samples behind the write head
(fractional, linear interpolation, modulatable every sample, clamped to 1 sample .. the buffer
length). The line is fed with input + feedback * tap, so a click comes back at exactly k*time,
each echo `feedback` times the one before. Output = dry*(1-mix) + tap*mix.
"""
from __future__ import annotations

import numpy as np
from numba import njit, uint64

from .primitives import read_linear


@njit(cache=True)
def feedback_delay(x: np.ndarray, out: np.ndarray, n: int, time: np.ndarray, feedback: np.ndarray,
                   mix: np.ndarray, line: np.ndarray, head: np.ndarray, sr: float) -> None:
    """Process `n` samples of every row of `x`; `line` is (channels, L), `head[0]` the write index."""
    channels = x.shape[0]
    size = line.shape[1]
    max_delay = size - 2.0
    start = int(head[0])
    for c in range(channels):
        row = line[c]
        w = start
        for i in range(n):
            d = time[i] * sr
            if not (d >= 1.0):            # also NaN
                d = 1.0
            elif d > max_delay:
                d = max_delay
            tap = read_linear(row, w, size, d)
            fb = feedback[i]
            if fb > 1.0:
                fb = 1.0
            elif fb < -1.0:
                fb = -1.0
            elif fb != fb:
                fb = 0.0
            v0 = x[c, i]
            line[c, w] = v0 + fb * tap
            m = mix[i]
            if m != m:
                m = 0.0
            out[c, i] = v0 * (1.0 - m) + tap * m
            w += 1
            if w >= size:
                w = 0
    head[0] = (start + n) % size


@njit(cache=True)
def feedback_delay_fixed(x: np.ndarray, out: np.ndarray, n: int, d: int, feedback: float,
                         mix: float, line: np.ndarray, head: np.ndarray, tap: np.ndarray) -> None:
    """`feedback_delay` for constant parameters and a whole delay of n + 1 < d <= size - 2 samples.

    Bit-identical to `feedback_delay` (same float32/float64 operations; the fraction is 0.0):
    no tap read in the block was written in the block, so every tap is read first into the
    float64 scratch `tap` (n,) and the line written after, in runs of contiguous indices
    without modulo or branches per sample (loops the compiler can vectorise).
    `feedback` must already be clamped to [-1, 1].
    """
    channels = x.shape[0]
    size = line.shape[1]
    start = int(head[0])
    r0 = start - d
    if r0 < 0:
        r0 += size
    frac = 0.0
    keep = 1.0 - mix
    for c in range(channels):
        lc = line[c]
        xc = x[c]
        i = 0
        r = r0
        while i < n:                          # taps: tap = a + 0.0 * (b - a), b the next sample
            if r == size - 1:                 # the one tap whose neighbour wraps to 0
                a = lc[r]
                tap[i] = a + frac * (lc[0] - a)
                i += 1
                r = 0
                continue
            run = min(n - i, size - 1 - r)
            src = lc[r:r + run + 1]           # slices indexed by range(): no negative-index
            dst = tap[i:i + run]              # checks, so the loops vectorise (4x faster)
            for k in range(run):
                a = src[k]
                dst[k] = a + frac * (src[k + 1] - a)
            i += run
            r += run
        _write_block(xc, out[c], lc, tap, n, start, feedback, mix, keep)
    head[0] = (start + n) % size


@njit(cache=True)
def feedback_delay_constant(x: np.ndarray, out: np.ndarray, n: int, d: float,
                            feedback: float, mix: float, line: np.ndarray, head: np.ndarray,
                            tap: np.ndarray) -> None:
    """`feedback_delay` for constant parameters and any delay of n + 1 < d <= size - 2 samples.

    Bit-identical to `feedback_delay`: each tap's position and fraction are computed per sample
    exactly as there, but all taps are read first (none was written in the block), then the
    line and the output are written by the vectorised loop of `feedback_delay_fixed`.
    `feedback` must already be clamped to [-1, 1].
    """
    channels = x.shape[0]
    size = line.shape[1]
    start = int(head[0])
    keep = 1.0 - mix
    for c in range(channels):
        lc = line[c]
        w = start
        i = 0
        while i < n:
            pos = w - d
            if pos < 0.0 or w + 1 >= size or pos + 2.0 >= size:
                tap[i] = read_linear(lc, w, size, d)     # a sample near a wrap: the general code
                w += 1
                if w >= size:
                    w = 0
                i += 1
                continue
            # a run where w stays below size and pos in [0, size - 2): no wrap checks, and
            # unsigned indices spare numba's negative-index checks
            run = max(1, min(n - i, size - 1 - w, int(size - 2.0 - pos)))
            ts = tap[i:i + run]
            for k in range(run):
                p = (w + k) - d
                j = uint64(int(p))
                frac = p - int(p)
                a = lc[j]
                ts[k] = a + frac * (lc[j + uint64(1)] - a)
            w += run
            i += run
        _write_block(x[c], out[c], lc, tap, n, start, feedback, mix, keep)
    head[0] = (start + n) % size


@njit(cache=True, inline="always")
def _write_block(xc, oc, lc, tap, n, start, feedback, mix, keep) -> None:
    """line[w] = x + feedback * tap; out = x * keep + tap * mix, in runs of contiguous slices."""
    size = lc.shape[0]
    i = 0
    w = start
    while i < n:
        run = min(n - i, size - w)
        lw, xs, ts, os = lc[w:w + run], xc[i:i + run], tap[i:i + run], oc[i:i + run]
        for k in range(run):
            v0 = xs[k]
            t = ts[k]
            lw[k] = v0 + feedback * t
            os[k] = v0 * keep + t * mix
        i += run
        w += run
        if w >= size:
            w = 0


@njit(cache=True)
def one_pole(x: np.ndarray, out: np.ndarray, n: int, time: np.ndarray, state: np.ndarray, sr: float) -> None:
    """Smooth every row of `x`: y += (x - y) * (1 - exp(-1 / (time * sr))); time <= 0 passes through."""
    channels = x.shape[0]
    for c in range(channels):
        y = state[c]
        last_t = -1.0
        coef = 1.0
        for i in range(n):
            t = time[i]
            if t != last_t:
                last_t = t
                ts = t * sr
                coef = 1.0 - np.exp(-1.0 / ts) if ts > 0.0 else 1.0
            y += (x[c, i] - y) * coef
            out[c, i] = y
        state[c] = y

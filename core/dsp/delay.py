"""Feedback delay line and one-pole smoother kernels (numba).

Delay: per channel a ring buffer; the read tap sits `time * sr` samples behind the write head
(fractional, linear interpolation, modulatable every sample, clamped to 1 sample .. the buffer
length). The line is fed with input + feedback * tap, so a click comes back at exactly k*time,
each echo `feedback` times the one before. Output = dry*(1-mix) + tap*mix.
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def feedback_delay(x: np.ndarray, out: np.ndarray, n: int, time: np.ndarray, feedback: np.ndarray,
                   mix: np.ndarray, line: np.ndarray, head: np.ndarray, sr: float) -> None:
    """Process `n` samples of every row of `x`; `line` is (channels, L), `head[0]` the write index."""
    channels = x.shape[0]
    size = line.shape[1]
    max_delay = size - 2.0
    start = int(head[0])
    for c in range(channels):
        w = start
        for i in range(n):
            d = time[i] * sr
            if d < 1.0:
                d = 1.0
            elif d > max_delay:
                d = max_delay
            pos = w - d
            if pos < 0.0:
                pos += size
            i0 = int(pos)
            frac = pos - i0
            i1 = i0 + 1
            if i1 >= size:
                i1 -= size
            tap = line[c, i0] + frac * (line[c, i1] - line[c, i0])
            fb = feedback[i]
            if fb > 1.0:
                fb = 1.0
            elif fb < -1.0:
                fb = -1.0
            v0 = x[c, i]
            line[c, w] = v0 + fb * tap
            m = mix[i]
            out[c, i] = v0 * (1.0 - m) + tap * m
            w += 1
            if w >= size:
                w = 0
    head[0] = (start + n) % size


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

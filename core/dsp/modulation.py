"""Numba kernels for ring modulation, sample-rate decimation and stereo widening.

Conventions of the kernel library (see `phonon.dsp`): `n` samples from per-sample float64
parameter arrays into `out[:, :n]`, all state in small arrays the node owns; NaN parameters are
clamped like out-of-range ones.
"""
from __future__ import annotations

import numpy as np
from numba import njit

TWO_PI = 2.0 * np.pi

#: the decorrelating all-pass chain of the widener: delays in ms and the all-pass gain
WIDENER_DELAYS_MS = (3.1, 4.7, 7.3, 11.3)
WIDENER_GAIN = 0.6


@njit(cache=True)
def ring(x: np.ndarray, out: np.ndarray, n: int, freq: np.ndarray, state: np.ndarray,
         sr: float) -> None:
    """out = x * sin(2 pi phase), the phase advancing freq/sr per sample (starts at 0).
    `state` = [phase in cycles]."""
    channels = x.shape[0]
    phase = state[0]
    for i in range(n):
        s = np.sin(TWO_PI * phase)
        for c in range(channels):
            out[c, i] = x[c, i] * s
        f = freq[i]
        if not (f == f):
            f = 0.0
        phase += f / sr
        phase -= np.floor(phase)
    state[0] = phase


@njit(cache=True)
def decimate(x: np.ndarray, out: np.ndarray, n: int, factor: np.ndarray, smooth: np.ndarray,
             state: np.ndarray) -> None:
    """Sample-and-hold every `factor` samples (1 = every sample; fractional factors alternate),
    then a one-pole smoother y += (held - y) * (1 - smooth) (smooth 0 = the raw steps).

    `state` = [hold countdown, held value per channel..., smoothed value per channel...].
    """
    channels = x.shape[0]
    count = state[0]
    for i in range(n):
        if count <= 0.0:
            for c in range(channels):
                state[1 + c] = x[c, i]
            f = factor[i]
            if not (f >= 1.0):
                f = 1.0
            elif f > 4096.0:
                f = 4096.0
            count += f
        count -= 1.0
        s = smooth[i]
        if not (s >= 0.0):
            s = 0.0
        elif s > 0.999:
            s = 0.999
        for c in range(channels):
            y = state[1 + channels + c]
            y += (state[1 + c] - y) * (1.0 - s)
            state[1 + channels + c] = y
            out[c, i] = y
    state[0] = count


@njit(cache=True)
def widen(x: np.ndarray, out: np.ndarray, n: int, width: np.ndarray, lines: np.ndarray,
          lengths: np.ndarray, heads: np.ndarray, gain: float) -> None:
    """Mid/side width: M = (L+R)/2, S = (L-R)/2, S' = w*S + max(w-1, 0)*D(M), L = M + S',
    R = M - S', w clamped to 0..2. D is a chain of Schroeder all-passes (flat magnitude), so
    for a mono input the channels' correlation is (1 - (w-1)**2) / (1 + (w-1)**2) above w = 1.

    `lines` is (stages, max length): all-pass delay memories of `lengths[k]` samples; `heads`
    their write indices. Needs 2 input rows.
    """
    stages = lengths.shape[0]
    for i in range(n):
        w = width[i]
        if not (w >= 0.0):
            w = 0.0
        elif w > 2.0:
            w = 2.0
        left = x[0, i]
        right = x[1, i]
        mid = 0.5 * (left + right)
        side = 0.5 * (left - right)
        v = mid
        for s in range(stages):
            h = int(heads[s])
            delayed = lines[s, h]
            w_n = v + gain * delayed
            y = delayed - gain * w_n
            lines[s, h] = w_n
            h += 1
            if h >= lengths[s]:
                h = 0
            heads[s] = h
            v = y
        extra = w - 1.0 if w > 1.0 else 0.0
        sp = w * side + extra * v
        out[0, i] = mid + sp
        out[1, i] = mid - sp

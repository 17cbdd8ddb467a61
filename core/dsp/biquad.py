"""RBJ ("Audio EQ Cookbook") biquad filters, numba kernels, and their exact responses.

With w0 = 2 pi f0 / sr, alpha = sin(w0) / (2 Q), A = 10**(gain_db / 40):

| mode | b0, b1, b2 | a0, a1, a2 |
|---|---|---|
| `LOW` | (1-cos)/2, 1-cos, (1-cos)/2 | 1+alpha, -2cos, 1-alpha |
| `HIGH` | (1+cos)/2, -(1+cos), (1+cos)/2 | same |
| `BAND` | alpha, 0, -alpha (0 dB at f0) | same |
| `NOTCH` | 1, -2cos, 1 | same |
| `PEAK` | 1+alpha*A, -2cos, 1-alpha*A | 1+alpha/A, -2cos, 1-alpha/A |
| `ALLPASS` | 1-alpha, -2cos, 1+alpha | 1+alpha, -2cos, 1-alpha |

The kernels run transposed direct form II in float64 per channel and recompute the
coefficients only when a parameter changes (so a constant filter costs 5 multiplies a sample,
and a modulated one follows every sample). `response` is the exact complex response of the same
coefficients, which the tests measure the kernels against.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .primitives import finite_state

LOW, HIGH, BAND, NOTCH, PEAK, ALLPASS = 0, 1, 2, 3, 4, 5


@njit(cache=True, inline="always")
def coefficients(mode: int, f0: float, q: float, gain_db: float,
                 sr: float) -> tuple[float, float, float, float, float]:
    """(b0, b1, b2, a1, a2) of `mode` at f0 Hz, normalised by a0 (no clamping)."""
    w0 = 2.0 * np.pi * f0 / sr
    cw = np.cos(w0)
    alpha = np.sin(w0) / (2.0 * q)
    a0 = 1.0 + alpha
    a2 = 1.0 - alpha
    if mode == LOW:
        b0 = 0.5 * (1.0 - cw)
        b1 = 1.0 - cw
        b2 = b0
    elif mode == HIGH:
        b0 = 0.5 * (1.0 + cw)
        b1 = -(1.0 + cw)
        b2 = b0
    elif mode == BAND:
        b0 = alpha
        b1 = 0.0
        b2 = -alpha
    elif mode == NOTCH:
        b0 = 1.0
        b1 = -2.0 * cw
        b2 = 1.0
    elif mode == PEAK:
        amp = 10.0 ** (gain_db / 40.0)
        b0 = 1.0 + alpha * amp
        b1 = -2.0 * cw
        b2 = 1.0 - alpha * amp
        a0 = 1.0 + alpha / amp
        a2 = 1.0 - alpha / amp
    else:
        b0 = 1.0 - alpha
        b1 = -2.0 * cw
        b2 = 1.0 + alpha
    return b0 / a0, b1 / a0, b2 / a0, -2.0 * cw / a0, a2 / a0


@njit(cache=True, inline="always")
def _clamped(v: float, lo: float, hi: float) -> float:
    """`v` within lo..hi; a non-finite value gives `lo`."""
    return min(max(v, lo), hi) if np.isfinite(v) else lo


@njit(cache=True)
def biquad(x: np.ndarray, out: np.ndarray, n: int, freq: np.ndarray, q: np.ndarray,
           gain_db: np.ndarray, state: np.ndarray, mode: int, limits: np.ndarray,
           sr: float) -> None:
    """Filter `n` samples of every row of `x` into `out`.

    `freq`, `q`, `gain_db` (PEAK only) are float64 arrays of `n` samples; frequency and q are
    first clamped to `limits` = (freq lo, freq hi, q lo, q hi). `state[ch] = (z1, z2)` carries
    over. Non-finite input samples count as 0 and a non-finite state is reset, so one NaN
    never makes the filter ring NaN forever.
    """
    for c in range(x.shape[0]):
        z1, z2 = finite_state(state[c, 0], state[c, 1])
        last = (-1.0, -1.0, np.nan)
        b0 = b1 = b2 = a1 = a2 = 0.0
        for i in range(n):
            now = (freq[i], q[i], gain_db[i])
            if now != last:
                last = now
                g = now[2] if np.isfinite(now[2]) else 0.0
                b0, b1, b2, a1, a2 = coefficients(mode, _clamped(now[0], limits[0], limits[1]),
                                                  _clamped(now[1], limits[2], limits[3]), g, sr)
            v = x[c, i]
            if not np.isfinite(v):
                v = 0.0
            y = b0 * v + z1
            z1 = b1 * v - a1 * y + z2
            z2 = b2 * v - a2 * y
            out[c, i] = y
        state[c, 0] = z1
        state[c, 1] = z2


@njit(cache=True)
def peaking_eq(x: np.ndarray, out: np.ndarray, n: int, bands: np.ndarray, state: np.ndarray,
               limits: np.ndarray, sr: float) -> None:
    """Three peaking biquads in series. `bands` is (9, n) float64: frequency, gain (dB) and q
    of the low, mid and high band; `state` is (channels, 3, 2). A band at 0 dB is the identity
    and is skipped, so the default (all gains 0) passes the input through bit-exactly."""
    channels = x.shape[0]
    for c in range(channels):
        for i in range(n):
            v = x[c, i]
            out[c, i] = v if np.isfinite(v) else 0.0
    for b in range(3):
        for c in range(channels):
            z1, z2 = finite_state(state[c, b, 0], state[c, b, 1])
            last = (-1.0, -1.0, np.nan)
            b0 = b1 = b2 = a1 = a2 = 0.0
            for i in range(n):
                now = (bands[3 * b, i], bands[3 * b + 2, i], bands[3 * b + 1, i])
                if now[2] == 0.0 or not np.isfinite(now[2]):
                    continue
                if now != last:
                    last = now
                    b0, b1, b2, a1, a2 = coefficients(
                        PEAK, _clamped(now[0], limits[0], limits[1]),
                        _clamped(now[1], limits[2], limits[3]), now[2], sr)
                v = out[c, i]
                y = b0 * v + z1
                z1 = b1 * v - a1 * y + z2
                z2 = b2 * v - a2 * y
                out[c, i] = y
            state[c, b, 0] = z1
            state[c, b, 1] = z2


def response(mode: int, freqs: np.ndarray, f0: float, q: float, sr: float,
             gain_db: float = 0.0) -> np.ndarray:
    """The exact complex response of `biquad` at `freqs` Hz (constant, already clamped values)."""
    b0, b1, b2, a1, a2 = coefficients(mode, float(f0), float(q), float(gain_db), float(sr))
    z = np.exp(-1j * 2.0 * np.pi * np.asarray(freqs, dtype=np.float64) / sr)
    return (b0 + b1 * z + b2 * z * z) / (1.0 + a1 * z + a2 * z * z)

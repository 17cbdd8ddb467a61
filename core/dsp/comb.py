"""Feedback comb and first-order all-pass, numba kernels with one-sample feedback.

`comb`: y[n] = x[n] + fb * y[n - D] with D = sr / freq samples (fractional, linear
interpolation, so the loop is pitch-exact at any frequency and may be modulated per sample),
scaled by (1 - fb) so the resonances at k * freq sit at 0 dB (the troughs at
(1 - fb) / (1 + fb)). The feedback runs inside the kernel, sample by sample: a 220 Hz comb
rings at 220 Hz whatever the block size or the engine's feedback granularity.

`allpass`: H(z) = (a + z^-1) / (1 + a z^-1): unity gain at every frequency, phase
-w + 2 atan(a sin w / (1 + a cos w)), from 0 at DC to -pi at Nyquist (`allpass_response`).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .primitives import read_linear

MIN_FREQ = 20.0          # the lowest comb frequency: the delay line holds sr / MIN_FREQ samples


def line_length(sr: float) -> int:
    """Samples a comb's delay line needs at sample rate `sr`."""
    return int(np.ceil(sr / MIN_FREQ)) + 4


@njit(cache=True)
def comb(x: np.ndarray, out: np.ndarray, n: int, freq: np.ndarray, feedback: np.ndarray,
         line: np.ndarray, head: np.ndarray, sr: float) -> None:
    """Comb-filter `n` samples of every row of `x`. `line` is (channels, line_length(sr)),
    `head[0]` the write index. freq is clamped to 20 Hz .. 20 kHz (and the delay to >= 1
    sample), feedback to 0..0.99. Non-finite input samples count as 0."""
    size = line.shape[1]
    start = int(head[0])
    for c in range(x.shape[0]):
        row = line[c]
        w = start
        last_f = -1.0
        d = 1.0
        for i in range(n):
            f = freq[i]
            if f != last_f:
                last_f = f
                f = min(max(f, MIN_FREQ), 20000.0) if np.isfinite(f) else 1000.0
                d = max(sr / f, 1.0)
            fb = feedback[i]
            fb = min(max(fb, 0.0), 0.99) if np.isfinite(fb) else 0.0
            tap = read_linear(row, w, size, d)
            v = x[c, i]
            if not np.isfinite(v):
                v = 0.0
            y = v + fb * tap
            line[c, w] = y
            out[c, i] = (1.0 - fb) * y
            w += 1
            if w >= size:
                w = 0
    head[0] = (start + n) % size


@njit(cache=True)
def allpass(x: np.ndarray, out: np.ndarray, n: int, coef: np.ndarray, state: np.ndarray) -> None:
    """First-order all-pass y = a x + x[n-1] - a y[n-1] on every row; a clamped to +-0.99;
    `state[ch] = (x[n-1], y[n-1])`."""
    for c in range(x.shape[0]):
        x1 = state[c, 0]
        y1 = state[c, 1]
        if not (np.isfinite(x1) and np.isfinite(y1)):
            x1 = 0.0
            y1 = 0.0
        for i in range(n):
            a = coef[i]
            a = min(max(a, -0.99), 0.99) if np.isfinite(a) else 0.0
            v = x[c, i]
            if not np.isfinite(v):
                v = 0.0
            y = a * v + x1 - a * y1
            x1 = v
            y1 = y
            out[c, i] = y
        state[c, 0] = x1
        state[c, 1] = y1


def allpass_response(freqs: np.ndarray, a: float, sr: float) -> np.ndarray:
    """The exact complex response of `allpass` with coefficient `a` at `freqs` Hz."""
    z = np.exp(-1j * 2.0 * np.pi * np.asarray(freqs, dtype=np.float64) / sr)
    return (a + z) / (1.0 + a * z)


def comb_response(freqs: np.ndarray, freq: float, feedback: float, sr: float) -> np.ndarray:
    """The response of `comb` for a whole-sample delay sr / freq (no interpolation)."""
    z = np.exp(-1j * 2.0 * np.pi * np.asarray(freqs, dtype=np.float64) / sr)
    return (1.0 - feedback) / (1.0 - feedback * z ** (sr / freq))

"""Resonant state-variable filter (Simper's trapezoidal / TPT topology), numba kernel.

Per sample: g = tan(pi * fc / sr), k = 1 / q,
    v3 = x - ic2;  v1 = a1*ic1 + a2*v3;  v2 = ic2 + a2*ic1 + a3*v3
    ic1 = 2*v1 - ic1;  ic2 = 2*v2 - ic2
with a1 = 1/(1 + g*(g + k)), a2 = g*a1, a3 = g*a2. Outputs: low = v2, band = k*v1 (unity
peak gain), high = x - k*v1 - v2, notch = x - k*v1. The topology is the bilinear transform of
the analog prototypes with the cutoff pre-warped, so `response` below is its exact magnitude.
Cutoff and q may change every sample; the filter stays stable for any cutoff below Nyquist.
"""
from __future__ import annotations

import numpy as np
from numba import njit

LOW, HIGH, BAND, NOTCH = 0, 1, 2, 3
MIN_Q = 0.05


@njit(cache=True)
def svf(x: np.ndarray, out: np.ndarray, n: int, cutoff: np.ndarray, q: np.ndarray,
        state: np.ndarray, mode: int, sr: float) -> None:
    """Filter `n` samples of every row of `x` into `out`; `state[ch] = (ic1, ic2)` carries over."""
    nyq_guard = 0.4999 * sr
    channels = x.shape[0]
    for c in range(channels):
        ic1 = state[c, 0]
        ic2 = state[c, 1]
        last_fc = -1.0
        last_q = -1.0
        g = 0.0
        k = 0.0
        a1 = 0.0
        a2 = 0.0
        a3 = 0.0
        for i in range(n):
            fc = cutoff[i]
            qq = q[i]
            if fc != last_fc or qq != last_q:
                last_fc = fc
                last_q = qq
                if fc < 1.0:
                    fc = 1.0
                elif fc > nyq_guard:
                    fc = nyq_guard
                if qq < MIN_Q:
                    qq = MIN_Q
                g = np.tan(np.pi * fc / sr)
                k = 1.0 / qq
                a1 = 1.0 / (1.0 + g * (g + k))
                a2 = g * a1
                a3 = g * a2
            v0 = x[c, i]
            v3 = v0 - ic2
            v1 = a1 * ic1 + a2 * v3
            v2 = ic2 + a2 * ic1 + a3 * v3
            ic1 = 2.0 * v1 - ic1
            ic2 = 2.0 * v2 - ic2
            if mode == LOW:
                y = v2
            elif mode == HIGH:
                y = v0 - k * v1 - v2
            elif mode == BAND:
                y = k * v1
            else:
                y = v0 - k * v1
            out[c, i] = y
        state[c, 0] = ic1
        state[c, 1] = ic2


def response(mode: int, freqs: np.ndarray, cutoff: float, q: float, sr: float) -> np.ndarray:
    """The exact complex frequency response of `svf` at `freqs` Hz (constant cutoff and q)."""
    g = np.tan(np.pi * min(max(cutoff, 1.0), 0.4999 * sr) / sr)
    k = 1.0 / max(q, MIN_Q)
    s = 1j * np.tan(np.pi * np.asarray(freqs, dtype=np.float64) / sr) / g   # bilinear, pre-warped
    den = s * s + k * s + 1.0
    num = {LOW: 1.0 + 0.0 * s, HIGH: s * s, BAND: k * s, NOTCH: s * s + 1.0}[mode]
    return num / den

"""Resonant state-variable filter (Simper's trapezoidal / TPT topology), numba kernel.

Per sample: g = tan(pi * fc / sr), k = 1 / q,
    v3 = x - ic2;  v1 = a1*ic1 + a2*v3;  v2 = ic2 + a2*ic1 + a3*v3
    ic1 = 2*v1 - ic1;  ic2 = 2*v2 - ic2
with a1 = 1/(1 + g*(g + k)), a2 = g*a1, a3 = g*a2. Outputs: low = v2, band = k*v1 (unity
peak gain), high = x - k*v1 - v2, notch = x - k*v1. The topology is the bilinear transform of
the analog prototypes with the cutoff pre-warped, so `response` below is its exact magnitude.
Cutoff and q may change every sample; the filter stays stable for any cutoff below Nyquist.
Non-finite input samples count as 0 and a non-finite state restarts from silence (NaN-safe).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .primitives import finite_state

LOW, HIGH, BAND, NOTCH = 0, 1, 2, 3
MIN_Q = 0.05


@njit(cache=True, inline="always")
def _coefficients(fc: float, qq: float, sr: float) -> tuple:
    """(k, a1, a2, a3) of the TPT SVF at cutoff `fc` and quality `qq` (both already clamped)."""
    g = np.tan(np.pi * fc / sr)
    k = 1.0 / qq
    a1 = 1.0 / (1.0 + g * (g + k))
    a2 = g * a1
    return k, a1, a2, g * a2


@njit(cache=True, inline="always")
def _tick(v0: float, ic1: float, ic2: float, a1: float, a2: float, a3: float) -> tuple:
    """One sample of the TPT SVF: (band, low, new ic1, new ic2)."""
    v3 = v0 - ic2
    v1 = a1 * ic1 + a2 * v3
    v2 = ic2 + a2 * ic1 + a3 * v3
    return v1, v2, 2.0 * v1 - ic1, 2.0 * v2 - ic2


@njit(cache=True)
def svf(x: np.ndarray, out: np.ndarray, n: int, cutoff: np.ndarray, q: np.ndarray,
        state: np.ndarray, mode: int, sr: float) -> None:
    """Filter `n` samples of every row of `x` into `out`; `state[ch] = (ic1, ic2)` carries over."""
    nyq_guard = 0.4999 * sr
    channels = x.shape[0]
    for c in range(channels):
        ic1, ic2 = finite_state(state[c, 0], state[c, 1])
        last_fc = -1.0
        last_q = -1.0
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
                if not (fc >= 1.0):             # also NaN
                    fc = 1.0
                elif fc > nyq_guard:
                    fc = nyq_guard
                if not (qq >= MIN_Q):
                    qq = MIN_Q
                k, a1, a2, a3 = _coefficients(fc, qq, sr)
            v0 = x[c, i]
            if not np.isfinite(v0):             # a NaN/Inf input sample counts as silence
                v0 = 0.0
            v1, v2, ic1, ic2 = _tick(v0, ic1, ic2, a1, a2, a3)
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


#: DJ filter sweep ends: low-pass cutoff at v=0 and its span, high-pass cutoff at v=1 and its span
DJF_LOW_HZ, DJF_LOW_SPAN = 80.0, 250.0        # v 0 -> 0.5: low-pass 80 Hz -> 20 kHz
DJF_HIGH_HZ, DJF_HIGH_SPAN = 8000.0, 400.0    # v 0.5 -> 1: high-pass 20 Hz -> 8 kHz


def djf_cutoff(v: float) -> float:
    """The cutoff `djf` uses at position v (low-pass below 0.5, high-pass above; 0 at 0.5)."""
    if v < 0.5:
        return DJF_LOW_HZ * DJF_LOW_SPAN ** (2.0 * v)
    if v > 0.5:
        return DJF_HIGH_HZ / DJF_HIGH_SPAN ** (2.0 - 2.0 * v)
    return 0.0


@njit(cache=True)
def djf(x: np.ndarray, out: np.ndarray, n: int, pos: np.ndarray, q: np.ndarray,
        state: np.ndarray, sr: float) -> None:
    """DJ filter: one TPT SVF whose low-pass output is used below v = 0.5 and its high-pass
    output above. Low-pass cutoff 80 Hz * 250**(2v) (80 Hz at 0, 20 kHz at 0.5-), high-pass
    cutoff 8 kHz / 400**(2 - 2v) (20 Hz at 0.5+, 8 kHz at 1): both ends of the sweep are nearly
    flat, and v = 0.5 exactly is the input itself. v is clamped to 0..1. `state` as `svf`."""
    nyq_guard = 0.4999 * sr
    for c in range(x.shape[0]):
        ic1, ic2 = finite_state(state[c, 0], state[c, 1])
        last_v = -1.0
        last_q = -1.0
        k = a1 = a2 = a3 = 0.0
        v = 0.5
        for i in range(n):
            if pos[i] != last_v or q[i] != last_q:
                last_v = pos[i]
                last_q = q[i]
                v = min(max(last_v, 0.0), 1.0) if np.isfinite(last_v) else 0.5
                if v < 0.5:
                    fc = DJF_LOW_HZ * DJF_LOW_SPAN ** (2.0 * v)
                elif v > 0.5:
                    fc = DJF_HIGH_HZ / DJF_HIGH_SPAN ** (2.0 - 2.0 * v)
                else:
                    fc = 1000.0
                fc = min(fc, nyq_guard)
                qq = max(last_q, MIN_Q) if np.isfinite(last_q) else 0.707
                k, a1, a2, a3 = _coefficients(fc, qq, sr)
            v0 = x[c, i]
            if not np.isfinite(v0):
                v0 = 0.0
            v1, v2, ic1, ic2 = _tick(v0, ic1, ic2, a1, a2, a3)
            if v < 0.5:
                out[c, i] = v2
            elif v > 0.5:
                out[c, i] = v0 - k * v1 - v2
            else:
                out[c, i] = v0
        state[c, 0] = ic1
        state[c, 1] = ic2

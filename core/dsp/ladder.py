"""Moog-style 4-pole ladder low-pass (zero-delay-feedback / TPT form), numba kernel.

Four one-pole TPT low-passes in series with the output fed back, inverted, by k = 4*res
(Zavalishin, "The Art of VA Filter Design", ch. 5). Per sample, with g = tan(pi fc / sr) and
G = g / (1 + g), the feedback is solved without a unit delay:

    u = (x - k * (G^3 S1 + G^2 S2 + G S3 + S4)) / (1 + k G^4),   S_i = s_i / (1 + g)

then each stage computes v = G (in - s), y = v + s, s = y + v. The linear filter is exactly the
bilinear transform (cutoff pre-warped) of H(s) = 1 / ((1 + s/wc)^4 + k), which `response`
returns: -24 dB/octave above the cutoff, -12 dB at the cutoff with res 0, a resonant peak that
becomes a self-oscillation at res 1, and the ladder's classic bass loss 1/(1 + k).
`drive` > 1 saturates the input with tanh(drive * x) before the ladder (1 = linear).
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def _stage(G: float, x: float, s: float) -> tuple:
    """One trapezoidal one-pole stage: (output, new memory)."""
    v = G * (x - s)
    y = v + s
    return y, y + v


@njit(cache=True)
def ladder(x: np.ndarray, out: np.ndarray, n: int, cutoff: np.ndarray, res: np.ndarray,
           drive: np.ndarray, mix: np.ndarray, state: np.ndarray, sr: float) -> None:
    """Filter `n` samples of every row of `x`; `state[ch]` holds the four stage memories.
    out = dry * (1 - mix) + filtered * mix.

    Cutoff is clamped to 10 Hz .. 0.45*sr, res to 0..1, drive to >= 1. Non-finite input
    samples count as 0 (also in the dry part); a non-finite or runaway state restarts from
    silence.
    """
    top = 0.45 * sr
    for c in range(x.shape[0]):
        s1 = state[c, 0]
        s2 = state[c, 1]
        s3 = state[c, 2]
        s4 = state[c, 3]
        if not (abs(s1) + abs(s2) + abs(s3) + abs(s4) < 1e6):
            s1 = s2 = s3 = s4 = 0.0
        last_f = -1.0
        last_r = -1.0
        G = 0.0
        inv = 0.0
        k = 0.0
        den = 1.0
        for i in range(n):
            f = cutoff[i]
            r = res[i]
            if f != last_f or r != last_r:
                last_f = f
                last_r = r
                f = min(max(f, 10.0), top) if np.isfinite(f) else 10.0
                r = min(max(r, 0.0), 1.0) if np.isfinite(r) else 0.0
                g = np.tan(np.pi * f / sr)
                G = g / (1.0 + g)
                inv = 1.0 / (1.0 + g)
                k = 4.0 * r
                den = 1.0 / (1.0 + k * G * G * G * G)
            v0 = x[c, i]
            if not np.isfinite(v0):
                v0 = 0.0
            x0 = v0
            d = drive[i]
            if d > 1.0:
                v0 = np.tanh(d * v0)
            S = (G * G * G * s1 + G * G * s2 + G * s3 + s4) * inv
            u = (v0 - k * S) * den
            y, s1 = _stage(G, u, s1)
            y, s2 = _stage(G, y, s2)
            y, s3 = _stage(G, y, s3)
            y, s4 = _stage(G, y, s4)
            m = mix[i]
            out[c, i] = y if m == 1.0 else x0 * (1.0 - m) + y * m
        state[c, 0] = s1
        state[c, 1] = s2
        state[c, 2] = s3
        state[c, 3] = s4


def response(freqs: np.ndarray, cutoff: float, res: float, sr: float) -> np.ndarray:
    """The exact complex response of the linear ladder (drive 1) at `freqs` Hz."""
    g = np.tan(np.pi * min(max(cutoff, 10.0), 0.45 * sr) / sr)
    k = 4.0 * min(max(res, 0.0), 1.0)
    s = 1j * np.tan(np.pi * np.asarray(freqs, dtype=np.float64) / sr) / g
    return 1.0 / ((1.0 + s) ** 4 + k)

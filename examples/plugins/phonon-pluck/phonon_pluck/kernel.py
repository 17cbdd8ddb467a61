"""Karplus-Strong string voices: tuning maths (Python) and the block kernel (numba).

One voice is a delay line of `N` samples, filled with a noise burst at the pluck, read and
written back through a loop of
- a two-point low-pass `y = a*x[n] + (1-a)*x[n-1]` (the string's damping, `a` in 0.5..1),
- a first-order all-pass that supplies the fractional part of the period (exact tuning),
- a loss factor `rho` so the fundamental decays by 60 dB in `decay` seconds.

Voice state is two arrays with one column per voice slot: `vi` (int64 rows below) and `vf`
(float64 rows), plus `lines` (slots x max period). Voices are summed in slot order, and every
state variable carries over between calls, so the output never depends on the block size.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

ACTIVE, LENGTH, POS, AGE, END, SERIAL = range(6)
N_INT = 6
RHO, A, C, LP1, AP_X1, AP_Y1, GAIN_L, GAIN_R = range(8)
N_FLOAT = 8

LOWEST_HZ = 20.0


def line_length(sr: int) -> int:
    """Delay-line slots needed for the lowest note."""
    return int(math.ceil(sr / LOWEST_HZ)) + 4


def tuning(freq: float, sr: float, damp: float, decay: float) -> tuple[int, float, float, float]:
    """Loop parameters `(N, a, C, rho)` that make a string of `freq` Hz ring for `decay` s.

    The low-pass's phase delay at the fundamental is subtracted from the period; the all-pass
    coefficient gives the remaining fractional delay d (0.5 <= d < 1.5) exactly at the
    fundamental: C = sin((1-d) w/2) / sin((1+d) w/2).
    """
    freq = min(max(freq, LOWEST_HZ), sr / 6.0)
    w = 2.0 * math.pi * freq / sr
    period = sr / freq
    a = 1.0 - 0.5 * min(max(damp, 0.0), 1.0)
    lp_phase = math.atan2((1.0 - a) * math.sin(w), a + (1.0 - a) * math.cos(w))
    delay = period - lp_phase / w
    n = int(math.floor(delay - 0.5))
    d = delay - n
    c = math.sin((1.0 - d) * w / 2.0) / math.sin((1.0 + d) * w / 2.0)
    lp_gain = math.hypot(a + (1.0 - a) * math.cos(w), (1.0 - a) * math.sin(w))
    per_pass = 0.001 ** (period / (max(decay, 1e-3) * sr))
    rho = min(per_pass / lp_gain, 1.0)
    return n, a, c, rho


@njit(cache=True, nogil=True)
def render_voices(lines, vi, vf, out, begin, end):  # pragma: no cover - numba
    """Add every active voice's samples [begin, end) into `out` (2, >=end)."""
    for v in range(vi.shape[1]):
        if vi[ACTIVE, v] == 0:
            continue
        length = vi[LENGTH, v]
        pos = vi[POS, v]
        age = vi[AGE, v]
        stop = vi[END, v]
        rho, a, c = vf[RHO, v], vf[A, v], vf[C, v]
        lp1, apx1, apy1 = vf[LP1, v], vf[AP_X1, v], vf[AP_Y1, v]
        gl, gr = vf[GAIN_L, v], vf[GAIN_R, v]
        line = lines[v]
        for n in range(begin, end):
            s = line[pos]
            out[0, n] += gl * s
            out[1, n] += gr * s
            lp = a * s + (1.0 - a) * lp1
            lp1 = s
            ap = c * lp + apx1 - c * apy1
            apx1 = lp
            apy1 = ap
            line[pos] = rho * ap
            pos += 1
            if pos == length:
                pos = 0
            age += 1
            if age >= stop:
                vi[ACTIVE, v] = 0
                break
        vi[POS, v] = pos
        vi[AGE, v] = age
        vf[LP1, v], vf[AP_X1, v], vf[AP_Y1, v] = lp1, apx1, apy1

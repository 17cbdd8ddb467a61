"""Plucked strings with a one-sample feedback loop: Karplus-Strong (`pluck`) and a waveguide
string with a pickup position (`waveguide`), numba kernels.

The loop is tuned exactly: its delay D = sr / freq is split into the delay line (whole
samples), the loop low-pass (a one-zero filter (1 - s) + s z^-1 whose phase delay at the
fundamental is computed exactly) and a first-order all-pass whose coefficient gives exactly the
remaining fractional delay at the fundamental (eta = sin(w (1 - d) / 2) / sin(w (1 + d) / 2)).
So the fundamental is where it should be (measured within 0.1 cent from 55 Hz to 1.76 kHz),
whatever the block size: the feedback runs sample by sample inside the kernel.

Damping 0..1 sets s = 0.5 * damping (0: no loop low-pass, bright and metallic; 1: the classic
Karplus-Strong average, dull); `decay` is the time for the fundamental to fall 60 dB
(loop gain 10^(-3 / (freq * decay)) corrected for the low-pass's loss at the fundamental).

The waveguide reads the same loop at two points, p*D/2 and D - p*D/2 behind the write head,
and outputs half their difference: the displacement of an ideal string plucked... picked up
at fraction p of its length, so harmonics k with k*p whole vanish (p = 0.5: no even ones).

A hit (pluck) adds one period of zero-mean white noise to the part of the line the loop reads
next: it sounds at once, and no DC is left to circulate.

State (`state`, float64): [write index, s, eta, gain, previous loop input, previous all-pass
input, previous all-pass output, (unused), noise seed, delay (whole samples), last freq, last
damping, last decay]; `line` is the delay line (one row: strings are mono).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .primitives import read_linear

MIN_FREQ = 20.0
STATE = 13
W, S, ETA, GAIN, LP_X, AP_X, AP_Y, BURST, SEED, DELAY, LAST_F, LAST_D, LAST_T = range(STATE)


def line_length(sr: float) -> int:
    """Samples the delay line needs at sample rate `sr` (down to MIN_FREQ)."""
    return int(np.ceil(sr / MIN_FREQ)) + 8


def new_state(seed: int) -> np.ndarray:
    """A silent string whose excitations draw noise from `seed`."""
    state = np.zeros(STATE)
    state[SEED] = float(seed & 0x7FFFFFFF)
    state[LAST_F] = -1.0
    return state


@njit(cache=True, inline="always")
def _noise(state: np.ndarray) -> float:
    """White noise in -1..1 from a 31-bit LCG kept (as a float64 integer) in state[SEED]."""
    x = (int(state[SEED]) * 1103515245 + 12345) & 0x7FFFFFFF
    state[SEED] = float(x)
    return x / 1073741823.5 - 1.0


@njit(cache=True, inline="always")
def _tune(state: np.ndarray, f: float, damping: float, decay: float, sr: float,
          size: int) -> None:
    """Split the loop delay sr/f into line, one-zero and all-pass; set the loop gain."""
    f = min(max(f, MIN_FREQ), 0.45 * sr)
    s = 0.5 * min(max(damping, 0.0), 1.0)
    w = 2.0 * np.pi * f / sr
    # one-zero low-pass (1 - s) + s z^-1: phase delay and magnitude at the fundamental
    re = (1.0 - s) + s * np.cos(w)
    im = s * np.sin(w)
    lp_delay = np.arctan2(im, re) / w
    lp_gain = np.sqrt(re * re + im * im)
    rest = sr / f - lp_delay
    whole = np.floor(rest - 0.5)
    d = rest - whole                       # 0.5 <= d < 1.5: a well-behaved all-pass
    if whole < 1.0:
        whole = 1.0
        d = max(rest - 1.0, 0.0)
    if whole > size - 4:
        whole = size - 4
    state[DELAY] = whole
    state[S] = s
    state[ETA] = np.sin(w * (1.0 - d) / 2.0) / np.sin(w * (1.0 + d) / 2.0)
    t60 = max(decay, 1e-3)
    state[GAIN] = min(10.0 ** (-3.0 / (f * t60)) / max(lp_gain, 1e-9), 0.99999)


@njit(cache=True)
def _excite(line: np.ndarray, w: int, delay: int, level: float, state: np.ndarray) -> None:
    """Pluck: add one period of zero-mean white noise (peak `level`) to the samples the loop
    reads next (so it sounds at once, and no DC is left to circulate)."""
    size = line.shape[0]
    burst = np.empty(delay)
    for m in range(delay):
        burst[m] = _noise(state)
    burst -= burst.mean()
    burst *= level / max(np.abs(burst).max(), 1e-9)
    for m in range(delay):
        line[(w - delay + m) % size] += burst[m]


@njit(cache=True)
def string(out: np.ndarray, n: int, hits: np.ndarray, freq: np.ndarray, damping: np.ndarray,
           decay: np.ndarray, pickup: np.ndarray, line: np.ndarray, state: np.ndarray,
           level: float, sr: float, waveguide: bool) -> None:
    """Render `n` samples of the string into every row of `out`. `hits` (sorted int64 offsets)
    start an excitation: one period of white noise (times `level`) fed into the loop. With
    `waveguide`, the output is the pickup difference at position `pickup` (0.02..0.98)."""
    size = line.shape[0]
    w = int(state[W])
    j = 0
    for i in range(n):
        f = freq[i]
        if not np.isfinite(f):
            f = 220.0
        dm = damping[i] if np.isfinite(damping[i]) else 0.5
        dc = decay[i] if np.isfinite(decay[i]) else 2.0
        if f != state[LAST_F] or dm != state[LAST_D] or dc != state[LAST_T]:
            _tune(state, f, dm, dc, sr, size)
            state[LAST_F] = f
            state[LAST_D] = dm
            state[LAST_T] = dc
        while j < hits.shape[0] and hits[j] == i:
            _excite(line, w, int(state[DELAY]), level, state)
            j += 1
        # the loop: line -> one-zero low-pass -> all-pass -> gain -> (+ excitation) -> line
        x = read_linear(line, w, size, state[DELAY])
        s = state[S]
        lp = (1.0 - s) * x + s * state[LP_X]
        state[LP_X] = x
        eta = state[ETA]
        ap = eta * lp + state[AP_X] - eta * state[AP_Y]
        state[AP_X] = lp
        state[AP_Y] = ap
        y = state[GAIN] * ap
        if not np.isfinite(y):
            y = 0.0
            state[LP_X] = 0.0
            state[AP_X] = 0.0
            state[AP_Y] = 0.0
        line[w] = y
        if waveguide:
            total = sr / min(max(f, MIN_FREQ), 0.45 * sr)
            p = pickup[i] if np.isfinite(pickup[i]) else 0.5
            p = min(max(p, 0.02), 0.98)
            a = p * total * 0.5
            b = total - a
            v = 0.5 * (read_linear(line, w, size, a) - read_linear(line, w, size, b))
        else:
            v = y
        for c in range(out.shape[0]):
            out[c, i] = v
        w += 1
        if w >= size:
            w = 0
    state[W] = w

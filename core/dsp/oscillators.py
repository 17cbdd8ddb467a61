"""Oscillator and noise kernels (numba).

One kernel renders every periodic waveform (`shape` selects it) so numba compiles a single
signature. Saw and pulse are band-limited with minBLEP steps (`phonon.dsp.blep`: a polyBLEP of
two samples only removes ~17 dB of aliasing at 5 kHz, the table ~55 dB), the triangle with
minBLAMP corners.

A band-limited step rings: the minimum-phase step overshoots its jump by ~22 %, so a naive
-1..1 saw peaks at 1.435 and a square (where two rings can meet) at 1.647. Saw and pulse are
scaled by `SAW_GAIN`/`PULSE_GAIN` so that their peak is at most 1 at any frequency and rate
(8 kHz-384 kHz; width 0.5 for the pulse): the largest peaks measured over frequency sweeps at
those rates, rounded up (tests/dsp/test_dsp_oscillators.py measures them again).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .blep import DELAY, LENGTH, OVERSAMPLE, RAMP_RESIDUAL, RESIDUAL  # noqa: F401 - used via this module

SINE, SAW, PULSE, TRI = 0, 1, 2, 3
SAW_GAIN = 1.0 / 1.44           # the band-limited saw's peak (at ~10 Hz: one ring per cycle)
PULSE_GAIN = 1.0 / 1.66         # the square's peak (near 0.15 x the rate: two rings add up)
WHITE, PINK, BROWN = 0, 1, 2
RING = LENGTH


@njit(cache=True, inline="always")
def _add_step(ring: np.ndarray, at: int, since: float, jump: float, table: np.ndarray) -> None:
    """Queue the band-limiting correction of a jump that happened `since` samples before the
    sample at ring index `at` (0 <= since < 1)."""
    mask = ring.shape[0] - 1
    last = table.shape[0] - 2
    for m in range(ring.shape[0]):
        t = (since + m) * OVERSAMPLE
        j = int(t)
        if j >= last:
            break
        r = table[j] + (t - j) * (table[j + 1] - table[j])
        if since + m < DELAY:               # the naive wave has not jumped yet
            r += 1.0
        ring[(at + m) & mask] += jump * r


@njit(cache=True, inline="always")
def _add_corner(ring: np.ndarray, at: int, since: float, slope_change: float, ramp: np.ndarray) -> None:
    """Queue the band-limiting correction of a slope change (per sample) `since` samples ago."""
    mask = ring.shape[0] - 1
    last = ramp.shape[0] - 2
    for m in range(ring.shape[0]):
        t = (since + m) * OVERSAMPLE
        j = int(t)
        if j >= last:
            break
        r = ramp[j] + (t - j) * (ramp[j + 1] - ramp[j]) + min(since + m, DELAY)
        ring[(at + m) & mask] += slope_change * r


@njit(cache=True, inline="always")
def _crossed(ph: float, u: float, c: float) -> float:
    """Samples since the phase moving from `ph` to `u` crossed level `c` (mod 1), or -1."""
    inc = u - ph
    if inc > 0.0:
        level = c if c > ph else c + 1.0
        if level <= u:
            return min(max((u - level) / inc, 0.0), 0.999999)
    elif inc < 0.0:
        level = c if c <= ph else c - 1.0
        if u < level:
            return min(max((u - level) / inc, 0.0), 0.999999)
    return -1.0


@njit(cache=True)
def oscillator(out: np.ndarray, n: int, freq: np.ndarray, width: np.ndarray, phase: np.ndarray,
               ring: np.ndarray, shape: int, sr: float, table: np.ndarray, ramp: np.ndarray) -> None:
    """Render `n` samples of waveform `shape` into both rows of `out`.

    State carried across blocks: `phase[0]` (0..1), `phase[1]` (ring read index) and `ring`
    (pending band-limiting corrections: minBLEP at jumps, minBLAMP at the triangle's corners).
    The phase starts at 0: sine starts at 0 rising, saw is (2*phase - 1) * SAW_GAIN, pulse is
    +PULSE_GAIN while phase < width, the triangle peaks at phase 0.25. Negative frequencies run the phase
    backwards (still band-limited). Saw, pulse and triangle lag the phase by `DELAY` (~2.5)
    samples, the centroid of the minimum-phase step.
    """
    ph = phase[0]
    pos = int(phase[1])
    mask = ring.shape[0] - 1
    two_pi = 2.0 * np.pi
    gain = SAW_GAIN if shape == SAW else PULSE_GAIN if shape == PULSE else 1.0
    for i in range(n):
        inc = freq[i] / sr
        if not np.isfinite(inc):            # a NaN/Inf frequency holds the phase (NaN-safe)
            inc = 0.0
        w = width[i]
        if w < 0.0:
            w = 0.0
        elif w > 1.0:
            w = 1.0
        late = ph - DELAY * inc             # saw/pulse/tri: the naive wave runs DELAY samples late
        late -= np.floor(late)
        if shape == SINE:
            y = np.sin(two_pi * ph)
        elif shape == SAW:
            y = 2.0 * late - 1.0
        elif shape == PULSE:
            y = 1.0 if late < w else -1.0
        else:
            t = late + 0.25
            t -= np.floor(t)
            y = 1.0 - 4.0 * abs(t - 0.5)
        y = (y + ring[pos]) * gain
        ring[pos] = 0.0
        out[0, i] = y
        out[1, i] = y
        u = ph + inc                        # unwrapped next phase
        nxt = (pos + 1) & mask
        if inc != 0.0 and (shape == SAW or shape == PULSE):
            # (level c crossed, jump) pairs: the wrap at 1 (or 0 going backwards) and the width
            wrap = 1.0 if inc > 0.0 else 0.0
            if (ph < wrap <= u) or (u < wrap <= ph):
                since = (u - wrap) / inc
                since = min(max(since, 0.0), 0.999999)
                if shape == SAW:
                    _add_step(ring, nxt, since, -2.0 if inc > 0.0 else 2.0, table)
                else:
                    _add_step(ring, nxt, since, 2.0 if inc > 0.0 else -2.0, table)
            if shape == PULSE and ((ph < w <= u) or (u < w <= ph)):
                since = (u - w) / inc
                since = min(max(since, 0.0), 0.999999)
                _add_step(ring, nxt, since, -2.0 if inc > 0.0 else 2.0, table)
        elif shape == TRI and inc != 0.0:
            slope = 8.0 * abs(inc)
            since = _crossed(ph, u, 0.25)      # the peak
            if since >= 0.0:
                _add_corner(ring, nxt, since, -slope, ramp)
            since = _crossed(ph, u, 0.75)      # the trough
            if since >= 0.0:
                _add_corner(ring, nxt, since, slope, ramp)
        ph = u - np.floor(u)
        pos = nxt
    phase[0] = ph
    phase[1] = pos


@njit(cache=True)
def colored_noise(white: np.ndarray, out: np.ndarray, n: int, state: np.ndarray, color: int) -> None:
    """Shape white noise (-1..1, float64) into white, pink or brown noise in both rows of `out`.

    Pink: Paul Kellett's refined 7-pole filter (-3 dB/octave within 0.05 dB from 9 Hz up).
    Brown: leaky integrator (-6 dB/octave above ~14 Hz, RMS ~0.18, held within -1..1). `state` holds 7 filter memories.
    """
    b0, b1, b2, b3, b4, b5, b6 = state[0], state[1], state[2], state[3], state[4], state[5], state[6]
    for i in range(n):
        w = white[i]
        if color == PINK:
            b0 = 0.99886 * b0 + w * 0.0555179
            b1 = 0.99332 * b1 + w * 0.0750759
            b2 = 0.96900 * b2 + w * 0.1538520
            b3 = 0.86650 * b3 + w * 0.3104856
            b4 = 0.55000 * b4 + w * 0.5329522
            b5 = -0.7616 * b5 - w * 0.0168980
            y = (b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362) * 0.11
            b6 = w * 0.115926
        elif color == BROWN:
            b0 = 0.998 * b0 + 0.02 * w
            if b0 > 1.0:
                b0 = 1.0
            elif b0 < -1.0:
                b0 = -1.0
            y = b0
        else:
            y = w
        out[0, i] = y
        out[1, i] = y
    state[0], state[1], state[2], state[3], state[4], state[5], state[6] = b0, b1, b2, b3, b4, b5, b6

"""Granular synthesis on a live input, numba kernel.

The input is written into a circular history (`buf`, channels x size). Grains start at a
steady rate, `density` per second (a fractional countdown, so the long-run count is exact),
each `grain_ms` long with a Hann window, reading the history at `pitch` times the speed, from a
point a random 0..`spray` seconds back (plus what a faster-than-real-time grain needs so that
it never overtakes the write head). The sum is scaled by 1 / max(1, overlap / 2), overlap =
density * grain length: Hann windows half overlapping (overlap 2) sum to exactly 1, so the level
stays near the input's whatever the density.

`grains` is (MAX_GRAINS, 4): [age in samples (-1: free), length, read position, rate];
`state` = [write index, samples until the next grain, noise seed]. A grain that would start
while all MAX_GRAINS are sounding is skipped.
"""
from __future__ import annotations

import numpy as np
from numba import njit

MAX_GRAINS = 64
GRAIN_MS = (5.0, 500.0)          # clamps
DENSITY = (0.1, 200.0)           # grains per second
PITCH = (0.25, 4.0)              # playback rate
MAX_SPRAY = 1.0                  # seconds


def history_length(sr: float) -> int:
    """Samples of input history the longest, fastest, most sprayed grain reads back."""
    longest = GRAIN_MS[1] / 1000.0
    return int(np.ceil(sr * (longest * (PITCH[1] - 1.0) + MAX_SPRAY + 0.1))) + 4


def new_state(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(grains, state) of a granulator that starts a grain on its first sample."""
    grains = np.zeros((MAX_GRAINS, 4))
    grains[:, 0] = -1.0
    state = np.array([0.0, 1.0, float(seed & 0x7FFFFFFF)])
    return grains, state


@njit(cache=True, inline="always")
def _clamp(v: float, lo: float, hi: float, default: float) -> float:
    return min(max(v, lo), hi) if np.isfinite(v) else default


@njit(cache=True)
def granular(x: np.ndarray, out: np.ndarray, n: int, grain_ms: np.ndarray, density: np.ndarray,
             pitch: np.ndarray, spray: np.ndarray, buf: np.ndarray, grains: np.ndarray,
             state: np.ndarray, sr: float) -> None:
    """Granulate `n` samples of every row of `x` into `out` (see the module doc)."""
    channels = x.shape[0]
    size = buf.shape[1]
    w = int(state[0])
    countdown = state[1]
    seed = int(state[2])
    acc = np.zeros(channels)
    for i in range(n):
        for c in range(channels):
            v = x[c, i]
            buf[c, w] = v if np.isfinite(v) else 0.0
        length = _clamp(grain_ms[i], GRAIN_MS[0], GRAIN_MS[1], 50.0) * sr / 1000.0
        rate = _clamp(pitch[i], PITCH[0], PITCH[1], 1.0)
        dens = _clamp(density[i], DENSITY[0], DENSITY[1], 10.0)
        countdown -= 1.0
        if countdown <= 0.0:
            countdown += sr / dens
            seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
            back = 1.0 + length * max(rate - 1.0, 0.0) + seed / 2147483648.0 * \
                _clamp(spray[i], 0.0, MAX_SPRAY, 0.0) * sr
            for g in range(MAX_GRAINS):
                if grains[g, 0] < 0.0:
                    grains[g, 0] = 0.0
                    grains[g, 1] = length
                    pos = w - back
                    if pos < 0.0:
                        pos += size
                    grains[g, 2] = pos
                    grains[g, 3] = rate
                    break
        norm = 1.0 / max(1.0, 0.5 * dens * length / sr)
        acc[:] = 0.0
        for g in range(MAX_GRAINS):
            age = grains[g, 0]
            if age < 0.0:
                continue
            glen = grains[g, 1]
            win = 0.5 - 0.5 * np.cos(2.0 * np.pi * age / glen)
            pos = grains[g, 2]
            i0 = int(pos)
            frac = pos - i0
            i1 = i0 + 1
            if i1 >= size:
                i1 = 0
            for c in range(channels):
                acc[c] += win * (buf[c, i0] + frac * (buf[c, i1] - buf[c, i0]))
            pos += grains[g, 3]
            if pos >= size:
                pos -= size
            grains[g, 2] = pos
            age += 1.0
            grains[g, 0] = age if age < glen else -1.0
        for c in range(channels):
            out[c, i] = norm * acc[c]
        w += 1
        if w >= size:
            w = 0
    state[0] = w
    state[1] = countdown
    state[2] = seed


def active_grains(grains: np.ndarray) -> int:
    """Grains sounding now."""
    return int((grains[:, 0] >= 0.0).sum())

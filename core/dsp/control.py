"""Numba kernels for control signals: the gate-driven ASR envelope, the Schmitt trigger,
sample-and-hold, the trigger timer and curved ramps.

Conventions of the kernel library (see `phonon.dsp`): `n` samples into `out[:, :n]` from
per-sample float64 parameter arrays, state in small arrays the node owns. A gate or trigger is
high at >= 0.5; NaN counts as low.
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def asr(gate: np.ndarray, out: np.ndarray, n: int, attack: np.ndarray, release: np.ndarray,
        state: np.ndarray, sr: float) -> None:
    """Gate-driven attack-sustain-release: while gate >= 0.5 the level rises linearly to 1
    (0 -> 1 in `attack` seconds), then holds; while it is low it falls to 0 (1 -> 0 in
    `release` seconds). Retriggering starts from the current level. `state` = [level]."""
    level = state[0]
    for i in range(n):
        out[0, i] = level
        out[1, i] = level
        if gate[i] >= 0.5:
            a = attack[i] * sr
            level = level + 1.0 / a if a >= 1.0 else 1.0
            if level > 1.0:
                level = 1.0
        else:
            r = release[i] * sr
            level = level - 1.0 / r if r >= 1.0 else 0.0
            if level < 0.0:
                level = 0.0
    state[0] = level


@njit(cache=True)
def schmidt(x: np.ndarray, out: np.ndarray, n: int, high: np.ndarray, low: np.ndarray,
            state: np.ndarray) -> None:
    """Schmitt trigger per channel: the output turns 1 when the input rises above `high` and
    0 when it falls below `low` (between them it keeps its value). `state` = [output per
    channel]."""
    for c in range(x.shape[0]):
        s = state[c]
        for i in range(n):
            v = x[c, i]
            if v > high[i]:
                s = 1.0
            elif v < low[i]:
                s = 0.0
            out[c, i] = s
        state[c] = s


@njit(cache=True)
def sample_hold(x: np.ndarray, trig: np.ndarray, out: np.ndarray, n: int,
                state: np.ndarray) -> None:
    """Sample-and-hold: on every rising edge of `trig` (a (n,) float64 signal crossing 0.5
    upwards) take the input's value, hold it otherwise. `state` = [previous trigger high (0/1),
    held value per channel...]; before the first edge the output is 0."""
    channels = x.shape[0]
    was = state[0] >= 0.5
    for i in range(n):
        high = trig[i] >= 0.5
        if high and not was:
            for c in range(channels):
                v = x[c, i]
                state[1 + c] = v if v == v else 0.0
        was = high
        for c in range(channels):
            out[c, i] = state[1 + c]
    state[0] = 1.0 if was else 0.0


@njit(cache=True)
def timer(trig: np.ndarray, out: np.ndarray, n: int, state: np.ndarray, sr: float) -> None:
    """Seconds since the last rising edge of `trig` (0 on the edge's sample), counted from the
    node's first sample before any edge. `state` = [samples since the edge, previous high]."""
    count = state[0]
    was = state[1] >= 0.5
    for i in range(n):
        high = trig[i] >= 0.5
        if high and not was:
            count = 0.0
        was = high
        t = count / sr
        out[0, i] = t
        out[1, i] = t
        count += 1.0
    state[0] = count
    state[1] = 1.0 if was else 0.0

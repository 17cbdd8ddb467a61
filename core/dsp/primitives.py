"""Small helpers the kernels share, inlined into each kernel by numba: clamping that also
catches NaN, phase wrapping, circular-buffer indices and interpolated reads, fanning a mono
sample out to every channel."""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def clamp(v: float, lo: float, hi: float) -> float:
    """v limited to lo..hi; NaN gives lo."""
    if not (v >= lo):
        return lo
    if v > hi:
        return hi
    return v


@njit(cache=True, inline="always")
def wrap(phase: float) -> float:
    """`phase` moved into 0..1 (its fractional part)."""
    return phase - np.floor(phase)


@njit(cache=True, inline="always")
def next_index(i: int, size: int) -> int:
    """The index after `i` in a circular buffer of `size`."""
    i += 1
    if i >= size:
        i = 0
    return i


@njit(cache=True, inline="always")
def locate(write: int, length: int, delay: float) -> tuple:
    """(index, fraction) of the point `delay` samples behind `write` in a circular buffer of
    `length` samples (delay >= 0)."""
    pos = write - delay
    while pos < 0.0:
        pos += length
    i0 = int(pos)
    frac = pos - i0
    if i0 >= length:
        i0 -= length
    return i0, frac


@njit(cache=True, inline="always")
def read_linear(line: np.ndarray, write: int, length: int, delay: float) -> float:
    """Linear-interpolated read `delay` samples behind `write` in a circular buffer of
    `length` samples."""
    i0, frac = locate(write, length, delay)
    i1 = i0 + 1
    if i1 >= length:
        i1 = 0
    return line[i0] + frac * (line[i1] - line[i0])


@njit(cache=True, inline="always")
def fan_out(out: np.ndarray, i: int, y: float) -> None:
    """`y` into sample `i` of every row (channel) of `out`."""
    for c in range(out.shape[0]):
        out[c, i] = y


@njit(cache=True, inline="always")
def finite_state(z1: float, z2: float) -> tuple:
    """A filter's two memories as stored, or (0, 0) when either is not finite (so one NaN
    never makes a filter ring NaN forever)."""
    if np.isfinite(z1) and np.isfinite(z2):
        return z1, z2
    return 0.0, 0.0

"""The wavefolder kernel: drive, bias, triangle fold and dry/wet mix in one pass per sample.

The fold maps any level into [-1, 1] by reflecting it at +-1 (a triangle function of period 4):

    fold(u) = 1 - |((u + 1) mod 4) - 2|        fold(u) = u for |u| <= 1

Folding creates partials far above Nyquist, so the kernel uses first-order antiderivative
anti-aliasing (ADAA): each output sample is the mean of `fold` over the segment from the
previous to the current driven input, `(F(u1) - F(u0)) / (u1 - u0)` with `F` the
antiderivative of `fold`. A held (constant) input gives exactly `fold(u)`. The previous driven
input of each channel is the kernel's only state.
"""
from __future__ import annotations

import numpy as np
from numba import njit

MAX_DRIVE = 10.0     # amount 1 drives the input by x10 (amount 0: x1, a clean pass below 0 dBFS)
EPS = 1e-5           # below this input step the segment mean is fold(midpoint)


@njit(cache=True, nogil=True)
def fold(u: float) -> float:  # pragma: no cover - numba
    """Reflect `u` into [-1, 1] (identity inside)."""
    v = (u + 1.0) % 4.0
    return 1.0 - abs(v - 2.0)


@njit(cache=True, nogil=True)
def fold_integral(u: float) -> float:  # pragma: no cover - numba
    """An antiderivative of `fold` (periodic: `fold` integrates to 0 over a period)."""
    v = (u + 1.0) % 4.0
    if v <= 2.0:
        return 0.5 * v * v - v
    return -0.5 * v * v + 3.0 * v - 4.0


@njit(cache=True, nogil=True)
def fold_block(x, out, frames, amount, bias, mix, prev):  # pragma: no cover - numba
    """Fold `frames` samples of `x` (channels, >=frames) into `out`.

    `amount`, `bias`, `mix` are float64 arrays of `frames` values; `prev` (channels,) holds each
    channel's previous driven input and is updated in place.
    """
    for c in range(out.shape[0]):
        u0 = prev[c]
        for n in range(frames):
            dry = x[c, n]
            u1 = (1.0 + (MAX_DRIVE - 1.0) * amount[n]) * dry + bias[n]
            du = u1 - u0
            if abs(du) > EPS:
                wet = (fold_integral(u1) - fold_integral(u0)) / du
            else:
                wet = fold(0.5 * (u0 + u1))
            u0 = u1
            out[c, n] = dry + mix[n] * (wet - dry)
        prev[c] = u0

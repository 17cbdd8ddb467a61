"""The master stage kernel: NaN/Inf -> 0, then clip to [-1, 1], in one pass (numba); and
`finite_copy`, the same cleaning without the clip for a node's inputs."""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def clean_clip(x: np.ndarray, out: np.ndarray, n: int) -> bool:
    """out[:, :n] = clip(nan_to_num(x[:, :n], nan=0, posinf=0, neginf=0), -1, 1), the same
    values as those two numpy calls; returns whether every input sample was finite."""
    bad = 0
    for c in range(out.shape[0]):
        for i in range(n):                   # branch-free: vectorises
            v = x[c, i]
            bad |= (v - v) != 0.0            # NaN for NaN and +-Inf
            out[c, i] = min(max(v, -1.0), 1.0)
    if bad == 0:
        return True
    for c in range(out.shape[0]):            # rare: redo with NaN/Inf as 0
        for i in range(n):
            v = x[c, i]
            out[c, i] = min(max(v, -1.0), 1.0) if np.isfinite(v) else 0.0
    return False


@njit(cache=True, nogil=True)
def clean_clip_counted(x: np.ndarray, out: np.ndarray, n: int, flags: np.ndarray) -> None:
    """`clean_clip`, its answer in flags[0] (1: every input sample finite) and the blocks
    with NaN/Inf counted in flags[1] (the master's steady call: no Python around it)."""
    if clean_clip(x, out, n):
        flags[0] = 1
    else:
        flags[0] = 0
        flags[1] += 1


@njit(cache=True, nogil=True)
def finite_copy(x: np.ndarray, out: np.ndarray, n: int) -> bool:
    """Whether every sample of x[:, :n] is finite; if not, out[:, :n] = x with NaN/Inf as 0
    (out untouched when all are finite: the caller keeps using x)."""
    bad = 0
    for c in range(x.shape[0]):
        for i in range(n):                   # branch-free: vectorises
            v = x[c, i]
            bad |= (v - v) != 0.0
    if bad == 0:
        return True
    for c in range(x.shape[0]):
        for i in range(n):
            v = x[c, i]
            out[c, i] = v if np.isfinite(v) else 0.0
    return False

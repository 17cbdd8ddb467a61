"""Left-to-right weighted sum of several stereo buffers in one pass (numba).

out = ((x0*g0 + x1*g1) + x2*g2) + ..., every product and every partial sum rounded to float32
exactly like the equivalent chain of numpy `multiply`/`add` calls (no fused multiply-add:
numba does not contract without fastmath), so a `mix` equals the `add`/`mul` chain it replaces
bit for bit. A gain of exactly 1 skips its multiplication (x*1 == x).

numba passes the inputs as one tuple, and a tuple's length is part of its type (and numba
refuses tuples of 1000 or more): `mix_sum` sums at most `CHUNK` inputs per call, left to right
(`weighted_sum` for the first chunk, `weighted_add` for the next ones), which is the same
sum, so a mix of thousands of inputs works and stays bit-identical.
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True, inline="always")
def _accumulate(o: np.ndarray, x: np.ndarray, g: float, n: int) -> None:  # pragma: no cover
    """o[:n] = o[:n] + x[:n] * g (x[:n] alone when g is 1)."""
    if g == 1.0:
        for i in range(n):
            o[i] = o[i] + x[i]
    else:
        for i in range(n):
            o[i] = o[i] + x[i] * g


@njit(cache=True, nogil=True)
def weighted_sum(ins, gains: np.ndarray, out: np.ndarray, n: int) -> None:  # pragma: no cover
    """out[:, :n] = sum_k ins[k][:, :n] * gains[k], left to right; `ins` a tuple of arrays of
    one type (numba UniTuple), `gains` float32."""
    for c in range(out.shape[0]):
        o = out[c]
        x = ins[0][c]
        g = gains[0]
        if g == 1.0:
            for i in range(n):
                o[i] = x[i]
        else:
            for i in range(n):
                o[i] = x[i] * g
        for k in range(1, len(ins)):
            _accumulate(o, ins[k][c], gains[k], n)


@njit(cache=True, nogil=True)
def weighted_add(ins, gains: np.ndarray, out: np.ndarray, n: int) -> None:  # pragma: no cover
    """out[:, :n] += sum_k ins[k][:, :n] * gains[k], left to right (`weighted_sum` continued)."""
    for c in range(out.shape[0]):
        o = out[c]
        for k in range(len(ins)):
            _accumulate(o, ins[k][c], gains[k], n)


CHUNK = 64       # inputs per kernel call


def chunked(arrays: list, gains: np.ndarray) -> list[tuple[tuple, np.ndarray]]:
    """(tuple of at most `CHUNK` arrays, their gains) in order: what `mix_sum` takes."""
    return [(tuple(arrays[k:k + CHUNK]), gains[k:k + CHUNK])
            for k in range(0, len(arrays), CHUNK)]


def mix_sum(chunks: list[tuple[tuple, np.ndarray]], out: np.ndarray, n: int) -> None:
    """out[:, :n] = the weighted sum of every chunk's arrays (see `chunked`), left to right."""
    arrays, gains = chunks[0]
    weighted_sum(arrays, gains, out, n)
    for arrays, gains in chunks[1:]:
        weighted_add(arrays, gains, out, n)


def same_numba_type(arrays) -> bool:
    """Whether the arrays type alike in numba (layout, writability, dtype, rank), i.e. can be
    passed to `weighted_sum` as one homogeneous tuple."""
    def key(x: np.ndarray) -> tuple:
        return (x.dtype, x.ndim, x.flags.c_contiguous, x.flags.f_contiguous, x.flags.writeable)
    first = key(arrays[0])
    return all(key(x) == first for x in arrays[1:])

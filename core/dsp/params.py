"""Turn node parameter values (a float or a float64 array) into per-sample float64 arrays.

Kernels take float64 arrays for every modulatable parameter, so each kernel compiles once
(one numba signature) whether a parameter is constant, patterned or modulated by a signal.
"""
from __future__ import annotations

import numpy as np


class ParamBuffers:
    """Preallocated float64 buffers, one per parameter name, sized to the prepared block.

    `get(name, value, n)` returns an array of `n` samples: `value` itself when it is already a
    contiguous float64 array, else a buffer filled with (or copied from) `value`.
    """

    def __init__(self, block: int, *names: str) -> None:
        self.block = block
        self._bufs = {name: np.zeros(block, dtype=np.float64) for name in names}

    def get(self, name: str, value, n: int) -> np.ndarray:
        buf = self._bufs.get(name)
        if buf is None or buf.shape[0] < n:
            buf = self._bufs[name] = np.zeros(max(n, self.block), dtype=np.float64)
        if isinstance(value, np.ndarray):
            if value.ndim == 1 and value.dtype == np.float64 and value.flags.c_contiguous and value.shape[0] == n:
                return value
            src = value if value.ndim == 1 else value.mean(axis=0)
            np.copyto(buf[:n], src[:n], casting="unsafe")
        else:
            buf[:n].fill(float(value))
        return buf[:n]


def scalar_or_array(value, n: int):
    """A float stays a float; an array is cut to `n` samples as float64 (for numpy broadcasting)."""
    if isinstance(value, np.ndarray):
        arr = value if value.ndim == 1 else value.mean(axis=0)
        return arr[:n].astype(np.float64, copy=False)
    return float(value)

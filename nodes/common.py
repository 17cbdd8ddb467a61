"""Plumbing shared by the node modules (not nodes themselves)."""
from __future__ import annotations

import numpy as np

from phonon.dsp.clean import finite_copy


class FiniteInputs:
    """Mixin: `self.finite(ins, n)` gives the input buffers with NaN/Inf samples replaced by 0,
    so they never reach a node's state or its dry path. A buffer that is all finite (the usual
    case: one read pass) is returned as it is; only a bad one is copied."""

    _finite_bufs: list

    def finite(self, ins: list, n: int) -> list:
        bufs = self.__dict__.setdefault("_finite_bufs", [])
        result = []
        for k, x in enumerate(ins):
            if k >= len(bufs) or bufs[k].shape[0] != x.shape[0] or bufs[k].shape[1] < n:
                bufs[k:k + 1] = [np.zeros((x.shape[0], max(n, x.shape[1])), dtype=np.float32)]
            result.append(x if finite_copy(x, bufs[k], n) else bufs[k])
        return result

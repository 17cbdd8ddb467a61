"""Per-block helpers for `process`: parameter values as buffers, block segments, dry/wet mix.

A number parameter arrives in `p` as a Python float (constant) or as a float64 array of
`ctx.frames` samples (a stepped pattern or a modulating signal). These helpers turn either form
into what a kernel or a one-value-per-call processor needs, without allocating per block:

- `ParamBuffers`: a float64 array of `n` samples per parameter (one numba signature for
  constant, patterned and modulated values).
- `scalar_or_array`: a float stays a float, an array is cut to `n` samples (numpy broadcasting).
- `value_at`: the value at one sample.
- `segments`: the spans of a block inside which every parameter is constant (for processors
  such as pedalboard plugins that take one value per call).
- `mix_into`: `out = dry*(1-mix) + wet*mix`, per sample.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .api import NodeSpec, Params

__all__ = ["ParamBuffers", "scalar_or_array", "value_at", "segments", "SIGNAL_STEP", "mix_into"]

#: a modulating signal updates a one-value-per-call processor every this many samples
SIGNAL_STEP = 64


class ParamBuffers:
    """Preallocated float64 buffers, one per parameter name, sized to the prepared block.

    Create it in `prepare` (`ParamBuffers(block, "cutoff", "q")`); in `process`,
    `get(name, value, n)` returns an array of `n` samples: `value` itself when it is already a
    contiguous float64 array of `n` samples, else the name's buffer filled with (or copied
    from) `value`. A 2-D value (several channels) contributes its channel mean.
    """

    def __init__(self, block: int, *names: str) -> None:
        self.block = block
        self._bufs = {name: np.zeros(block, dtype=np.float64) for name in names}

    @classmethod
    def for_spec(cls, spec: NodeSpec, block: int) -> "ParamBuffers":
        """Buffers for every number parameter a node declares (`ParamBuffers.for_spec(self.spec,
        block)` in `prepare`)."""
        return cls(block, *[prm.name for prm in spec.params if prm.kind == "number"])

    def get(self, name: str, value: float | np.ndarray, n: int) -> np.ndarray:
        """`value` (a float or an array) as `n` float64 samples."""
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

    def arrays(self, p: Params, n: int, *names: str) -> list[np.ndarray]:
        """The blocks of several parameters of `p` at once, in order (for a kernel's arguments:
        `kernel(out, n, *self.bufs.arrays(p, n, "rate", "depth"), ...)`)."""
        return [self.get(name, p[name], n) for name in names]


def scalar_or_array(value: float | np.ndarray, n: int) -> float | np.ndarray:
    """A float stays a float; an array is cut to `n` samples as float64 (for numpy broadcasting)."""
    if isinstance(value, np.ndarray):
        arr = value if value.ndim == 1 else value.mean(axis=0)
        return arr[:n].astype(np.float64, copy=False)
    return float(value)


def value_at(value: float | np.ndarray, i: int) -> float:
    """The parameter's value at sample `i` of the block (a float is the same everywhere)."""
    return float(value[i]) if isinstance(value, np.ndarray) else float(value)


def segments(values: list, n: int, step: int = SIGNAL_STEP) -> list[tuple[int, int]]:
    """Spans `(start, stop)` covering `range(n)` inside which every parameter is held constant.

    Constant floats never split. Stepped arrays (patterns) split exactly where a value changes;
    if the arrays change more often than once per `step` samples (a modulating signal), the
    block is cut every `step` samples instead and each span uses its first value.
    """
    arrays = [v[:n] for v in values if isinstance(v, np.ndarray)]
    if not arrays or n == 0:
        return [(0, n)]
    changed = np.zeros(n, dtype=bool)
    for a in arrays:
        changed[1:] |= a[1:] != a[:-1]
    cuts = np.flatnonzero(changed)
    if len(cuts) > n // step:
        cuts = np.arange(step, n, step)
    bounds = [0, *cuts.tolist(), n]
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]


def mix_into(out: np.ndarray, dry: np.ndarray, wet: np.ndarray, mix: Any, n: int) -> None:
    """out[:, :n] = dry*(1-mix) + wet*mix, for a constant or per-sample `mix` (1 = pure wet,
    0 = the dry input exactly); `mix` is clamped to 0..1 and NaN counts as 0."""
    o = out[:, :n]
    if not isinstance(mix, np.ndarray):
        if mix >= 1.0:
            o[:] = wet[:, :n]
            return
        if not (mix > 0.0):
            o[:] = dry[:, :n]
            return
    m = np.nan_to_num(np.clip(mix[:n], 0.0, 1.0)) if isinstance(mix, np.ndarray) else mix
    np.subtract(wet[:, :n], dry[:, :n], out=o)
    o *= m
    o += dry[:, :n]

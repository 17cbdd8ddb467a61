"""Split a block where a parameter changes, for processors that take one value per call."""
from __future__ import annotations

import numpy as np

SIGNAL_STEP = 64


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


def value_at(value, i: int) -> float:
    """The parameter's value at sample `i` (a float is the same everywhere)."""
    return float(value[i]) if isinstance(value, np.ndarray) else float(value)

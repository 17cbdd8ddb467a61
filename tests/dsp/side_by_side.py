"""Helper of the kernel-vs-pedalboard tests: a node and the pedalboard-driven node it replaced,
fed the same blocks with the same parameters, must write the same samples."""
from __future__ import annotations

from typing import Callable

import numpy as np

from phonon.plugins.api import Block, Params


def assert_plays_alike(node, old, x: np.ndarray, block: int,
                       params: Callable[[int, int], Params]) -> None:
    """Block k of `x` through `node.process` and `old.process(x, p, out, n)` with
    `params(k, block)`: the outputs are equal, block after block."""
    node.prepare(44100, block, 2)
    got, want = np.zeros((2, block), np.float32), np.zeros((2, block), np.float32)
    for k in range(x.shape[1] // block):
        xb = np.ascontiguousarray(x[:, k * block:(k + 1) * block])
        p = params(k, block)
        node.process(Block(index=k, start=k * block, frames=block, sr=44100, cps=0.5,
                           cycle=0.0), [xb], p, got)
        old.process(xb, p, want, block)
        assert np.array_equal(got, want), f"block {k}"

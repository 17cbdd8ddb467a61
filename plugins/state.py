"""Hot-swap state kept in numpy arrays: the `StateArrays` mixin."""
from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

__all__ = ["StateArrays"]


class StateArrays:
    """Mixin for a node whose whole DSP state lives in numpy arrays allocated by `prepare`.

        class Lpf(StateArrays, Node):
            state_arrays = ("z",)               # attribute names, set in prepare

    `state()` hands copies of those arrays to the successor; `load_state()` copies them into
    the successor's own arrays (already allocated by its `prepare`), and only when every one
    is there with the same shape (another sample rate or channel count: the node starts fresh).
    """

    #: attribute names of the arrays that make up the node's state
    state_arrays: ClassVar[tuple[str, ...]] = ()

    def state(self) -> dict[str, Any]:
        """Copies of the state arrays, by attribute name."""
        return {name: getattr(self, name).copy() for name in self.state_arrays}

    def load_state(self, state: dict[str, Any]) -> None:
        """Take over a predecessor's arrays when all of them fit, else keep the fresh state."""
        mine = [getattr(self, name) for name in self.state_arrays]
        if all(name in state and np.shape(state[name]) == a.shape
               for name, a in zip(self.state_arrays, mine)):
            for name, a in zip(self.state_arrays, mine):
                a[...] = state[name]

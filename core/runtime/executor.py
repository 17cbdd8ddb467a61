"""The executor interface shared by the inline and the actor runtimes."""
from __future__ import annotations

from typing import Protocol

import numpy as np


class Executor(Protocol):
    """Runs a bound graph one block at a time."""

    def run_block(self, start: int, frames: int) -> np.ndarray:
        """Compute samples [start, start + frames) and return the master output, a
        (2, frames) float32 view valid until the next call."""

    def close(self) -> None:
        """Release workers and shared memory (nothing to do inline)."""

"""The executor interface: everything a caller (the Session, the live layer, the CLI) may use.

Two executors implement it: `inline.InlineExecutor` (one process, the reference) and
`actors.ActorExecutor` (node actors in forked workers over shared memory, built on it). Output
is bit-identical whichever runs a graph.
"""
from __future__ import annotations

from typing import Protocol

import numpy as np

from .binding import Bound
from .profile import Profile


class Executor(Protocol):
    """Runs a bound graph one block at a time."""

    #: the graph's tasks over their buffers (the live layer hands feedback buffers over)
    bound: Bound

    @property
    def problems(self) -> list[str]:
        """Every runtime problem reported so far (node exceptions, NaN resets, patterns)."""

    def run_block(self, start: int, frames: int) -> np.ndarray:
        """Compute samples [start, start + frames) and return the master output, a
        (2, frames) float32 view valid until the next call."""

    def plan_ahead(self, start: int, frames: int) -> None:
        """Blocks of the prepared size follow, covering [start, start + frames) (an offline
        render): the executor may start on the next block early. `frames=0` ends the plan."""

    def collect_state(self, timeout: float = 1.0) -> list[str]:
        """Make every node's `state()` current in this process (nodes living in workers hand
        theirs back); call between blocks, before a hot swap. Returns the ids updated."""

    def profile(self) -> Profile:
        """Per-node cost (µs per block), wave and host so far."""

    def describe(self) -> str:
        """One line: how the graph runs (inline, or which workers) and why."""

    def cpu_seconds(self) -> float:
        """CPU time spent by other processes for this executor (stopped workers)."""

    def close(self) -> None:
        """Release workers and shared memory (nothing to do inline)."""

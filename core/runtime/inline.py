"""InlineExecutor: the block runner over every task, in the calling process (the reference).

Per block: the runner refreshes event triggers and pattern-stepped parameters and runs every
node in plan order (`phonon.runtime.blocks`); the buffers read through feedback edges are
copied to their "previous block" buffers; the master guard (`phonon.runtime.guard`) keeps
NaN/Inf out of the output and clips it to 0 dBFS. Problems go to one `Reporter`.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..timing.clock import Clock
from .binding import Bound
from .blocks import BlockRunner
from .guard import MasterGuard
from .profile import Profile, build_profile
from .reports import Reporter


class InlineExecutor:
    """Runs a `Bound` graph block by block in this process (see `Executor`)."""

    def __init__(self, bound: Bound, clock: Clock,
                 reporter: Callable[[str], None] | None = None, *, profile: bool = False) -> None:
        """`profile=True` times every node (see `profile()`)."""
        self.bound = bound
        self.clock = clock
        self.block = bound.block
        self.sr = bound.sr
        self.reports = Reporter(reporter)
        self.runner = self._make_runner()
        self.runner.profile = profile
        self.guard = MasterGuard(bound.master, self.reports, self.block)
        self.index = 0                          # blocks run so far
        self._prof_first: np.ndarray | None = None

    def _make_runner(self) -> BlockRunner:
        """The block runner over every task (the actor runtime's runs on shared memory)."""
        return BlockRunner(self.bound, self.clock, self.reports.event)

    @property
    def problems(self) -> list[str]:
        """Every runtime problem reported so far, in order."""
        return self.reports.problems

    @property
    def failed(self) -> set[str]:
        """Ids of the nodes whose `process` raised (silent since)."""
        return self.reports.failed

    @property
    def reset_nodes(self) -> set[str]:
        """Ids of the nodes reset because they produced NaN/Inf."""
        return self.reports.reset_nodes

    def check_frames(self, frames: int | None) -> int:
        """`frames` (default: a whole block), checked to be within 1..block."""
        if frames is None:
            return self.block
        if not 0 < frames <= self.block:
            raise ValueError(f"frames must be in 1..{self.block}, got {frames}")
        return frames

    def run_block(self, start: int, frames: int | None = None) -> np.ndarray:
        """Compute samples [start, start+frames); returns a (2, frames) view of the output."""
        if frames is None or frames == self.block:
            frames = self.block
        else:
            frames = self.check_frames(frames)
        guard, runner, index = self.guard, self.runner, self.index
        runner.refresh(index, start, frames)
        if guard.diagnose:
            runner.run(index + 1, frames, True)
            guard.checked()
        else:
            runner.run(index + 1, frames, False)
        if index and not self.bound.delayed:   # the usual block: no feedback copy, no profile
            self.index = index + 1
            return guard.finish(frames)
        return self._end_block(frames)

    def _end_block(self, frames: int, r: int = 0, copy_delayed: bool = True) -> np.ndarray:
        """After the block's tasks: feedback buffers, the count, the guarded output of ring
        slot `r` (with R > 1 ring slots a feedback edge reads the previous slot: no copy)."""
        if copy_delayed:
            for out, prev in self.bound.delayed:
                np.copyto(prev, out)
        self.index += 1
        if self.index == 1:                       # the profile skips the first block
            self._prof_first = self.runner.prof.copy()
        return self.guard.finish(frames, r)

    def plan_ahead(self, start: int, frames: int) -> None:
        """Nothing to prepare: inline blocks run when asked for."""

    def collect_state(self, timeout: float = 1.0) -> list[str]:
        """Every node lives in this process: its `state()` is current already."""
        return []

    def profile(self) -> Profile:
        """Per-node cost, µs per block (zero unless built with `profile=True`)."""
        tasks = self.bound.tasks
        return build_profile([t.id for t in tasks], [t.kind for t in tasks],
                             [t.wave for t in tasks], ["inline"] * len(tasks), self.runner.prof,
                             self._prof_first, self.index, placement=self.describe())

    def describe(self) -> str:
        """How the graph runs."""
        return "runtime: inline (one process)"

    def cpu_seconds(self) -> float:
        """CPU time of other processes that worked for this executor (none inline)."""
        return 0.0

    def close(self) -> None:
        """Release the bound graph (no block runs after this)."""
        self.bound.release()

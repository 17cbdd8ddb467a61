"""InlineExecutor: runs the plan's waves in order in the calling process (reference semantics).

Per block: refresh event triggers and pattern-stepped parameters, then for each node in plan
order refresh its signal-modulated parameters and call `process` once. Afterwards the buffers
read through feedback edges are copied to their "previous block" buffers, and the master is
checked and clipped:

- A node whose `process` raises is reported once (id, kind, traceback), its output is silence
  for that block, and the rest of the graph keeps going.
- NaN/Inf never reach the output: the master's input and output are checked every block (one
  reduction each);
  when it is not finite the block's bad samples are zeroed and, for the next few blocks, every
  node's output is checked right after it runs (upstream first, so the first bad node found
  has clean inputs): a node producing NaN/Inf is reset (`prepare` again), silenced for that
  block and reported once. A one-off NaN that no node repeats is reported as transient.
- The output is clipped to [-1, 1]: the final stage never exceeds 0 dBFS. A master node that
  declares `clean_output` (the built-in `master`) already cleans and clips in one pass and
  reports `input_finite`: that flag is the NaN watch and its slot is returned as is.
"""
from __future__ import annotations

import sys
from typing import Callable

import numpy as np

from ..timing.clock import Clock
from .binding import Bound, Task
from .step import (exception_report, nonfinite_report, pattern_failure_report, refresh_events,
                   refresh_stepped, run_checked, run_fast)

DIAGNOSE_BLOCKS = 4


def _stderr_reporter(message: str) -> None:
    print(f"phonon: {message}", file=sys.stderr)


class InlineExecutor:
    """Runs a `Bound` graph block by block in this process."""

    def __init__(self, bound: Bound, clock: Clock,
                 reporter: Callable[[str], None] | None = None) -> None:
        self.bound = bound
        self.clock = clock
        self.block = bound.block
        self.sr = bound.sr
        self.report = reporter or _stderr_reporter
        self.problems: list[str] = []          # every report, in order
        self.failed: set[str] = set()          # node ids whose exception was reported
        self.reset_nodes: set[str] = set()     # node ids reset for NaN/Inf
        self._reported: set[tuple[str, str]] = set()
        self._index = 0
        self._diagnose = 0
        self._found = 0
        self._cps_version = -1
        self._cps = 0.0
        self._out = np.zeros((2, self.block), dtype=np.float32)
        # The NaN check reads the master's input when it has exactly one (a `master` stage may
        # clean NaN itself, which would hide the offending node), else the master's output.
        m = bound.master
        self._watch = m.ins[0] if len(m.ins) == 1 else m.out
        # a master stage that cleans its own output (`clean_output`: finite, within [-1, 1])
        # and reports whether its input was finite: no second check, clip or copy here
        self._clean_master = (getattr(m.node, "clean_output", False) and len(m.ins) == 1
                              and m.out.shape[0] == 2)
        tasks = bound.tasks
        self._event_tasks = [t for t in tasks if t.triggers is not None]
        self._stepped = [(t.params.__dict__, name, sp, t) for t in tasks for name, sp in t.stepped]
        self._fast = [
            (t.node.process, t.ctx, t.ins, t.params, t.out,
             tuple((m.source[0], m.source[1] if m.source.shape[0] > 1 else m.source[0], m.buffer)
                   for m in t.modulations),
             t)
            for t in tasks
        ]

    # -- reporting
    def _problem(self, task: Task, what: str, message: str) -> None:
        key = (task.id, what)
        if key in self._reported:
            return
        self._reported.add(key)
        self.problems.append(message)
        self.report(message)

    def _failed(self, task: Task, out: np.ndarray) -> None:
        out.fill(0.0)
        if task.id in self.failed:
            return
        self.failed.add(task.id)
        self._problem(task, "exception", exception_report(task))

    def _pattern_failed(self, task: Task, name: str) -> None:
        self._problem(task, f"pattern:{name}", pattern_failure_report(task, name))

    def _reset(self, task: Task, out: np.ndarray) -> None:
        out.fill(0.0)
        try:
            task.node.prepare(self.sr, self.block, task.channels)
        except Exception:  # noqa: BLE001
            self._failed(task, out)
            return
        self.reset_nodes.add(task.id)
        self._problem(task, "nonfinite", nonfinite_report(task))

    # -- running
    def run_block(self, start: int, frames: int | None = None) -> np.ndarray:
        """Compute samples [start, start+frames); returns a (2, frames) view of the output."""
        block = self.block
        frames = block if frames is None else frames
        if not 0 < frames <= block:
            raise ValueError(f"frames must be in 1..{block}, got {frames}")
        clock = self.clock
        if self._cps_version != clock.version:           # tempo changed: refresh float copies
            self._cps, self._cps_version = float(clock.cps), clock.version
            self._c0, self._n0 = float(clock.c0), clock.n0
            self._cps_per_sample = float(clock.cps / clock.sr)
        cycle = self._c0 + (start - self._n0) * self._cps_per_sample   # informational float
        ctx = self.bound.shared_ctx
        ctx.index, ctx.start, ctx.frames, ctx.cycle, ctx.cps = \
            self._index, start, frames, cycle, self._cps
        refresh_events(self._event_tasks, self._index, start, frames, cycle, self._cps,
                       clock.version, self._pattern_failed)
        refresh_stepped(self._stepped, start, frames, self._pattern_failed, self._problem)

        if frames == block and not self._diagnose:
            run_fast(self._fast, self._failed)
        else:
            self._run_checked(frames)
        for out, prev in self.bound.delayed:
            np.copyto(prev, out)
        self._index += 1
        return self._finish(frames)

    def _run_checked(self, frames: int) -> None:
        """Slow path: partial blocks (views of `frames` samples) and NaN diagnosis."""
        check = self._diagnose > 0
        for _, _, ins, _, out, mods, task in self._fast:
            run_checked(task, ins, out, mods, frames, self.block, check, self._failed, self._reset)
        if check:
            self._diagnose -= 1
            if not self._diagnose and len(self.reset_nodes) == self._found:
                self._problem(self.bound.master, "transient",
                              "NaN/Inf reached the master and was silenced; "
                              "no node kept producing it")

    def _finish(self, frames: int) -> np.ndarray:
        if self._clean_master:
            m = self.bound.master
            if not m.node.input_finite and not self._diagnose:
                self._diagnose = DIAGNOSE_BLOCKS
                self._found = len(self.reset_nodes)
            return m.out[:, :frames]
        master = self.bound.master.out[:, :frames]
        result = self._out[:, :frames]
        watch = self._watch[:, :frames]
        if not (np.isfinite(np.add.reduce(watch, axis=None))
                and np.isfinite(np.add.reduce(master, axis=None))):
            np.nan_to_num(master, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
            if not self._diagnose:
                self._diagnose = DIAGNOSE_BLOCKS
                self._found = len(self.reset_nodes)
        np.clip(master, -1.0, 1.0, out=result)             # broadcasts a mono master
        return result

    def plan_ahead(self, start: int, frames: int) -> None:
        """Nothing to prepare: inline blocks run when asked for."""

    def collect_state(self, timeout: float = 1.0) -> list[str]:
        """Every node lives in this process: its `state()` is current already."""
        return []

    def close(self) -> None:
        """Nothing to release in-process."""

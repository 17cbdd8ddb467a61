"""Running a subset of a bound graph's tasks with the inline executor's exact semantics.

`TaskRunner` is used by the coordinator (its own tasks) and by every worker process (the tasks
it hosts). Per block it refreshes its tasks' event triggers and pattern-stepped parameters, then
runs its tasks in plan order; before a task runs it waits until every producer hosted by another
process has published this block (the producer's sequence number in shared memory reaches the
block's number), and after it runs it publishes its own sequence number. Node exceptions and
NaN/Inf resets follow `InlineExecutor` exactly (silence for the block, `prepare` again) and are
reported through `emit(kind, task, message)`.

`worker_main` is the loop of a forked worker process: wait for the coordinator to publish a block,
run, report "done", repeat (and answer hot-swap state requests between blocks); it exits when
told to stop or when the coordinator disappears.
"""
from __future__ import annotations

import os
import signal
import time
import traceback
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..timing.clock import Clock
from .binding import Bound, Task
from .shm import Waiter, set_parent_death_signal
from .step import (exception_report, nonfinite_report, pattern_failure_report, refresh_events,
                   refresh_stepped, run_checked, run_fast)

# Control words (int64 array "ctl") and the per-block record ("blocks", one row per ring slot).
GO, STOP = range(2)                       # last block published; stop flag
CTL_WORDS = 4
START, FRAMES, CHECK, INDEX, CLOCK = range(5)     # the block's samples, NaN check, tempo
BLOCK_WORDS = 5

Emit = Callable[[str, Task, str], None]


@dataclass
class Job:
    """One task as a runner sees it: its plan index and the remote producers it waits for."""

    task: Task
    index: int                                   # position in plan order (= shm seq index)
    remote: list[int] = field(default_factory=list)   # producer indices hosted elsewhere
    rings: list[tuple] = field(default_factory=list)  # per ring slot: (ins, out, mods)
    silent: bool = False                         # a lost isolated node: publish silence
    shared: bool = False                         # some other process reads this output


class TaskRunner:
    """Runs its jobs of each block in plan order, with inline semantics."""

    def __init__(self, bound: Bound, clock: Clock, seq: np.ndarray, prof: np.ndarray,
                 waiter: Waiter, emit: Emit, ring: int = 1) -> None:
        self.bound = bound
        self.ring = ring                          # R: block g uses ring slot g % R
        self.rotating = ring > 1                  # False: ring slot 0 only (no worker yet)
        self.clock = clock
        self.seq = seq
        self.prof = prof                          # (n_tasks, 2) int64: total ns, blocks
        self.waiter = waiter
        self.emit = emit
        self.jobs: list[Job] = []
        self.failed: set[str] = set()
        self.profile = True
        self.resuming = False            # re-running a block after a fault: honour seq numbers
        self._cps_version = -1
        self._told: set[tuple[str, str]] = set()
        self._cps = 0.0

    def set_jobs(self, jobs: list[Job]) -> None:
        """The jobs this runner owns (kept in plan order)."""
        self.jobs = sorted(jobs, key=lambda j: j.index)
        self._rows = np.array([j.index for j in self.jobs], dtype=np.intp)
        self._times = [0] * len(self.jobs)
        self._fast = [[(j.task.node.process, j.task.ctx, j.rings[r][0], j.task.params,
                        j.rings[r][1], j.rings[r][2], j.task) for j in self.jobs if not j.silent]
                      for r in range(self.ring)]
        self.solo = all(not j.silent and not j.remote and not j.shared for j in self.jobs)
        self._event_tasks = [j.task for j in self.jobs if j.task.triggers is not None and not j.silent]
        self._stepped = [(j.task.params.__dict__, name, sp, j.task)
                         for j in self.jobs if not j.silent for name, sp in j.task.stepped]

    # -- per block
    def refresh(self, index: int, start: int, frames: int, jobs: list[Job] | None = None) -> None:
        """Block context, event triggers and stepped parameters of (some of) this runner's
        jobs, exactly as `InlineExecutor.run_block` computes them (same float cycle, same
        handling of patterns that fail to query or give non-numeric values)."""
        clock = self.clock
        if self._cps_version != clock.version:           # tempo changed: refresh float copies
            self._cps, self._cps_version = float(clock.cps), clock.version
            self._c0, self._n0 = float(clock.c0), clock.n0
            self._cps_per_sample = float(clock.cps / clock.sr)
        cycle = self._c0 + (start - self._n0) * self._cps_per_sample   # informational float
        cps = self._cps
        ctx = self.bound.shared_ctx
        ctx.index, ctx.start, ctx.frames, ctx.cycle, ctx.cps = index, start, frames, cycle, cps
        if jobs is None:
            event_tasks, stepped = self._event_tasks, self._stepped
        else:
            event_tasks = [j.task for j in jobs if j.task.triggers is not None and not j.silent]
            stepped = [(j.task.params.__dict__, name, sp, j.task)
                       for j in jobs if not j.silent for name, sp in j.task.stepped]
        refresh_events(event_tasks, index, start, frames, cycle, cps, clock.version,
                       self._pattern_failed)
        refresh_stepped(stepped, start, frames, self._pattern_failed,
                        lambda t, kind, message: self._tell(kind, t, message))

    def _tell(self, kind: str, task: Task, message: str) -> None:
        """Report once per (node, kind): the coordinator keeps only the first anyway."""
        key = (task.id, kind)
        if key not in self._told:
            self._told.add(key)
            self.emit(kind, task, message)

    def _pattern_failed(self, task: Task, name: str) -> None:
        self._tell(f"pattern:{name}", task, pattern_failure_report(task, name))

    def run(self, go: int, frames: int, check: bool,
            peer_check: Callable[[], None] | None = None) -> None:
        """Run every job not yet published for block number `go` (seq < go).

        `solo` runners (no other process involved: light graphs) take the inline fast path
        without sequence numbers or timing unless `profile` is set."""
        full = frames == self.bound.block and not check
        r = go % self.ring if self.rotating else 0
        if full and self.solo and not self.profile and not self.resuming:
            run_fast(self._fast[r], self._failed)
            return
        seq, waiter = self.seq, self.waiter
        clock = time.perf_counter_ns
        profile = self.profile
        times = self._times
        for k, job in enumerate(self.jobs):
            i = job.index
            if seq[i] >= go:
                times[k] = 0
                continue
            ins, out, mods = job.rings[r]
            if job.silent:
                out.fill(0.0)
                times[k] = 0
            else:
                for p in job.remote:
                    if seq[p] < go:
                        waiter.wait(seq, p, go, peer_check)
                t0 = clock()
                if full:
                    self._run_fast(job.task, ins, out, mods)
                else:
                    run_checked(job.task, ins, out, mods, frames, self.bound.block, check,
                                self._failed, self._reset)
                times[k] = clock() - t0
            seq[i] = go
            if job.shared:
                waiter.ring()
        if profile and self.jobs:                  # one vector update per block
            self.prof[self._rows, 0] += times
            self.prof[self._rows, 1] += 1

    def _run_fast(self, t: Task, ins: list, out: np.ndarray, mods: tuple) -> None:
        for a, b, buf in mods:
            np.add(a, b, out=buf)
            np.multiply(buf, 0.5, out=buf)
        try:
            t.node.process(t.ctx, ins, t.params, out)
        except Exception:  # noqa: BLE001 - a node must never stop the music
            self._failed(t, out)

    def _failed(self, task: Task, out: np.ndarray) -> None:
        out.fill(0.0)
        if task.id in self.failed:
            return
        self.failed.add(task.id)
        self.emit("exception", task, exception_report(task))

    def _reset(self, task: Task, out: np.ndarray) -> None:
        out.fill(0.0)
        try:
            task.node.prepare(self.bound.sr, self.bound.block, task.channels)
        except Exception:  # noqa: BLE001
            self._failed(task, out)
            return
        self._tell("nonfinite", task, nonfinite_report(task))


# -- the worker process ---------------------------------------------------------------------------

class CoordinatorGone(Exception):
    """The coordinator process disappeared: the worker exits."""


def serve_state_requests(runner: TaskRunner, conn) -> None:
    """Answer the coordinator's ("state", ids) requests with each node's `state()` (hot swap:
    the state of a node hosted here lives only here). Cold path: pickled through the pipe."""
    by_id = {j.task.id: j.task.node for j in runner.jobs}
    while conn.poll():
        msg = conn.recv()
        if msg[0] != "state":
            continue
        for nid in msg[1]:
            try:
                conn.send(("state", nid, by_id[nid].state()))
            except Exception:  # noqa: BLE001 - not picklable / failed: the successor starts fresh
                conn.send(("state", nid, None))
        conn.send(("state-done", "", ""))


def worker_main(slot: int, runner: TaskRunner, ctl: np.ndarray, blocks: np.ndarray,
                done: np.ndarray, reports: np.ndarray, waited: np.ndarray, requests: np.ndarray,
                conn, parent: int,
                cleanup: Callable[[], None], last: int, clock_version: int) -> None:
    """Body of a forked worker (never returns: the process ends with `os._exit`).

    `last` is the block number published before the fork (the worker starts with the next)
    and `clock_version` the tempo version it inherited."""
    code = 0
    try:
        set_parent_death_signal(signal.SIGTERM)

        def on_term(signum, frame):  # noqa: ANN001 - coordinator died or asked us to go
            if os.getppid() != parent:
                cleanup()                     # the coordinator vanished without unlinking
            os._exit(0)

        signal.signal(signal.SIGTERM, on_term)
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C goes to the coordinator
        if os.getppid() != parent:
            on_term(signal.SIGTERM, None)

        def emit(kind: str, task: Task, message: str) -> None:
            conn.send((kind, task.id, message))
            reports[slot] += 1

        runner.emit = emit

        served = int(requests[slot])

        def peer_check() -> None:
            nonlocal served
            if os.getppid() != parent:
                raise CoordinatorGone
            if ctl[STOP]:
                raise CoordinatorGone
            if requests[slot] != served:
                served = int(requests[slot])
                serve_state_requests(runner, conn)

        waiter = runner.waiter
        while True:
            waiter.wait(ctl, GO, last + 1, peer_check)
            if ctl[STOP]:
                break
            go = last = last + 1                  # blocks run in order, never skipped
            if requests[slot] != served:
                served = int(requests[slot])
                serve_state_requests(runner, conn)
            rec = blocks[go % runner.ring]
            if rec[CLOCK] != clock_version:
                while conn.poll():
                    msg = conn.recv()
                    if msg[0] == "clock":             # a tempo change: the coordinator's
                        runner.clock.follow(msg[1])   # clock, taken whole
                clock_version = int(rec[CLOCK])
            frames = int(rec[FRAMES])
            runner.refresh(int(rec[INDEX]), int(rec[START]), frames)
            runner.run(go, frames, bool(rec[CHECK]), peer_check)
            waited[slot] = waiter.waited_ns
            done[slot] = go
            waiter.ring()
    except CoordinatorGone:
        if os.getppid() != parent:
            cleanup()
    except BaseException:  # noqa: BLE001 - report and leave; the coordinator takes over
        code = 70
        try:
            conn.send(("fatal", "", traceback.format_exc()))
        except Exception:  # noqa: BLE001
            pass
    finally:
        os._exit(code)

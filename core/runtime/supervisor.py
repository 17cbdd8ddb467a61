"""The supervisor: starts, watches and stops an actor executor's worker processes.

- **Forking** (`fork`): the coordinator builds everything first (patterns are closures, nodes
  hold pedalboard/numba state); `os.fork()` then makes each worker, which keeps only its own
  tasks (sticky placement). The sample bank's arena is first moved into shared memory
  (`share_sample_bank`), so every process reads the same pages.
- **Faults** (`check`, called by every wait of the coordinator): a worker that died is seen
  with `waitpid(WNOHANG)` and raises `WorkerLost`; one that does not finish a block within
  `hang_s` is killed and handled the same way. `lost` reports it in one line.
- **Reports** (`drain`): node reports and fatal errors come through each worker's pipe.
- **Hot swap** (`collect_state`): every live worker hands back its nodes' `state()`.
- **Stop** (`stop`): ask, wait at most ~1 s, kill; the CPU time of the workers is kept.
"""
from __future__ import annotations

import faulthandler
import gc
import multiprocessing
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .. import collector
from ..samples.bank import SampleBank
from ..timing.clock import Clock
from .binding import Bound
from .blocks import BlockRunner, Job
from .layout import GO, STOP, ActorArena
from .reports import Reporter
from .shm import Arena, Layout, unlink_name
from .worker import worker_main

WORKER_MAX_SLEEP_S = 0.05


class WorkerLost(Exception):
    """Raised inside a wait when a worker process died."""


@dataclass
class WorkerState:
    slot: int                        # index into done/reports/sleepers (coordinator = 0)
    name: str                        # "worker k" or "isolated k"
    pid: int
    conn: Any
    jobs: list[Job]
    isolated: bool
    alive: bool = True
    seen_reports: int = 0
    status: int = 0                  # wait status once it died


@dataclass
class Supervisor:
    """The workers of one actor executor (see the module doc)."""

    arena: ActorArena
    bound: Bound
    clock: Clock
    reports: Reporter
    hang_s: float
    workers: list[WorkerState] = field(default_factory=list)
    cpu_s: float = 0.0               # CPU time of the workers stopped so far
    current: int = 0                 # the block being computed
    extra_arenas: list[Arena] = field(default_factory=list)
    _block_t0: float = 0.0

    def alive(self) -> list[WorkerState]:
        return [w for w in self.workers if w.alive]

    @property
    def segments(self) -> list[str]:
        return [self.arena.name] + [a.name for a in self.extra_arenas]

    # -- forking -------------------------------------------------------------------------------
    def fork(self, slot: int, name: str, jobs: list[Job], isolated: bool, last: int,
             crowded: bool, failed: set[str]) -> None:
        """Start worker `slot` hosting `jobs`; it runs blocks from `last + 1` on."""
        arena = self.arena
        ours, theirs = multiprocessing.Pipe(duplex=True)
        arena.done[slot] = last
        arena.reports[slot] = 0
        sys.stdout.flush()
        sys.stderr.flush()
        gc.freeze()          # workers' collections then never touch (copy) the inherited objects
        try:
            pid = os.fork()
            if pid == 0:                                 # -- the worker
                try:
                    # a node crashing its worker is reported by the coordinator in one line;
                    # the interpreter's fatal-error dump would only repeat it as noise
                    faulthandler.disable()
                    collector.start_up_over()    # the usual thresholds, if the CLI paused them
                    ours.close()
                    self._become_worker(slot, jobs, last, crowded, failed, theirs)
                finally:
                    os._exit(70)
        finally:
            gc.unfreeze()
        theirs.close()
        self.workers.append(WorkerState(slot, name, pid, ours, jobs, isolated))

    def _become_worker(self, slot: int, jobs: list[Job], last: int, crowded: bool,
                       failed: set[str], conn) -> None:
        arena = self.arena
        waiter = arena.waiter(slot)
        waiter.oversubscribed(crowded)
        waiter.max_sleep_s = WORKER_MAX_SLEEP_S       # idle in live use: calm
        runner = BlockRunner(self.bound, self.clock, emit=None,  # type: ignore[arg-type]
                             seq=arena.seq, prof=arena.prof, waiter=waiter)
        runner.rotating = True
        runner.profile = True
        runner.failed = set(failed)
        runner.set_jobs(jobs)
        names = self.segments
        worker_main(slot, runner, arena, conn, os.getppid(),
                    cleanup=lambda: unlink_names(names), last=last,
                    clock_version=self.clock.version)

    def share_sample_bank(self, bank: SampleBank, names: set[str]) -> None:
        """Move the sample bank's arena into shared memory once (workers read it, no copies).
        Sounds loaded later by a worker grow a private arena (rare; still correct)."""
        try:
            bank.preload(sorted(names))
            current = bank.arena
        except Exception:  # noqa: BLE001 - the bank stays as it is (fork shares it copy-on-write)
            return
        if current.size == 0:
            return
        layout = Layout()
        layout.add("samples", current.size, np.float32)
        arena = Arena(layout)
        self.extra_arenas.append(arena)
        shared = arena["samples"]
        shared[:] = current
        bank.move_arena(shared)               # same contents, now in shared memory

    # -- watching ------------------------------------------------------------------------------
    def begin_block(self, g: int) -> None:
        self.current = g
        self._block_t0 = time.monotonic()

    def check(self) -> None:
        """Called while the coordinator waits: raise `WorkerLost` for a dead worker; stop the
        workers still busy when the block has taken longer than `hang_s`."""
        for w in self.workers:
            if w.alive:
                try:
                    pid, status = os.waitpid(w.pid, os.WNOHANG)
                except ChildProcessError:
                    pid, status = w.pid, 0
                if pid:
                    w.status = status
                    raise WorkerLost(w)
        if time.monotonic() - self._block_t0 > self.hang_s:
            for w in self.workers:
                if w.alive and self.arena.done[w.slot] < self.current:
                    os.kill(w.pid, signal.SIGKILL)
                    self.reports.problem(f"worker {w.slot}", "hang",
                                         f"{w.name} did not answer for {self.hang_s:g} s; "
                                         "it was stopped")
            self._block_t0 = time.monotonic()

    def lost(self, w: WorkerState, block: int) -> None:
        """Worker `w` died in block number `block`: report it once; an isolated node is
        silenced, a balance worker's nodes are restarted in the coordinator (by the caller)."""
        w.alive = False
        self.drain(w)
        w.conn.close()
        status = w.status
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            how = f"killed by {signal.Signals(sig).name}" if sig in signal.valid_signals() \
                else f"killed by signal {sig}"
        else:
            how = f"exit code {os.WEXITSTATUS(status)}" if os.WIFEXITED(status) else "lost"
        names = ", ".join(f"{j.task.id} ({j.task.kind})" for j in w.jobs)
        if w.isolated:
            for j in w.jobs:
                j.silent = True
            msg = (f"isolated node {names} crashed its worker ({how}) in block {block}; "
                   "it is silent, everything else keeps playing")
        else:
            msg = (f"{w.name} (pid {w.pid}) died ({how}) in block {block}; its "
                   f"{len(w.jobs)} node(s) restarted in the coordinator")
        self.reports.problem(f"worker {w.slot}", "lost", msg)

    def drain(self, w: WorkerState) -> None:
        """Take the reports worker `w` sent since the last call."""
        if self.arena.reports[w.slot] == w.seen_reports and w.alive:
            return
        w.seen_reports = int(self.arena.reports[w.slot])
        try:
            while w.conn.poll():
                kind, task_id, message = w.conn.recv()
                if kind == "fatal":
                    self.reports.problem(f"worker {w.slot}", "fatal",
                                         f"worker {w.slot} failed:\n{message}")
                elif kind not in ("state", "state-done"):       # not a late hot-swap answer
                    self.reports.event(kind, task_id, message)
        except (EOFError, OSError):
            pass

    def send_clock(self) -> None:
        """A tempo change: every live worker takes the coordinator's clock whole."""
        for w in self.alive():
            w.conn.send(("clock", self.clock))

    # -- hot swap ------------------------------------------------------------------------------
    def collect_state(self, nodes: dict[str, Any], ring: Callable[[], None],
                      timeout: float = 1.0) -> list[str]:
        """Fetch the state of every node hosted by a live worker into the coordinator's copy
        (`nodes[id].state()` then returns it); the ids updated."""
        asked = []
        for w in self.alive():
            w.conn.send(("state", [j.task.id for j in w.jobs]))
            self.arena.requests[w.slot] += 1
            asked.append(w)
        ring()
        updated: list[str] = []
        deadline = time.monotonic() + timeout
        for w in asked:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not w.conn.poll(left):
                    self.reports.problem(f"worker {w.slot}", "state",
                                         f"{w.name} did not hand over its nodes' state in "
                                         "time; they start fresh after the swap")
                    break
                kind, nid, payload = w.conn.recv()
                if kind == "state-done":
                    break
                if kind == "state":
                    if payload is not None:
                        nodes[nid].state = (lambda st=payload: st)   # this copy hands it over
                        updated.append(nid)
                elif kind != "fatal":
                    self.reports.event(kind, nid, payload)
        return updated

    # -- stopping ------------------------------------------------------------------------------
    def stop(self, published: int, ring: Callable[[], None]) -> None:
        """Stop every worker (at most ~1 s, then SIGKILL); their CPU time goes to `cpu_s`."""
        ctl = self.arena.ctl
        ctl[STOP] = 1
        ctl[GO] = published + 1
        ring()
        deadline = time.monotonic() + 1.0
        for w in self.alive():
            while True:
                try:
                    pid, _, usage = os.wait4(w.pid, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid:
                    self.cpu_s += usage.ru_utime + usage.ru_stime
                    break
                if time.monotonic() > deadline:
                    os.kill(w.pid, signal.SIGKILL)
                    os.waitpid(w.pid, 0)
                    break
                time.sleep(0.0002)
            w.alive = False
            w.conn.close()

    def close_segments(self) -> None:
        self.arena.close()
        for a in self.extra_arenas:
            a.close()


def unlink_names(names: list[str]) -> None:
    """Unlink segments by name (a worker whose coordinator vanished without cleaning up)."""
    for name in names:
        unlink_name(name)

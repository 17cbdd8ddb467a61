"""ActorExecutor: node actors in forked worker processes, block buffers in shared memory.

Design (see docs/runtime.md):

- The Session builds everything in the coordinator (nodes, patterns, bound tasks). Patterns are
  Python closures, so workers are made with `os.fork()`: each worker inherits the bound graph
  and from then on runs only its own actors (node state lives in the worker: sticky placement).
- One shared-memory arena (`phonon.runtime.shm.Arena`) holds R ring slots per node output
  (block g writes slot g % R; no slot reuse between nodes, so nodes of different waves and
  blocks can overlap), the feedback buffers, one sequence number per node, the per-block
  records, control words and profile counters. Views are made once (R per task).
- Per block the coordinator writes the block's record (start, frames, index, check, tempo
  version) and bumps GO; in an offline render it publishes block g+1 before finishing g
  (pipelining, R = 3: see `run_block`). Every process
  refreshes its own tasks' triggers and stepped parameters (deterministic: same patterns, same
  clock) and runs its tasks in plan order; a task waits (spin, yield, futex) until each producer
  hosted elsewhere has published this block's sequence number. No asyncio, no pickling on the
  hot path: only node reports, tempo changes and faults travel through pipes.
- Cost model: the first blocks run every node in the coordinator and are timed; then
  `costmodel.place` ships heavy nodes to workers (cheap graphs stay inline, no fork at all).
  Nodes chosen for isolation (`isolate=` kinds or the `isolate` option of a node) each get their
  own worker from the first block.
- Faults: a worker that dies is noticed by the coordinator's waits (waitpid about every 2 ms,
  so within the block); its nodes are restarted in the coordinator (or silenced when they were
  isolated: a crashing plugin stays out), with a one-line report, and the block is completed.
  A worker that stops answering for `hang_s` is killed and handled the same way.
- Output is bit-identical to `InlineExecutor`: the same task code (`worker.TaskRunner`) runs the
  same nodes in the same dependency order on the same float32 buffers.
"""
from __future__ import annotations

import faulthandler
import gc
import multiprocessing
import os
import signal
import sys
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import numpy as np

from ..timing.clock import Clock
from ..lang.ir import GraphIR
from ..plan import Plan
from ..plugins.api import Node
from .binding import Bound, Task, bind
from .costmodel import COORDINATOR, PlacementInput, place
from .inline import DIAGNOSE_BLOCKS, _stderr_reporter
from .options import RuntimeOptions
from .shm import Arena, Layout, Waiter
from .worker import BLOCK_WORDS, CHECK, CLOCK, CTL_WORDS, FRAMES, GO, INDEX, START, STOP, Job, \
    TaskRunner, worker_main

WARMUP_BLOCKS = 8            # blocks timed in the coordinator before placement
WARMUP_MAX_BLOCKS = 24
WARMUP_MIN_S = 0.03          # ... and at least this much measured node time
PIPELINE_RING = 3
WORKER_MAX_SLEEP_S = 0.05


class WorkerLost(Exception):
    """Raised inside a wait when a worker process died."""


@dataclass
class WorkerState:
    slot: int                        # index into done/reports/sleepers (coordinator = 0)
    pid: int
    conn: Any
    jobs: list[Job]
    isolated: bool
    alive: bool = True
    seen_reports: int = 0
    status: int = 0                  # wait status once it died


@dataclass
class ProfileRow:
    id: str
    kind: str
    wave: int
    host: str
    us_per_block: float
    share: float


@dataclass
class Profile:
    rows: list[ProfileRow]
    blocks: int
    barrier_us_per_block: float          # coordinator time spent waiting for workers
    worker_wait_us_per_block: dict[str, float] = field(default_factory=dict)

    def table(self) -> str:
        """A plain-text table (also rendered with rich by `phonon render --profile`)."""
        lines = [f"{'node':40} {'kind':12} {'wave':>4} {'host':12} {'µs/block':>9} {'share':>6}"]
        for r in self.rows:
            lines.append(f"{r.id[:40]:40} {r.kind[:12]:12} {r.wave:>4} {r.host:12} "
                         f"{r.us_per_block:>9.1f} {100 * r.share:>5.1f}%")
        lines.append(f"barrier wait (coordinator): {self.barrier_us_per_block:.1f} µs/block "
                     f"over {self.blocks} blocks")
        for name, us in self.worker_wait_us_per_block.items():
            lines.append(f"wait in {name}: {us:.1f} µs/block")
        return "\n".join(lines)

    def rich_table(self):
        """The profile as a `rich.table.Table` (for `phonon render --profile`)."""
        from rich.table import Table
        t = Table(title=f"profile: {self.blocks} blocks", caption=self._caption())
        for col, just in (("node", "left"), ("kind", "left"), ("wave", "right"),
                          ("host", "left"), ("µs/block", "right"), ("share", "right")):
            t.add_column(col, justify=just)
        for r in self.rows:
            t.add_row(r.id, r.kind, str(r.wave), r.host, f"{r.us_per_block:.1f}",
                      f"{100 * r.share:.1f}%")
        return t

    def _caption(self) -> str:
        parts = [f"barrier wait (coordinator): {self.barrier_us_per_block:.1f} µs/block"]
        parts += [f"wait in {k}: {v:.1f} µs/block"
                  for k, v in self.worker_wait_us_per_block.items()]
        return "; ".join(parts)


def unique_slots(plan: Plan) -> Plan:
    """The plan with one slot per node (no reuse: tasks of different waves may overlap)."""
    order = plan.order
    return replace(plan, slots={nid: i for i, nid in enumerate(order)}, n_slots=len(order))


class ActorExecutor:
    """Runs a bound graph with node actors in worker processes (see the module doc)."""

    def __init__(self, graph: GraphIR, plan: Plan, nodes: dict[str, Node], clock: Clock,
                 block: int, *, workers: int = 1, options: RuntimeOptions | None = None,
                 reporter: Callable[[str], None] | None = None, bank: Any = None,
                 start: int = 0) -> None:
        """`options.defer_fork` starts the workers at the first block instead of now: a live
        hot swap loads the predecessor's node state after construction, and the workers must
        inherit it."""
        options = options or RuntimeOptions()
        isolate, placement, hang_s = options.isolate, options.placement, options.hang_s
        cores, profile, pipeline = options.cores, options.profile, options.pipeline
        defer_fork = options.defer_fork
        self.graph = graph
        self.plan = unique_slots(plan)
        self.clock = clock
        self.block = block
        self.sr = clock.sr
        self.workers = max(0, int(workers))
        self.report = reporter or _stderr_reporter
        self.placement = placement
        self.hang_s = hang_s
        self.cores = cores or len(os.sched_getaffinity(0))
        self.bank = bank
        self.problems: list[str] = []
        self.failed: set[str] = set()
        self.reset_nodes: set[str] = set()
        self._reported: set[tuple[str, str]] = set()
        isolate = set(isolate)

        order = self.plan.order
        n = len(order)
        self.index_of = {nid: i for i, nid in enumerate(order)}
        self.wave_of = {nid: w for w, wave in enumerate(self.plan.waves) for nid in wave}
        self.producers = [sorted({self.index_of[e.node] for e in graph.nodes[nid].edges()
                                  if not e.delayed}) for nid in order]
        iso = [i for i, nid in enumerate(order)
               if graph.nodes[nid].kind in isolate or graph.nodes[nid].options.get("isolate")]
        self.max_procs = 1 + self.workers + len(iso)
        # R ring slots per output: with R = 3 block g+1 may run while block g finishes (a slot
        # is rewritten 3 blocks later, after its readers, also feedback readers, are done).
        self.ring = PIPELINE_RING if pipeline and (self.workers or iso) else 1

        layout = Layout()
        layout.add("slots", (self.ring, max(n, 1), 2, block), np.float32)
        layout.add("prev", (max(len(self.plan.delayed), 1), 2, block), np.float32)
        layout.add("seq", n, np.int64)
        layout.add("prof", (max(n, 1), 2), np.int64)
        layout.add("ctl", CTL_WORDS, np.int64)
        layout.add("blocks", (self.ring, BLOCK_WORDS), np.int64)
        layout.add("done", self.max_procs, np.int64)
        layout.add("reports", self.max_procs, np.int64)
        layout.add("sleepers", self.max_procs, np.int64)
        layout.add("waited", self.max_procs, np.int64)
        layout.add("requests", self.max_procs, np.int64)
        layout.add("bell", 1, np.int32)
        self.arena = Arena(layout)
        self._arenas = [self.arena]
        a = self.arena
        self.seq, self.prof, self.ctl = a["seq"], a["prof"], a["ctl"]
        self.blocks = a["blocks"]
        self.done, self.reports, self.waited = a["done"], a["reports"], a["waited"]
        slots = a["slots"]
        if self.ring > 1:        # a feedback edge reads the writer's slot of the previous block
            prev = [slots[self.ring - 1, self.index_of[w]] for w in self.plan.delayed]
        else:
            prev = a["prev"]
        try:
            self.bound: Bound = bind(graph, self.plan, nodes, clock, block, start,
                                     slots=slots[0], prev_buffers=prev)
        except BaseException:                  # e.g. a PhononError: nothing may stay in /dev/shm
            self.arena.close()
            raise
        self.waiter = self._waiter(0)
        self.runner = TaskRunner(self.bound, clock, self.seq, self.prof, self.waiter, self._emit,
                                 ring=self.ring)
        # Until a worker exists every block uses ring slot 0 (a third of the memory traffic:
        # cache-friendly, as fast as inline); feedback reads then go through a copy.
        self.runner.rotating = False
        self._profile = profile
        self.jobs = [Job(task=t, index=i, rings=self._ring_views(t))
                     for i, t in enumerate(self.bound.tasks)]
        self.host = {i: COORDINATOR for i in range(n)}
        self.host_name = {COORDINATOR: "coordinator"}
        self.workers_state: list[WorkerState] = []
        self._next_slot = 1
        self._pending: list[tuple[int, bool]] = []        # (slot, isolated) to fork
        self._go = 0                     # blocks completed
        self._current = 0                # the block being computed
        self._published = 0              # blocks published to the workers (<= _go + 1)
        self._ahead: tuple[int, int] | None = None     # (next start, end) of a planned render
        self._index = 0
        self._diagnose = 0
        self._found = 0
        self._clock_version = clock.version
        self._placed = self.workers == 0 or placement == "none"
        self._prof_base: np.ndarray | None = None
        self._prof_first: np.ndarray | None = None
        self._warm = 0
        self._out = np.zeros((2, block), dtype=np.float32)
        m = self.bound.master
        watch = m.ins[0] if len(m.ins) == 1 else m.out
        self._master_rings = [self._shift(m.out, r) for r in range(self.ring)]
        self._clean_master = (getattr(m.node, "clean_output", False) and len(m.ins) == 1
                              and m.out.shape[0] == 2)
        self._watch_rings = [self._shift(watch, r) for r in range(self.ring)]
        self._closed = False
        self._owner = os.getpid()
        self.worker_cpu_s = 0.0          # CPU time of the stopped workers (set by close)

        for i in iso:                                   # isolated: own worker, from block 0
            self._assign([i], isolated=True)
        if not self._placed and placement == "all":
            self._place_all()
        self._sync_jobs()
        self._first_fork = defer_fork
        if not defer_fork:
            self._fork_pending()

    # -- ring views ----------------------------------------------------------------------------
    def _shift(self, view: np.ndarray, r: int) -> np.ndarray:
        """The same view `r` ring slots further (views outside the ring slots are kept)."""
        if self.ring == 1 or r == 0:
            return view
        slots = self.arena["slots"]
        base = slots.__array_interface__["data"][0]
        stride = slots.strides[0]
        offset = view.__array_interface__["data"][0] - base
        if not 0 <= offset < stride * self.ring:
            return view
        q, rest = divmod(offset, stride)
        shifted = ((q + r) % self.ring) * stride + rest
        return np.lib.stride_tricks.as_strided(
            slots.reshape(-1).view(np.uint8)[shifted:].view(view.dtype),
            shape=view.shape, strides=view.strides, writeable=True)

    def _ring_views(self, t: Task) -> list[tuple]:
        """(ins, out, modulation sources) of a task for each ring slot."""
        rings = []
        for r in range(self.ring):
            mods = []
            for m in t.modulations:
                src = self._shift(m.source, r)
                mods.append((src[0], src[1] if src.shape[0] > 1 else src[0], m.buffer))
            rings.append(([self._shift(x, r) for x in t.ins], self._shift(t.out, r), tuple(mods)))
        return rings

    # -- placement ---------------------------------------------------------------------------
    def _waiter(self, me: int) -> Waiter:
        a = self.arena
        return Waiter(a["bell"], a.address_of("bell"), a["sleepers"], me)

    def _assign(self, indices: list[int], isolated: bool) -> None:
        slot = self._next_slot
        self._next_slot += 1
        for i in indices:
            self.host[i] = slot
        self.host_name[slot] = f"isolated {slot}" if isolated else f"worker {slot}"
        self._pending.append((slot, isolated))

    def _place_all(self) -> None:
        """Test/diagnostic placement: every non-isolated node goes to a worker, round robin
        within each wave (the coordinator only synchronises)."""
        k = 0
        groups: dict[int, list[int]] = {w: [] for w in range(self.workers)}
        for wave in self.plan.waves:
            for nid in wave:
                i = self.index_of[nid]
                if self.host[i] == COORDINATOR:
                    groups[k % self.workers].append(i)
                    k += 1
        for w in range(self.workers):
            if groups[w]:
                self._assign(groups[w], isolated=False)
        self._placed = True

    def _place_measured(self) -> None:
        base = self._prof_base if self._prof_base is not None else np.zeros_like(self.prof)
        blocks = max(1, self._warm - 1)
        inputs = []
        for i, nid in enumerate(self.plan.order):
            if self.host[i] != COORDINATOR:
                continue
            us = float(self.prof[i, 0] - base[i, 0]) / 1e3 / blocks
            inputs.append(PlacementInput(i, self.wave_of[nid], us, self.producers[i]))
        hosts = place(inputs, self.workers, self.cores)
        groups: dict[int, list[int]] = {}
        for i, h in hosts.items():
            if h != COORDINATOR:
                groups.setdefault(h, []).append(i)
        for h in sorted(groups):
            self._assign(groups[h], isolated=False)
        self._placed = True

    def _sync_jobs(self) -> None:
        """Recompute which producers each job waits for and which jobs must ring."""
        host = {i: h for i, h in self.host.items()}
        for w in self.workers_state:
            if not w.alive:
                for j in w.jobs:
                    host[j.index] = COORDINATOR
        for j in self.jobs:
            j.remote = [p for p in self.producers[j.index] if host[p] != host[j.index]]
            j.shared = False
        for j in self.jobs:
            for p in j.remote:
                self.jobs[p].shared = True
        self._host_now = host
        self.runner.set_jobs([j for j in self.jobs if host[j.index] == COORDINATOR])

    def _fork_pending(self) -> None:
        """Start the workers assigned since the last call (at a block boundary)."""
        pending, self._pending = self._pending, []
        self.runner.profile = self._profile or not self._placed
        if not pending:
            return
        self.seq[:] = self._go                 # every task is published up to this block
        if self.ring > 1 and not self.runner.rotating:
            self._start_rotating()
        crowded = 1 + len(self.workers_state) + len(pending) > self.cores
        self.waiter.oversubscribed(crowded)
        if self.bank is not None:
            self._share_sample_bank()
        parent = os.getpid()
        gc.freeze()          # workers' collections then never touch (copy) the inherited objects
        try:
            self._fork_each(pending, parent, crowded)
        finally:
            gc.unfreeze()

    def _start_rotating(self) -> None:
        """From ring slot 0 only to all R slots: the next block's feedback readers look for the
        last block's output in slot `_go % R`, so put it there."""
        slots = self.arena["slots"]
        r = self._go % self.ring
        for w in self.plan.delayed:
            i = self.index_of[w]
            if r:
                slots[r, i] = slots[0, i]
        self.runner.rotating = True

    def _fork_each(self, pending: list[tuple[int, bool]], parent: int, crowded: bool) -> None:
        for slot, isolated in pending:
            jobs = [j for j in self.jobs if self.host[j.index] == slot]
            ours, theirs = multiprocessing.Pipe(duplex=True)
            self.done[slot] = self._go
            self.reports[slot] = 0
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:                                 # -- the worker
                try:
                    # a node crashing its worker is reported by the coordinator in one line;
                    # the interpreter's fatal-error dump would only repeat it as noise
                    faulthandler.disable()
                    ours.close()
                    waiter = self._waiter(slot)
                    waiter.oversubscribed(crowded)
                    waiter.max_sleep_s = WORKER_MAX_SLEEP_S       # idle in live use: calm
                    runner = TaskRunner(self.bound, self.clock, self.seq, self.prof,
                                        waiter, emit=None, ring=self.ring)  # type: ignore
                    runner.failed = set(self.runner.failed)
                    runner.set_jobs(jobs)
                    names = [a.name for a in self._arenas]
                    worker_main(slot, runner, self.ctl, self.blocks, self.done, self.reports,
                                self.waited, self.arena["requests"], theirs, parent,
                                cleanup=lambda: _unlink_names(names), last=self._go,
                                clock_version=self.clock.version)
                finally:
                    os._exit(70)
            theirs.close()
            self.workers_state.append(WorkerState(slot, pid, ours, jobs, isolated))

    def _share_sample_bank(self) -> None:
        """Move the sample bank's arena into shared memory once (workers read it, no copies).
        Sounds loaded later by a worker grow a private arena (rare; still correct)."""
        bank, self.bank = self.bank, None
        names = getattr(self.graph, "samples", None) or ()
        try:
            bank.preload(names)
            current = bank.arena
        except Exception:  # noqa: BLE001 - the bank stays as it is (fork shares it copy-on-write)
            return
        if not hasattr(bank, "_arena") or current.size == 0:
            return
        layout = Layout()
        layout.add("samples", current.size, np.float32)
        arena = Arena(layout)
        self._arenas.append(arena)
        shared = arena["samples"]
        shared[:] = current
        bank._arena = shared                  # same contents, now in shared memory

    # -- reporting ---------------------------------------------------------------------------
    def _problem(self, task_id: str, what: str, message: str) -> None:
        key = (task_id, what)
        if key in self._reported:
            return
        self._reported.add(key)
        self.problems.append(message)
        self.report(message)

    def _emit(self, kind: str, task: Task, message: str) -> None:
        self._event(kind, task.id, message)

    def _event(self, kind: str, task_id: str, message: str) -> None:
        if kind == "exception":
            self.failed.add(task_id)
            self._problem(task_id, "exception", message)
        elif kind == "nonfinite":
            self.reset_nodes.add(task_id)
            self._problem(task_id, "nonfinite", message)
        else:
            self._problem(task_id, kind, message)

    def _drain(self, w: WorkerState) -> None:
        if self.reports[w.slot] == w.seen_reports and w.alive:
            return
        w.seen_reports = int(self.reports[w.slot])
        try:
            while w.conn.poll():
                kind, task_id, message = w.conn.recv()
                if kind == "fatal":
                    self._problem(f"worker {w.slot}", "fatal",
                                  f"worker {w.slot} failed:\n{message}")
                elif kind in ("state", "state-done"):       # a late hot-swap answer
                    pass
                else:
                    self._event(kind, task_id, message)
        except (EOFError, OSError):
            pass

    # -- faults ------------------------------------------------------------------------------
    def _peer_check(self) -> None:
        for w in self.workers_state:
            if w.alive:
                try:
                    pid, status = os.waitpid(w.pid, os.WNOHANG)
                except ChildProcessError:
                    pid, status = w.pid, 0
                if pid:
                    w.status = status
                    raise WorkerLost(w)
        if time.monotonic() - self._block_t0 > self.hang_s:
            for w in self.workers_state:
                if w.alive and self.done[w.slot] < self._current:
                    os.kill(w.pid, signal.SIGKILL)
                    self._problem(f"worker {w.slot}", "hang",
                                  f"{self.host_name[w.slot]} did not answer for "
                                  f"{self.hang_s:g} s; it was stopped")
            self._block_t0 = time.monotonic()

    def _lost(self, w: WorkerState, start: int, frames: int) -> None:
        w.alive = False
        self._drain(w)
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
            msg = (f"isolated node {names} crashed its worker ({how}) in block {self._index}; "
                   "it is silent, everything else keeps playing")
        else:
            msg = (f"{self.host_name[w.slot]} (pid {w.pid}) died ({how}) in block "
                   f"{self._index}; its {len(w.jobs)} node(s) restarted in the coordinator")
        self._problem(f"worker {w.slot}", "lost", msg)
        self._sync_jobs()
        todo = [j for j in w.jobs if self.seq[j.index] < self._current]
        self.runner.refresh(self._current - 1, start, frames, jobs=todo)

    # -- running -----------------------------------------------------------------------------
    def plan_ahead(self, start: int, frames: int) -> None:
        """`Session.render` announces that blocks of the prepared size follow, covering
        [start, start + frames): the next block may then be published while this one is
        finishing (pipelining over the ring slots). `frames=0` ends the plan."""
        self._ahead = (start, start + frames) if self.ring > 1 and frames > 0 else None

    def _publish(self, g: int, start: int, frames: int, live: list[WorkerState]) -> None:
        clock = self.clock
        if clock.version != self._clock_version:
            self._clock_version = clock.version
            for w in live:
                w.conn.send(("clock", clock))                      # the whole mapping, pickled
        rec = self.blocks[g % self.ring]
        rec[START], rec[FRAMES], rec[CHECK] = start, frames, int(self._diagnose > 0)
        rec[INDEX], rec[CLOCK] = g - 1, clock.version
        self._published = g
        if live:
            self.ctl[GO] = g
            self.waiter.ring()

    def run_block(self, start: int, frames: int | None = None) -> np.ndarray:
        """Compute samples [start, start+frames); returns a (2, frames) view of the output."""
        block = self.block
        frames = block if frames is None else frames
        if not 0 < frames <= block:
            raise ValueError(f"frames must be in 1..{block}, got {frames}")
        if self._closed:
            raise RuntimeError("the executor is closed")
        if self._first_fork:
            self._first_fork = False
            self._fork_pending()
        if self._placed and not self.workers_state and not self._profile:
            return self._run_alone(start, frames)
        live = [w for w in self.workers_state if w.alive]
        g = self._current = self._go + 1
        if self._published < g:
            self._publish(g, start, frames, live)
        rec = self.blocks[g % self.ring]
        if rec[START] != start or rec[FRAMES] != frames:
            raise RuntimeError(f"block {g - 1} was published ahead as [{rec[START]}, "
                               f"+{rec[FRAMES]}), asked for [{start}, +{frames})")
        ahead = self._ahead
        if ahead is not None and live and self._placed:           # pipelining: publish g+1
            nxt = start + frames
            if nxt < ahead[1]:
                self._publish(g + 1, nxt, min(block, ahead[1] - nxt), live)
        check = bool(rec[CHECK])
        self._block_t0 = time.monotonic()
        self.runner.refresh(g - 1, start, frames)
        while True:
            try:
                self.runner.run(g, frames, check, self._peer_check)
                for w in self.workers_state:
                    if w.alive and self.done[w.slot] < g:
                        self.waiter.wait(self.done, w.slot, g, self._peer_check)
                break
            except WorkerLost as e:
                self._lost(e.args[0], start, frames)
                self.runner.resuming = True           # skip what this block already has
        self.runner.resuming = False
        for w in self.workers_state:
            self._drain(w)
        if check:
            self._diagnose -= 1
            if not self._diagnose and len(self.reset_nodes) == self._found:
                self._problem(self.bound.master.id, "transient",
                              "NaN/Inf reached the master and was silenced; "
                              "no node kept producing it")
        if self.ring == 1 or not self.runner.rotating:
            for out, prev in self.bound.delayed:           # ring 0 only: prev is a copy
                np.copyto(prev, out)
        self._go = g
        self._index += 1
        result = self._finish(frames, g % self.ring if self.runner.rotating else 0)
        if self._index == 1:
            self._prof_first = self.prof.copy()
        if not self._placed:
            self._warmup_step(frames)
        return result

    def _run_alone(self, start: int, frames: int) -> np.ndarray:
        """No worker at all (a light graph): the inline executor's loop, nothing more."""
        g = self._current = self._published = self._go + 1
        check = self._diagnose > 0
        self.runner.refresh(g - 1, start, frames)
        self.runner.run(g, frames, check)
        if check:
            self._diagnose -= 1
            if not self._diagnose and len(self.reset_nodes) == self._found:
                self._problem(self.bound.master.id, "transient",
                              "NaN/Inf reached the master and was silenced; "
                              "no node kept producing it")
        for out, prev in self.bound.delayed:
            np.copyto(prev, out)
        self._go = g
        self._index += 1
        return self._finish(frames, 0)

    def _warmup_step(self, frames: int) -> None:
        self._warm += 1
        if self._warm == 1:                       # the first block pays for JIT compiles
            self._prof_base = self.prof.copy()
            return
        measured = float((self.prof[:, 0] - self._prof_base[:, 0]).sum()) / 1e9
        if self._warm >= WARMUP_BLOCKS and (measured >= WARMUP_MIN_S
                                            or self._warm >= WARMUP_MAX_BLOCKS):
            self._place_measured()
            self._sync_jobs()
            self._fork_pending()

    def _finish(self, frames: int, r: int) -> np.ndarray:
        m = self.bound.master
        if self._clean_master and self._host_now[self.index_of[m.id]] == COORDINATOR:
            # a master stage that cleans its own output and says whether its input was finite
            # (as InlineExecutor): no second check, clip or copy
            if not m.node.input_finite and not self._diagnose:
                self._diagnose = DIAGNOSE_BLOCKS
                self._found = len(self.reset_nodes)
            return self._master_rings[r][:, :frames]
        master = self._master_rings[r][:, :frames]
        result = self._out[:, :frames]
        watch = self._watch_rings[r][:, :frames]
        if not (np.isfinite(np.add.reduce(watch, axis=None))
                and np.isfinite(np.add.reduce(master, axis=None))):
            np.nan_to_num(master, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
            if not self._diagnose:
                self._diagnose = DIAGNOSE_BLOCKS
                self._found = len(self.reset_nodes)
        np.clip(master, -1.0, 1.0, out=result)
        return result

    # -- hot swap --------------------------------------------------------------------------------
    def collect_state(self, timeout: float = 1.0) -> list[str]:
        """Fetch the state of every node hosted by a live worker, so that `node.state()` on
        the coordinator's copy (what a hot swap hands to the successor) returns the worker's
        current state instead of the fork-time one. Returns the ids updated. Call it between
        blocks, before `live.swap.transfer_state(old, new)`."""
        requests = self.arena["requests"]
        asked = []
        for w in self.workers_state:
            if w.alive:
                w.conn.send(("state", [j.task.id for j in w.jobs]))
                requests[w.slot] += 1
                asked.append(w)
        self.waiter.ring()
        updated: list[str] = []
        nodes = {j.task.id: j.task.node for j in self.jobs}
        deadline = time.monotonic() + timeout
        for w in asked:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not w.conn.poll(left):
                    self._problem(f"worker {w.slot}", "state",
                                  f"{self.host_name[w.slot]} did not hand over its nodes' "
                                  "state in time; they start fresh after the swap")
                    break
                kind, nid, payload = w.conn.recv()
                if kind == "state-done":
                    break
                if kind == "state":
                    if payload is not None:
                        nodes[nid].state = (lambda st=payload: st)   # this copy hands it over
                        updated.append(nid)
                elif kind != "fatal":
                    self._event(kind, nid, payload)
        return updated

    # -- introspection -------------------------------------------------------------------------
    @property
    def worker_pids(self) -> list[int]:
        return [w.pid for w in self.workers_state if w.alive]

    def profile(self) -> Profile:
        """Per-node cost (µs per block over the whole run so far), host and wave."""
        blocks = max(1, self._index)
        prof = self.prof.copy()
        if self._prof_first is not None and self._index > 1:     # steady state: skip block 0
            prof -= self._prof_first                             # (JIT compiles, sample loads)
        us = [float(prof[i, 0]) / 1e3 / max(1, int(prof[i, 1]))
              for i in range(len(self.plan.order))]
        total = sum(us) or 1.0
        host = getattr(self, "_host_now", self.host)
        rows = [ProfileRow(nid, self.graph.nodes[nid].kind, self.wave_of[nid],
                           self.host_name.get(host[i], "?"), us[i], us[i] / total)
                for i, nid in enumerate(self.plan.order)]
        waits = {self.host_name[w.slot]: float(self.waited[w.slot]) / 1e3 / blocks
                 for w in self.workers_state}
        return Profile(rows, self._index, self.waiter.waited_ns / 1e3 / blocks, waits)

    # -- shutdown ----------------------------------------------------------------------------
    def close(self) -> None:
        """Stop the workers (at most ~1 s) and unlink the shared memory."""
        if self._closed:
            return
        self._closed = True
        try:
            self.ctl[STOP] = 1
            self.ctl[GO] = self._published + 1
            self.waiter.ring()
            deadline = time.monotonic() + 1.0
            for w in self.workers_state:
                if not w.alive:
                    continue
                while True:
                    try:
                        pid, _, usage = os.wait4(w.pid, os.WNOHANG)
                    except ChildProcessError:
                        break
                    if pid:
                        self.worker_cpu_s += usage.ru_utime + usage.ru_stime
                        break
                    if time.monotonic() > deadline:
                        os.kill(w.pid, signal.SIGKILL)
                        os.waitpid(w.pid, 0)
                        break
                    time.sleep(0.0002)
                w.alive = False
                w.conn.close()
        finally:
            for a in self._arenas:
                a.close()

    def __del__(self) -> None:
        try:
            if not self._closed and os.getpid() == self._owner:
                self.close()
        except Exception:  # noqa: BLE001
            pass


def _unlink_names(names: list[str]) -> None:
    from multiprocessing import shared_memory
    for name in names:
        try:
            seg = shared_memory.SharedMemory(name=name)
            seg.unlink()
        except FileNotFoundError:
            pass

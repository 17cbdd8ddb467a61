"""ActorExecutor: node actors in forked worker processes, block buffers in shared memory.

It is the inline executor (`InlineExecutor`: one `BlockRunner`, the master guard, the
reporter) over a shared-memory arena, plus workers. Design (docs/runtime.md):

- The Session builds everything in this process, the coordinator (nodes, patterns, bound
  tasks). Patterns are Python closures, so workers are made with `os.fork()`
  (`supervisor.Supervisor`); each inherits the bound graph and from then on runs only its own
  tasks (sticky placement: `placement.Placement`).
- The arena (`layout.ActorArena`) holds R ring slots per node output (block g writes slot
  g % R), the feedback buffers, one sequence number per node, the per-block records, control
  words and profile counters; `bind` builds every task's views of every ring slot once.
- Until a worker exists (light graphs, where the cost model starts none, and the first timed
  blocks) a block is exactly the inline one. With workers, the coordinator writes the block's
  record and bumps GO; in an offline render it publishes block g+1 before finishing g
  (pipelining, R = 3). Every process refreshes its own tasks and runs them in plan order; a
  task waits (spin, yield, futex) until each producer hosted elsewhere has published. No
  pickling on the hot path: only node reports, tempo changes and faults travel through pipes.
- Faults: a dead worker is seen within the block; its nodes restart in the coordinator (or an
  isolated node goes silent) with a one-line report, and the block completes.
- Output is bit-identical to `InlineExecutor`: the same runner code runs the same nodes in the
  same dependency order on the same float32 buffers.
"""
from __future__ import annotations

import os
from typing import Any, Callable

import numpy as np

from ..lang.ir import GraphIR, NodeIR, PatternArg
from ..patterns.live import is_live
from ..plan import Plan
from ..plugins.api import Node
from ..samples.bank import SampleBank
from ..timing.clock import Clock
from .binding import bind
from .blocks import BlockRunner
from .costmodel import COORDINATOR, NO_WORKER
from .inline import InlineExecutor
from .layout import CHECK, CLOCK, FRAMES, GO, INDEX, START, ActorArena, unique_slots
from .machine import available_cores, runnable_tasks, worker_budget
from .options import RuntimeOptions
from .placement import Placement
from .profile import Profile, build_profile
from .supervisor import Supervisor, WorkerLost, WorkerState

WARMUP_BLOCKS = 8            # blocks timed in the coordinator before placement
WARMUP_MAX_BLOCKS = 24
WARMUP_MIN_S = 0.01          # ... and at least this much measured node time (or the max)
PIPELINE_RING = 3


def plays_live(n: NodeIR) -> bool:
    """Does the node read a live source (`phonon.patterns.live`) through a pattern argument?"""
    return any(isinstance(a, PatternArg) and is_live(a.pattern) for a in n.params.values())


class ActorExecutor(InlineExecutor):
    """Runs a bound graph with node actors in worker processes (see the module doc)."""

    def __init__(self, graph: GraphIR, plan: Plan, nodes: dict[str, Node], clock: Clock,
                 block: int, *, workers: int = 1, options: RuntimeOptions | None = None,
                 reporter: Callable[[str], None] | None = None, bank: Any = None,
                 start: int = 0) -> None:
        """`options.defer_fork` starts the workers at the first block instead of now: a live
        hot swap loads the predecessor's node state after construction, and the workers must
        inherit it."""
        options = options or RuntimeOptions()
        self.graph = graph
        self.plan = unique_slots(plan)
        self.options = options
        self.cores = options.cores or available_cores()
        self.requested = max(0, int(workers))
        # nodes that use the session process's own resources (MIDI ports), or play a live
        # source (`midinote`: its notes arrive in this process), never leave it
        pinned = {nid for nid, node in nodes.items()
                  if type(node).in_process or plays_live(graph.nodes[nid])}
        self.placement = Placement(graph, self.plan, options.isolate, pinned=pinned)
        isolated = len(self.placement.isolated)
        # `-j N` means up to N: never more busy processes than cores (unless `placement="all"`
        # or `options.cores` asks for it); the coordinator and isolated workers count
        self.workers = self.requested if options.placement == "all" else \
            worker_budget(self.requested, self.cores, 1 + isolated)
        self._runnable: list[float] = []           # runnable tasks seen during the warm-up
        # R ring slots per output: with R = 3 block g+1 may run while block g finishes (a slot
        # is rewritten 3 blocks later, after its readers, also feedback readers, are done).
        self.ring = PIPELINE_RING if options.pipeline and (self.workers or isolated) else 1
        self.arena = ActorArena(len(self.plan.order), len(self.plan.delayed), block, self.ring,
                                procs=1 + self.workers + isolated)
        try:
            bound = bind(graph, self.plan, nodes, clock, block, start,
                         slots=self.arena.slots, prev_buffers=self.arena.prev)
        except BaseException:                  # e.g. a PhononError: nothing may stay in /dev/shm
            self.arena.close()
            raise
        self.waiter = self.arena.waiter(0)
        super().__init__(bound, clock, reporter, profile=options.profile)
        self.jobs = list(self.runner.jobs)     # every task, in plan order
        self.supervisor = Supervisor(self.arena, bound, clock, self.reports, options.hang_s)
        self.bank = bank if isinstance(bank, SampleBank) else None
        self._published = 0              # blocks published to the workers (<= index + 1)
        self._ahead: tuple[int, int] | None = None     # (next start, end) of a planned render
        self._clock_version = clock.version
        self._warm = 0
        self._prof_base: np.ndarray | None = None
        self._closed = False
        self._owner = os.getpid()
        if self.workers == 0 or options.placement == "none":
            why = "placement 'none'" if options.placement == "none" else NO_WORKER
            self.placement.keep_all(why, self._no_workers_reason())
        elif options.placement == "all":
            self.placement.all_to_workers(self.workers)
        self._sync_jobs()
        self._first_fork = options.defer_fork
        if not options.defer_fork:
            self._fork_pending()

    def _no_workers_reason(self) -> str:
        if self.options.placement == "none":
            return "placement 'none': every node in the coordinator"
        if self.requested == 0:
            return "no balance workers asked for"
        return (f"-j {self.requested}: no balance worker fits on {self.cores} core(s) beside the "
                f"coordinator{' and the isolated workers' if self.placement.isolated else ''}")

    def _make_runner(self) -> BlockRunner:
        return BlockRunner(self.bound, self.clock, self.reports.event, seq=self.arena.seq,
                           prof=self.arena.prof, waiter=self.waiter)

    # -- placement and forking -----------------------------------------------------------------
    def _sync_jobs(self) -> None:
        """Who hosts each task now, what each task waits for, what this process runs."""
        dead = {w.slot for w in self.supervisor.workers if not w.alive}
        host = self._host_now = self.placement.hosts_now(dead)
        self.placement.link(self.jobs, host)
        self.runner.set_jobs([j for j in self.jobs if host[j.index] == COORDINATOR])
        master = self.placement.index_of[self.bound.master.id]
        self.guard.clean = self.guard.trusts_master and host[master] == COORDINATOR

    def _fork_pending(self) -> None:
        """Start the workers assigned since the last call (at a block boundary)."""
        pending = self.placement.take_pending()
        self.runner.profile = self.options.profile or not self.placement.decided
        if not pending:
            return
        self.arena.seq[:] = self.index            # every task is published up to this block
        if self.ring > 1 and not self.runner.rotating:
            self._start_rotating()
        sup = self.supervisor
        crowded = 1 + len(sup.workers) + len(pending) > self.cores
        self.waiter.oversubscribed(crowded)
        if self.bank is not None:
            sup.share_sample_bank(self.bank, self.graph.samples)
            self.bank = None
        for slot, isolated in pending:
            jobs = [j for j in self.jobs if self.placement.host[j.index] == slot]
            sup.fork(slot, self.placement.names[slot], jobs, isolated, self.index, crowded,
                     self.runner.failed)

    def _start_rotating(self) -> None:
        """From ring slot 0 only to all R slots: the next block's feedback readers look for the
        last block's output in slot `index % R`, so put it there."""
        slots = self.arena.slots
        r = self.index % self.ring
        if r:
            for w in self.plan.delayed:
                i = self.placement.index_of[w]
                slots[r, i] = slots[0, i]
        self.runner.rotating = True

    def _warmup_step(self) -> None:
        """After each of the first blocks (every node timed here): place by cost, once."""
        prof = self.arena.prof
        self._warm += 1
        if self._warm == 1:                       # the first block pays for JIT compiles
            self._prof_base = prof.copy()
            return
        self._runnable.append(runnable_tasks())
        spent = prof[:, 0] - self._prof_base[:, 0]
        if self._warm >= WARMUP_BLOCKS and (float(spent.sum()) / 1e9 >= WARMUP_MIN_S
                                            or self._warm >= WARMUP_MAX_BLOCKS):
            blocks = self._warm - 1
            cost_us = [float(spent[i]) / 1e3 / blocks for i in range(len(self.plan.order))]
            allowed, note = self._free_workers()
            self.placement.by_cost(cost_us, allowed, self.cores)
            self.placement.reason += note
            self._sync_jobs()
            self._fork_pending()

    def _free_workers(self) -> tuple[int, str]:
        """The balance workers that fit beside what else kept the cores busy during the
        warm-up (unless the cores were given explicitly), and a note when that is fewer."""
        if self.options.cores is not None or not self._runnable:
            return self.workers, ""
        ours = 1 + len(self.supervisor.alive())          # the coordinator and its workers
        others = max(0.0, sum(self._runnable) / len(self._runnable) - ours)
        busy = 1 + len(self.placement.isolated) + others
        allowed = worker_budget(self.workers, self.cores, busy)
        if allowed == self.workers:
            return allowed, ""
        return allowed, (f" (other jobs kept {others:.1f} tasks runnable during the first "
                         f"blocks: {allowed} worker(s) fit beside them on {self.cores} cores)")

    # -- running -------------------------------------------------------------------------------
    def plan_ahead(self, start: int, frames: int) -> None:
        """`Session.render` announces that blocks of the prepared size follow, covering
        [start, start + frames): the next block may then be published while this one is
        finishing (pipelining over the ring slots). `frames=0` ends the plan."""
        self._ahead = (start, start + frames) if self.ring > 1 and frames > 0 else None

    def run_block(self, start: int, frames: int | None = None) -> np.ndarray:
        """Compute samples [start, start+frames); returns a (2, frames) view of the output."""
        frames = self.check_frames(frames)
        if self._closed:
            raise RuntimeError("the executor is closed")
        if self._first_fork:
            self._first_fork = False
            self._fork_pending()
        if self.supervisor.workers:
            out = self._run_with_workers(start, frames)
        else:                                   # everything here: the inline block
            out = super().run_block(start, frames)
        if not self.placement.decided:
            self._warmup_step()
        return out

    def _publish(self, g: int, start: int, frames: int, live: list[WorkerState]) -> None:
        clock = self.clock
        if clock.version != self._clock_version:
            self._clock_version = clock.version
            self.supervisor.send_clock()
        rec = self.arena.blocks[g % self.ring]
        rec[START], rec[FRAMES], rec[CHECK] = start, frames, int(self.guard.checking)
        rec[INDEX], rec[CLOCK] = g - 1, clock.version
        self._published = g
        if live:
            self.arena.ctl[GO] = g
            self.waiter.ring()

    def _run_with_workers(self, start: int, frames: int) -> np.ndarray:
        sup, done = self.supervisor, self.arena.done
        live = sup.alive()
        g = self.index + 1
        if self._published < g:
            self._publish(g, start, frames, live)
        rec = self.arena.blocks[g % self.ring]
        if rec[START] != start or rec[FRAMES] != frames:
            raise RuntimeError(f"block {g - 1} was published ahead as [{rec[START]}, "
                               f"+{rec[FRAMES]}), asked for [{start}, +{frames})")
        ahead = self._ahead
        if ahead is not None and live and self.placement.decided:    # pipelining: publish g+1
            nxt = start + frames
            if nxt < ahead[1]:
                self._publish(g + 1, nxt, min(self.block, ahead[1] - nxt), live)
        check = bool(rec[CHECK])
        sup.begin_block(g)
        self.runner.refresh(g - 1, start, frames)
        while True:
            try:
                self.runner.run(g, frames, check, sup.check)
                for w in sup.workers:
                    if w.alive and done[w.slot] < g:
                        self.waiter.wait(done, w.slot, g, sup.check)
                break
            except WorkerLost as e:
                self._lost(e.args[0], g, start, frames)
                self.runner.resuming = True           # skip what this block already has
        self.runner.resuming = False
        for w in sup.workers:
            sup.drain(w)
        if check:
            self.guard.checked()
        rotating = self.runner.rotating
        return self._end_block(frames, g % self.ring if rotating else 0,
                               copy_delayed=self.ring == 1 or not rotating)

    def _lost(self, w: WorkerState, g: int, start: int, frames: int) -> None:
        """Worker `w` died during block g: its tasks move here (or go silent) and the ones it
        had not published yet are refreshed, so the block completes."""
        self.supervisor.lost(w, g - 1)
        self._sync_jobs()
        todo = [j for j in w.jobs if self.arena.seq[j.index] < g]
        self.runner.refresh(g - 1, start, frames, jobs=todo)

    # -- hot swap, introspection ---------------------------------------------------------------
    def collect_state(self, timeout: float = 1.0) -> list[str]:
        """Fetch the state of every node hosted by a live worker, so that `node.state()` on
        the coordinator's copy (what a hot swap hands to the successor) returns the worker's
        current state instead of the fork-time one. Returns the ids updated. Call it between
        blocks, before `live.swap.transfer_state(old, new)`."""
        nodes = {j.task.id: j.task.node for j in self.jobs}
        return self.supervisor.collect_state(nodes, self.waiter.ring, timeout)

    @property
    def worker_pids(self) -> list[int]:
        return [w.pid for w in self.supervisor.alive()]

    def profile(self) -> Profile:
        """Per-node cost (µs per block over the run so far, steady state), host and wave."""
        tasks = self.bound.tasks
        names = self.placement.names
        waits = {w.name: int(self.arena.waited[w.slot]) for w in self.supervisor.workers}
        return build_profile([t.id for t in tasks], [t.kind for t in tasks],
                             [t.wave for t in tasks],
                             [names.get(self._host_now[i], "?") for i in range(len(tasks))],
                             self.arena.prof, self._prof_first, self.index,
                             barrier_ns=self.waiter.waited_ns, waits_ns=waits,
                             placement=self.describe(),
                             whys=[self.placement.why(i) for i in range(len(tasks))])

    def describe(self) -> str:
        """How the graph runs (which workers) and why."""
        workers = [w.name for w in self.supervisor.workers]
        where = ("inline (one process)" if not workers
                 else "coordinator + " + ", ".join(workers))
        why = self.placement.reason if self.placement.decided else "placement not decided yet"
        if self.workers < self.requested:
            why += (f" (-j {self.requested} means up to {self.requested}: {self.workers} fit "
                    f"beside the coordinator on {self.cores} cores)")
        kept = self.placement.kept_summary()
        return f"runtime: {where} — {why}" + (f"; {kept}" if kept else "")

    def cpu_seconds(self) -> float:
        """CPU time of the stopped workers."""
        return self.supervisor.cpu_s

    # -- shutdown ------------------------------------------------------------------------------
    def close(self) -> None:
        """Stop the workers (at most ~1 s) and unlink the shared memory."""
        if self._closed:
            return
        self._closed = True
        try:
            self.supervisor.stop(self._published, self.waiter.ring)
        finally:
            self.supervisor.close_segments()
            self.bound.release()

    def __del__(self) -> None:
        try:
            if not self._closed and os.getpid() == self._owner:
                self.close()
        except Exception:  # noqa: BLE001
            pass

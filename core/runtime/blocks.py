"""The block runner: the one loop that runs node tasks for a block, in every executor.

A `BlockRunner` owns some of a bound graph's tasks (the inline executor: all of them; the actor
runtime's coordinator and each worker: the ones placed there) and runs them block by block with
the reference semantics:

- before the tasks, `refresh` fills the block context, the event triggers and the
  pattern-stepped parameters of its tasks (same patterns and clock -> the same values in every
  process);
- `run` calls each task's `process` once, in plan order, after averaging its signal-modulated
  parameters; partial blocks run on views of `frames` samples, and under NaN diagnosis each
  output is checked right after its node ran;
- on full blocks of a runner with no other process involved, a node may run as a direct call
  instead of `process`: its steady call (`Node.steady_call`) every block, or an event-driven
  node's quiet call (`Node.quiet_call`) in blocks that bring it no events; while every
  event-driven node is on its quiet call the runner skips the event refresh until the next
  onset that may come (docs/plugins.md, "Steady calls");
- a node whose `process` raises is silent for the block and reported once; a node producing
  NaN/Inf is reset (`prepare` again), silenced and reported once; a pattern that fails to query
  is silent (events) or holds its value, reported once. Reports go to `emit(kind, node id,
  message)`: the executor's `Reporter`, or a worker's pipe to it.

With other processes involved (the actor runtime) `run` also honours per-task sequence numbers
in shared memory: before a task runs it waits until each producer hosted elsewhere has
published this block (`seq[p] >= go`), after it runs it publishes its own number, and each
task's time is added to the profile counters.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np

from ..timing.clock import Clock
from .binding import Bound, Step, Task
from .reports import exception_report, nonfinite_report, pattern_failure_report, value_report
from .shm import Waiter

Emit = Callable[[str, str, str], None]          # (kind, node id, message)
NEVER = 1 << 62                                  # "no onset known": beyond any sample


@dataclass
class Job:
    """One task as a runner sees it: its plan index and the remote producers it waits for."""

    task: Task
    index: int                                   # position in plan order (= shm seq index)
    remote: list[int] = field(default_factory=list)   # producer indices hosted elsewhere
    silent: bool = False                         # a lost isolated node: publish silence
    shared: bool = False                         # some other process reads this output


#: one step as the hot loop reads it: (f, args, step), run as `f(*args)`; `f` is the step's
#: `process` with (ctx, ins, params, out) (`call_of`), or a direct call the node offered
#: (`steady_of`, `quiet_of`)
Call = tuple


def call_of(s: Step) -> Call:
    """The step's `process` call (its signal-modulated parameters averaged first)."""
    if not s.mods:
        return (s.process, (s.ctx, s.ins, s.params, s.out), s)
    mods, process = s.mods, s.process

    def modulated(ctx, ins, params, out) -> None:
        for a, b, buf in mods:
            np.add(a, b, out=buf)
            np.multiply(buf, 0.5, out=buf)
        process(ctx, ins, params, out)
    return (modulated, (s.ctx, s.ins, s.params, s.out), s)


def calls_of(steps: Iterable[Step]) -> list[Call]:
    """The steps' `call_of` tuples (made once, unpacked once per block each)."""
    return [call_of(s) for s in steps]


def run_steps(steps: Iterable[Step], failed: Callable[[Task, np.ndarray], None]) -> None:
    """Full blocks, no diagnosis: each step's modulations, then its `process` (in order)."""
    run_calls(calls_of(steps), failed)


def run_calls(calls: list[Call], failed: Callable[[Task, np.ndarray], None]) -> None:
    """`run_steps` over precomputed `Call` tuples (the per-block path)."""
    for f, args, step in calls:
        try:
            f(*args)
        except Exception:  # noqa: BLE001 - a node must never stop the music
            failed(step.task, step.out)


def events_of(tasks: list[Task], quiet: dict[str, "QuietSlot"] | None = None) -> list[tuple]:
    """(task, its ctx, its trigger source, that source's event stream, its `QuietSlot` or
    None) of event-driven tasks: what `BlockRunner.refresh` reads every block."""
    quiet = quiet or {}
    return [(t, t.ctx, t.triggers, t.triggers.stream, quiet.get(t.id)) for t in tasks]


#: full blocks after which the runner asks its nodes for steady calls (a node's fast path is
#: usually set up by its first full block)
STEADY_ASKS = 2


def _constant_own(s: Step) -> bool:
    """No patterned or signal parameters (they change per block), and the node's own
    `process` (a patched step, a spy or a silenced node, runs as it is)."""
    task = s.task
    return not task.stepped and not task.modulations and not s.mods \
        and s.process == task.node.process


def _direct(s: Step, found: tuple | None) -> Call | None:
    """A node's `(f, args)` (or None) as the step's `Call`."""
    if found is None:
        return None
    f, args = found
    return (f, tuple(args), s)


def steady_of(s: Step) -> Call | None:
    """The node's steady call (`Node.steady_call`) as a `Call`, or None."""
    if s.task.triggers is not None or not _constant_own(s):
        return None
    return _direct(s, s.task.node.steady_call(s.ctx, s.ins, s.params, s.out))


class QuietSlot:
    """An event-driven step's place in a runner's call list (ring slot 0) and its quiet call
    (`Node.quiet_call`): installed after a full block without events, dropped by the next block
    that brings events (the node may change with them), asked for again after it."""

    __slots__ = ("step", "k", "call", "asks", "wanted")

    def __init__(self, step: Step, k: int) -> None:
        self.step, self.k = step, k
        self.call: Call | None = None         # the installed quiet call
        self.asks = STEADY_ASKS               # quiet full blocks left to ask in
        self.wanted = True                    # in the runner's list of slots to ask for


def may_be_quiet(s: Step) -> bool:
    """An event-driven step whose blocks without events may run a quiet call."""
    return s.task.triggers is not None and _constant_own(s)


def quiet_of(s: Step) -> Call | None:
    """The node's quiet call (`Node.quiet_call`) as a `Call`, or None."""
    return _direct(s, s.task.node.quiet_call(s.ctx, s.ins, s.params, s.out))


def run_checked(s: Step, frames: int, block: int, check: bool,
                failed: Callable[[Task, np.ndarray], None],
                reset: Callable[[Task, np.ndarray], None]) -> None:
    """One step on a partial block (copies of `frames` samples) and/or under NaN diagnosis:
    `reset` is called when `check` finds NaN/Inf in its output."""
    task, p = s.task, s.params
    partial = frames != block
    for a, b, buf in s.mods:
        np.add(a[:frames], b[:frames], out=buf[:frames])
        np.multiply(buf[:frames], 0.5, out=buf[:frames])
    saved = {}
    if partial:
        saved = {m.name: p[m.name] for m in task.modulations}
        for m in task.modulations:
            p[m.name] = m.buffer[:frames]
        # C-contiguous copies, not strided views: the numba kernels then see the array types
        # of a full block, so a partial block (the last one, a live swap) compiles nothing new
        ins_v = [np.ascontiguousarray(x[:, :frames]) for x in s.ins]
        out_v = np.ascontiguousarray(s.out[:, :frames])
    else:
        ins_v, out_v = s.ins, s.out
    try:
        s.process(s.ctx, ins_v, p, out_v)
        if partial:
            s.out[:, :frames] = out_v
    except Exception:  # noqa: BLE001 - a node must never stop the music
        failed(task, s.out)
    for name, v in saved.items():
        p[name] = v
    if check and not np.isfinite(np.add.reduce(out_v, axis=None)):
        reset(task, s.out)


class BlockRunner:
    """Runs its jobs of each block in plan order (see the module doc)."""

    def __init__(self, bound: Bound, clock: Clock, emit: Emit, *,
                 seq: np.ndarray | None = None, prof: np.ndarray | None = None,
                 waiter: Waiter | None = None) -> None:
        n = len(bound.tasks)
        self.bound = bound
        self.block = bound.block
        self.ring = bound.ring                    # R: block g uses ring slot g % R
        self.rotating = False                     # False: ring slot 0 only (no worker yet)
        self.clock = clock
        self.emit = emit
        self.seq = seq if seq is not None else np.zeros(n, dtype=np.int64)
        self.prof = prof if prof is not None else np.zeros((max(n, 1), 2), dtype=np.int64)
        self.waiter = waiter                      # only needed when producers are remote
        self.jobs: list[Job] = []
        self.failed: set[str] = set()
        self.profile = False                      # time every task (profile counters)
        self.resuming = False            # re-running a block after a fault: honour seq numbers
        self._told: set[tuple[str, str]] = set()
        self._cps_version = -1
        self._cps = 0.0
        self._events: list[tuple] = []
        self._quiet_on = 0                        # event-driven steps on their quiet call
        self._calm_until = -1                     # see `_refresh_events`
        self._calm_version = -1
        self.set_jobs([Job(task=t, index=i) for i, t in enumerate(bound.tasks)])

    def set_jobs(self, jobs: list[Job]) -> None:
        """The jobs this runner owns (kept in plan order)."""
        if self._quiet_on:
            self._leave_quiet()                   # (into the call list about to be replaced)
        self.jobs = sorted(jobs, key=lambda j: j.index)
        self._rows = np.array([j.index for j in self.jobs], dtype=np.intp)
        self._times = [0] * len(self.jobs)
        live = [j for j in self.jobs if not j.silent]
        self._steps = [[j.task.steps[r] for j in live] for r in range(self.ring)]
        self._fresh_calls()
        self._asks = [STEADY_ASKS] * self.ring       # full blocks left to ask for steady calls
        self.solo = all(not j.silent and not j.remote and not j.shared for j in self.jobs)
        self._arm_quiet()
        self._stepped = [(j.task.params.__dict__, name, sp, j.task)
                         for j in live for name, sp in j.task.stepped]

    # -- reports
    def _tell(self, kind: str, task: Task, message: str) -> None:
        """Report once per (node, kind)."""
        key = (task.id, kind)
        if key not in self._told:
            self._told.add(key)
            self.emit(kind, task.id, message)

    def _fresh_calls(self) -> None:
        """Each ring slot's call list made from its steps: every step's `process` (`_busy`
        keeps those tuples; a list entry that is not its `_busy` one is a direct call)."""
        self._calls = [calls_of(steps) for steps in self._steps]
        self._busy = [list(calls) for calls in self._calls]
        self._edits = Step.edits

    def direct_ids(self, r: int = 0) -> set[str]:
        """Ids of the tasks that ring slot `r` runs by a direct call (steady or quiet)."""
        return {busy[2].task.id for call, busy in zip(self._calls[r], self._busy[r])
                if call is not busy}

    def _arm_quiet(self) -> None:
        """Fresh `QuietSlot`s over ring slot 0's call list (after it was rebuilt): nothing
        installed, every event-driven step to be asked. Call `_leave_quiet` before the call
        list is rebuilt."""
        self._quiet_on = 0
        self._calm_until = -1
        slots = {}
        for k, s in enumerate(self._steps[0] if self._steps else ()):
            if may_be_quiet(s):
                slots[s.task.id] = QuietSlot(s, k)
        self._quiet_wanted = list(slots.values())
        self._events = events_of([s.task for s in (self._steps[0] if self._steps else ())
                                  if s.task.triggers is not None], slots)

    def _leave_quiet(self) -> None:
        """Every task back from its quiet call to `process` (a partial or checked block, other
        processes, fresh call tuples), its ctx brought up to date with the block's."""
        ctx = self.bound.shared_ctx
        for _, c, _, _, q in self._events:
            if q is not None and q.call is not None:
                c.index, c.start, c.frames, c.cycle, c.cps = \
                    ctx.index, ctx.start, ctx.frames, ctx.cycle, ctx.cps
                self._drop_quiet(q)

    def _drop_quiet(self, q: QuietSlot) -> None:
        """Events reach `q`'s node this block: `process` runs; ask again after a quiet block."""
        if q.call is not None:
            self._calls[0][q.k] = self._busy[0][q.k]
            q.call = None
            self._quiet_on -= 1
            self._calm_until = -1
        q.asks = STEADY_ASKS
        if not q.wanted:
            q.wanted = True
            self._quiet_wanted.append(q)

    def _ask_quiet(self) -> None:
        """After a full block on ring slot 0: install the quiet call of each wanted slot whose
        node just ran `process` without events."""
        calls, keep = self._calls[0], []
        for q in self._quiet_wanted:
            if q.step.ctx.events:                     # ran with events: ask after a quiet one
                keep.append(q)
                continue
            q.asks -= 1
            try:
                found = quiet_of(q.step)
            except Exception:  # noqa: BLE001 - an optimisation only: keep calling process
                found = None
            if found is not None:
                q.call = calls[q.k] = found
                q.wanted = False
                self._quiet_on += 1
            elif q.asks > 0:
                keep.append(q)
            else:
                q.wanted = False                      # until events come again
        self._quiet_wanted = keep

    def _unsteady(self) -> None:
        """Drop the steady calls (a node failed or was reset): fresh tuples next block."""
        self._edits = -1

    def _failed(self, task: Task, out: np.ndarray) -> None:
        out.fill(0.0)
        if task.id in self.failed:
            return
        self._unsteady()
        self.failed.add(task.id)
        self.emit("exception", task.id, exception_report(task.id, task.kind))

    def _reset(self, task: Task, out: np.ndarray) -> None:
        out.fill(0.0)
        self._unsteady()
        try:
            task.node.prepare(self.bound.sr, self.block, task.channels)
        except Exception:  # noqa: BLE001
            self._failed(task, out)
            return
        self._tell("nonfinite", task, nonfinite_report(task.id, task.kind))

    def _pattern_failed(self, task: Task, name: str) -> None:
        self._tell(f"pattern:{name}", task, pattern_failure_report(task.id, task.kind, name))

    # -- per block
    def refresh(self, index: int, start: int, frames: int, jobs: list[Job] | None = None) -> None:
        """Block context, event triggers and stepped parameters of this runner's jobs (or of
        `jobs`) for block number `index` = samples [start, start + frames)."""
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
            events, stepped = self._events, self._stepped
        else:
            live = [j for j in jobs if not j.silent]
            events = events_of([j.task for j in live if j.task.triggers is not None],
                               {t.id: q for t, _, _, _, q in self._events if q is not None})
            stepped = [(j.task.params.__dict__, name, sp, j.task)
                       for j in live for name, sp in j.task.stepped]
        if jobs is not None:
            self._calm_until = -1
            if events:
                self._refresh_events(events, index, start, frames, cycle, cps, clock.version)
        elif self._quiet_on == len(events) and frames == self.block and not self.rotating:
            if start + frames > self._calm_until or clock.version != self._calm_version:
                self._calm_until = self._refresh_quiet(events, index, start, frames, cycle, cps,
                                                       clock.version)
                self._calm_version = clock.version
            # (else calm: every event-driven task on its quiet call, no onset due yet)
        elif events:                 # (the calm horizon is -1 while a task runs `process`)
            self._refresh_events(events, index, start, frames, cycle, cps, clock.version)
        if stepped:
            self._refresh_stepped(stepped, start, frames)

    def _refresh_events(self, events: list[tuple], index: int, start: int, frames: int,
                        cycle: float, cps: float, version: int) -> None:
        """Each event-driven task's `ctx` and `ctx.events` (`events_of` tuples); a stream that
        knows its next onset lies beyond the block is not called at all."""
        end = start + frames
        for t, c, triggers, stream, quiet in events:
            c.index, c.start, c.frames, c.cycle, c.cps = index, start, frames, cycle, cps
            if stream.next_sample >= end and stream.horizon >= end \
                    and stream.version == version:       # no onset in this block: no call
                if c.events:
                    c.events = []
                continue
            self._query(t, c, triggers, quiet, start, end)

    def _refresh_quiet(self, events: list[tuple], index: int, start: int, frames: int,
                       cycle: float, cps: float, version: int) -> int:
        """`_refresh_events` of a full block while every event-driven task is on its quiet
        call: a task whose stream has no onset in the block keeps its ctx (nothing reads it
        until `_leave_quiet` brings it up to date). Returns the calm horizon: the first sample
        at which one of the streams may have an onset (blocks ending at or before it need no
        refresh of events at all), or -1 once a task got events."""
        end = start + frames
        calm = NEVER
        for t, c, triggers, stream, quiet in events:
            due, known = stream.next_sample, stream.horizon
            if due >= end and known >= end and stream.version == version:
                calm = min(calm, due, known)
                continue
            c.index, c.start, c.frames, c.cycle, c.cps = index, start, frames, cycle, cps
            if self._query(t, c, triggers, quiet, start, end) or stream.version != version:
                calm = -1
            elif calm >= 0:
                calm = min(calm, stream.next_sample, stream.horizon)
        return calm

    def _query(self, t: Task, c, triggers, quiet: QuietSlot | None, start: int,
               end: int) -> bool:
        """`c.events` of samples [start, end) (none when the pattern fails to query); a task
        with events leaves its quiet call. True when there are events."""
        try:
            c.events = triggers.triggers(start, end)
        except Exception:  # noqa: BLE001 - a pattern that fails to query is silent
            c.events = []
            self._pattern_failed(t, "events")
        if c.events:
            if quiet is not None:
                self._drop_quiet(quiet)
            return True
        return False

    def _refresh_stepped(self, stepped: list[tuple], start: int, frames: int) -> None:
        """Each pattern-stepped parameter (params dict, name, SteppedParam, task); a failing
        pattern or a non-numeric value holds the last value."""
        for values, name, sp, t in stepped:
            try:
                values[name] = sp.fill(start, frames)
            except Exception:  # noqa: BLE001 - a pattern that fails to query holds its value
                values[name] = sp.buffer[:frames]
                self._pattern_failed(t, name)
            if sp.problem is not None:
                self._tell(f"value:{name}", t, value_report(t.id, t.kind, name, sp.problem))

    def _ask_steady(self, r: int) -> None:
        """After a full block: replace the tuples of ring slot `r` whose node offers a steady
        call (`Node.steady_call`) by that call."""
        self._asks[r] -= 1
        calls, busy = self._calls[r], self._busy[r]
        for k, s in enumerate(self._steps[r]):
            if calls[k] is not busy[k]:              # a direct call already
                continue
            try:
                steady = steady_of(s)
            except Exception:  # noqa: BLE001 - an optimisation only: keep calling process
                steady = None
            if steady is not None:
                calls[k] = steady

    def run(self, go: int, frames: int, check: bool,
            peer_check: Callable[[], None] | None = None) -> None:
        """Run every job not yet published for block number `go` (seq < go), in plan order.

        A `solo` runner (no other process involved) runs its steps straight, without sequence
        numbers or timing, unless `profile` is set."""
        r = go % self.ring if self.rotating else 0
        full = frames == self.block and not check
        if self.solo and not self.profile and not self.resuming:
            if full:
                if self._edits != Step.edits:        # a step was patched: fresh tuples
                    if self._quiet_on:
                        self._leave_quiet()
                    self._fresh_calls()
                    self._asks = [STEADY_ASKS] * self.ring
                    self._arm_quiet()
                run_calls(self._calls[r], self._failed)
                if self._asks[r] and self._edits == Step.edits:
                    self._ask_steady(r)
                if self._quiet_wanted and r == 0 and self._edits == Step.edits:
                    self._ask_quiet()
            else:
                if self._quiet_on:
                    self._leave_quiet()
                for s in self._steps[r]:
                    run_checked(s, frames, self.block, check, self._failed, self._reset)
            return
        if self._quiet_on:
            self._leave_quiet()
        seq, waiter, times = self.seq, self.waiter, self._times
        now = time.perf_counter_ns
        for k, job in enumerate(self.jobs):
            i = job.index
            if seq[i] >= go:
                times[k] = 0
                continue
            s = job.task.steps[r]
            if job.silent:
                s.out.fill(0.0)
                times[k] = 0
            else:
                for p in job.remote:
                    if seq[p] < go:
                        waiter.wait(seq, p, go, peer_check)
                t0 = now()
                if full:
                    run_steps((s,), self._failed)
                else:
                    run_checked(s, frames, self.block, check, self._failed, self._reset)
                times[k] = now() - t0
            seq[i] = go
            if job.shared:
                waiter.ring()
        if self.profile and self.jobs:               # one vector update per block
            self.prof[self._rows, 0] += times
            self.prof[self._rows, 1] += 1

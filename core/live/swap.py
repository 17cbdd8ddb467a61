"""Hot swap: a successor session that continues the playing one, and the state hand-over.

Decision (see docs/live.md): a node of the new graph *matches* a node of the old one when
both have the same stable id (`<bus>/<chain position>:<kind>`, so same bus, same position,
same kind) and the same node class. For every match the old node's `state()` is handed to
the new node's `load_state()` at the swap sample; the new node objects (built and prepared
off the audio path, with the new constant arguments) are the ones that play on. What moves is
whatever `state()` returns: oscillator phase, filter memory, delay lines, the reverb plugin
object itself (its tail), the sounding sample voices. Unmatched old nodes are dropped.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Callable

import numpy as np

from ..engine.render import open_session
from ..engine.session import Session
from ..lang.ir import GraphIR
from ..runtime.options import RuntimeOptions
from ..timing.clock import Clock


def next_boundary(clock: Clock, position: int) -> int:
    """The sample of the first cycle boundary at or after sample `position` (the sample an
    onset at that integer cycle lands on, so the new program's first onsets fall on it)."""
    k = math.floor(clock.cycle_at(position))
    s = clock.sample_at(Fraction(k))
    while s < position:                   # the onset of cycle k rounds to before `position`
        k += 1
        s = clock.sample_at(Fraction(k))
    return s


def continued_clock(old: Clock, cps: float | Fraction, at: int,
                    jump: Fraction | None = None) -> Clock:
    """The clock of a successor starting at sample `at`: the old mapping when the tempo is
    unchanged (so onsets land exactly where an uninterrupted render puts them), else rebased
    at `at` with the new tempo (no jump in cycle position). `jump`: the cycle the successor
    starts at instead (see `clock_jump`)."""
    if jump is not None:
        return Clock(old.sr, cps, n0=at, c0=jump)
    clock = Clock(old.sr, old.cps, n0=old.n0, c0=old.c0)
    if clock.cps != Clock(old.sr, cps).cps:
        clock.set_cps(cps, at)
    return clock


def clock_jump(old: GraphIR, new: GraphIR, cycle: Fraction) -> Fraction | None:
    """Where the new program's clock starts when it takes over at cycle position `cycle`, or
    None to continue: `setCycle N`/`resetCycles` move it when the statement is new or its
    number changed (a one-shot: leaving it in the file does not move the clock at every
    save); a changed `nudge` shifts it by the difference (docs/language.md, "Statements")."""
    if new.set_cycle is not None and new.set_cycle != old.set_cycle:
        return new.set_cycle - new.nudge
    if new.nudge != old.nudge:
        return cycle + old.nudge - new.nudge
    return None


def successor_session(old: Session, graph: GraphIR, start: int, *,
                      reporter: Callable[[str], None] | None = None) -> Session:
    """Build (compile-free, but instantiating and preparing every node) a session for `graph`
    that renders from sample `start` on with `old`'s options, registry and sample bank."""
    jump = clock_jump(old.source_graph, graph, old.clock.cycle_at(start))
    clock = continued_clock(old.clock, graph.cps, start, jump)
    options = replace(old.options, samples=old.sample_bank())
    if options.workers > 0 or options.runtime != RuntimeOptions():
        # the actor runtime: fork after the state hand-over, so the workers inherit it
        options = replace(options, runtime=replace(options.runtime, defer_fork=True))
    session = open_session(graph, options, registry=old.registry, reporter=reporter,
                           start=start, clock=clock)
    warm_up(session, start)
    return session


def warm_up(session: Session, start: int) -> None:
    """Query the patterns' cycle at `start` now (off the audio path), not in the swap block."""
    try:
        for task in session.bound.tasks:
            streams = [sp.stream for _, sp in task.stepped]
            if task.triggers is not None:
                streams.append(task.triggers.stream)
            for stream in streams:
                stream.take(start, start)        # extends the horizon, consumes nothing
    except Exception:  # noqa: BLE001 - an optimisation only: the first block queries instead
        pass


@dataclass
class Transfer:
    """What a swap handed over: ids whose state moved, ids new, ids dropped, ids whose
    hand-over failed, feedback loops carried."""

    kept: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    loops: list[str] = field(default_factory=list)    # feedback writers whose loop moved


def transfer_state(old: Session, new: Session) -> Transfer:
    """Hand `old`'s node state to the matching nodes of `new` (same id, same class)."""
    result = Transfer()
    old.executor.collect_state()         # nodes living in worker processes: fetch their state
    for nid, node in new.nodes.items():
        prev: Any = old.nodes.get(nid)
        if prev is None or type(prev) is not type(node):
            result.added.append(nid)
            continue
        try:
            state = prev.state()
            if state is not None:
                node.load_state(state)
            result.kept.append(nid)
        except Exception:  # noqa: BLE001 - a node that cannot hand over starts fresh
            result.failed.append(nid)
    result.dropped = [nid for nid in old.nodes if nid not in new.nodes]
    return result


def transfer_feedback(old: Session, new: Session, partial: int) -> list[str]:
    """Hand over the loop buffers of feedback edges (the writer's previous engine block) for
    writers present in both graphs; `partial` is the length of the old session's last,
    partial, engine block (its buffer then holds the last engine block rotated by that)."""
    if old.engine_block != new.engine_block:
        return []
    old_prev = {w: prev for w, (_, prev) in zip(old.plan.delayed, old.bound.delayed)}
    moved = []
    for w, (_, prev) in zip(new.plan.delayed, new.bound.delayed):
        src = old_prev.get(w)
        if src is not None and src.shape == prev.shape:
            prev[...] = np.roll(src, -partial, axis=1) if partial else src
            moved.append(w)
    return moved


def rebase(new: Session, old: Session, at: int) -> None:
    """Make `new` start at sample `at` (later than the start it was built for)."""
    jump = clock_jump(old.source_graph, new.source_graph, old.clock.cycle_at(at))
    new.continue_from(continued_clock(old.clock, new.clock.cps, at, jump), at)


def node_signatures(graph: GraphIR) -> set[tuple]:
    """(kind, parameter name and argument type...) of every node: what decides which compiled
    kernel versions a graph needs."""
    return {(n.kind, len(n.inputs), tuple(sorted((k, type(v).__name__)
                                                 for k, v in n.params.items())))
            for n in graph.nodes.values()}


def warm_kernels(graph: GraphIR, like: Session, seen: set[tuple]) -> bool:
    """Run a throwaway session of `graph` for a full and a partial block and a state
    hand-over, so the numba kernel versions a swap block needs (partial blocks pass
    non-contiguous views) are compiled or loaded from the cache here, off the audio path. Skipped when every node signature was
    warmed before; returns whether it ran."""
    sigs = node_signatures(graph)
    if sigs <= seen:
        return False
    try:
        options = replace(like.options, samples=like.sample_bank(), workers=0,
                          runtime=RuntimeOptions(), resources={})    # inline, throwaway: no MIDI
        scratch = open_session(graph, options, registry=like.registry,
                               reporter=lambda message: None)
        try:
            scratch.run_block(like.block)
            scratch.run_block(max(1, like.block // 2))
            scratch.run_block(max(1, like.block - like.block // 2))
            engine_block = scratch.engine_block
            if engine_block != like.block:       # feedback graphs: partial engine blocks
                scratch.executor.run_block(scratch.position, max(1, engine_block // 2))
            for node in scratch.nodes.values():      # the hand-over's kernels too
                state = node.state()
                if state is not None:
                    node.load_state(state)
        finally:
            scratch.close()
    except Exception:  # noqa: BLE001 - an optimisation only
        return False
    seen |= sigs
    return True

"""One node's work for one block, shared by the inline executor and the actor workers.

Both executors must compute bit-identical output, so the slow path (partial blocks and NaN
diagnosis) and the failure messages live here once. The fast full-block loops stay in each
executor, where their local bindings matter for speed.
"""
from __future__ import annotations

import traceback
from typing import Callable

import numpy as np

from .binding import Task


def run_fast(fast: list[tuple], failed: Callable[[Task, np.ndarray], None]) -> None:
    """Run full blocks: `fast` holds (process, ctx, ins, params, out, mods, task) per node, in
    plan order; `mods` are (left, right, mean buffer) triples of signal-modulated params."""
    add, mul = np.add, np.multiply
    for process, ctx, ins, p, out, mods, task in fast:
        for a, b, buf in mods:
            add(a, b, out=buf)
            mul(buf, 0.5, out=buf)
        try:
            process(ctx, ins, p, out)
        except Exception:  # noqa: BLE001 - a node must never stop the music
            failed(task, out)


def run_checked(task: Task, ins: list, out: np.ndarray, mods: tuple, frames: int, block: int,
                check: bool, failed: Callable[[Task, np.ndarray], None],
                reset: Callable[[Task, np.ndarray], None]) -> None:
    """Run `task` on a partial block (views of `frames` samples) and/or under NaN diagnosis.

    `mods` are the (left, right, mean buffer) triples of its signal-modulated parameters;
    `failed` is called when `process` raises, `reset` when `check` finds NaN/Inf in the output.
    """
    p = task.params
    partial = frames != block
    for a, b, buf in mods:
        np.add(a[:frames], b[:frames], out=buf[:frames])
        np.multiply(buf[:frames], 0.5, out=buf[:frames])
    saved = {}
    if partial:
        saved = {m.name: p[m.name] for m in task.modulations}
        for m in task.modulations:
            p[m.name] = m.buffer[:frames]
        # C-contiguous copies, not strided views: the numba kernels then see the array types
        # of a full block, so a partial block (the last one, a live swap) compiles nothing new
        ins_v = [np.ascontiguousarray(x[:, :frames]) for x in ins]
        out_v = np.ascontiguousarray(out[:, :frames])
    else:
        ins_v, out_v = ins, out
    try:
        task.node.process(task.ctx, ins_v, p, out_v)
        if partial:
            out[:, :frames] = out_v
    except Exception:  # noqa: BLE001 - a node must never stop the music
        failed(task, out)
    for name, v in saved.items():
        p[name] = v
    if check and not np.isfinite(np.add.reduce(out_v, axis=None)):
        reset(task, out)


def exception_report(task: Task) -> str:
    """The one report for a node whose `process` raised (call inside the `except`)."""
    return f"node {task.id} ({task.kind}) raised an exception; it is silent:\n{traceback.format_exc()}"


def pattern_failure_report(task: Task, name: str) -> str:
    """The one report for a parameter pattern that failed to query (call inside the `except`)."""
    exc = traceback.format_exc(limit=-1).strip().splitlines()[-1]
    then = "its events are silent" if name == "events" else "it holds its last value"
    return f"node {task.id} ({task.kind}): the pattern of '{name}' failed ({exc}); {then}"


def nonfinite_report(task: Task) -> str:
    return f"node {task.id} ({task.kind}) produced NaN/Inf; it was reset"


def refresh_events(tasks: list[Task], index: int, start: int, frames: int, cycle: float,
                   cps: float, version: int, failed: Callable[[Task, str], None]) -> None:
    """Fill each event-driven task's `ctx` and `ctx.events` for the block [start, start+frames).

    A stream that knows its next onset lies beyond the block is not called at all; a pattern
    that fails to query gives no events and `failed(task, "events")`."""
    end = start + frames
    for t in tasks:
        c = t.ctx
        c.index, c.start, c.frames, c.cycle, c.cps = index, start, frames, cycle, cps
        stream = t.triggers.stream
        if stream.next_sample >= end and stream.horizon >= end \
                and stream.version == version:       # no onset in this block: no call
            if c.events:
                c.events = []
            continue
        try:
            c.events = t.triggers.triggers(start, end)
        except Exception:  # noqa: BLE001 - a pattern that fails to query is silent
            c.events = []
            failed(t, "events")


def refresh_stepped(stepped: list[tuple], start: int, frames: int,
                    failed: Callable[[Task, str], None],
                    problem: Callable[[Task, str, str], None]) -> None:
    """Fill each pattern-stepped parameter for the block; `stepped` holds
    (params dict, name, SteppedParam, task). A failing pattern holds its last value."""
    for values, name, sp, t in stepped:
        try:
            values[name] = sp.fill(start, frames)
        except Exception:  # noqa: BLE001 - a pattern that fails to query holds its value
            values[name] = sp.buffer[:frames]
            failed(t, name)
        if sp.problem is not None:
            problem(t, f"value:{name}", f"node {t.id} ({t.kind}): '{name}' got a "
                    f"{sp.problem}; it holds its last value")

"""The worker process loop of the actor runtime.

`worker_main` is the body of a forked worker: wait for the coordinator to publish a block, let
its `BlockRunner` (the tasks it hosts) refresh and run it, report "done", repeat; between blocks
it answers hot-swap state requests and takes tempo changes. Node reports travel through its
pipe. It exits when told to stop or when the coordinator disappears (then it unlinks the shared
memory the coordinator left behind).
"""
from __future__ import annotations

import os
import signal
import traceback
from typing import Callable

from .blocks import BlockRunner
from .layout import CHECK, CLOCK, FRAMES, GO, INDEX, START, STOP, ActorArena
from .shm import set_parent_death_signal


class CoordinatorGone(Exception):
    """The coordinator process disappeared: the worker exits."""


def serve_state_requests(runner: BlockRunner, conn) -> None:
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


def _follow_parent(parent: int, cleanup: Callable[[], None]) -> None:
    """Die with the coordinator (SIGTERM when it goes; unlink what it left behind), leave
    Ctrl-C to it."""
    set_parent_death_signal(signal.SIGTERM)

    def on_term(signum, frame):  # noqa: ANN001 - coordinator died or asked us to go
        if os.getppid() != parent:
            cleanup()                     # the coordinator vanished without unlinking
        os._exit(0)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C goes to the coordinator
    if os.getppid() != parent:
        on_term(signal.SIGTERM, None)


def worker_main(slot: int, runner: BlockRunner, arena: ActorArena, conn, parent: int,
                cleanup: Callable[[], None], last: int, clock_version: int) -> None:
    """Body of a forked worker (never returns: the process ends with `os._exit`).

    `last` is the block number published before the fork (the worker starts with the next)
    and `clock_version` the tempo version it inherited."""
    code = 0
    ctl, blocks, done, waited, requests = (arena.ctl, arena.blocks, arena.done, arena.waited,
                                           arena.requests)
    try:
        _follow_parent(parent, cleanup)

        def emit(kind: str, task_id: str, message: str) -> None:
            conn.send((kind, task_id, message))
            arena.reports[slot] += 1

        runner.emit = emit
        served = int(requests[slot])

        def peer_check() -> None:
            nonlocal served
            if os.getppid() != parent or ctl[STOP]:
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

"""The local backend: `workers` spawned processes, each with one warm engine and its own pipe.

Each worker holds at most two jobs (the one it renders and the next, so it never waits for
the coordinator). The coordinator waits on every pipe and every process's sentinel at once, so
it always knows which job a dead worker was rendering: a pipe cut in the middle of a result is
an EOF, never a hang (a `concurrent.futures` pool blocks for ever in that case, even at
interpreter exit). A job whose worker dies runs once more on a fresh worker; dying twice, it
is failed. Workers are daemons that ignore SIGINT: Ctrl-C is the coordinator's business.

Workers are forked by multiprocessing's fork server, which first imports
`phonon.batch.preload` (imports, registry, numba start-up, the kit: once per batch instead of
once per worker), so adding a worker costs a `fork()`, not a new interpreter. Where the fork
server is not available, workers are spawned (each warms itself up).
With a spool folder (the batch's OUT) workers write their encoded files there as `.part`
files and send only the paths; the coordinator renames them into place.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterator

from .interrupts import sigint_held
from .manifest import Job
from .worker import JobResult, process_engine, run_in_process

POLL = 0.2            # seconds between checks of the stop flag
QUEUED = 2            # jobs handed to a worker at once
DEATHS = 2            # a job whose worker died this many times is failed
PRELOAD = "phonon.batch.preload"


def _worker_main(conn: Connection, target: Callable[[Job], JobResult], spool: str | None) -> None:
    """A worker process: warm engine, then jobs from the pipe until None or EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    process_engine().spool = Path(spool) if spool else None
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        conn.send(target(job))


def pool_context() -> mp.context.BaseContext:
    """Fork server with the warm-up preloaded (never a plain fork: the coordinator has
    threads); spawn where there is no fork server."""
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload([PRELOAD])
    return ctx


@dataclass
class _Worker:
    proc: mp.process.BaseProcess
    conn: Connection
    jobs: deque = field(default_factory=deque)     # sent, not answered, oldest first


class LocalBackend:
    """A pool of `workers` processes; `target(job)` (a module-level function) runs in them."""

    name = "local"

    def __init__(self, workers: int | None = None,
                 target: Callable[[Job], JobResult] = run_in_process,
                 spool: str | os.PathLike | None = None) -> None:
        """`spool`: a folder on the output's file system where workers write the encoded
        files (`.NAME.PID.part`) instead of sending them through their pipe."""
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.target = target
        self.spool = str(spool) if spool is not None else None
        self._pool: list[_Worker] = []
        self._ctx = pool_context()

    def _spawn(self) -> _Worker:
        ours, theirs = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker_main, args=(theirs, self.target, self.spool),
                                 daemon=True,
                                 name="phonon-batch-worker")
        with sigint_held():
            proc.start()
        theirs.close()
        return _Worker(proc, ours)

    def run(self, jobs: list[Job], stop: threading.Event) -> Iterator[JobResult]:
        queue = deque(jobs)
        deaths: dict[str, int] = {}
        self._pool = [self._spawn() for _ in range(min(self.workers, len(jobs)))]
        while (queue or any(w.jobs for w in self._pool)) and not stop.is_set():
            for w in self._pool:
                while queue and len(w.jobs) < QUEUED:
                    job = queue.popleft()
                    w.conn.send(job)
                    w.jobs.append(job)
            ready = set(wait([w.conn for w in self._pool] + [w.proc.sentinel for w in self._pool],
                             timeout=POLL))
            for i, w in enumerate(self._pool):
                if w.conn in ready:
                    try:
                        result = w.conn.recv()
                    except (EOFError, OSError):
                        pass                     # died: handled below
                    else:
                        w.jobs.popleft()
                        yield result
                        continue
                elif w.proc.sentinel not in ready:
                    continue
                yield from self._replace(i, queue, deaths)

    def _replace(self, i: int, queue: deque, deaths: dict[str, int]) -> Iterator[JobResult]:
        """Worker `i` died: fail or requeue the job it was rendering, requeue the next one,
        and start a fresh worker in its place."""
        dead = self._pool[i]
        dead.proc.join(1)
        dead.conn.close()
        lost = list(dead.jobs)
        if lost:
            job = lost[0]
            deaths[job.name] = deaths.get(job.name, 0) + 1
            if deaths[job.name] >= DEATHS:
                yield JobResult(job.name, "failed", error="the worker process died while "
                                f"rendering it ({deaths[job.name]} times, exit code "
                                f"{dead.proc.exitcode})")
                lost = lost[1:]
            queue.extendleft(reversed(lost))
        self._pool[i] = self._spawn()

    def close(self) -> None:
        pool, self._pool = self._pool, []
        for w in pool:
            if w.proc.is_alive():
                w.proc.terminate()
        for w in pool:
            w.proc.join(5)
            w.conn.close()

"""Where batch jobs run: a local process pool (default) or a Ray cluster.

Both hand each job to a long-lived worker holding a `WarmEngine` and yield `JobResult`s as
they finish; both check `stop` (set by Ctrl-C) at least every `POLL` seconds, and `close()`
ends their workers at once. Workers only compute: the coordinator writes every file.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
from contextlib import contextmanager
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterator, Protocol

from .manifest import Job
from .worker import JobResult, process_engine, run_in_process

POLL = 0.2            # seconds between checks of the stop flag and of the workers


class Backend(Protocol):
    name: str
    workers: int

    def run(self, jobs: list[Job], stop: threading.Event) -> Iterator[JobResult]: ...

    def close(self) -> None: ...


@contextmanager
def sigint_held():
    """Start worker processes with Ctrl-C held back: they inherit a blocked SIGINT (so one
    starting up is not killed with a traceback) and a Ctrl-C meanwhile reaches the
    coordinator when this block ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _init_worker() -> None:
    """Process-pool worker start: Ctrl-C is the coordinator's business; warm the engine."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    process_engine()


class LocalBackend:
    """A pool of `workers` spawned processes, each with its own warm engine."""

    name = "local"

    def __init__(self, workers: int | None = None,
                 target: Callable[[Job], JobResult] = run_in_process) -> None:
        """`target(job)` runs in the worker processes (a module-level function)."""
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.target = target
        self._pool: ProcessPoolExecutor | None = None

    def _start(self) -> ProcessPoolExecutor:
        self._pool = ProcessPoolExecutor(self.workers, mp_context=mp.get_context("spawn"),
                                         initializer=_init_worker)
        return self._pool

    def run(self, jobs: list[Job], stop: threading.Event) -> Iterator[JobResult]:
        """Jobs in order, two queued per worker. When a worker process dies (a crashing plugin,
        the OOM killer) the pool is replaced and the jobs that were in flight run again one at
        a time, so the one that kills its worker is found and failed; the rest complete."""
        queue = list(reversed(jobs))
        suspects: list[Job] = []                 # in flight during a crash: run alone
        pool = self._start()
        pending: dict[Future, Job] = {}
        while (queue or suspects or pending) and not stop.is_set():
            alone = bool(suspects)
            if alone and not pending:
                job = suspects.pop()
                pending[self._submit(pool, job)] = job
            while not alone and queue and len(pending) < 2 * self.workers:
                job = queue.pop()
                pending[self._submit(pool, job)] = job
            done, _ = wait(pending, timeout=POLL, return_when=FIRST_COMPLETED)
            crashed = self._worker_died()
            for fut in done:
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    crashed = True
                    continue
                pending.pop(fut)
                yield result
            if crashed:
                lost = list(pending.values())
                pending.clear()
                self._kill()
                pool = self._start()
                if alone and len(lost) == 1:
                    yield JobResult(lost[0].name, "failed",
                                    error="the worker process died while rendering it")
                else:
                    suspects.extend(reversed(lost))

    def _submit(self, pool: ProcessPoolExecutor, job: Job) -> Future:
        with sigint_held():                       # submit may start a worker process
            return pool.submit(self.target, job)

    def _worker_died(self) -> bool:
        """A pool process has exited: the executor may never notice (a worker killed while
        sending its result leaves the result pipe half written), so look ourselves."""
        procs = getattr(self._pool, "_processes", None) or {}
        return any(p.exitcode is not None for p in list(procs.values()))

    def _kill(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        # the executor has no public way to stop running work: end its processes
        procs = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            if p.is_alive():
                p.terminate()
        for p in procs:
            p.join(5)

    def close(self) -> None:
        self._kill()


class RayBackend:
    """One actor per worker on a Ray cluster (`address`), or on a local Ray this backend
    starts with `workers` CPUs when no address is given."""

    name = "ray"

    def __init__(self, workers: int | None = None, address: str | None = None) -> None:
        try:
            import ray
        except ImportError:
            raise RuntimeError("the ray backend needs Ray: pip install 'phonon-live[ray]'") from None
        self.ray = ray
        self._started = False
        with sigint_held():
            self._connect(ray, workers, address)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.workers = max(1, workers or cpus)
        self._actor_cls = ray.remote(num_cpus=1, max_restarts=0)(RayWorker)
        self._actors: list = []

    def _connect(self, ray, workers: int | None, address: str | None) -> None:
        if not ray.is_initialized():
            if address:
                ray.init(address=address, log_to_driver=False, logging_level="ERROR")
            else:
                ray.init(num_cpus=max(1, workers or os.cpu_count() or 1), include_dashboard=False,
                         log_to_driver=False, logging_level="ERROR")
                self._started = True

    def run(self, jobs: list[Job], stop: threading.Event) -> Iterator[JobResult]:
        ray = self.ray
        queue = list(reversed(jobs))
        with sigint_held():
            self._actors = [self._actor_cls.remote() for _ in range(min(self.workers, len(jobs)) or 1)]
        inflight: dict = {}                       # ref -> (actor index, job)

        def feed(i: int) -> None:
            if queue:
                job = queue.pop()
                inflight[self._actors[i].run.remote(job)] = (i, job)

        for i in range(len(self._actors)):       # two jobs per actor: no idle gap between them
            feed(i)
            feed(i)
        while inflight and not stop.is_set():
            ready, _ = ray.wait(list(inflight), num_returns=1, timeout=POLL)
            for ref in ready:
                i, job = inflight.pop(ref)
                try:
                    yield ray.get(ref)
                except ray.exceptions.RayActorError as exc:
                    yield JobResult(job.name, "failed", error=f"the Ray worker died: {exc}".splitlines()[0])
                    self._actors[i] = self._actor_cls.remote()
                except ray.exceptions.RayError as exc:
                    yield JobResult(job.name, "failed", error=str(exc).splitlines()[0])
                feed(i)

    def close(self) -> None:
        for actor in self._actors:
            self.ray.kill(actor)
        self._actors = []
        if self._started:
            self.ray.shutdown()
            self._started = False


class RayWorker:
    """A Ray actor: one warm engine for the actor's whole life."""

    def __init__(self) -> None:
        from .worker import WarmEngine
        self.engine = WarmEngine()

    def run(self, job: Job) -> JobResult:
        return self.engine.run(job)


def make_backend(name: str, workers: int | None = None, address: str | None = None) -> Backend:
    if name == "local":
        if address:
            raise ValueError("--address is for the ray backend")
        return LocalBackend(workers)
    if name == "ray":
        return RayBackend(workers, address)
    raise ValueError(f"unknown backend {name!r} (local or ray)")

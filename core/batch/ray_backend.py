"""The Ray backend: one actor per worker, each with one warm engine for its whole life.

Without an address a local Ray is started with `workers` CPUs and shut down at the end;
`address="auto"` joins the cluster this machine belongs to, `ray://HOST:10001` a remote one.
Actors send the encoded files back, so the cluster needs no shared file system.
"""
from __future__ import annotations

import os
import threading
from typing import Iterator

from .interrupts import sigint_held
from .manifest import Job
from .worker import JobResult

POLL = 0.2            # seconds between checks of the stop flag


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
                try:
                    ray.init(address=address, log_to_driver=False, logging_level="ERROR")
                except Exception as exc:  # noqa: BLE001 - Ray raises several kinds here
                    raise RuntimeError(join_error(address, exc)) from None
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


def join_error(address: str, exc: Exception) -> str:
    """What to check when `ray.init(address=...)` fails."""
    why = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    text = (f"cannot join the Ray cluster at {address} ({why}); is it running (`ray start "
            f"--head` on its head node, `ray status` there lists its nodes)?")
    if os.environ.get("RAY_AUTH_MODE") != "token":
        text += (" A cluster with token authentication (Ray's default for `ray start`) also "
                 "needs RAY_AUTH_MODE=token here and the head's token: copy its "
                 "~/.ray/auth_token to this machine or set RAY_AUTH_TOKEN")
    return text


class RayWorker:
    """A Ray actor: one warm engine for the actor's whole life."""

    def __init__(self) -> None:
        from .worker import WarmEngine
        self.engine = WarmEngine()

    def run(self, job: Job) -> JobResult:
        return self.engine.run(job)

"""Where batch jobs run: a local process pool (default, `phonon.batch.local`) or a Ray cluster
(`phonon.batch.ray_backend`).

Both hand each job to a long-lived worker holding a `WarmEngine` and yield `JobResult`s as
they finish; both check `stop` (set by Ctrl-C) at least every 0.2 s, and `close()` ends their
workers at once. Workers only compute: the coordinator writes every file.
"""
from __future__ import annotations

import threading
from typing import Iterator, Protocol

from .manifest import Job
from .worker import JobResult


class Backend(Protocol):
    name: str
    workers: int

    def run(self, jobs: list[Job], stop: threading.Event) -> Iterator[JobResult]: ...

    def close(self) -> None: ...


def make_backend(name: str, workers: int | None = None, address: str | None = None,
                 spool=None) -> Backend:
    """`spool`: the output folder, where local workers write their files (Ray workers send
    the bytes back: a cluster has no shared file system)."""
    if name == "local":
        if address:
            raise ValueError("--address is for the ray backend")
        from .local import LocalBackend
        return LocalBackend(workers, spool=spool)
    if name == "ray":
        from .ray_backend import RayBackend
        return RayBackend(workers, address)
    raise ValueError(f"unknown backend {name!r} (local or ray)")

"""The batch coordinator: skips what `--resume` finds done, runs the rest on a backend, writes
each file atomically and its table row, shows progress, and stops cleanly on Ctrl-C.

Only this process writes into OUT: a finished job's bytes go to `.NAME.PID.part` and are
renamed to `NAME.wav`, then its row is appended to the journal. Ctrl-C sets a flag (the file
being written is finished first), the workers are ended, and the table is rewritten: no
half-written file is left, and `--resume` renders only what is missing.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from .manifest import Job
from .table import JOURNAL, PARQUET, Journal, write_parquet
from .worker import JobResult


@dataclass
class BatchOptions:
    out: Path
    backend: str = "local"
    workers: int | None = None
    address: str | None = None
    resume: bool = False
    table: str = "jsonl"               # or "parquet" (also written)


@dataclass
class BatchReport:
    """What happened; `results` in completion order."""

    total: int
    skipped: int = 0
    results: list[JobResult] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0
    workers: int = 0
    backend: str = ""
    table: Path | None = None

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if r.status != "ok"]

    @property
    def jobs_per_s(self) -> float:
        return len(self.results) / self.seconds if self.seconds > 0 else 0.0


def row_for(job: Job, result: JobResult, out: Path) -> dict[str, Any]:
    """The table row of one job (see table.COLUMNS)."""
    ok = result.status == "ok"
    return {"name": job.name, "status": result.status, "error": result.error,
            "program": job.program, "program_hash": job.program_hash, "params": job.params,
            "seed": job.seed, "seconds": job.seconds,
            "cycles": None if job.cycles is None else str(job.cycles), "sr": job.sr,
            "block": job.block, "format": job.format, "output": job.filename if ok else None,
            "frames": result.frames, "duration_s": result.seconds, "peak_dbfs": result.peak_dbfs,
            "rms_dbfs": result.rms_dbfs, "audio_sha256": result.audio_sha256,
            "file_sha256": result.file_sha256, "render_s": round(result.render_s, 4),
            "cpu_s": round(result.cpu_s, 4),
            "stems": None if job.stems is None else list(job.stems),
            "stems_post": job.stems_post,
            "stem_files": {n: stem_path(job, n) for n in result.stems} if ok else {},
            "stem_sha256": result.stems,
            "worker": result.worker, "worker_jobs": result.worker_jobs,
            "samples": list(job.samples),
            "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def stem_path(job: Job, stem: str) -> str:
    """Where a job's stem goes, relative to OUT: `<name>/<stem>.<format>`."""
    return f"{job.name}/{stem}.{job.format}"


def is_done(job: Job, row: dict[str, Any] | None, out: Path) -> bool:
    """`--resume`: the job's files exist and its ok row describes this very job."""
    if row is None or row.get("status") != "ok" or not (out / job.filename).is_file():
        return False
    if not all((out / p).is_file() for p in (row.get("stem_files") or {}).values()):
        return False
    return all(row.get(k) == v for k, v in job.identity().items())


def write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def place(out: Path, job: Job, result: JobResult) -> None:
    """Put a finished job's files in place: stems first, the job's own file last; each either
    renamed from the worker's spool file or written from the bytes it sent."""
    stems = sorted(set(result.stem_data) | {k for k in result.spooled if k})
    if stems:
        (out / job.name).mkdir(exist_ok=True)
    for key, dest in [*((s, out / stem_path(job, s)) for s in stems), ("", out / job.filename)]:
        if key in result.spooled:
            os.replace(result.spooled[key], dest)
        else:
            write_atomic(dest, result.stem_data[key] if key else result.data)
    result.data, result.stem_data, result.spooled = b"", {}, {}


class _CtrlC:
    """The first Ctrl-C sets `stop` (the batch winds down); a second one raises at once."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self._old = None

    def __enter__(self) -> "_CtrlC":
        if threading.current_thread() is threading.main_thread():
            self._old = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        if self.stop.is_set():
            raise KeyboardInterrupt
        self.stop.set()

    def __exit__(self, *exc) -> None:
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)


def run_batch(jobs: list[Job], options: BatchOptions,
              on_result: Callable[[JobResult, BatchReport], None] | None = None,
              on_start: Callable[[BatchReport], None] | None = None) -> BatchReport:
    """Render `jobs` into `options.out`; see the module doc. `on_start(report)` is called once
    the backend is up, `on_result(result, report)` after each job's file and row are written."""
    from .backends import make_backend

    out = options.out
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(".*.part"):             # left by a batch that was killed -9
        stale.unlink()
    # a fresh table replaces the old one only once the backend is up: a cluster that cannot be
    # joined leaves the folder as it was
    journal = Journal(out, fresh=False) if options.resume else None
    todo = [j for j in jobs if not (journal and is_done(j, journal.rows.get(j.name), out))]
    report = BatchReport(total=len(jobs), skipped=len(jobs) - len(todo), backend=options.backend,
                         table=out / JOURNAL)
    by_name = {j.name: j for j in jobs}
    backend = None
    t0 = time.perf_counter()
    with _CtrlC() as ctrl_c:
        try:
            if todo:
                backend = make_backend(options.backend, options.workers, options.address,
                                       spool=out)
                report.workers = backend.workers
            journal = journal or Journal(out, fresh=True)
            if todo:
                if on_start:
                    on_start(report)
                t0 = time.perf_counter()
                for result in backend.run(todo, ctrl_c.stop):
                    job = by_name[result.name]
                    if result.status == "ok":
                        place(out, job, result)
                    journal.append(row_for(job, result, out))
                    report.results.append(result)
                    report.seconds = time.perf_counter() - t0
                    if on_result:
                        on_result(result, report)
            report.interrupted = ctrl_c.stop.is_set()
        except KeyboardInterrupt:
            report.interrupted = True
        finally:
            if backend is not None:
                backend.close()
            rows = journal.finish(j.name for j in jobs) if journal else []
            if journal and options.table == "parquet":
                write_parquet(rows, out / PARQUET)
                report.table = out / PARQUET
            for stale in out.glob(".*.part"):
                stale.unlink()
    report.seconds = time.perf_counter() - t0
    return report

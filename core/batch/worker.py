"""One batch worker's engine: renders jobs and hands back encoded files and their metadata.

A `WarmEngine` lives as long as its worker process (a process-pool worker or a Ray actor): the
node registry is loaded once, sample banks are kept per (folders, rate) so a sample is read
and resampled once, and the numba kernels a job compiled stay compiled for the next job.
Workers never write into the output folder: `run` returns the encoded file as bytes and the
coordinator writes it (atomically), so a worker can be stopped at any moment.
"""
from __future__ import annotations

import hashlib
import io
import math
import os
import socket
import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import PhononError
from .manifest import Job

SUBTYPES = {"wav": "FLOAT", "flac": "PCM_24"}


@dataclass
class JobResult:
    """What a worker reports for one job; `data` is the encoded file (not in the table)."""

    name: str
    status: str                          # "ok" or "failed"
    error: str = ""
    frames: int = 0
    seconds: float = 0.0
    peak_dbfs: float | None = None
    rms_dbfs: float | None = None
    audio_sha256: str = ""               # of the rendered float32 samples, interleaved
    file_sha256: str = ""                # of the file as written
    render_s: float = 0.0                # wall time of compile + render + encode
    cpu_s: float = 0.0                   # CPU time of the same (all threads of the worker)
    worker: str = ""                     # host:pid
    worker_jobs: int = 0                 # jobs this worker's engine has run, this one included
    stems: dict[str, str] = field(default_factory=dict)       # stem name -> audio sha256
    data: bytes = field(default=b"", repr=False)
    stem_data: dict[str, bytes] = field(default_factory=dict, repr=False)
    #: with a spool folder: the encoded files already written there ("" = the job's file,
    #: else a stem name) for the coordinator to rename into place, instead of `data`
    spooled: dict[str, str] = field(default_factory=dict)


def level_dbfs(x: float) -> float | None:
    """A linear level in dBFS (None for digital silence, so the table stays JSON)."""
    return round(20.0 * math.log10(x), 4) if x > 0 else None


def audio_sha256(y: np.ndarray) -> str:
    """sha256 of (2, n) float32 audio as the file holds it: frames interleaved, little-endian."""
    return hashlib.sha256(np.ascontiguousarray(y.T, dtype="<f4").tobytes()).hexdigest()


def encode(y: np.ndarray, sr: int, fmt: str) -> bytes:
    """The file's bytes: WAV 32-bit float (the engine's samples) or FLAC 24-bit. The same
    audio always gives the same bytes (`phonon.engine.audiofile`: the time stamp libsndfile
    writes into a float WAV's PEAK chunk is 0; the peak values stay)."""
    import soundfile as sf

    from ..engine.audiofile import clear_peak_stamp
    buf = io.BytesIO()
    sf.write(buf, y.T, sr, format=fmt.upper(), subtype=SUBTYPES[fmt])
    if fmt == "wav":
        with buf.getbuffer() as view:        # in place: no copy of the audio
            clear_peak_stamp(view, fmt)
    return buf.getvalue()


def wav_samples(data: bytes) -> memoryview | None:
    """The `data` chunk of a float WAV: exactly the interleaved little-endian float32 samples
    `audio_sha256` hashes (so the hash needs no copy of the audio)."""
    view = memoryview(data)
    at = 12
    while at + 8 <= len(data):
        size = int.from_bytes(data[at + 4:at + 8], "little")
        if data[at:at + 4] == b"data":
            return view[at + 8:at + 8 + size]
        at += 8 + size + (size & 1)
    return None


class WarmEngine:
    """Renders jobs one after another, keeping what can be reused between them."""

    def __init__(self) -> None:
        from ..plugins.registry import default_registry
        self.registry = default_registry()
        self._banks: dict[tuple, Any] = {}
        self.jobs = 0
        #: a folder on the output's file system (local workers): encoded files are written
        #: there as `.NAME.PID.part` and only their paths travel back
        self.spool: Path | None = None

    @property
    def worker(self) -> str:
        """host:pid of the process running the jobs (a forked worker is not its parent)."""
        return f"{socket.gethostname()}:{os.getpid()}"

    def bank(self, samples: tuple[str, ...], sr: int):
        """The sample bank for these folders at this rate, made once per worker."""
        key = (samples, sr)
        if key not in self._banks:
            from ..engine.session import make_sample_bank
            self._banks[key] = make_sample_bank(list(samples) or None, sr)
        return self._banks[key]

    def render(self, job: Job) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The job's audio, (2, n) float32, and its stems by name (none unless the job asks);
        raises PhononError for a broken program and RuntimeError when a node failed."""
        from ..engine.render import compile_source, render
        from ..vst3.bundles import allow_plugin_folders
        allow_plugin_folders(list(job.plugin_paths))      # this job's, not an earlier one's
        bank = self.bank(job.samples, job.sr)
        graph = compile_source(job.source, file=job.program, registry=self.registry, bank=bank)
        cps = Fraction(graph.cps).limit_denominator(10**6)
        seconds = job.seconds if job.seconds is not None else float(job.cycles / cps)
        problems: list[str] = []
        stems = None if job.stems is None else (list(job.stems) or True)
        y = render(graph, seconds, job.sr, job.block, samples=bank, registry=self.registry,
                   reporter=problems.append, seed=job.seed, stems=stems or False,
                   stems_post=job.stems_post)
        if problems:
            raise RuntimeError(problems[0].splitlines()[0])
        if isinstance(y, dict):              # stems: the mix is the master stem
            master = y.pop("master", None)
            if master is None:
                master = render(graph, seconds, job.sr, job.block, samples=bank,
                                registry=self.registry, seed=job.seed)
            return master, y
        return y, {}

    def run(self, job: Job) -> JobResult:
        """Render and encode one job; every failure becomes a failed result, never a raise."""
        t0, cpu0 = time.perf_counter(), time.process_time()
        self.jobs += 1
        try:
            y, stems = self.render(job)
            data = encode(y, job.sr, job.format)
            stem_data = {name: encode(a, job.sr, job.format) for name, a in stems.items()}
        except PhononError as exc:
            return self._failed(job, exc.with_source(job.source).headline, t0)
        except Exception as exc:  # noqa: BLE001 - a job's failure is recorded, the batch goes on
            return self._failed(job, f"{type(exc).__name__}: {exc}".splitlines()[0], t0)
        raw = wav_samples(data) if job.format == "wav" else None
        peak = max(float(y.max()), -float(y.min())) if y.size else 0.0   # no |y| copy
        rms = float(np.sqrt(np.mean(np.square(y, dtype=np.float64)))) if y.size else 0.0
        result = JobResult(job.name, "ok", frames=int(y.shape[1]), seconds=y.shape[1] / job.sr,
                           peak_dbfs=level_dbfs(peak), rms_dbfs=level_dbfs(rms),
                           audio_sha256=hashlib.sha256(raw).hexdigest() if raw is not None
                           else audio_sha256(y), file_sha256=hashlib.sha256(data).hexdigest(),
                           worker=self.worker, worker_jobs=self.jobs, data=data,
                           stem_data=stem_data,
                           stems={name: audio_sha256(a) for name, a in stems.items()})
        if self.spool is not None:
            self._spool(job, result)
        result.render_s = time.perf_counter() - t0
        result.cpu_s = time.process_time() - cpu0
        return result

    def _spool(self, job: Job, result: JobResult) -> None:
        """Write the encoded files into the spool folder; keep only their paths."""
        files = {"": result.data, **result.stem_data}
        for key, data in files.items():
            label = f"{job.name}.{key}" if key else job.name
            path = self.spool / f".{label}.{job.format}.{os.getpid()}.part"
            path.write_bytes(data)
            result.spooled[key] = str(path)
        result.data, result.stem_data = b"", {}

    def _failed(self, job: Job, message: str, t0: float) -> JobResult:
        return JobResult(job.name, "failed", error=message, render_s=time.perf_counter() - t0,
                         worker=self.worker, worker_jobs=self.jobs)


_ENGINE: WarmEngine | None = None


def process_engine() -> WarmEngine:
    """The calling process's engine (process-pool workers make it in their initializer)."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = WarmEngine()
    return _ENGINE


def run_in_process(job: Job) -> JobResult:
    """Process-pool entry point: one job on this worker's warm engine."""
    return process_engine().run(job)

"""Batch rendering benchmark: jobs/s on the local pool (1 and 2 workers) and on a local Ray with
2 workers, against a plain in-process loop over the same jobs measured in the same run.

    python benchmarks/batch.py [--jobs 200] [--seconds 4] [--rounds 3] [--no-ray] [--keep DIR]

The jobs are one program (drums with random `?`/`sometimes`, noise, a filtered bass, reverb,
compressor, limiter) over a
grid of 10 cutoffs x 20 seeds (200 jobs of 4 s at 44.1 kHz by default). Printed:
- jobs/s of each configuration (medians of interleaved rounds), wall time from the call to
  the last file (pool start-up included) and "steady" (first result to last, the rate a long
  batch converges to), and the CPU time per job of all processes;
- scaling efficiency = jobs/s(2 workers) / (2 x jobs/s(1 worker)), both ways;
- per-job overhead = (1-worker batch wall - plain loop wall) / jobs: compile, encode, the
  process hop, writing the file and its table row;
- whether the Ray and local outputs hash identically (every file, byte for byte);
- the load average before and after, and the free cores it implies (the machine is shared).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = """cps: 0.55
~kick: s "bd*4" # gain 0.9
~snare: s "~ sn? ~ sn" # gain 0.7
~hats: s "hh*16?" $ sometimes (# speed 2) # gain "0.5 0.3"
~air: pink * 0.02
~bass: saw "55 55 82.5 73.4" # lpf %cutoff 0.7 # gain 0.25
~space: ~snare # reverb 0.6 0.5 1
out: (~kick + ~snare + ~hats + ~air + ~bass + ~space * 0.3) # compressor -12 3 # limiter 0.95
"""


def write_manifest(folder: Path, jobs: int, seconds: float) -> Path:
    (folder / "bench.ph").write_text(PROGRAM)
    cutoffs = [200 + 300 * i for i in range(10)]
    seeds = -(-jobs // len(cutoffs))
    m = folder / "bench.toml"
    m.write_text(f'seconds = {seconds}\n[[grid]]\nprogram = "bench.ph"\nseeds = {seeds}\n'
                 f'params = {{ cutoff = {json.dumps(cutoffs)} }}\n')
    return m


def plain_loop(jobs) -> float:
    """The same renders in this process, one after another, nothing written (the baseline)."""
    import phonon
    t0 = time.perf_counter()
    for job in jobs:
        phonon.render(job.source, job.seconds, sr=job.sr, block=job.block, seed=job.seed)
    return time.perf_counter() - t0


def batch(jobs, out: Path, backend: str, workers: int) -> dict:
    """One run: wall time, jobs/s, steady jobs/s, and CPU seconds per job of the workers and
    the coordinator together (local backend: the workers are reaped children)."""
    from phonon.batch.run import BatchOptions, run_batch
    shutil.rmtree(out, ignore_errors=True)
    stamps: list[float] = []
    cpu0 = _cpu()
    t0 = time.perf_counter()
    report = run_batch(jobs, BatchOptions(out=out, backend=backend, workers=workers),
                       on_result=lambda r, rep: stamps.append(time.perf_counter()))
    wall = time.perf_counter() - t0
    assert not report.failed, report.failed[0].error
    steady = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else float("nan")
    return {"wall": wall, "rate": len(jobs) / wall, "steady": steady,
            "cpu_ms": (_cpu() - cpu0) / len(jobs) * 1000}


def _cpu() -> float:
    import resource
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def median_run(runs: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.wav"))}


def load() -> str:
    one, five, _ = os.getloadavg()
    cores = os.cpu_count() or 1
    return f"load average {one:.2f} (5 min {five:.2f}) on {cores} cores, ~{max(0.0, cores - one):.1f} free"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--no-ray", action="store_true")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds (medians)")
    ap.add_argument("--keep", metavar="DIR", help="keep the outputs here")
    args = ap.parse_args()
    from phonon.batch.manifest import load_manifest

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="phonon-batch-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    jobs = load_manifest(write_manifest(work, args.jobs, args.seconds))[:args.jobs]
    print(f"{len(jobs)} jobs of {args.seconds:g} s at 44.1 kHz; before: {load()}")
    import phonon
    phonon.render(jobs[0].source, 0.5, seed=1)          # numba cache warm in this process
    cpu0 = _cpu()
    base = plain_loop(jobs)
    base_cpu = (_cpu() - cpu0) / len(jobs) * 1000
    print(f"plain loop, 1 process:   {len(jobs) / base:7.2f} jobs/s  ({base:.1f} s)")
    import dataclasses
    tiny = [dataclasses.replace(jobs[0], seconds=0.01)]
    start_cpu = statistics.median(batch(tiny, work / "tiny", "local", 1)["cpu_ms"] for _ in range(3))
    print(f"a worker's start-up (spawn, imports, registry, first kernels): {start_cpu:.0f} ms CPU")
    configs = [("local -j 1", "local", 1), ("local -j 2", "local", 2)]
    samples: dict[str, list[dict]] = {name: [] for name, _, _ in configs}
    for _ in range(args.rounds):                       # interleaved: both see the same load
        for name, backend, workers in configs:
            samples[name].append(batch(jobs, work / name.replace(" ", ""), backend, workers))
    if not args.no_ray:
        samples["ray -j 2"] = [batch(jobs, work / "ray-j2", "ray", 2)]
    runs = {name: median_run(r) for name, r in samples.items()}
    for name, r in runs.items():
        if name.startswith("local"):              # CPU per job once the workers are up
            r["cpu_ms"] -= int(name[-1]) * start_cpu / len(jobs)
        print(f"{name:<24} {r['rate']:7.2f} jobs/s  ({r['wall']:.1f} s; steady {r['steady']:.2f} "
              f"jobs/s; {r['cpu_ms']:.1f} ms CPU per job without start-up, all processes)")
    one, two = runs["local -j 1"], runs["local -j 2"]
    print(f"scaling efficiency, 2 workers vs 1: {two['rate'] / (2 * one['rate']):.2f} "
          f"(steady {two['steady'] / (2 * one['steady']):.2f}; target >= 0.8)")
    print(f"per-job overhead vs the plain loop: {(one['wall'] - base) / len(jobs) * 1000:.1f} ms "
          f"wall, {one['cpu_ms'] - base_cpu:.1f} ms CPU (a job renders in "
          f"{base / len(jobs) * 1000:.1f} ms, {base_cpu:.1f} ms CPU, in the plain loop)")
    print(f"CPU per job, 2 workers vs 1: {two['cpu_ms'] / one['cpu_ms']:.2f}x (1.00 = no "
          "contention cost; with 2 free cores the wall-time efficiency follows it)")
    if "ray -j 2" in runs:
        r2 = runs["ray -j 2"]
        print(f"ray vs local, 2 workers: {r2['rate'] / two['rate']:.2f}x jobs/s "
              f"(steady {r2['steady'] / two['steady']:.2f}x)")
        a, b = hashes(work / "local-j2"), hashes(work / "ray-j2")
        same = a == b and len(a) == len(jobs)
        print(f"ray and local outputs hash identically: {same} ({len(a)} files)")
        if not same:
            return 1
    same12 = hashes(work / "local-j1") == hashes(work / "local-j2")
    print(f"1 and 2 local workers hash identically: {same12}")
    print(f"after: {load()}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if same12 else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())

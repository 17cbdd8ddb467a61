"""Batch rendering benchmark: jobs/s and CPU per job of the local pool with 1 and 2 workers
and of a local Ray with 2 workers, against a plain in-process loop over the same jobs.

    python benchmarks/batch.py [--jobs 200] [--seconds 4] [--rounds 3] [--no-ray] [--keep DIR]

The jobs are one program (drums with random `?`/`sometimes`, noise, a filtered bass, reverb,
compressor, limiter) over a grid of 10 cutoffs x 20 seeds (200 jobs of 4 s at 44.1 kHz by
default). Each batch runs in a fresh coordinator process, as `phonon batch` does, so every
run pays its own pool start-up (fork server warm-up, or Ray's start). Printed, as medians of
interleaved rounds:
- jobs/s from the call to the last file (start-up included) and "steady" (first result to
  last, the rate a long batch converges to), and the time to the first result;
- CPU per job: in the workers (`cpu_s` of each job, the first jobs' kernel loads included)
  and in the coordinator (renames, table rows). These do not depend on the machine's load,
  unlike jobs/s: if they do not grow with the worker count, the pool adds no work per job;
- scaling efficiency = jobs/s(2 workers) / (2 x jobs/s(1 worker)), with and without start-up;
- the idle CPU of the machine during each run (from /proc/stat: cores nobody used) and the
  load average before and after: the machine is shared, and with no idle core a second
  worker cannot make a batch faster, whatever the pool does;
- the same for a control without any pool: the plain loop in 1 process, and in 2 processes
  in parallel (each over half the jobs): the CPU per job and the efficiency this machine
  allows at the moment, whatever the pool does;
- the pool as it was before the fork server (each worker a spawned interpreter warming up on
  its own), with 1 and 2 workers (`--no-spawn` skips it);
- whether 1 and 2 local workers and Ray give identical files (every file, byte for byte).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
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


def plain_loop(jobs) -> tuple[float, float]:
    """The same renders in this process, one after another, nothing written (the baseline):
    wall seconds and CPU seconds."""
    import phonon
    t0, c0 = time.perf_counter(), time.process_time()
    for job in jobs:
        phonon.render(job.source, job.seconds, sr=job.sr, block=job.block, seed=job.seed)
    return time.perf_counter() - t0, time.process_time() - c0


def child(manifest: str, count: int, out: str, backend: str, workers: int) -> None:
    """One batch in this (fresh) process; prints its figures as JSON on the last line.
    Backend "plain": the plain loop over every `workers`-th job from `out` on (the control)."""
    from phonon.batch.manifest import load_manifest
    from phonon.batch.run import BatchOptions, run_batch
    jobs = load_manifest(Path(manifest))[:count]
    if backend == "spawn":                  # the pool as it was: each worker a spawned interpreter
        import multiprocessing as mp

        import phonon.batch.local as local
        local.pool_context = lambda: mp.get_context("spawn")
        backend = "local"
    if backend == "plain":
        import phonon
        phonon.render(jobs[0].source, 0.5, seed=1)
        wall, cpu = plain_loop(jobs[int(out)::workers])
        print(json.dumps({"wall": wall, "cpu": cpu}))
        return
    stamps: list[float] = []
    c0 = time.process_time()
    t0 = time.perf_counter()
    report = run_batch(jobs, BatchOptions(out=Path(out), backend=backend, workers=workers),
                       on_result=lambda r, rep: stamps.append(time.perf_counter()))
    wall = time.perf_counter() - t0
    if report.failed:
        raise SystemExit(report.failed[0].error)
    cpu = sorted(r.cpu_s for r in report.results)
    print(json.dumps({
        "wall": wall, "rate": len(jobs) / wall, "first": stamps[0] - t0,
        "steady": (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0,
        "worker_ms": sum(cpu) / len(cpu) * 1000, "worker_median_ms": statistics.median(cpu) * 1000,
        "coordinator_ms": (time.process_time() - c0) / len(jobs) * 1000}))


def idle_jiffies() -> tuple[float, float]:
    """(idle + iowait time of all cores, in seconds; the monotonic clock)."""
    with open("/proc/stat") as f:
        fields = f.readline().split()[1:]
    return (int(fields[3]) + int(fields[4])) / os.sysconf("SC_CLK_TCK"), time.monotonic()


def batch(manifest: Path, count: int, out: Path, backend: str, workers: int) -> dict:
    """One batch in a fresh coordinator process (backend "plain": `workers` plain loops in
    parallel processes, each over its share of the jobs), and the machine's idle cores
    meanwhile."""
    shutil.rmtree(out, ignore_errors=True)
    parts = range(workers) if backend == "plain" else [out]
    idle0, t0 = idle_jiffies()
    procs = [subprocess.Popen([sys.executable, __file__, "--child", str(manifest), str(count),
                               str(part), backend, str(workers)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for part in parts]
    outputs = [p.communicate() for p in procs]
    idle1, t1 = idle_jiffies()
    for p, (_, err) in zip(procs, outputs):
        if p.returncode:
            raise SystemExit(f"{backend} -j {workers} failed:\n{err[-3000:]}")
    figures = [json.loads(o.strip().splitlines()[-1]) for o, _ in outputs]
    if backend == "plain":
        wall = max(f["wall"] for f in figures)
        cpu = sum(f["cpu"] for f in figures) / count * 1000
        figures = [{"wall": wall, "rate": count / wall, "first": 0.0, "steady": count / wall,
                    "worker_ms": cpu, "worker_median_ms": cpu, "coordinator_ms": 0.0}]
    figures[0]["idle_cores"] = (idle1 - idle0) / (t1 - t0)
    return figures[0]


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
    ap.add_argument("--no-spawn", action="store_true",
                    help="skip the pool with spawned workers (how it was before the fork server)")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds (medians)")
    ap.add_argument("--keep", metavar="DIR", help="keep the outputs here")
    ap.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        manifest, count, out, backend, workers = args.child
        child(manifest, int(count), out, backend, int(workers))
        return 0
    from phonon.batch.manifest import load_manifest

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="phonon-batch-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    manifest = write_manifest(work, args.jobs, args.seconds)
    jobs = load_manifest(manifest)[:args.jobs]
    n = len(jobs)
    print(f"{n} jobs of {args.seconds:g} s at 44.1 kHz; before: {load()}")
    import phonon
    phonon.render(jobs[0].source, 0.5, seed=1)          # numba cache warm in this process
    base, base_cpu = plain_loop(jobs)
    print(f"plain loop in this process: {n / base:6.2f} jobs/s  ({base:.1f} s, "
          f"{base_cpu / n * 1000:.1f} ms CPU per job)")
    configs = [("plain x 1", "plain", 1), ("plain x 2", "plain", 2),
               ("local -j 1", "local", 1), ("local -j 2", "local", 2)]
    if not args.no_spawn:
        configs += [("spawn -j 1", "spawn", 1), ("spawn -j 2", "spawn", 2)]
    if not args.no_ray:
        configs.append(("ray -j 2", "ray", 2))
    samples: dict[str, list[dict]] = {name: [] for name, _, _ in configs}
    for _ in range(args.rounds):                       # interleaved: all see the same load
        for name, backend, workers in configs:
            samples[name].append(batch(manifest, n, work / name.replace(" ", ""), backend, workers))
    runs = {name: median_run(r) for name, r in samples.items()}
    for name, r in runs.items():
        print(f"{name:<11} {r['rate']:6.2f} jobs/s ({r['wall']:.1f} s, first file after "
              f"{r['first']:.2f} s; steady {r['steady']:.2f} jobs/s); CPU per job: workers "
              f"{r['worker_ms']:.1f} ms (median {r['worker_median_ms']:.1f}), coordinator "
              f"{r['coordinator_ms']:.1f} ms; idle cores during the run {r['idle_cores']:.2f}")
    one, two = runs["local -j 1"], runs["local -j 2"]
    print(f"scaling efficiency, 2 local workers vs 1: {two['rate'] / (2 * one['rate']):.2f} "
          f"(steady {two['steady'] / (2 * one['steady']):.2f}; target >= 0.8; meaningful only "
          "with 2 idle cores)")
    print(f"CPU per job, 2 workers vs 1: workers {two['worker_ms'] / one['worker_ms']:.2f}x "
          f"(median {two['worker_median_ms'] / one['worker_median_ms']:.2f}x), workers + "
          f"coordinator {(two['worker_ms'] + two['coordinator_ms']) / (one['worker_ms'] + one['coordinator_ms']):.2f}x "
          "(1.00: a second worker adds no work per job)")
    p1, p2 = runs["plain x 1"], runs["plain x 2"]
    print(f"control, the plain loop in 1 process vs 2 in parallel: CPU per job "
          f"{p2['worker_ms'] / p1['worker_ms']:.2f}x, scaling efficiency "
          f"{p2['rate'] / (2 * p1['rate']):.2f} (what this machine allows right now)")
    print(f"per-job overhead of the pool vs the plain loop (1 worker): "
          f"{one['worker_median_ms'] + one['coordinator_ms'] - base_cpu / n * 1000:.1f} ms CPU")
    if "spawn -j 2" in runs:
        s1, s2 = runs["spawn -j 1"], runs["spawn -j 2"]
        print(f"before (spawned workers): scaling efficiency {s2['rate'] / (2 * s1['rate']):.2f} "
              f"(steady {s2['steady'] / (2 * s1['steady']):.2f}); fork server vs spawn, 2 workers: "
              f"{two['rate'] / s2['rate']:.2f}x jobs/s, first file {two['first']:.2f} s vs "
              f"{s2['first']:.2f} s")
    same = hashes(work / "local-j1") == hashes(work / "local-j2")
    print(f"1 and 2 local workers give identical files: {same}")
    if "ray -j 2" in runs:
        r2 = runs["ray -j 2"]
        print(f"local vs ray, 2 workers: {two['rate'] / r2['rate']:.2f}x jobs/s "
              f"(steady {two['steady'] / r2['steady']:.2f}x), CPU per job "
              f"{two['worker_ms'] / r2['worker_ms']:.2f}x")
        a, b = hashes(work / "local-j2"), hashes(work / "ray-j2")
        ray_same = a == b and len(a) == n
        print(f"ray and local outputs hash identically: {ray_same} ({len(a)} files)")
        same = same and ray_same
    print(f"after: {load()}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if same else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())

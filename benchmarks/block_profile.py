"""Where a block's time goes: per node and per engine stage, on the reference workload.

    python benchmarks/block_profile.py [--blocks 64,256] [--seconds 30] [--file PROGRAM]

Renders the program (default tests/data/bench/reference.ph with its samples) in this process
after a warm-up second, timing each step of the block runner's per-block path as it runs
(steady calls included, `Node.steady_call`) and the engine's stages around it (refresh of
events and stepped parameters, the run of the steps, the end of block: feedback copies and the
master guard). Prints microseconds per block: each node (the timer's own cost subtracted), the
stages, and the whole render's CPU time per block (with the timers in it, so a little above an
untimed render's). The timers are wall clocks: a step during which the process lost the CPU
to another one (a time slice is milliseconds, a step microseconds) is left out (any step over
`OUTLIER_US`), so the figures hold on a loaded machine. The untimed numbers against pyo and
scsynth are `peers.py`'s.
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import peers_workload as W

OUTLIER_US = 150.0       # a step or stage this long was preempted: left out


def profile(block: int, seconds: float, source) -> None:
    from phonon.engine import SessionOptions, open_session
    from phonon.runtime import blocks

    now = time.perf_counter_ns
    nodes: dict[str, list[int]] = {}
    timer = [0]

    def timed_run_calls(calls, failed):                  # blocks.run_calls, timed per step
        for f, args, step in calls:
            t0 = now()
            try:
                f(*args)
            except Exception:  # noqa: BLE001 - as the runner
                failed(step.task, step.out)
            nodes.setdefault(step.task.id, []).append(now() - t0)
        t0 = now()
        timer[0] += (now() - t0) * len(calls)

    options = SessionOptions(sr=W.SR, block=block, samples=str(W.SAMPLES))
    session = open_session(source, options)
    session.render(W.SR)                                   # warm: kernels, steady calls
    real_run_calls = blocks.run_calls
    blocks.run_calls = timed_run_calls
    runner, executor = session.executor.runner, session.executor
    stages: dict[str, list[int]] = {"refresh": [], "run": [], "end of block": []}
    wrapped = []
    for name, obj, attr in (("refresh", runner, "refresh"), ("run", runner, "run"),
                            ("end of block", executor, "_end_block")):
        f = getattr(obj, attr)

        def w(*a, f=f, name=name):
            t0 = now()
            y = f(*a)
            stages[name].append(now() - t0)
            return y
        setattr(obj, attr, w)
        wrapped.append((obj, attr))
    n = max(1, round(seconds * W.SR / block))
    try:
        t0 = time.process_time()
        session.render(n * block)
        cpu = (time.process_time() - t0) / n * 1e6
    finally:
        blocks.run_calls = real_run_calls
        for obj, attr in wrapped:
            delattr(obj, attr)
        session.close()
    per_call = timer[0] / n / 1e3 / max(1, len(session.bound.tasks))
    print(f"\nblock {block}: {cpu:.2f} us CPU per block (timed render), timer {per_call:.3f} us "
          f"per step subtracted")
    total = 0.0
    for task in session.bound.tasks:
        us = mean_us(nodes.get(task.id, [])) - per_call
        total += us
        print(f"  {task.id:32s} {task.kind:12s} {us:7.2f}")
    print(f"  {'nodes':45s} {total:7.2f}")
    for name, times in stages.items():
        print(f"  stage {name:39s} {mean_us(times):7.2f}")


def mean_us(times: list[int]) -> float:
    """Mean in microseconds of the times (ns) that were not preempted."""
    kept = [t for t in times if t < OUTLIER_US * 1e3]
    return sum(kept) / max(1, len(kept)) / 1e3


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--blocks", default="64,256")
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--file", default=W.REFERENCE, type=Path, help="the program (default: reference)")
    args = ap.parse_args()
    print(f"{args.file}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    for block in (int(b) for b in args.blocks.split(",")):
        profile(block, args.seconds, args.file)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

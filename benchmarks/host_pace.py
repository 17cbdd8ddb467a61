"""The host's pace: a fixed pure-Python workload that uses nothing of Phonon's.

These virtual machines run up to ~2x slower for tenths of a second to minutes at a time, one
CPU at a time or both, with no trace in the guest (docs/speed.md, "Eleventh round" and
"Twelfth round"). The workload below slows down by the same factor as the interpreter-bound
work Phonon's fixed cost and engine overhead are made of, so reading it beside a measurement
tells a slow host from a slow engine:

- `least(repeat)`: the least of `repeat` back-to-back runs, ms (the figure printed at the top
  of `peers.py`);
- `reading()`: one run, s (~1.6 ms), right now, on this CPU;
- `on_this_cpu()`: keep the process on its current CPU for a block, so that readings and the
  measurement between them are of the same CPU.

A measurement is *at the host's usual pace* when the readings around it are within `USUAL` of
the least reading of the same run (`peers.FixedCost`).
"""
from __future__ import annotations

import contextlib
import os
import time
from fractions import Fraction
from typing import Iterator

USUAL = 1.10       # a reading at most 10% above the run's least: the host at its usual pace


def work() -> None:
    """The workload: small Fractions, tuples, a dict, a sort (~1.6 ms on the project's EPYC
    machines at their usual pace)."""
    acc, table = Fraction(0), {}
    for i in range(1, 600):
        acc = (acc + Fraction(i % 7, 8)) % 5
        table[i] = (acc, i % 13, str(i))
    sorted(table.values(), key=lambda v: (v[1], v[2]))


def least(repeat: int = 25) -> float:
    """ms: the least of `repeat` runs of `work` (the host's pace over the next ~40 ms)."""
    return min(reading() for _ in range(repeat)) * 1e3


def reading() -> float:
    """Seconds of one run of `work`: the host's pace right now, on this CPU."""
    t0 = time.perf_counter()
    work()
    return time.perf_counter() - t0


@contextlib.contextmanager
def on_this_cpu() -> Iterator[None]:
    """Keep this process on the CPU it runs on for the block (no-op without CPU affinity)."""
    if not hasattr(os, "sched_setaffinity"):
        yield
        return
    allowed = os.sched_getaffinity(0)
    with open("/proc/self/stat") as f:
        cpu = int(f.read().rsplit(")", 1)[1].split()[36])      # field 39: the last CPU
    os.sched_setaffinity(0, {cpu})
    try:
        yield
    finally:
        os.sched_setaffinity(0, allowed)


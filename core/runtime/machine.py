"""What the machine offers the actor runtime: cores, and how busy other processes keep them.

`-j N` means "up to N" workers: busy processes never outnumber the cores. The coordinator
counts as one, each isolated worker as one, and (when the cores are not given explicitly) so
does every other task the kernel had runnable, on average, while the first blocks ran — on a
machine busy with other jobs a worker would only fight them for a core.
"""
from __future__ import annotations

import os

LOADAVG = "/proc/loadavg"


def available_cores() -> int:
    """The cores this process may run on (its affinity mask)."""
    return len(os.sched_getaffinity(0))


def default_workers(cores: int | None = None) -> int:
    """`phonon render`'s default `-j`: one worker per core beside the coordinator (0 on one
    core: inline). The cost model still keeps light programs in one process."""
    return max(0, (cores or available_cores()) - 1)


def worker_budget(requested: int, cores: float, busy: float) -> int:
    """How many balance workers may run beside `busy` busy processes (the coordinator,
    isolated workers, other jobs) on `cores` cores, `requested` at most."""
    return max(0, min(requested, int(cores - busy + 0.5)))


def runnable_tasks() -> float:
    """Tasks the kernel has runnable right now, the caller included, scaled to the cores this
    process may use (Linux /proc/loadavg counts the whole machine; 0 where it does not
    exist)."""
    try:
        with open(LOADAVG, encoding="ascii") as f:
            runnable = int(f.read().split()[3].split("/")[0])
    except (OSError, IndexError, ValueError):
        return 0.0
    return runnable * available_cores() / (os.cpu_count() or 1)

"""How loaded the shared machine is, for the benchmarks' reports (other jobs compete for the
cores: a ratio measured now is only as good as the cores it got)."""
from __future__ import annotations

import os
import time


def free_cores(seconds: float = 1.0) -> float:
    """How many cores two CPU-bound processes actually get right now: the ceiling of any
    parallel speed-up measured in this run."""
    def burn() -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            pass

    c0 = time.process_time()
    pid = os.fork()
    if pid == 0:
        burn()
        os._exit(0)
    burn()
    _, _, usage = os.wait4(pid, 0)
    return (time.process_time() - c0 + usage.ru_utime + usage.ru_stime) / seconds

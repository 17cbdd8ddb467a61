"""The README's first command, timed as a newcomer meets it: cold (numba's cache empty, the first
run after install) and warm (every later run).

    python benchmarks/first_run.py [--rounds 3] [--seconds 8]

Each round runs, as subprocesses and interleaved: `phonon --version` (interpreter and CLI start:
the floor any command pays, the baseline), `phonon render examples/demo.ph OUT -d 8` with
NUMBA_CACHE_DIR pointing at a new empty folder (cold), and the same command again with that
folder kept (warm). Prints the medians (wall and CPU time: the CPU seconds hardly change when
other processes load the machine, the wall time does), their ratios to the baseline, the compile
time the render reports, and how loaded the machine was. Targets (issue 11): cold <= 10 s and warm
<= 2.5 s wall on a 2-core machine.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHONON = Path(sys.executable).with_name("phonon")


def timed(cmd: list[str], env: dict) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system: what the run costs whatever else the machine
    does) and the standard output of `cmd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, proc.stdout


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=8.0)
    args = ap.parse_args(argv)
    cold, warm, base, compiled, cpu = [], [], [], [], {"cold": [], "warm": []}
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        render = [str(PHONON), "render", "examples/demo.ph", f"{tmp}/demo.wav", "-d", str(args.seconds)]
        for r in range(args.rounds):
            env = dict(os.environ, NUMBA_CACHE_DIR=f"{tmp}/numba-cache-{r}")
            base.append(timed([str(PHONON), "--version"], env)[0])
            seconds, used, text = timed(render, env)
            cold.append(seconds)
            cpu["cold"].append(used)
            m = re.search(r"compiled (\d+) DSP kernels? in ([\d.]+) s", text)
            compiled.append((int(m[1]), float(m[2])) if m else (0, 0.0))
            seconds, used, _ = timed(render, env)
            warm.append(seconds)
            cpu["warm"].append(used)
            print(f"round {r + 1}: baseline {base[-1]:.2f} s, cold {cold[-1]:.2f} s "
                  f"(CPU {cpu['cold'][-1]:.2f} s; {compiled[-1][0]} kernels compiled in "
                  f"{compiled[-1][1]:.1f} s), warm {warm[-1]:.2f} s (CPU {cpu['warm'][-1]:.2f} s)",
                  flush=True)
    b, c, w = statistics.median(base), statistics.median(cold), statistics.median(warm)
    print(f"\ncores: {os.cpu_count()}; load average {load0:.2f} at the start, "
          f"{os.getloadavg()[0]:.2f} at the end (other processes compete for the cores)")
    print(f"baseline `phonon --version`: {b:.2f} s")
    print(f"cold first render (empty numba cache): {c:.2f} s = {c / b:.1f}x baseline, "
          f"CPU {statistics.median(cpu['cold']):.2f} s (target <= 10 s: {'met' if c <= 10 else 'MISSED'})")
    print(f"warm render (cache filled):            {w:.2f} s = {w / b:.1f}x baseline, "
          f"CPU {statistics.median(cpu['warm']):.2f} s (target <= 2.5 s: {'met' if w <= 2.5 else 'MISSED'})")
    print(f"compiling: {statistics.median(s for _, s in compiled):.1f} s of the cold run "
          f"({compiled[0][0]} kernels)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Whole-process start: `phonon render reference.ph OUT -d 1` with a warm kernel cache.

    python benchmarks/start.py [--rounds 7] [--against DIR] [--modules]

Each round runs, as subprocesses and interleaved: `python -c pass` (the interpreter alone),
`python -c "import numpy"` (the floor of any numpy program), pyo rendering the reference for
1 s offline (`peer_pyo.py --seconds 1`, when pyo is installed: its whole process) and
`phonon render tests/data/bench/reference.ph OUT -d 1` (the issue's measure, target <= 0.8 s).
Prints the medians of wall and CPU time (user + system: it hardly moves when other processes
load the machine, the wall time does) and the ratios to pyo, and the load average.

`--against DIR` also runs the same render with `PYTHONPATH=DIR` (a tree with `DIR/phonon`, e.g.
an older commit laid out by `git archive`) in the same rounds: before/after of a change.
`--modules` lists the heavy modules a plain render imports (from `python -X importtime`).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REFERENCE = ROOT / "tests" / "data" / "bench" / "reference.ph"
SAMPLES = ROOT / "tests" / "data" / "bench" / "samples"


def timed(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of `cmd`, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=HERE, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def render_cmd(out: str) -> list[str]:
    return [sys.executable, "-m", "phonon", "render", str(REFERENCE), out, "-d", "1",
            "--samples", str(SAMPLES)]


def heavy_modules(env: dict, out: str, threshold_ms: float = 5.0) -> list[tuple[str, float]]:
    """Top-level imports of a plain render costing more than `threshold_ms` (cumulative)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", *render_cmd(out)[1:]], cwd=HERE,
                          env=env, capture_output=True, text=True, check=True)
    found = []
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if m and len(m[2]) <= 2 and int(m[1]) / 1e3 >= threshold_ms:
            found.append((m[3], int(m[1]) / 1e3))
    return sorted(found, key=lambda x: -x[1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--against", metavar="DIR", help="also time PYTHONPATH=DIR (before/after)")
    ap.add_argument("--modules", action="store_true", help="list the heavy imports of a render")
    ap.add_argument("--json", metavar="FILE",
                    help="also write the medians (wall, CPU s per command) to FILE")
    args = ap.parse_args(argv)
    env = dict(os.environ, PYO_GUI_WX="0")
    env.pop("PYTHONDONTWRITEBYTECODE", None)          # a user's run has its .pyc files
    with tempfile.TemporaryDirectory(prefix="phonon-start-") as tmp:
        out = f"{tmp}/out.wav"
        runs = {"python -c pass": [sys.executable, "-c", "pass"],
                "python -c 'import numpy'": [sys.executable, "-c", "import numpy"]}
        probe = subprocess.run([sys.executable, "-c", "import pyo"], env=env, capture_output=True)
        if probe.returncode == 0:
            runs["pyo (1 s offline)"] = [sys.executable, str(HERE / "peer_pyo.py"), "--block",
                                         "512", "--seconds", "1", "--out", f"{tmp}/pyo.wav"]
        else:
            print("pyo: skipped, not installed (pip install pyo)")
        envs = {name: env for name in runs}
        runs["phonon render -d 1"] = render_cmd(out)
        envs["phonon render -d 1"] = env
        if args.against:
            name = f"phonon render -d 1 (PYTHONPATH={args.against})"
            runs[name] = render_cmd(out)
            envs[name] = dict(env, PYTHONPATH=str(Path(args.against).resolve()))
        for name, cmd in runs.items():                 # warm: .pyc files, numba's cache
            timed(cmd, envs[name])
        load0 = os.getloadavg()[0]
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
        names = list(runs)
        for r in range(args.rounds):
            for name in names[r % len(names):] + names[:r % len(names)]:
                results[name].append(timed(runs[name], envs[name]))
        load1 = os.getloadavg()[0]
        print(f"whole-process start, {args.rounds} interleaved rounds; {os.cpu_count()} CPUs, "
              f"load average {load0:.2f} -> {load1:.2f}")
        print(f"  {'command':52s} {'wall s':>8s} {'CPU s':>8s}")
        med = {}
        for name, v in results.items():
            med[name] = (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
            print(f"  {name:52s} {med[name][0]:8.3f} {med[name][1]:8.3f}")
        pyo = med.get("pyo (1 s offline)")
        if pyo:
            for name in runs:
                if name.startswith("phonon"):
                    print(f"  {name} / pyo: wall {med[name][0] / pyo[0]:.2f}, "
                          f"CPU {med[name][1] / pyo[1]:.2f}")
        if args.json:
            Path(args.json).write_text(json.dumps(
                {name: {"wall_s": w, "cpu_s": c} for name, (w, c) in med.items()}, indent=1))
        if args.modules:
            print("\nimports of a plain render costing >= 5 ms (cumulative, -X importtime):")
            for mod, ms in heavy_modules(env, out):
                print(f"  {ms:7.1f} ms  {mod}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Live benchmark: render cost per block size, and underruns on a JACK server under load.

    python benchmarks/live.py [--seconds 60] [--blocks 64 128 256 512] [--latency 0.05]
                              [--no-jack] [--no-load]

1. Render cost: the reference program (`../shared/bench/reference.ph`, samples exported by
   `export_samples.py`) rendered through the live render path (`phonon.live.Player`) at each
   block size: mean and 99th-percentile cost per block as a share of the block's duration
   (the live budget), and the ratio of each block size's mean cost per second of audio to
   block 2048's, measured in the same run (the offline baseline).
2. Underruns: for each block size a private JACK server (`jackd -d dummy -p BLOCK`) and
   `phonon live reference.ph --duration SECONDS -b BLOCK` while a background job keeps both
   cores busy (one numpy busy loop per core); prints the underruns and device xruns that
   `phonon live` reports. Target: 0 underruns at 128 and above.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
BENCH = (HERE.parent.parent / "shared" / "bench").resolve()
REFERENCE = BENCH / "reference.ph"
SR = 44100

LOAD_JOB = """
import numpy as np, time, sys
a = np.random.rand(200, 200)
end = time.time() + float(sys.argv[1])
while time.time() < end:
    a = a @ a
    a /= np.abs(a).max()
"""


def render_cost(text: str, samples: str, block: int, seconds: float) -> tuple[float, float]:
    """(mean, p99) render cost per block in seconds, through the live render path."""
    from phonon.engine.render import compile_source
    from phonon.engine.session import Session, make_sample_bank
    from phonon.live import Player

    bank = make_sample_bank(samples, SR)
    player = Player(Session(compile_source(text, bank=bank), SR, block, samples=bank))
    for _ in range(8):                          # warm up (numba, plugin setup)
        player.render()
    n = max(16, int(seconds * SR / block))
    times = np.empty(n)
    for i in range(n):
        t0 = time.perf_counter()
        player.render()
        times[i] = time.perf_counter() - t0
    player.close()
    return float(times.mean()), float(np.percentile(times, 99))


def underruns_under_load(text_path: Path, samples: str, block: int, seconds: float,
                         latency: float, load: bool) -> str:
    """Run `phonon live` on a private dummy JACK server; returns its summary line."""
    name = f"phonon-bench-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    env = dict(os.environ, JACK_DEFAULT_SERVER=name, JACK_NO_START_SERVER="1")
    jackd = subprocess.Popen(["jackd", "-n", name, "-d", "dummy", "-r", str(SR), "-p",
                              str(block)], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    loaders: list[subprocess.Popen] = []
    try:
        for _ in range(50):
            if subprocess.run(["jack_lsp"], env=env, capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        if load:
            one_thread = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
                              MKL_NUM_THREADS="1")
            loaders = [subprocess.Popen([sys.executable, "-c", LOAD_JOB, str(seconds + 20)],
                                        env=one_thread) for _ in range(os.cpu_count() or 2)]
        out = subprocess.run([sys.executable, "-m", "phonon", "live", str(text_path),
                              "--samples", samples, "-b", str(block), "--latency", str(latency),
                              "--duration", str(seconds)], env=env, capture_output=True,
                             text=True, timeout=seconds + 120)
        lines = [ln for ln in out.stdout.splitlines() if "stopped after" in ln]
        if os.environ.get("PHONON_BENCH_VERBOSE"):
            print(out.stdout)
        return lines[-1] if lines else f"failed ({out.returncode}): {out.stderr.strip()[-300:]}"
    finally:
        for p in loaders:
            p.terminate()
            p.wait()
        jackd.terminate()
        jackd.wait()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="live run per block size")
    ap.add_argument("--cost-seconds", type=float, default=10.0, help="audio timed per block size")
    ap.add_argument("--blocks", type=int, nargs="+", default=[64, 128, 256, 512])
    ap.add_argument("--latency", type=float, default=0.05)
    ap.add_argument("--no-jack", action="store_true", help="skip the underrun runs")
    ap.add_argument("--no-load", action="store_true", help="no background load")
    args = ap.parse_args()

    samples = tempfile.mkdtemp(prefix="phonon-bench-samples-")
    try:
        subprocess.run([sys.executable, str(BENCH / "export_samples.py"), samples], cwd=BENCH,
                       check=True, capture_output=True)
        text = REFERENCE.read_text()
        print(f"render cost of {REFERENCE.name} through the live render path "
              f"({args.cost_seconds:g} s of audio per block size)")
        base_mean, _ = render_cost(text, samples, 2048, args.cost_seconds)
        base_per_s = base_mean * SR / 2048
        print(f"  baseline block 2048: {100 * base_per_s:.1f}% of real time")
        for block in args.blocks:
            mean, p99 = render_cost(text, samples, block, args.cost_seconds)
            budget = block / SR
            print(f"  block {block:4d}: mean {100 * mean / budget:5.1f}% of the block budget, "
                  f"p99 {100 * p99 / budget:5.1f}%; cost per second of audio "
                  f"{mean * SR / block / base_per_s:.2f}x block 2048's")
        if args.no_jack or shutil.which("jackd") is None:
            print("underrun runs skipped" + ("" if args.no_jack else ": jackd not installed"))
            return 0
        load = "both cores loaded by a background job" if not args.no_load else "no load"
        print(f"underruns over {args.seconds:g} s on a dummy JACK server ({load}), "
              f"latency {args.latency:g} s")
        for block in args.blocks:
            summary = underruns_under_load(REFERENCE, samples, block, args.seconds,
                                           args.latency, not args.no_load)
            m = re.search(r"underruns: (\d+); device xruns: (\d+)", summary)
            shown = f"underruns {m.group(1)}, device xruns {m.group(2)}" if m else summary
            print(f"  block {block:4d}: {shown}")
    finally:
        shutil.rmtree(samples, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

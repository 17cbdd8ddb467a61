"""Render cost of bus instruments (`poly` voices) against the same chain played continuously.

    python benchmarks/instruments.py [--seconds 4] [--block 512]

Baseline (measured in the same run): the bus chain rendered once as a plain signal. Each
instrument case plays that chain as voices; the ratio says how many "chains' worth" of work
the voices cost (ideal: about the number of overlapping voices). Each case is rendered once to
warm numba's caches, then timed (median of 3, process CPU time).
"""
from __future__ import annotations

import argparse
import statistics
import time

import phonon

CHAIN = "tempo: 1\n~lead: saw 220 # lpf 2000 0.7\n"
CASES = {
    "bus as a signal (baseline)": CHAIN + "out: ~lead * 0.2",
    "s \"~lead*4\" (about 2 voices)": CHAIN + 'out: s "~lead*4" # note "0 3 7 12" # gain 0.2',
    "s \"~lead*16\" (about 6 voices)": CHAIN + 'out: s "~lead*16" # note "0 3 7 12" # gain 0.1',
    "s \"~lead*16\" legato 4 (16 voices)": CHAIN + 'out: s "~lead*16" # note "0 3 7 12" # gain 0.05 # legato 4',
    "saw \"c3 e3 g3 c4\" (about 2 voices)": 'tempo: 1\nout: saw "c3 e3 g3 c4" # gain 0.2',
}


def timed(program: str, seconds: float, block: int) -> float:
    phonon.render(program, 0.1, block=block)
    runs = []
    for _ in range(3):
        t = time.process_time()
        phonon.render(program, seconds, block=block)
        runs.append(time.process_time() - t)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--block", type=int, default=512)
    args = ap.parse_args()
    base = None
    for name, program in CASES.items():
        t = timed(program, args.seconds, args.block)
        base = base or t
        print(f"{name:40} {t * 1000:8.1f} ms CPU  {args.seconds / t:7.1f}x real time  "
              f"{t / base:5.1f}x baseline")


if __name__ == "__main__":
    main()

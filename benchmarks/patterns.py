"""Cost of a block's pattern onsets for a 16-pattern program (phonon.patterns.schedule).

    python benchmarks/patterns.py [--seconds 30]

For cps 0.5, 1 and 2, renders `--seconds` of 512-sample blocks at 44.1 kHz and, per block,
asks every pattern's CycleCache for the onsets in the block's window. Prints µs per block and
the share of the block's real-time budget (512/44100 s = 11.6 ms); target < 1 %. Baseline in
the same run: querying each pattern directly for every block (no cache).
"""
from __future__ import annotations

import argparse
import time
from fractions import Fraction

from phonon.patterns import TRANSFORMS as T
from phonon.patterns import mini
from phonon.patterns.controls import s

SR, BLOCK = 44100, 512
BUDGET_US = BLOCK / SR * 1e6

PROGRAM = [
    s("bd*4"), s("~ sn ~ sn"), s("hh*8"), s("[~ hh]*4"),
    s("bd(3,8)"), s("hh(<5 7>,16,<0 2>)"), s("<cp [cp cp]> ~"), s("<bd sn> [~ <hh oh>]"),
    T["every"].fn(3, T["fast"].fn(2), s("bd sn hh cp")), T["rev"].fn(s("a b c d")),
    T["iter"].fn(4, s("0 1 2 3")), T["off"].fn(Fraction(1, 8), T["rev"].fn, s("bd*2 sn")),
    T["jux"].fn(T["rev"].fn, s("bd [sn sn] hh")), T["sometimesBy"].fn(0.3, T["ply"].fn(2), s("hh*8")),
    s("{bd sn hh}%4").merge(mini("1 0.8")), T["chunk"].fn(4, T["hurry"].fn(2), s("bd sn [~ bd] sn")),
]


def run(cps: float, seconds: float, cached: bool) -> float:
    from phonon.patterns.schedule import CycleCache
    sources = [CycleCache(p) for p in PROGRAM] if cached else PROGRAM
    step = Fraction(BLOCK) / SR * Fraction(cps).limit_denominator(1000)
    n_blocks = int(seconds * SR / BLOCK)
    t = Fraction(0)
    events = 0
    start = time.perf_counter()
    for _ in range(n_blocks):
        end = t + step
        for src in sources:
            events += len(src.onsets(t, end))
        t = end
    elapsed = time.perf_counter() - start
    return elapsed / n_blocks * 1e6, events


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=30.0)
    args = ap.parse_args()
    print(f"{len(PROGRAM)} patterns, {BLOCK}-sample blocks at {SR} Hz (budget {BUDGET_US:.0f} µs per block)")
    for cps in (0.5, 1.0, 2.0):
        base_us, base_ev = run(cps, min(args.seconds, 2.0), cached=False)
        us, ev = run(cps, args.seconds, cached=True)
        print(f"cps {cps:>3}: cached {us:7.1f} µs/block = {us / BUDGET_US * 100:5.2f} % of budget"
              f"  | uncached per-block queries {base_us:8.1f} µs/block ({base_us / us:5.1f}x slower)")


if __name__ == "__main__":
    main()

"""Benchmark the example plugin nodes (run: python examples/plugins/bench_plugins.py).

Prints the render time of 10 s of audio through `render_node` (block 512) and ratios against
baselines measured in the same run: real time, a naive numpy fold (mono, no anti-aliasing,
one vectorised shot) and the built-in `lpf` node on the same input.
"""
from __future__ import annotations

import time

import numpy as np

from phonon.nodes.filters import LowPass
from phonon.plugins.testing import render_node
from phonon_fold import Fold
from phonon_pluck import Pluck

SR, SECONDS = 44100, 10.0


def best_of(fn, repeat: int = 3) -> float:
    fn()                                                   # warm up (numba cache, buffers)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    n = int(SR * SECONDS)
    x = np.random.default_rng(0).uniform(-1.0, 1.0, n)
    events = [(i * SR // 8, 0.1, {"note": (i * 5) % 24}) for i in range(int(SECONDS * 8))]

    naive = best_of(lambda: 1.0 - np.abs((5.5 * x + 1.0) % 4.0 - 2.0))
    lpf = best_of(lambda: render_node(LowPass, frames=n, inputs=[x], block=512))
    fold = best_of(lambda: render_node(Fold, frames=n, inputs=[x], block=512))
    kspluck = best_of(lambda: render_node(Pluck, frames=n, events=events, block=512))

    print(f"{'node':<34}{'ms':>8}{'x realtime':>12}{'vs naive fold':>15}{'vs lpf':>9}")
    for name, t in [("naive numpy fold (baseline, mono)", naive), ("lpf (built-in, stereo)", lpf),
                    ("fold (ADAA, stereo)", fold), ("kspluck (8 notes/s, 8 voices)", kspluck)]:
        print(f"{name:<34}{t * 1e3:>8.1f}{SECONDS / t:>12.0f}{t / naive:>15.2f}{t / lpf:>9.2f}")


if __name__ == "__main__":
    main()

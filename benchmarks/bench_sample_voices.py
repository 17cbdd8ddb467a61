"""Render cost of the `s` node vs simultaneous voices (16..1024), block 512, 44.1 kHz.

Every voice loops a kit crash at a non-unit speed (the interpolating path, the slow one) with
its own pan, so all N voices sound in every block. Prints the time per block, the cost per
voice-block relative to the 16-voice run (flat = linear scaling) and the fraction of the
real-time budget (512 / 44100 s = 11.6 ms); the target is < 0.5 at 512 voices. The baseline,
measured in the same run, is a straightforward numpy mix of the same voices (one `np.interp`
per voice per block); the last column is how many times faster the kernel is.

    python benchmarks/bench_sample_voices.py [--blocks 200] [--repeat 3]
"""
from __future__ import annotations

import argparse
import time
from fractions import Fraction

import numpy as np

from phonon.nodes.voices import SampleVoices
from phonon.plugins.api import Block, Params, Trigger
from phonon.samples import SampleBank

SR, BLOCK = 44100, 512


def time_voices(bank: SampleBank, n: int, blocks: int) -> float:
    """Seconds per block with `n` voices sounding."""
    node = SampleVoices(voices=n)
    node.samples = bank
    node.prepare(SR, BLOCK, 2)
    out = np.zeros((2, BLOCK), np.float32)
    trigs = [Trigger(i % BLOCK, {"s": "cr", "n": i, "speed": 0.9 + 0.001 * i, "loop": 1000,
                                 "pan": (i % 9) / 4 - 1, "gain": 0.01}, Fraction(0), 1.0)
             for i in range(n)]
    node.process(Block(0, 0, BLOCK, SR, 1.0, 0.0, trigs), [], Params(), out)
    assert node.active_voices() == n
    t0 = time.perf_counter()
    for b in range(1, blocks + 1):
        node.process(Block(b, b * BLOCK, BLOCK, SR, 1.0, 0.0, []), [], Params(), out)
    return (time.perf_counter() - t0) / blocks


def time_numpy_baseline(bank: SampleBank, n: int, blocks: int) -> float:
    """Seconds per block for the same voices mixed with numpy, one voice at a time."""
    sounds = [bank.get("cr", i)[0].astype(np.float64) for i in range(2)]
    grids = [np.arange(x.size, dtype=np.float64) for x in sounds]
    rates = 0.9 + 0.001 * np.arange(n)
    pans = (np.arange(n) % 9) / 4 - 1
    gl, gr = 0.01 * np.cos((pans + 1) * np.pi / 4), 0.01 * np.sin((pans + 1) * np.pi / 4)
    out = np.zeros((2, BLOCK), np.float32)
    frame = np.arange(BLOCK, dtype=np.float64)
    t0 = time.perf_counter()
    for b in range(1, blocks + 1):
        acc = np.zeros((2, BLOCK))
        for i in range(n):
            x = sounds[i % 2]
            pos = np.mod(rates[i] * (b * BLOCK + frame), x.size - 1)
            y = np.interp(pos, grids[i % 2], x)
            acc[0] += y * gl[i]
            acc[1] += y * gr[i]
        out[:] = acc
    return (time.perf_counter() - t0) / blocks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--blocks", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs (the machine is shared)")
    args = ap.parse_args()
    bank = SampleBank([], sr=SR)
    bank.preload(["cr"])
    time_voices(bank, 4, 5)                                   # warm up (numba cache load)
    budget = BLOCK / SR
    base = None
    print(f"{'voices':>7} {'ms/block':>9} {'per-voice vs 16':>16} {'of real time':>13} "
          f"{'numpy ms':>9} {'speedup':>8}")
    for n in (16, 32, 64, 128, 256, 512, 1024):
        per_block = min(time_voices(bank, n, args.blocks) for _ in range(args.repeat))
        numpy_block = min(time_numpy_baseline(bank, n, max(5, args.blocks // 10))
                          for _ in range(args.repeat))
        per_voice = per_block / n
        base = base or per_voice
        print(f"{n:>7} {per_block * 1e3:>9.3f} {per_voice / base:>16.2f} "
              f"{per_block / budget:>13.3f} {numpy_block * 1e3:>9.3f} "
              f"{numpy_block / per_block:>8.1f}")


if __name__ == "__main__":
    main()

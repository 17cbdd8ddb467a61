"""Cost of SuperDirt's per-event effects on `s` voices, block 512 at 44.1 kHz.

Two questions, each answered against a baseline measured in the same run (rounds interleaved,
medians of the rounds):

1. 256 sounding voices whose events use `lpf` + `shape` (the issue's target: under 25 % of the
   block's real-time budget, 11.6 ms), next to the same voices dry and with a heavier chain
   (vowel + hpf + crush + lpf + tremolo).
2. A dry voice costs no more than before effects existed: the same 256 dry voices mixed by the
   pool as it was (core/samples/voicepool.py at commit cd5d82c, loaded from git by
   benchmarks/git_baseline.py) and by the current pool (its dry path skips voices with a
   module mask; the effect loop sees none), both kernels called alone; the `dry` row is the
   whole `s` node (its Python per block too).

Every voice loops a kit crash at a non-unit speed (the interpolating path), its own pan.

The machine is shared (2 cores, other jobs): each round times every chain for `--blocks`
blocks, one after the other, by wall clock and by the CPU time of this thread
(`time.thread_time`: what the work costs, without the time other processes held the core);
the table gives medians over the rounds and the median of the per-round ratios to the dry
voices, and prints the load average before and after.

    python benchmarks/bench_voice_effects.py [--blocks 40] [--rounds 21]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from git_baseline import load  # noqa: E402

from phonon.nodes.voices import SampleVoices  # noqa: E402
from phonon.plugins.api import Block, Params, Trigger  # noqa: E402
from phonon.samples import SampleBank  # noqa: E402

SR, BLOCK, VOICES = 44100, 512, 256
old = load("cd5d82c", "core/samples/voicepool.py", "phonon.samples")   # before effects
CHAINS = {
    "dry": {},
    "lpf + shape": {"cutoff": 800.0, "resonance": 0.3, "shape": 0.5},
    "vowel hpf crush lpf tremolo": {"vowel": "a", "hcutoff": 100.0, "crush": 6, "cutoff": 3000.0,
                                     "tremolorate": 4.0},
}


def triggers(controls: dict) -> list[Trigger]:
    return [Trigger(i % BLOCK, {"s": "cr", "n": i, "speed": 0.9 + 0.001 * i, "loop": 1000,
                                "pan": (i % 9) / 4 - 1, "gain": 0.01, **controls}, Fraction(0), 1.0)
            for i in range(VOICES)]


def node_with(bank: SampleBank, controls: dict) -> SampleVoices:
    node = SampleVoices(voices=VOICES)
    node.samples = bank
    node.prepare(SR, BLOCK, 2)
    out = np.zeros((2, BLOCK), np.float32)
    node.process(Block(0, 0, BLOCK, SR, 1.0, 0.0, triggers(controls)), [], Params(), out)
    assert node.active_voices() == VOICES
    return node


def time_node(node: SampleVoices, blocks: int, first: int) -> tuple[float, float]:
    """(wall, CPU) seconds per block over `blocks` blocks from block `first`."""
    out = np.zeros((2, BLOCK), np.float32)
    t0, c0 = time.perf_counter(), time.thread_time()
    for b in range(first, first + blocks):
        node.process(Block(b, b * BLOCK, BLOCK, SR, 1.0, 0.0, []), [], Params(), out)
    return (time.perf_counter() - t0) / blocks, (time.thread_time() - c0) / blocks


def time_pool(node: SampleVoices, arena: np.ndarray, blocks: int) -> tuple[float, float]:
    """The node's pool mixed alone (no node around it): the kernels' cost per block."""
    out = np.zeros((2, BLOCK), np.float32)
    t0, c0 = time.perf_counter(), time.thread_time()
    for _ in range(blocks):
        node.pool.mix(arena, out, BLOCK)
    return (time.perf_counter() - t0) / blocks, (time.thread_time() - c0) / blocks


def old_pool(bank: SampleBank) -> old.VoicePool:
    """The same dry voices in the pool as it was (its own voice rows and kernel)."""
    pool = old.VoicePool(VOICES, SR, BLOCK, 0.005)
    for i, trig in enumerate(triggers({})):
        c = trig.value
        ref = bank.lookup("cr", c["n"] % 2)
        pan = min(max(c["pan"], -1.0), 1.0)
        pool.start(trig.offset, ref, gain=c["gain"], pan=pan, speed=c["speed"], loops=1000)
    return pool


def time_old(pool: old.VoicePool, arena: np.ndarray, blocks: int) -> tuple[float, float]:
    out = np.zeros((2, BLOCK), np.float32)
    t0, c0 = time.perf_counter(), time.thread_time()
    for _ in range(blocks):
        old.mix_voices(arena, pool.acc, out, BLOCK, pool.vi, pool.vf)
    return (time.perf_counter() - t0) / blocks, (time.thread_time() - c0) / blocks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--blocks", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=21)
    args = ap.parse_args()
    bank = SampleBank([], sr=SR)
    bank.preload(["cr"])
    budget = BLOCK / SR
    load0 = os.getloadavg()[0]
    nodes = {name: node_with(bank, c) for name, c in CHAINS.items()}
    pool = old_pool(bank)
    for node in nodes.values():                       # warm up: numba caches, first calls
        time_node(node, 5, 1)
    time_old(pool, bank.arena, 5)
    before, kernel = "dry (pool before effects)", "dry (pool now, kernel only)"
    dry_kernel = node_with(bank, {})
    time_pool(dry_kernel, bank.arena, 5)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in [*CHAINS, kernel, before]}
    first = 10
    for _ in range(args.rounds):                      # interleaved: the same machine load
        times[before].append(time_old(pool, bank.arena, args.blocks))
        times[kernel].append(time_pool(dry_kernel, bank.arena, args.blocks))
        for name, node in nodes.items():
            times[name].append(time_node(node, args.blocks, first))
        first += args.blocks
    load1 = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    print(f"{VOICES} voices, block {BLOCK} at {SR} Hz (budget {budget * 1e3:.2f} ms); "
          f"medians of {args.rounds} interleaved rounds of {args.blocks} blocks")
    print(f"load average {load0:.2f} -> {load1:.2f} on {cores} cores "
          f"(about {max(0.0, cores - max(load0, load1)):.1f} free)")
    print(f"{'chain':<28} {'wall ms':>8} {'of budget':>9} {'cpu ms':>7} {'of budget':>9} "
          f"{'cpu vs dry':>10}")
    dry = times["dry"]
    for name, ts in times.items():
        wall = statistics.median(t[0] for t in ts)
        cpu = statistics.median(t[1] for t in ts)
        ratio = statistics.median(t[1] / d[1] for t, d in zip(ts, dry))
        print(f"{name:<28} {wall * 1e3:>8.3f} {wall / budget:>9.3f} {cpu * 1e3:>7.3f} "
              f"{cpu / budget:>9.3f} {ratio:>10.2f}")
    for k, label in ((0, "wall"), (1, "cpu")):
        ratio = statistics.median(a[k] / b[k] for a, b in zip(times[kernel], times[before]))
        print(f"dry voices, pool now / pool before effects, kernels alone ({label}, median of "
              f"per-round ratios): {ratio:.3f}")


if __name__ == "__main__":
    main()

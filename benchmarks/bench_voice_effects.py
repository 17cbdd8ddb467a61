"""Cost of SuperDirt's per-event effects on `s` voices, block 512 at 44.1 kHz.

Two questions, each answered against a baseline measured in the same run (rounds interleaved,
medians of the rounds):

1. 256 sounding voices whose events use `lpf` + `shape` (the issue's target: under 25 % of the
   block's real-time budget, 11.6 ms), next to the same voices dry and with a heavier chain
   (vowel + hpf + crush + lpf + tremolo).
2. A dry voice costs no more than before effects existed: the same 256 dry voices mixed by the
   pool as it was (benchmarks/baseline_voicepool.py, the kernel of commit cd5d82c) and by the
   current pool (its dry path skips voices with a module mask; the effect loop sees none).

Every voice loops a kit crash at a non-unit speed (the interpolating path), its own pan.

    python benchmarks/bench_voice_effects.py [--blocks 200] [--rounds 7]
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
import baseline_voicepool as old  # noqa: E402

from phonon.nodes.voices import SampleVoices  # noqa: E402
from phonon.plugins.api import Block, Params, Trigger  # noqa: E402
from phonon.samples import SampleBank  # noqa: E402

SR, BLOCK, VOICES = 44100, 512, 256
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


def time_node(node: SampleVoices, blocks: int, first: int) -> float:
    out = np.zeros((2, BLOCK), np.float32)
    t0 = time.perf_counter()
    for b in range(first, first + blocks):
        node.process(Block(b, b * BLOCK, BLOCK, SR, 1.0, 0.0, []), [], Params(), out)
    return (time.perf_counter() - t0) / blocks


def old_pool(bank: SampleBank) -> old.VoicePool:
    """The same dry voices in the pool as it was (its own voice rows and kernel)."""
    pool = old.VoicePool(VOICES, SR, BLOCK, 0.005)
    for i, trig in enumerate(triggers({})):
        c = trig.value
        ref = bank.lookup("cr", c["n"] % 2)
        pan = min(max(c["pan"], -1.0), 1.0)
        pool.start(trig.offset, ref, gain=c["gain"], pan=pan, speed=c["speed"], loops=1000)
    return pool


def time_old(pool: old.VoicePool, arena: np.ndarray, blocks: int) -> float:
    out = np.zeros((2, BLOCK), np.float32)
    t0 = time.perf_counter()
    for _ in range(blocks):
        old.mix_voices(arena, pool.acc, out, BLOCK, pool.vi, pool.vf)
    return (time.perf_counter() - t0) / blocks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--blocks", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=7)
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
    times: dict[str, list[float]] = {name: [] for name in CHAINS}
    times["dry (pool before effects)"] = []
    first = 10
    for _ in range(args.rounds):                      # interleaved: the same machine load
        times["dry (pool before effects)"].append(time_old(pool, bank.arena, args.blocks))
        for name, node in nodes.items():
            times[name].append(time_node(node, args.blocks, first))
        first += args.blocks
    load1 = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    print(f"{VOICES} voices, block {BLOCK} at {SR} Hz (budget {budget * 1e3:.2f} ms); "
          f"median of {args.rounds} interleaved rounds of {args.blocks} blocks")
    print(f"load average {load0:.2f} -> {load1:.2f} on {cores} cores "
          f"(about {max(0.0, cores - max(load0, load1)):.1f} free)")
    print(f"{'chain':<30} {'ms/block':>9} {'of budget':>10} {'vs dry':>7}")
    dry = statistics.median(times["dry"])
    for name, ts in times.items():
        m = statistics.median(ts)
        print(f"{name:<30} {m * 1e3:>9.3f} {m / budget:>10.3f} {m / dry:>7.2f}")
    ratio = statistics.median(a / b for a, b in zip(times["dry"], times["dry (pool before effects)"]))
    print(f"dry voices, current pool / pool before effects (median of per-round ratios): {ratio:.3f}")


if __name__ == "__main__":
    main()

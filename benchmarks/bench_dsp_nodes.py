"""Throughput of the core DSP nodes, block by block as the runtime calls them.

For each node: seconds of audio rendered per second of CPU (x realtime) and the cost relative
to a baseline measured in the same run (a node that just copies its input: the floor cost of
one `process` call). Usage: python benchmarks/bench_dsp_nodes.py [seconds] [block]
"""
from __future__ import annotations

import sys
import time

import numpy as np

from phonon.nodes.control import Gain, Lag, Pan
from phonon.nodes.delay import Delay
from phonon.nodes.dynamics import Compressor, Limiter, Reverb
from phonon.nodes.envelopes import ADSR, Perc
from phonon.nodes.filters import LowPass
from phonon.nodes.noise import PinkNoise
from phonon.nodes.oscillators import Saw, Sine, Square
from phonon.plugins.api import Block, Node, Params, Trigger, node

SR = 44100


@node("_copy", inputs=1)
class Copy(Node):
    def process(self, ctx, ins, p, out):
        out[:, :ctx.frames] = ins[0][:, :ctx.frames]


def bench(cls, seconds: float, block: int, params: dict, events_every: int = 0) -> float:
    """CPU seconds to render `seconds` of audio through `cls`."""
    n_blocks = int(seconds * SR / block)
    node_ = cls()
    node_.prepare(SR, block, 2)
    rng = np.random.default_rng(0)
    ins = [(rng.random((2, block)) * 2 - 1).astype(np.float32)]
    out = np.zeros((2, block), dtype=np.float32)
    values = {p.name: p.default for p in cls.spec.params}
    values.update(params)
    p = Params(**values)
    ctx = Block(0, 0, block, SR, 1.0, 0.0)
    node_.process(ctx, ins, p, out)                      # warm (numba compile / cache load)
    start = time.perf_counter()
    for b in range(n_blocks):
        ctx = Block(b, b * block, block, SR, 1.0, 0.0)
        if events_every and b % events_every == 0:
            ctx.events = [Trigger(0, {}, 0, 0.1)]
        node_.process(ctx, ins, p, out)
    return time.perf_counter() - start


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    block = int(sys.argv[2]) if len(sys.argv) > 2 else 512
    sweep = 500.0 + 400.0 * np.sin(np.linspace(0, 6.28, block))
    cases = [
        ("copy (baseline)", Copy, {}, 0), ("sine", Sine, {}, 0), ("saw", Saw, {}, 0),
        ("saw 5 kHz", Saw, {"freq": 5000.0}, 0), ("square", Square, {}, 0), ("pink", PinkNoise, {}, 0),
        ("lpf", LowPass, {}, 0), ("lpf modulated", LowPass, {"cutoff": sweep}, 0),
        ("perc", Perc, {}, 8), ("adsr", ADSR, {}, 8), ("lag", Lag, {}, 0), ("gain", Gain, {}, 0),
        ("pan", Pan, {}, 0), ("delay", Delay, {}, 0), ("limiter", Limiter, {"ceiling": 0.5}, 0),
        ("compressor", Compressor, {}, 0), ("reverb", Reverb, {}, 0),
    ]
    base = None
    print(f"{seconds:g} s of stereo audio, block {block}, {SR} Hz")
    print(f"{'node':18} {'x realtime':>11} {'cost vs copy':>13}")
    for name, cls, params, ev in cases:
        t = min(bench(cls, seconds, block, params, ev) for _ in range(3))   # best of 3: shared CPU
        base = base or t
        print(f"{name:18} {seconds / t:11.0f} {t / base:13.1f}")


if __name__ == "__main__":
    main()

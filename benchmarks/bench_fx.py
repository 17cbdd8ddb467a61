"""Throughput of the effects, synths and VST3 host (nodes/fx.py, modfx.py, synths.py, vst.py).

For each node: seconds of audio rendered per CPU second (x realtime) and its cost relative to a
baseline measured in the same run (a node that copies its input: the floor cost of one
`process` call). Usage: python benchmarks/bench_fx.py [seconds] [block]
"""
from __future__ import annotations

import sys
import time

import numpy as np

from phonon.nodes.fx import Chorus, Distortion, Eq
from phonon.nodes.ladder import MoogLadder as Moog
from phonon.nodes.modfx import Phaser
from phonon.nodes.modfx import Bitcrush, Flanger, Pitch, PingPong, Sidechain, Tremolo
from phonon.nodes.synths import FM, SuperFM, SuperHat, SuperKick, SuperPWM, SuperSaw, SuperSnare
from phonon.nodes.vst import VST3
from phonon.plugins.api import Block, Node, Params, node

SR = 48000


@node("_copy_fx", inputs=1)
class Copy(Node):
    def process(self, ctx, ins, p, out):
        out[:, :ctx.frames] = ins[0][:, :ctx.frames]


def bench(make, seconds: float, block: int, overrides: dict | None = None) -> float:
    """CPU seconds to render `seconds` of audio through the node `make()` returns."""
    node_ = make()
    spec = type(node_).spec
    node_.prepare(SR, block, 2)
    rng = np.random.default_rng(0)
    ins = [(rng.random((2, block)) * 0.5 - 0.25).astype(np.float32) for _ in range(max(1, spec.inputs))]
    out = np.zeros((2, block), dtype=np.float32)
    values = {p.name: p.default for p in spec.params}
    values.update(overrides or {})
    p = Params(**values)
    n_blocks = int(seconds * SR / block)
    t0 = time.perf_counter()
    for i in range(n_blocks):
        ctx = Block(index=i, start=i * block, frames=block, sr=SR, cps=1.0, cycle=i * block / SR)
        node_.process(ctx, ins, p, out)
    return time.perf_counter() - t0


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    block = int(sys.argv[2]) if len(sys.argv) > 2 else 512
    cases = [("copy (baseline)", Copy, None)]
    cases += [(c.spec.name, c, None) for c in (Chorus, Phaser, Distortion, Moog, Eq, Pitch, Bitcrush,
                                                Flanger, PingPong, Tremolo, Sidechain, FM, SuperFM,
                                                SuperSaw, SuperPWM, SuperKick, SuperSnare, SuperHat)]
    cases.append(("vst3 ZamComp (2 instances)",
                  lambda: VST3(plugin="ZamComp", threshold_db=-30.0, ratio=10.0),
                  {"plugin": "ZamComp", "threshold_db": -30.0, "ratio": 10.0}))
    cases.append(("moog, cutoff as a signal", Moog, {"cutoff": np.linspace(200, 4000, block)}))
    for _, make, over in cases:          # warm-up: numba compile/cache load, plugin loading
        bench(make, 0.05, block, over)
    base = bench(Copy, seconds, block)
    print(f"{seconds:g} s of audio, block {block}, {SR} Hz")
    print(f"{'node':28s} {'x realtime':>11s} {'cost / copy':>12s}")
    for name, make, over in cases:
        t = base if make is Copy else bench(make, seconds, block, over)
        print(f"{name:28s} {seconds / t:11.0f} {t / base:12.1f}")


if __name__ == "__main__":
    main()

"""Engine benchmark: reference workload vs the hand-written baseline, and scaling.

    python benchmarks/render.py [--block 2048] [--seconds 60] [--repeat 3] [--quick]

1. Renders `../shared/bench/reference.ph` with Phonon (samples exported by
   `export_samples.py`) and, interleaved in the same run, the hand-written numpy+pedalboard
   baseline `../shared/bench/b1_numpy_pedalboard.py` (a subprocess, same block size); prints
   both real-time factors (medians; render loops only on both sides: no sample synthesis, no
   file writing) and their ratio (Phonon / baseline, >= 1 means Phonon is at least as fast).
2. Scaling: render cost vs simultaneous sample voices (16..1024) and vs number of nodes
   (10..1000), as microseconds per block, per voice and per node; and the share of the
   real-time budget used by 512 voices at block 512.

`PHONON_BENCH` names the folder of reference.ph and the baseline (default ../shared/bench
beside the checkout).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import soundfile as sf

from phonon.engine.render import compile_source
from phonon.engine.session import Session, make_sample_bank
from phonon.lang.ir import Const, Edge, GraphIR, NodeIR, PatternArg
from phonon.plan.optimize import optimize
from phonon.patterns.pattern import Pattern
from phonon.patterns.timespan import Event, TimeSpan
from phonon.plugins.registry import default_registry

HERE = Path(__file__).resolve().parent
BENCH = Path(os.environ.get("PHONON_BENCH", HERE.parent.parent / "shared" / "bench")).resolve()
SR = 44100


class StepPattern(Pattern):
    """A minimal cyclic pattern (benchmark-local, so scaling runs need no compiler):
    `steps` = [(begin, end, value)] in fractions of a cycle, repeated every cycle."""

    def __init__(self, steps):
        self.steps = [(Fraction(b), Fraction(e), v) for b, e, v in steps]
        super().__init__(self.events)

    @classmethod
    def grid(cls, n: int, hits, value):
        return cls([(Fraction(i, n), Fraction(i + 1, n), value) for i in hits])

    def events(self, span: TimeSpan) -> list[Event]:
        begin, end = span.begin, span.end
        out, k = [], begin.numerator // begin.denominator
        while k < end:
            for b, e, v in self.steps:
                lo, hi = max(k + b, begin), min(k + e, end)
                if lo < hi:
                    out.append(Event(TimeSpan(k + b, k + e), TimeSpan(lo, hi), v))
            k += 1
        return out


def reference_graph(samples: Path) -> GraphIR:
    """reference.ph, compiled with its samples at hand."""
    text = (BENCH / "reference.ph").read_text()
    bank = make_sample_bank(str(samples), SR)
    return compile_source(text, file=str(BENCH / "reference.ph"), bank=bank)


def time_session(graph: GraphIR, seconds: float, block: int, samples) -> tuple[float, np.ndarray]:
    """Wall time of rendering `seconds` (session setup and sample loading excluded)."""
    s = Session(graph, SR, block, samples=samples)
    s.sample_bank()
    t0 = time.perf_counter()
    y = s.render(round(seconds * SR))
    return time.perf_counter() - t0, y


def profile_nodes(graph: GraphIR, seconds: float, block: int, samples) -> None:
    """Per-node process() time and the engine's own overhead, in microseconds per block."""
    s = Session(graph, SR, block, samples=samples)
    s.render(SR)                                           # warm-up
    spent: dict[str, float] = {t.id: 0.0 for t in s.bound.tasks}
    clock = time.perf_counter

    def timed(process, nid):
        def run(*a):
            t0 = clock()
            process(*a)
            spent[nid] += clock() - t0
        return run

    for t in s.bound.tasks:
        for step in t.steps:
            step.process = timed(step.process, t.id)
    blocks = round(seconds * SR / block)
    t0 = clock()
    for _ in range(blocks):
        s.run_block()
    total = (clock() - t0) / blocks * 1e6
    nodes = sum(spent.values()) / blocks * 1e6
    print(f"\nper-node cost at block {block} (us per block; timer adds ~0.1 us per node)")
    for nid, t in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {t / blocks * 1e6:8.1f}  {nid} ({s.graph.nodes[nid].kind})")
    print(f"  total {total:.1f} us/block = nodes {nodes:.1f} + engine {total - nodes:.1f}")
    # the engine alone: every process() replaced by a no-op (no timer in the loop)
    s = Session(graph, SR, block, samples=samples)
    s.render(block)

    def nop(*a):
        return None

    for t in s.bound.tasks:
        for step in t.steps:
            step.process = nop
    t0 = clock()
    for _ in range(blocks):
        s.run_block()
    print(f"  engine alone (no-op nodes): {(clock() - t0) / blocks * 1e6:.1f} us/block")


def baseline_rtf(block: int) -> float:
    """The baseline's real-time factor over its render loop only (`loop_s`: like Phonon's
    timing, without making the samples and writing the WAV)."""
    out = subprocess.run([sys.executable, str(BENCH / "b1_numpy_pedalboard.py"), "--block",
                          str(block)], cwd=BENCH, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return 60.0 / result["loop_s"]


def export_samples(root: Path) -> None:
    subprocess.run([sys.executable, str(BENCH / "export_samples.py"), str(root)], cwd=BENCH,
                   check=True, capture_output=True)
    # a tone for the voice-scaling runs: 0.99 s, so at cps 1 every voice sounds for (almost)
    # the whole cycle and ends before the next round starts (no stealing)
    t = np.arange(round(0.99 * SR)) / SR
    (root / "pad").mkdir(exist_ok=True)
    sf.write(str(root / "pad" / "pad.wav"), (0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32),
             SR, subtype="FLOAT")


def voices_graph(n: int) -> GraphIR:
    """`n` voices started together every cycle (cps 1) on a 0.99 s sample: n sounding."""
    g = GraphIR(cps=1.0)
    pat = StepPattern([(0, 1, {"s": "pad", "gain": 1.0 / n})] * n)
    g.add(NodeIR(id="v", kind="s", params={"pattern": PatternArg(pat), "voices": Const(n)}))
    g.add(NodeIR(id="master", kind="master", inputs=[Edge("v")]))
    g.master = "master"
    return g


def chain_graph(n: int) -> GraphIR:
    """A sine through `n - 2` gain nodes into the master: `n` nodes."""
    g = GraphIR(cps=1.0)
    g.add(NodeIR(id="osc", kind="sine", params={"freq": Const(220.0)}))
    prev = "osc"
    for i in range(n - 2):
        g.add(NodeIR(id=f"g{i}", kind="gain", inputs=[Edge(prev)], params={"amount": Const(0.999)}))
        prev = f"g{i}"
    g.add(NodeIR(id="master", kind="master", inputs=[Edge(prev)]))
    g.master = "master"
    return g


def scaling(block: int, seconds: float, samples: Path) -> None:
    """Cost vs simultaneous voices and vs number of nodes; prints whether growth is linear."""
    budget_us = block / SR * 1e6
    blocks = seconds * SR / block
    print(f"\nscaling at block {block} (real-time budget {budget_us:.0f} us per block)")
    time_session(voices_graph(16), 1.0, block, str(samples))      # warm-up (numba caches)
    print(" voices   us/block   us/voice/block   budget")
    per_voice = {}
    for n in (16, 64, 256, 512, 1024):
        t, _ = time_session(voices_graph(n), seconds, block, str(samples))
        us = t / blocks * 1e6
        per_voice[n] = us / n
        print(f"  {n:5d}   {us:8.1f}   {us / n:8.3f}         {us / budget_us:6.1%}")
    print("  nodes   us/block   us/node/block")
    per_node = {}
    for n in (10, 100, 300, 1000):
        t, _ = time_session(chain_graph(n), seconds, block, None)
        us = t / blocks * 1e6
        per_node[n] = us / n
        print(f"  {n:5d}   {us:8.1f}   {us / n:8.3f}")
    print(f"  linearity: cost per voice 1024 vs 64 = {per_voice[1024] / per_voice[64]:.2f}x, "
          f"cost per node 1000 vs 100 = {per_node[1000] / per_node[100]:.2f}x (1.0 = linear)")
    print(f"  512 voices use {per_voice[512] * 512 / budget_us:.1%} of the real-time budget "
          f"(target < 50%)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--block", type=int, default=2048, help="render block (default 2048)")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="short scaling runs only")
    ap.add_argument("--no-scaling", action="store_true")
    ap.add_argument("--profile", action="store_true", help="per-node costs of the reference")
    args = ap.parse_args()
    default_registry()
    with tempfile.TemporaryDirectory(prefix="phonon-bench-") as tmp:
        samples = Path(tmp)
        export_samples(samples)
        graph = reference_graph(samples)
        kept = len(optimize(graph, default_registry()).nodes)
        print(f"reference.ph: compiled ({len(graph.nodes)} nodes, {kept} after "
              f"phonon.plan.optimize); block {args.block}, {args.seconds:g} s, "
              f"median of {args.repeat} interleaved runs")
        ph, base = [], []
        if not args.quick:
            time_session(graph, 1.0, args.block, str(samples))      # warm-up: numba caches
            for _ in range(args.repeat):
                t, y = time_session(graph, args.seconds, args.block, str(samples))
                ph.append(args.seconds / t)
                base.append(baseline_rtf(args.block))
            peak = 20 * np.log10(max(float(np.abs(y).max()), 1e-12))
            print(f"  phonon   RTF {statistics.median(ph):7.1f}   (runs: "
                  + ", ".join(f"{r:.1f}" for r in ph) + f"; peak {peak:.1f} dBFS)")
            print(f"  baseline RTF {statistics.median(base):7.1f}   (runs: "
                  + ", ".join(f"{r:.1f}" for r in base) + ")")
            rounds = sorted(p / b for p, b in zip(ph, base))
            print(f"  ratio phonon/baseline = {statistics.median(ph) / statistics.median(base):.2f}"
                  f" (per round: median {statistics.median(rounds):.2f}, range {rounds[0]:.2f}-"
                  f"{rounds[-1]:.2f}; load average {os.getloadavg()[0]:.1f} on "
                  f"{os.cpu_count()} cores)")
        if args.profile:
            profile_nodes(graph, min(args.seconds, 20.0), args.block, str(samples))
        if not args.no_scaling:
            secs = 5.0 if args.quick else 10.0
            scaling(512, secs, samples)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Actor runtime benchmark: real-time factor inline vs the default `-j` and more, in one run.

    python benchmarks/parallel.py [--seconds 20] [--repeat 5] [--block 2048] [--quick]
                                  [--programs heavy,chains,wide,reference]

Programs (the first one is what the runtime was tuned on; the others were added afterwards to
check that the results hold for other shapes):
- `heavy`: 8 independent FX chains (reverb -> moog ladder filter -> compressor), each fed by a
  bus of 16 sample voices per cycle (128 voices), summed into a limiter (`HEAVY` below);
- `chains`: two long serial chains (drums: 6 effects; a supersaw pad: 5 effects) — little
  width, depth instead (`CHAINS`);
- `wide`: 16 synth voices, each a saw through a sine-modulated filter and a delay, into one
  reverb and a limiter — many medium nodes (`WIDE`);
- `reference`: the reference workload (`tests/data/bench/reference.ph`), light: the cost model
  must keep it inline.

Each program is rendered in interleaved repeats by: the inline executor; the default of
`phonon render` (`-j` = cores - 1: the coordinator and one worker on 2 cores); and 2 workers
with `cores=3` (three busy processes on this machine: what the runtime no longer does unless
asked). Medians are printed with their ratio to inline and the CPU used. Timing covers the
render loop, worker start-up included (not the session's construction). Then the runtime's own
costs: the barrier and the per-block overhead on a one-node graph shipped to a worker.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from phonon.engine.render import compile_source
from phonon.engine.session import Session, make_sample_bank
from phonon.lang.ir import Const, GraphIR, Loc, NodeIR
from phonon.runtime.machine import available_cores, default_workers
from phonon.runtime.options import RuntimeOptions

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine_load import free_cores  # noqa: E402

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "tests" / "data" / "bench"
SR = 44100

_VOICES = [("bd", 0.5), ("sn", 0.4), ("hh", 0.3), ("cp", 0.4), ("lt", 0.4), ("mt", 0.4),
           ("oh", 0.3), ("rim", 0.4)]
_FX = [(0.8, 0.5, 900, 0.4), (0.7, 0.4, 1200, 0.3), (0.6, 0.5, 3000, 0.2), (0.9, 0.3, 1500, 0.5),
       (0.5, 0.6, 700, 0.3), (0.8, 0.2, 2000, 0.4), (0.7, 0.7, 5000, 0.1), (0.6, 0.5, 1100, 0.6)]
HEAVY = "\n".join(
    ["cps: 1"]
    + [f'~v{i + 1}: s "{name}*16" # gain {g}' for i, (name, g) in enumerate(_VOICES)]
    + [f"~c{i + 1}: ~v{i + 1} # reverb {room} {damp} 0.5 # moog {cut} {res} # compressor -18 4"
       for i, (room, damp, cut, res) in enumerate(_FX)]
    + ["out: (" + " + ".join(f"~c{i + 1}" for i in range(8)) + ") * 0.2 # limiter -1 0.1"]
) + "\n"

CHAINS = """cps: 1
~d: s "bd*8 [sn cp]*4 hh*16" # gain 0.6
~p: supersaw "55 82.5 73.4 98" 0.3 7 # gain 0.2
~dc: ~d # reverb 0.8 0.5 0.5 # moog 1500 0.3 # compressor -18 4 # chorus 0.5 0.3 0.5 # phaser 0.4 0.5 0.3 4 0.5 # reverb 0.5 0.6 0.4
~pc: ~p # moog 900 0.4 # reverb 0.9 0.4 0.6 # flanger 0.5 0.3 0.4 0.5 # compressor -20 3 # reverb 0.6 0.3 0.5
out: (~dc + ~pc) * 0.3 # limiter -1 0.1
"""

_FREQS = [55, 65.4, 73.4, 82.4, 98, 110, 130.8, 146.8, 164.8, 196, 220, 261.6, 293.7, 329.6,
          392, 440]
WIDE = "\n".join(
    ["cps: 0.5"]
    + [f"~s{i + 1}: saw {f} # lpf (sine {0.1 + 0.03 * i:.2f} * 800 + 1500) 0.6 "
       f"# delay 0.{3 + i % 5} 0.4 0.3 # gain 0.05" for i, f in enumerate(_FREQS)]
    + ["out: (" + " + ".join(f"~s{i + 1}" for i in range(16)) + ") # reverb 0.7 0.5 0.3 "
       "# limiter -1 0.1"]
) + "\n"

#: name -> (source, sample folder or None, description)
PROGRAMS = {
    "heavy": (HEAVY, None, "8 chains reverb+moog+compressor, 128 voices (tuned on)"),
    "chains": (CHAINS, None, "2 long serial FX chains"),
    "wide": (WIDE, None, "16 saw voices, modulated filter + delay each"),
    "reference": ((DATA / "reference.ph").read_text(), str(DATA / "samples"), "light"),
}


def configs() -> list[tuple[str, int, RuntimeOptions]]:
    """(label, workers, runtime options) of the executors compared."""
    default = default_workers()
    return [("inline", 0, RuntimeOptions()),
            (f"default -j {default}", default, RuntimeOptions()),
            ("-j 2, 3 cores", 2, RuntimeOptions(cores=3))]


def render_once(graph, bank, block: int, seconds: float, workers: int,
                runtime: RuntimeOptions) -> tuple[float, float, Session]:
    """(wall s of the render loop, CPU s of coordinator + workers, the closed session)."""
    s = Session(graph, SR, block, samples=bank, workers=workers, runtime=runtime,
                reporter=lambda m: None)
    c0 = time.process_time()
    t0 = time.perf_counter()
    s.render(round(seconds * SR))
    dt = time.perf_counter() - t0
    s.close()
    return dt, time.process_time() - c0 + s.executor.cpu_seconds(), s


def bench_program(name: str, block: int, seconds: float, repeat: int) -> dict[str, float]:
    source, samples, about = PROGRAMS[name]
    bank = make_sample_bank(samples, SR)
    graph = compile_source(source, bank=bank)
    runs = configs()
    for _, w, rt in runs:                              # warm caches (numba, sample loading)
        render_once(graph, bank, block, 1.0, w, rt)
    wall: dict[str, list[float]] = {label: [] for label, _, _ in runs}
    cpu: dict[str, list[float]] = {label: [] for label, _, _ in runs}
    how: dict[str, str] = {}
    for _ in range(repeat):
        for label, w, rt in runs:
            dt, c, s = render_once(graph, bank, block, seconds, w, rt)
            wall[label].append(dt)
            cpu[label].append(c)
            how[label] = s.executor.describe()
    med = {k: statistics.median(v) for k, v in wall.items()}
    med_cpu = {k: statistics.median(v) for k, v in cpu.items()}
    base = med["inline"]
    print(f"\n{name}: {about} (block {block}, {seconds:g} s of audio, median of {repeat} "
          "interleaved runs)")
    for label, _, _ in runs:
        print(f"  {label:15} RTF {seconds / med[label]:7.1f}   x{base / med[label]:.2f} vs inline"
              f"   CPU {med_cpu[label]:.2f} s (x{med_cpu[label] / med_cpu['inline']:.2f})")
        if label != "inline":
            print(f"  {'':15} {how[label]}")
    return {label: base / med[label] for label in med}


def one_node_graph() -> GraphIR:
    g = GraphIR(cps=1.0)
    g.add(NodeIR(id="c", kind="const", params={"value": Const(0.25)}, loc=Loc()))
    g.master = "c"
    return g


def bench_overhead(block: int, blocks: int, repeat: int) -> None:
    """Per-block cost of the runtime itself on a graph with one trivial node."""
    g = one_node_graph()
    per_block: dict[str, list[float]] = {"inline": [], "actor": []}
    barrier = []
    for _ in range(repeat):
        for label, workers, rt in (("inline", 0, None), ("actor", 1, RuntimeOptions(placement="all"))):
            s = Session(g, SR, block, workers=workers, runtime=rt)
            s.render(block * 20)
            t0 = time.perf_counter_ns()
            for _ in range(blocks):
                s.run_block()
            per_block[label].append((time.perf_counter_ns() - t0) / blocks / 1e3)
            if workers:
                barrier.append(s.executor.waiter.waited_ns / 1e3 / max(1, s.executor.index))
            s.close()
    inline = statistics.median(per_block["inline"])
    actor = statistics.median(per_block["actor"])
    print(f"\nruntime overhead (block {block}, one trivial node, {blocks} blocks x {repeat})")
    print(f"  inline: {inline:.1f} µs/block; node on a worker: {actor:.1f} µs/block; "
          f"the actor runtime adds {actor - inline:.1f} µs/block")
    print(f"  barrier (publish -> worker runs -> done seen): {statistics.median(barrier):.1f} µs")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--block", type=int, default=2048)
    ap.add_argument("--programs", default=",".join(PROGRAMS))
    ap.add_argument("--quick", action="store_true", help="5 s, 3 repeats")
    args = ap.parse_args(argv)
    if args.quick:
        args.seconds, args.repeat = 5.0, 3
    print(f"cores: {available_cores()}; load average {os.getloadavg()[0]:.2f}; two busy "
          f"processes get {free_cores():.2f} cores now (other processes compete: compare the "
          "CPU totals too)")
    ratios = {name: bench_program(name, args.block, args.seconds, args.repeat)
              for name in args.programs.split(",")}
    bench_overhead(args.block, 2000 if not args.quick else 500, args.repeat)
    print(f"\ntwo busy processes get {free_cores():.2f} cores at the end of the run")
    default = configs()[1][0]
    print(f"\nsummary ({default}; target: heavy >= 1.4x, reference >= 0.95x):")
    for name, r in ratios.items():
        print(f"  {name:10} x{r[default]:.2f} with {default}, x{r['-j 2, 3 cores']:.2f} with "
              "3 busy processes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

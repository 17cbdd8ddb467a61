"""Actor runtime benchmark: real-time factor inline vs 1 and 2 workers, measured in one run.

    python benchmarks/parallel.py [--seconds 20] [--repeat 5] [--block 2048] [--quick]

Programs:
- `heavy`: 8 independent FX chains (reverb -> moog ladder filter -> compressor), each fed by a
  bus of 16 sample voices per cycle (128 voices), summed into a limiter (`HEAVY` below);
- `reference`: `../shared/bench/reference.ph` (samples exported by export_samples.py).

For each program the executors are run in interleaved repeats (inline, 1 worker, 2 workers,
inline, ...) and the medians are printed with their ratio to inline. Then the runtime's own
costs: the barrier (a block published to a worker and its "done" seen back, on a one-node
graph shipped to a worker) and the per-block overhead the actor runtime adds over inline.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from phonon.engine.render import compile_source
from phonon.engine.session import Session, make_sample_bank
from phonon.lang.ir import Const, GraphIR, Loc, NodeIR
from phonon.runtime.options import RuntimeOptions

HERE = Path(__file__).resolve().parent
BENCH = Path(os.environ.get("PHONON_BENCH", HERE.parent.parent / "shared" / "bench")).resolve()
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


def reference_samples() -> str:
    folder = Path(os.environ.get("PHONON_REF_SAMPLES", "/tmp/refsamples"))
    if not (folder / "kick").is_dir():
        subprocess.run([sys.executable, str(BENCH / "export_samples.py"), str(folder)],
                       check=True, capture_output=True)
    return str(folder)


def render_seconds(graph, bank, block: int, seconds: float, workers: int) -> tuple[float, Session]:
    """Wall time of the render; `s.cpu_s` is the CPU time of coordinator + workers."""
    s = Session(graph, SR, block, samples=bank, workers=workers, reporter=lambda m: None)
    frames = round(seconds * SR)
    c0 = time.process_time()
    t0 = time.perf_counter()
    s.render(frames)
    dt = time.perf_counter() - t0
    s.close()
    s.cpu_s = time.process_time() - c0 + s.executor.cpu_seconds()
    return dt, s


def bench_program(name: str, source: str, samples, block: int, seconds: float,
                  repeat: int) -> dict[int, float]:
    bank = make_sample_bank(samples, SR)
    graph = compile_source(source, bank=bank)
    for w in (0, 1, 2):                              # warm caches (numba, sample loading)
        _, s = render_seconds(graph, bank, block, 1.0, w)
        s.close()
    times: dict[int, list[float]] = {0: [], 1: [], 2: []}
    cpu: dict[int, list[float]] = {0: [], 1: [], 2: []}
    hosts = {}
    for _ in range(repeat):
        for w in (0, 1, 2):
            dt, s = render_seconds(graph, bank, block, seconds, w)
            times[w].append(dt)
            cpu[w].append(s.cpu_s)
            if w:
                prof = s.executor.profile()
                hosts[w] = (sorted({r.host for r in prof.rows}), prof.barrier_us_per_block)
    med = {w: statistics.median(v) for w, v in times.items()}
    med_cpu = {w: statistics.median(v) for w, v in cpu.items()}
    print(f"\n{name} (block {block}, {seconds:g} s of audio, median of {repeat} interleaved runs)")
    for w in (0, 1, 2):
        rtf = seconds / med[w]
        extra = ""
        if w:
            used, barrier = hosts[w]
            extra = f"  hosts: {', '.join(used)}; coordinator waits {barrier:.0f} µs/block"
        print(f"  {'inline' if w == 0 else f'{w} worker' + ('s' if w > 1 else ''):10} "
              f"RTF {rtf:7.1f}   x{med[0] / med[w]:.2f} vs inline   CPU {med_cpu[w]:.2f} s "
              f"(x{med_cpu[w] / med_cpu[0]:.2f}){extra}")
    return med


def one_node_graph() -> GraphIR:
    g = GraphIR(cps=1.0)
    g.add(NodeIR(id="c", kind="const", params={"value": Const(0.25)}, loc=Loc()))
    g.master = "c"
    return g


def bench_overhead(block: int, blocks: int, repeat: int) -> None:
    """Per-block cost of the runtime itself on a graph with one trivial node."""
    g = one_node_graph()
    per_block = {"inline": [], "actor": []}
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
                w = s.executor.waiter
                barrier.append(w.waited_ns / 1e3 / max(1, s.executor.index))
            s.close()
    inline = statistics.median(per_block["inline"])
    actor = statistics.median(per_block["actor"])
    print(f"\nruntime overhead (block {block}, one trivial node, {blocks} blocks x {repeat})")
    print(f"  inline: {inline:.1f} µs/block; node on a worker: {actor:.1f} µs/block; "
          f"the actor runtime adds {actor - inline:.1f} µs/block")
    print(f"  barrier (publish -> worker runs -> done seen): {statistics.median(barrier):.1f} µs")


def available_cores(seconds: float = 1.0) -> float:
    """How many cores two CPU-bound processes actually get right now (other engineers' jobs
    share the machine): the ceiling of any parallel speed-up measured in this run."""
    def burn() -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            pass

    c0 = time.process_time()
    pid = os.fork()
    if pid == 0:
        burn()
        os._exit(0)
    burn()
    _, _, usage = os.wait4(pid, 0)
    return (time.process_time() - c0 + usage.ru_utime + usage.ru_stime) / seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--block", type=int, default=2048)
    ap.add_argument("--quick", action="store_true", help="5 s, 3 repeats")
    args = ap.parse_args(argv)
    if args.quick:
        args.seconds, args.repeat = 5.0, 3
    print(f"cores: {len(os.sched_getaffinity(0))}; load average {os.getloadavg()[0]:.2f}; "
          f"two busy processes get {available_cores():.2f} cores now (other processes compete: "
          f"compare the CPU totals too)")
    heavy = bench_program("heavy (8 chains reverb+moog+compressor, 128 voices)", HEAVY, None,
                          args.block, args.seconds, args.repeat)
    ref = bench_program("reference.ph", (BENCH / "reference.ph").read_text(),
                        reference_samples(), args.block, args.seconds, args.repeat)
    bench_overhead(args.block, 2000 if not args.quick else 500, args.repeat)
    print(f"\ntwo busy processes get {available_cores():.2f} cores at the end of the run")
    print("\nsummary: heavy x{:.2f} with 2 workers (target >= 1.4); reference x{:.2f} / x{:.2f} "
          "with 1 / 2 workers (target >= 0.95)".format(heavy[0] / heavy[2], ref[0] / ref[1],
                                                       ref[0] / ref[2]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

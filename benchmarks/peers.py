"""Phonon against its peers on the reference workload: pyo and SuperCollider's scsynth.

    python benchmarks/peers.py [--blocks 64,256,512,2048] [--rounds 5] [--seconds 60]
                               [--check] [--no-overhead | --overhead-only] [--against DIR]
                               [--json FILE]

Renders tests/data/bench/reference.ph (a copy of ../shared/bench/reference.ph with its four
samples) with Phonon, pyo (`benchmarks/peer_pyo.py`) and scsynth in non-real-time mode
(`benchmarks/peer_scsynth.py`), each in its own process, in interleaved rounds (every round
runs every engine at every block size, the engine order rotating), and prints the medians of
the real-time factors over the render only (start-up, graph building and sample loading
excluded: see each peer's doc) and the ratios Phonon / peer. Wall time and CPU time are both
shown: the CPU time hardly moves when other processes load the machine, the wall time does.

Also printed (Phonon only): the per-render fixed cost (open_session of the reference: read,
parse, compile, plan, bind, start; and close), in batches of 20 opens a second apart, five
opens at a time between readings of the host's pace: the target's figure is the median of the
opens run at the host's usual pace (`FixedCost`), printed beside the median and least of every
open and each batch's median open and pace reading; and the engine's own overhead per block
at each block size (every node's `process` replaced by a no-op: refresh, triggers, the task
loop, the master guard, the session's bookkeeping). Before them, the host's pace: a fixed
pure-Python workload that uses nothing of Phonon's, so that a slow phase of the host (these
virtual machines run up to ~2x slower for tenths of a second to minutes) is told apart from a
slower engine. `--json FILE` also writes the figures to FILE (`benchmarks/targets.py` holds
them to the issue's targets, run after run).

`--against DIR` adds a second Phonon to the rounds, engine "before": the package at DIR/phonon
(`git archive OLD core nodes plugins` laid out as phonon/, phonon/nodes, phonon/plugins), run
with PYTHONPATH=DIR, so a change's before/after ratio is measured in the same run.
`--against-python PY` runs engine "before" with another interpreter (a venv's python with
Phonon installed; without `--against`, the same code): what the interpreter's build is worth
(docs/speed.md, "The interpreter"), also for the fixed cost and the engine overhead.
The header names the interpreter and whether it runs from a shared libpython.

pyo (`pip install pyo`) and scsynth (Debian `supercollider-server`) are optional: a missing
peer is reported and skipped. `--check` renders the dry drum bus at half level in every engine
and reports how each peer's onsets line up with Phonon's (same samples, same sample positions,
same gains => the difference is ~1e-7).
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
from pathlib import Path

import numpy as np

import host_pace
import peers_workload as W

HERE = Path(__file__).resolve().parent
ENGINES = ("phonon", "pyo", "scsynth")


# ------------------------------------------------------------------ the Phonon child
def phonon_source(part: str) -> str:
    text = W.REFERENCE.read_text()
    if part != "full":
        bus = "~drums" if part == "voices" else "~" + part.split(":")[1]
        lines = [ln for ln in text.splitlines() if not ln.startswith("out:")]
        text = "\n".join(lines + [f"out: {bus} * {W.VOICES_PART_GAIN}"]) + "\n"
    return text


def phonon_child(block: int, seconds: float, out: str, part: str) -> dict:
    """Render with Phonon in this process (a warm-up session first loads every kernel)."""
    import soundfile as sf

    from phonon.engine import SessionOptions, open_session
    options = SessionOptions(sr=W.SR, block=block, samples=str(W.SAMPLES))
    source = phonon_source(part)
    frames = round(seconds * W.SR)
    with open_session(source, options, file=str(W.REFERENCE)) as warm:
        warm.render(W.SR)
    with open_session(source, options, file=str(W.REFERENCE)) as session:
        wall, cpu = time.perf_counter(), time.process_time()
        y = session.render(frames)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    sf.write(out, y.T, W.SR, subtype="FLOAT")
    return {"engine": "phonon", "render_s": wall, "cpu_s": cpu, "block": block}


class FixedCost:
    """The per-render fixed cost of the reference program: batches of 20 opens a second or more
    apart, in groups of `GROUP` opens between readings of the host's pace (`host_pace.reading`:
    pace, 5 opens, pace, 5 opens, ..., pace, on one CPU). Each open: open_session (read,
    parse, compile, plan, bind, start), the first block, close; the sample bank loaded once
    before, as a batch run's is.

    These virtual machines run up to ~2x slower for tenths of a second to minutes at a time
    (`host_pace`). An open ran *at the host's usual pace* when the readings on both sides of
    its group are within `host_pace.USUAL` of the run's least reading; the target's figure is
    the median of those opens (`open_ms`; None with fewer than `MIN_USUAL`), and the median and
    least of every open are printed beside it. Which opens count is decided by the pace
    readings alone, never by the opens' own times."""

    MIN_USUAL = 40        # opens at the usual pace needed for a figure
    WANTED = 100          # opens at the usual pace `complete` measures up to ...
    MOST = 60             # ... in at most this many batches (~35 s)
    GROUP = 5             # opens between two pace readings (an open right after a reading
    #                       is 5-13% slower, its caches left to the pace workload: one in five)

    def __init__(self) -> None:
        from phonon.engine import SessionOptions, open_session
        from phonon.engine.session import make_sample_bank
        self._open = open_session
        self._options = SessionOptions(sr=W.SR, block=512,
                                       samples=make_sample_bank(str(W.SAMPLES), W.SR))
        self._open(W.REFERENCE, self._options).close()     # lazy imports, caches: not timed
        #: per batch: the opens (s) and the pace readings around them (s, one more)
        self.batches: list[tuple[list[float], list[float]]] = []
        self.first: list[float] = []
        self.closed: list[float] = []

    def batch(self, rounds: int = 20, gap_s: float = 1.0) -> None:
        """Time `rounds` opens between pace readings, `gap_s` or more after the last batch."""
        if self.batches:
            time.sleep(max(0.0, self._ended + gap_s - time.perf_counter()))
        with host_pace.on_this_cpu():   # the readings are of the CPU the opens run on
            self._batch(rounds)
        self._ended = time.perf_counter()

    def _batch(self, rounds: int) -> None:
        opened, paces = [], [host_pace.reading()]
        for k in range(rounds):
            t0 = time.perf_counter()
            s = self._open(W.REFERENCE, self._options)
            t1 = time.perf_counter()
            s.run_block()
            t2 = time.perf_counter()
            s.close()
            t3 = time.perf_counter()
            opened.append(t1 - t0)
            self.first.append(t2 - t1)
            self.closed.append(t3 - t2)
            if (k + 1) % self.GROUP == 0 or k + 1 == rounds:
                paces.append(host_pace.reading())
        self.batches.append((opened, paces))

    def usual(self) -> list[list[bool]]:
        """Per batch, per open: were the pace readings on both sides of its group within
        `host_pace.USUAL` of the run's least reading?"""
        bound = host_pace.USUAL * min(min(paces) for _, paces in self.batches)
        g = self.GROUP
        return [[max(paces[i // g], paces[i // g + 1]) <= bound for i in range(len(opened))]
                for opened, paces in self.batches]

    def complete(self, gap_s: float = 0.5) -> None:
        """More batches until `WANTED` opens ran at the host's usual pace (at most `MOST`)."""
        while sum(map(sum, self.usual())) < self.WANTED and len(self.batches) < self.MOST:
            self.batch(gap_s=gap_s)

    def summary(self) -> dict:
        """ms: the median open at the host's usual pace (the target's figure), the median and
        least of every open, the least pace reading; per batch its median open, its median pace
        reading and how many of its opens ran at the usual pace; the median first block and
        close."""
        ms = lambda v: statistics.median(v) * 1e3  # noqa: E731
        usual = self.usual()
        at_usual = [t for (opened, _), u in zip(self.batches, usual)
                    for t, ok in zip(opened, u) if ok]
        every = [t for opened, _ in self.batches for t in opened]
        return {"open_ms": ms(at_usual) if len(at_usual) >= self.MIN_USUAL else None,
                "open_all_ms": ms(every), "open_least_ms": min(every) * 1e3,
                "opens": len(every), "opens_at_usual_pace": len(at_usual),
                "pace_least_ms": min(min(p) for _, p in self.batches) * 1e3,
                "batches": [{"median_ms": ms(opened), "pace_median_ms": ms(paces),
                             "opens_at_usual_pace": sum(u)}
                            for (opened, paces), u in zip(self.batches, usual)],
                "first_block_ms": ms(self.first), "close_ms": ms(self.closed)}


def engine_overhead(block: int, seconds: float = 20.0, gap_s: float = 0.2) -> tuple[float, float]:
    """µs per block of the engine alone (every node's process() a no-op): the least and the
    median over runs of one cycle (2 s of audio, a few ms) each, `gap_s` apart (so that a
    short slow phase of the host cannot cover them all); the
    least is the engine's own cost, the median shows what the host added."""
    from phonon.engine import SessionOptions, open_session
    options = SessionOptions(sr=W.SR, block=block, samples=str(W.SAMPLES))
    session = open_session(W.REFERENCE, options)
    session.render(W.SR)                                       # warm

    def nop(*a):
        return None

    for task in session.bound.tasks:
        for step in task.steps:
            step.process = nop
    runner = session.executor.runner
    runner.set_jobs(runner.jobs)                                # the steps as the runner holds them
    runs = max(1, round(seconds / 2.0))
    per_run = max(1, round(2.0 * W.SR / block))
    times = []
    for k in range(runs):
        if k:
            time.sleep(gap_s)
            for _ in range(16):                                 # caches warm again after the gap
                session.run_block()
        t0 = time.perf_counter()
        for _ in range(per_run):
            session.run_block()
        times.append((time.perf_counter() - t0) / per_run * 1e6)
    session.close()
    return min(times), statistics.median(times)


# ------------------------------------------------------------------ the runner
#: `--against DIR`: a second Phonon (e.g. an older commit laid out as DIR/phonon by
#: `git archive`), run as the engine "before" with PYTHONPATH=DIR in the same rounds
AGAINST: str | None = None
#: `--against-python PY`: the interpreter of engine "before" (default: this one)
AGAINST_PYTHON: str | None = None


def interpreter(python: str | None = None) -> str:
    """`python` (default: this interpreter): version, path and whether libpython is a shared
    library (position-independent code, as pyenv's default build; distribution builds link
    it statically with PGO and LTO)."""
    code = ("import platform, sys; maps = open('/proc/self/maps').read(); "
            "print(platform.python_implementation(), platform.python_version(), sys.executable, "
            "'(libpython shared)' if 'libpython' in maps else '(libpython static)')")
    proc = subprocess.run([python or sys.executable, "-c", code], capture_output=True, text=True)
    return proc.stdout.strip() or f"{python}: {proc.stderr.strip()[-200:]}"


def run_child(engine: str, block: int, seconds: float, out: str, part: str = "full") -> dict:
    script = {"phonon": HERE / "peers.py", "before": HERE / "peers.py", "pyo": HERE / "peer_pyo.py",
              "scsynth": HERE / "peer_scsynth.py"}[engine]
    python = AGAINST_PYTHON if engine == "before" and AGAINST_PYTHON else sys.executable
    cmd = [python, str(script), "--block", str(block), "--seconds", str(seconds),
           "--out", out, "--part", part]
    if engine in ("phonon", "before"):
        cmd += ["--child"]
    env = dict(os.environ, PYO_GUI_WX="0")
    if engine == "before" and AGAINST:
        env["PYTHONPATH"] = AGAINST
    proc = subprocess.run(cmd, cwd=HERE, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{engine} failed: {proc.stderr.strip()[-600:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def available(engine: str) -> str | None:
    """None when the engine can run, else why not."""
    if engine == "pyo":
        probe = subprocess.run([sys.executable, "-c", "import pyo"], capture_output=True,
                               env=dict(os.environ, PYO_GUI_WX="0"))
        return None if probe.returncode == 0 else "pyo is not installed (pip install pyo)"
    if engine == "scsynth":
        import peer_scsynth
        return None if peer_scsynth.available() else \
            "scsynth is not installed (apt-get install supercollider-server)"
    return None


def cpu_busy(before: list[int], after: list[int]) -> float:
    """Fraction of all CPUs busy between two /proc/stat snapshots."""
    total = sum(after) - sum(before)
    idle = (after[3] + after[4]) - (before[3] + before[4])
    return 1.0 - idle / max(1, total)


def proc_stat() -> list[int]:
    with open("/proc/stat") as f:
        return [int(x) for x in f.readline().split()[1:]]


def onsets(y: np.ndarray) -> np.ndarray:
    """Sample positions where a voice starts sounding (non-zero after >= 100 zeros)."""
    nz = np.flatnonzero(np.abs(y[:, 0]) > 0)
    if not len(nz):
        return nz
    return np.concatenate([nz[:1], nz[1:][np.diff(nz) > 100]])


def check_music(tmp: Path, engines: list[str], seconds: float = 8.0) -> None:
    """Each voice alone (half level, no FX) in every engine: onset positions and sample values
    against Phonon's."""
    import soundfile as sf
    print(f"\nsame music? each voice alone at half level, {seconds:g} s: onset offsets from "
          "Phonon's (samples: count) and the largest difference of the voice's samples after "
          "them (a peer's file may run a block longer: one more onset)")
    for voice in W.VOICES:
        found = {}
        for e in engines:
            path = str(tmp / f"check-{e}-{voice}.wav")
            run_child(e, 64, seconds, path, part=f"voice:{voice}")
            found[e] = sf.read(path, dtype="float32")[0]
        ref = found["phonon"]
        at = onsets(ref)
        for e in engines:
            if e == "phonon":
                continue
            y = found[e]
            theirs = onsets(y)
            n = min(len(at), len(theirs))
            lags = theirs[:n] - at[:n]
            errors = [float(np.abs(y[b + 1: b + 4000, :] - ref[a + 1: a + 4000, :]).max())
                      for a, b in zip(at[:n], theirs[:n])]
            counts = ", ".join(f"{lag:+d}: {c}" for lag, c in zip(*np.unique(lags, return_counts=True)))
            print(f"  {voice:6s} {e:8s} {len(theirs)} onsets (Phonon {len(at)}); offsets {counts};"
                  f" samples differ by <= {max(errors[1:]):.1e} (first hit: {errors[0]:.1e})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--blocks", default="64,256,512,2048")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--check", action="store_true", help="compare the dry drum bus first")
    ap.add_argument("--no-overhead", action="store_true",
                    help="skip the fixed-cost and engine-overhead measurements")
    ap.add_argument("--overhead-only", action="store_true",
                    help="only the fixed cost and the engine overhead (no renders, no peers)")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--json", metavar="FILE",
                    help="also write the figures to FILE (read by benchmarks/targets.py)")
    ap.add_argument("--against", metavar="DIR",
                    help="also run the Phonon at PYTHONPATH=DIR as engine 'before' (before/after)")
    ap.add_argument("--against-python", metavar="PY",
                    help="run engine 'before' with the interpreter PY (without --against: the "
                         "same code)")
    # child mode (Phonon's render in a process of its own, like the peers')
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--block", type=int, default=512, help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--part", default="full", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(phonon_child(args.block, args.seconds, args.out, args.part)))
        return 0
    blocks = [int(b) for b in args.blocks.split(",")]
    if args.overhead_only:
        print(f"python: {interpreter()}")
        write_json(args.json, print_overhead(blocks))
        return 0
    engines = []
    global AGAINST, AGAINST_PYTHON
    if args.against:
        AGAINST = str(Path(args.against).resolve())
    AGAINST_PYTHON = args.against_python
    if args.against or args.against_python:
        args.engines += ",before"
    for e in args.engines.split(","):
        why = available(e)
        if why:
            print(f"{e}: skipped, {why}")
        else:
            engines.append(e)
    print(f"reference.ph, {args.seconds:g} s stereo at {W.SR} Hz; engines: {', '.join(engines)};"
          f" blocks {blocks}; {args.rounds} interleaved rounds; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"python: {interpreter()}")
    if "before" in engines:
        print(f"before: {AGAINST or 'this code'} with "
              f"{interpreter(AGAINST_PYTHON) if AGAINST_PYTHON else 'the same python'}")
    results: dict[tuple[str, int], list[dict]] = {}
    with tempfile.TemporaryDirectory(prefix="phonon-peers-") as tmp:
        if args.check and "phonon" in engines:
            check_music(Path(tmp), engines)
        run_child("phonon", blocks[0], 1.0, f"{tmp}/warm.wav")       # numba cache warm
        if "before" in engines:
            run_child("before", blocks[0], 1.0, f"{tmp}/warm.wav")
        stat0, load0 = proc_stat(), os.getloadavg()[0]
        for r in range(args.rounds):
            for block in blocks:
                order = engines[r % len(engines):] + engines[:r % len(engines)]
                for e in order:
                    res = run_child(e, block, args.seconds, f"{tmp}/{e}-{block}.wav")
                    results.setdefault((e, block), []).append(res)
        busy, load1 = cpu_busy(stat0, proc_stat()), os.getloadavg()[0]
    print(f"machine: CPUs busy {busy:.0%} during the rounds (this benchmark included), "
          f"load average {load0:.2f} -> {load1:.2f}")
    rtf = {k: statistics.median(args.seconds / x["render_s"] for x in v)
           for k, v in results.items()}
    cpu_rtf = {k: statistics.median(args.seconds / x["cpu_s"] for x in v)
               for k, v in results.items()}
    print("\nreal-time factor, median (wall | CPU time)")
    print("  block  " + "".join(f"{e:>20s}" for e in engines)
          + "".join(f"{'phonon/' + e:>20s}" for e in engines if e != "phonon"))
    for block in blocks:
        row = f"  {block:5d}  "
        row += "".join(f"{rtf[e, block]:10.0f} |{cpu_rtf[e, block]:8.0f}" for e in engines)
        if "phonon" in engines:
            for e in engines:
                if e != "phonon":
                    row += (f"{rtf['phonon', block] / rtf[e, block]:11.2f} |"
                            f"{cpu_rtf['phonon', block] / cpu_rtf[e, block]:7.2f}")
        print(row)
    figures: dict = {"blocks": blocks,
                     "rtf": {f"{e}@{b}": rtf[e, b] for e, b in rtf},
                     "cpu_rtf": {f"{e}@{b}": cpu_rtf[e, b] for e, b in cpu_rtf}}
    if "phonon" in engines and not args.no_overhead:
        figures.update(print_overhead(blocks))
        if AGAINST_PYTHON:
            print(f"\nbefore ({AGAINST_PYTHON}):")
            env = dict(os.environ, PYTHONPATH=AGAINST) if AGAINST else None
            proc = subprocess.run([AGAINST_PYTHON, str(HERE / "peers.py"), "--overhead-only",
                                   "--blocks", args.blocks], cwd=HERE, env=env,
                                  capture_output=True, text=True)
            print(proc.stdout.strip() or proc.stderr.strip()[-600:])
    write_json(args.json, figures)
    return 0


def write_json(path: str | None, figures: dict) -> None:
    """`figures` into the file `path` (nothing without one)."""
    if path:
        Path(path).write_text(json.dumps(figures, indent=1))


def print_overhead(blocks: list[int]) -> dict:
    """Phonon's per-render fixed cost and engine overhead per block (see the module doc): a
    batch of 20 opens before each block size's overhead and one after, then more batches
    until enough opens ran at the host's usual pace (`FixedCost.complete`). Returns the
    figures printed."""
    pace = host_pace.least()
    print(f"\nhost pace: {pace:.2f} ms (a fixed pure-Python workload, least of 25; "
          f"usual on the project's 2-CPU EPYC machines: see docs/speed.md)")
    cost = FixedCost()
    overhead = {}
    for b in blocks:
        cost.batch()
        overhead[b] = engine_overhead(b)
    cost.batch()
    cost.complete()
    c = cost.summary()
    figure = "n/a (too few opens at the host's usual pace)" if c["open_ms"] is None \
        else f"{c['open_ms']:.2f} ms"
    print(f"phonon per-render fixed cost (reference.ph, batches of 20 opens; target open + close "
          f"<= 2 ms): open_session {figure} (median of the {c['opens_at_usual_pace']} of "
          f"{c['opens']} opens at the host's usual pace; every open: median "
          f"{c['open_all_ms']:.2f}, least {c['open_least_ms']:.2f}; read, parse, compile, plan, "
          f"bind, start), first block {c['first_block_ms']:.2f} ms, close {c['close_ms']:.3f} ms")
    print(f"  batches (median open ms, median pace reading ms, opens at the usual pace, least "
          f"reading {c['pace_least_ms']:.2f} ms): " + ", ".join(
              f"{b['median_ms']:.2f} {b['pace_median_ms']:.2f} {b['opens_at_usual_pace']}"
              for b in c["batches"]))
    print("phonon engine overhead per block (no-op nodes; least | median of 10 cycles 0.2 s "
          "apart; target at block 64: <= 3 us): " + ", ".join(
              "block {}: {:.2f} | {:.2f} us".format(b, *overhead[b]) for b in blocks))
    return {"host_pace_ms": pace, "fixed_cost": c,
            "overhead_us": {str(b): {"least": v[0], "median": v[1]} for b, v in overhead.items()}}


if __name__ == "__main__":
    raise SystemExit(main())

"""Issue 19's targets, run after run: every figure `peers.py` and `start.py` print, held to its
target, with the host's pace beside it.

    python benchmarks/targets.py [--runs 6] [--gap 20] [--rounds 3] [--keep DIR]

Each run is `peers.py --rounds R` (Phonon, pyo and scsynth at blocks 64, 256, 512 and 2048, the
fixed cost and the engine overhead) and `start.py --rounds 5` (whole-process `phonon render
reference.ph OUT -d 1`), as subprocesses, then `--gap` seconds of rest. One line per run, each
figure marked `!` where it misses its target:

- phonon/pyo real-time factor at every block size >= 1;
- at block 2048, scsynth's pace (the issue's "300x"): phonon/scsynth >= 1 in the same run
  (`rtf@2048`, Phonon's own factor, printed beside it); >= 300x without scsynth;
- per-render fixed cost (median of the opens run at the host's usual pace, see
  `peers.FixedCost`; close is ~1 us) <= 2 ms, "n/a" (a miss) when too few opens were;
- engine overhead at block 64 (least) <= 3 us;
- `phonon render -d 1` wall time <= 0.8 s.

The host's pace (`host_pace.least`: pure-Python work that uses nothing of Phonon's) is printed
first on each line; the fixed cost's median and least over every open beside its figure; and
last, how many of the run's timed opens ran at the host's usual pace (docs/speed.md,
"Twelfth round"). Needs pyo (`pip install pyo`) and scsynth (Debian `supercollider-server`;
without it the absolute 300x is judged instead).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BLOCKS = (64, 256, 512, 2048)
RENDER = "phonon render -d 1"


def one_run(rounds: int, tmp: Path) -> dict:
    """The figures of one `peers.py` and one `start.py` run."""
    peers, start = tmp / "peers.json", tmp / "start.json"
    for cmd in ([sys.executable, str(HERE / "peers.py"), "--rounds", str(rounds), "--json",
                 str(peers)],
                [sys.executable, str(HERE / "start.py"), "--rounds", "5", "--json", str(start)]):
        proc = subprocess.run(cmd, cwd=HERE, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[1:2])} failed: {proc.stderr.strip()[-600:]}")
    figures = json.loads(peers.read_text())
    figures["start"] = json.loads(start.read_text())
    return figures


def judged(figures: dict) -> tuple[list[str], bool]:
    """The run's line (its cells) and whether every target was met."""
    rtf, ok = figures["rtf"], True

    def cell(text: str, met: bool) -> str:
        nonlocal ok
        ok = ok and met
        return text + ("" if met else "!")

    cells = [f"{figures['host_pace_ms']:.2f}"]
    for b in BLOCKS:
        ratio = rtf[f"phonon@{b}"] / rtf[f"pyo@{b}"]
        cells.append(cell(f"{ratio:.2f}", ratio >= 1.0))
    if "scsynth@2048" in rtf:            # 300x is scsynth's pace: measured in the same run
        cells.append(f"{rtf['phonon@2048']:.0f}x")
        ratio = rtf["phonon@2048"] / rtf["scsynth@2048"]
        cells.append(cell(f"{ratio:.2f}", ratio >= 1.0))
    else:
        cells.append(cell(f"{rtf['phonon@2048']:.0f}x", rtf["phonon@2048"] >= 300))
        cells.append("-")
    fixed = figures["fixed_cost"]
    spread = f"({fixed['open_all_ms']:.2f}; {fixed['open_least_ms']:.2f})"
    if fixed["open_ms"] is None:                   # the host was never at its usual pace
        cells.append(cell(f"n/a {spread}", False))
    else:
        cells.append(cell(f"{fixed['open_ms']:.2f} {spread}",
                          fixed["open_ms"] + fixed["close_ms"] <= 2.0))
    over = figures["overhead_us"]["64"]
    cells.append(cell(f"{over['least']:.2f} ({over['median']:.2f})", over["least"] <= 3.0))
    wall = figures["start"][RENDER]["wall_s"]
    cells.append(cell(f"{wall:.2f}", wall <= 0.8))
    cells.append(f"{fixed['opens_at_usual_pace']}/{fixed['opens']}")
    return cells, ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=6)
    ap.add_argument("--gap", type=float, default=20.0, help="seconds of rest between runs")
    ap.add_argument("--rounds", type=int, default=3, help="peers.py's interleaved rounds")
    ap.add_argument("--keep", metavar="DIR", help="also keep each run's figures (JSON) in DIR")
    args = ap.parse_args()
    head = (["time", "pace ms"] + [f"/pyo@{b}" for b in BLOCKS]
            + ["rtf@2048", "/sc@2048", "open ms (all; least)", "ovh@64 us", "-d 1 s",
               "usual opens"])
    widths = [8, 8, 8, 8, 8, 9, 9, 9, 20, 12, 7, 12]
    print("  ".join(h.rjust(w) for h, w in zip(head, widths)), flush=True)
    met = 0
    with tempfile.TemporaryDirectory(prefix="phonon-targets-") as tmp:
        for k in range(args.runs):
            if k:
                time.sleep(args.gap)
            figures = one_run(args.rounds, Path(tmp))
            if args.keep:
                Path(args.keep).mkdir(parents=True, exist_ok=True)
                (Path(args.keep) / f"run-{time.strftime('%H%M%S')}.json").write_text(
                    json.dumps(figures, indent=1))
            cells, ok = judged(figures)
            met += ok
            row = [time.strftime("%H:%M:%S")] + cells
            print("  ".join(c.rjust(w) for c, w in zip(row, widths)), flush=True)
    print(f"{met} of {args.runs} runs met every target ('!': a miss; targets: /pyo >= 1, "
          f"/scsynth >= 1 at 2048, open <= 2 ms, overhead <= 3 us, render -d 1 <= 0.8 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

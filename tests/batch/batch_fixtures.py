"""Small manifests for the batch tests: short jobs with pattern randomness and node noise."""
import json
from pathlib import Path

import numpy as np

RANDOM = ('cps: 2\n~a: s "bd*8?" # gain 0.8\n~b: s "hh*4" $ sometimes (# speed 2)\n'
          '~n: pink * 0.05\n~k: superhat\nout: ~a + ~b + ~n + ~k * 0.1\n')
GRID = 'cps: 2\n~cut: 800\n~bass: saw "55 82.5" # lpf ~cut 0.5 # gain %level\nout: ~bass\n'
BROKEN = 'cps: 2\nout: saw 110 # lpff 300\n'
SR = 22050
SECONDS = 0.5


def write_set(folder: Path, seeds=(0, 1, 2, 1), broken: bool = False) -> Path:
    """A JSON manifest: the random program at `seeds` (name r<i>), a 2x1 grid (TOML has its
    own tests) written as plain jobs, and optionally a job whose program does not compile."""
    (folder / "random.ph").write_text(RANDOM)
    (folder / "grid.ph").write_text(GRID)
    (folder / "broken.ph").write_text(BROKEN)
    jobs = [{"name": f"r{i}", "program": "random.ph", "seed": s} for i, s in enumerate(seeds)]
    jobs += [{"name": f"g{lv}", "program": "grid.ph", "params": {"level": lv}} for lv in (0.1, 0.3)]
    if broken:
        jobs.insert(2, {"name": "broken", "program": "broken.ph"})
    m = folder / "set.json"
    m.write_text(json.dumps({"seconds": SECONDS, "sr": SR, "block": 512, "jobs": jobs}, indent=1))
    return m


def read_rows(out: Path) -> dict[str, dict]:
    return {r["name"]: r for r in map(json.loads, (out / "metadata.jsonl").read_text().splitlines())}


def dbfs(x: float) -> float:
    return 20 * np.log10(x)

"""`phonon live` as a real process for the JACK tests, the independent capture client beside
it, and the capture's clock (its callback stamps: frames before each callback, wall time)."""
from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from tests.process_lines import Lines, killed_on_exit

from .jack_server import RATE

CAPTURE = Path(__file__).with_name("jack_capture.py")
BEAT = 'cps: 1\n~beat: s "rim ~ ~ ~"\nout: ~beat\n'      # a rim shot on every cycle start


def start_live(env: dict, prog: Path, *args: str) -> tuple[subprocess.Popen, Lines, Lines]:
    """`phonon live PROG ARGS` with the lines of its stdout and stderr."""
    live = subprocess.Popen([sys.executable, "-m", "phonon", "live", str(prog), *args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return live, Lines(live), Lines(live, live.stderr)


@contextmanager
def live_process(env: dict, prog: Path,
                 *args: str) -> Iterator[tuple[subprocess.Popen, Lines, Lines]]:
    """`start_live`, killed on the way out if it still runs (a failed assertion inside)."""
    live, out, err = start_live(env, prog, *args)
    with killed_on_exit(live):
        yield live, out, err


def run_capture(env: dict, seconds: float, npz: Path) -> tuple[subprocess.Popen, Lines]:
    """The capture client recording `phonon:out_*` for `seconds` into `npz` (jack_capture.py)."""
    cap = subprocess.Popen([sys.executable, str(CAPTURE), "phonon", str(seconds), str(npz)],
                           env=env, stdout=subprocess.PIPE, text=True)
    return cap, Lines(cap)


def wall_time(stamps: np.ndarray, frame: float) -> float:
    """Wall time of capture frame `frame` (from the capture callback stamps)."""
    i = max(int(np.searchsorted(stamps[:, 0], frame, side="right")) - 1, 0)
    return stamps[i, 1] + (frame - stamps[i, 0]) / RATE


def frame_at(stamps: np.ndarray, t: float) -> float:
    """The capture frame played at wall time `t`."""
    i = max(int(np.searchsorted(stamps[:, 1], t, side="right")) - 1, 0)
    return stamps[i, 0] + (t - stamps[i, 1]) * RATE

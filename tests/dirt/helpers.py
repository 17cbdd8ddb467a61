"""Shared pieces of the `phonon dirt` end-to-end tests: a sample folder, starting the
command, reading onsets and levels of the recording."""
from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.process_lines import Lines, killed_on_exit
from tests.retry import MachineFault

RATE = 44100
LONG = 4000                    # frames of the "long" test sample
LEVEL = 0.5                    # its constant value


def sample_folder(root: Path) -> Path:
    """`long`: 4000 frames of 0.5 (onsets exact, levels and lengths readable); `tr_long`: the
    same at 0.25 (a Strudel bank `tr_` of `long`)."""
    for name, level in (("long", LEVEL), ("tr_long", LEVEL / 2)):
        (root / name).mkdir(parents=True)
        sf.write(root / name / "0.wav", np.full(LONG, level, np.float32), RATE, subtype="FLOAT")
    return root


def start_dirt(env: dict, tmp: Path, *extra: str, duration: float | None = 20.0):
    """`phonon dirt --port 0 --record tmp/rec.wav ...`: (process, stdout lines, port)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "phonon", "dirt", "--port", "0", "--samples",
         str(sample_folder(tmp / "samples")), "--record", str(tmp / "rec.wav"),
         *(["--duration", str(duration)] if duration else []), *extra],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = Lines(proc)
    line = lines.wait_for("listening on", 90)
    port = int(re.search(r"listening on [\d.]+:(\d+)", line).group(1))
    return proc, lines, port


@contextmanager
def dirt_process(env: dict, tmp: Path, *extra: str,
                 duration: float | None = 20.0) -> Iterator[tuple[subprocess.Popen, Lines, int]]:
    """`start_dirt`, killed on the way out if it still runs (a failed assertion inside)."""
    proc, lines, port = start_dirt(env, tmp, *extra, duration=duration)
    with killed_on_exit(proc):
        yield proc, lines, port


def finish(proc: subprocess.Popen, lines: Lines, timeout: float = 60) -> str:
    with killed_on_exit(proc):
        proc.wait(timeout=timeout)
    out = lines.text(10)
    assert proc.returncode == 0, out + proc.stderr.read()
    return out


def onsets(x: np.ndarray) -> np.ndarray:
    """Frames where a channel goes from silence to sound."""
    loud = np.abs(x) > 1e-6
    return np.flatnonzero(loud & ~np.concatenate([[False], loud[:-1]]))


def runs(x: np.ndarray) -> list[tuple[int, int]]:
    """(start, length) of every stretch of sound in a channel."""
    loud = np.concatenate([[False], np.abs(x) > 1e-6, [False]])
    edges = np.flatnonzero(loud[1:] != loud[:-1])
    return [(int(a), int(b - a)) for a, b in zip(edges[::2], edges[1::2])]


class TimelineMoved(MachineFault):
    """The device's timeline moved during the run (a JACK dummy driver woken late on a loaded
    machine shifts its frames against the wall clock; the stream clock follows it): events
    placed on the wall clock then land off the recording's frame grid by that shift, rightly.
    The grid says nothing about Phonon's timing in such a run."""


def timeline_moves(summary: str) -> int:
    """Restarts, timeline moves and device xruns `phonon dirt`'s summary reports."""
    found = re.search(r"device xruns: (\d+);.*?(\d+) restarts, (\d+) timeline moves", summary)
    assert found, summary
    return sum(int(g) for g in found.groups())


def on_grid_or_moved(summary: str, errors: np.ndarray, tolerance: int) -> None:
    """Assert the onset grid `errors` (frames) are within `tolerance`, unless the device's
    timeline moved during the run (then `TimelineMoved`: the caller runs again)."""
    if np.abs(errors).max() > tolerance and timeline_moves(summary):
        raise TimelineMoved(f"grid errors {errors.tolist()} in a run whose device timeline "
                            f"moved: {summary[summary.index('device xruns'):]}")
    assert np.abs(errors).max() <= tolerance, errors

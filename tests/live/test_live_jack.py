"""Acceptance: `phonon live` on a real JACK server (dummy driver), captured independently."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.process_lines import Lines
from tests.retry import MachineFault, on_a_steady_run

from .jack_server import RATE, jack_server  # noqa: F401 - the fixture
from .live_process import BEAT, frame_at, live_process, run_capture, wall_time

CYCLE = RATE                    # cps 1
OLD = BEAT
BROKEN = 'cps: 1\n~beat: s "rim ~ rim ~" #\nout: ~beat\n'
NEW = 'cps: 1\n~beat: s "rim ~ rim ~"\nout: ~beat\n'


def save(path: Path, text: str) -> float:
    """Save like an editor does: write a temporary file and rename it over the program."""
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text)
    os.replace(tmp, path)
    return time.time()


def onsets(x: np.ndarray, level: float = 0.05, quiet: int = 400) -> np.ndarray:
    """Sample indices where |x| first exceeds `level` after `quiet` samples below it."""
    loud = np.flatnonzero(np.abs(x) > level)
    if loud.size == 0:
        return loud
    keep = np.concatenate([[True], np.diff(loud) > quiet])
    return loud[keep]


def recorded_exactly(audio: np.ndarray, on: np.ndarray, rec: np.ndarray) -> bool:
    """The captured stretch (second to last onset: the capture connects its two ports one
    after the other) appears bit for bit in the recording."""
    lo, hi = int(on[1]) - 100, min(int(on[-1]) + 1000, audio.shape[0])
    notes = []
    for r in onsets(rec[:, 0]):
        c = int(r) - int(on[1])
        if lo + c >= 0 and hi + c <= rec.shape[0]:
            if np.array_equal(audio[lo:hi], rec[lo + c:hi + c]):
                return True
            bad = np.flatnonzero(np.abs(audio[lo:hi] - rec[lo + c:hi + c]).max(axis=1) > 0)
            notes.append(f"offset {c}: {bad.size} samples differ, first at capture frame "
                         f"{lo + bad[0]}: {audio[lo + bad[0]]} vs {rec[lo + c + bad[0]]}")
    print("\n".join(notes))
    return False


def captured(progress: Lines) -> int:
    """Frames the capture client has recorded so far (from its progress lines)."""
    done = [int(line.split()[1]) for line in progress.lines if line.startswith("frames ")]
    return done[-1] if done else 0


def wait_captured(progress: Lines, frames: int, timeout: float = 30) -> None:
    """Wait until the capture has recorded `frames` frames."""
    progress.wait(lambda lines: captured(progress) >= frames, timeout, f"{frames} frames captured")


class CaptureLostData(MachineFault):
    """The independent capture client lost periods (JACK xruns on a loaded machine)."""


def test_hot_reload_on_jack_is_sample_exact_and_glitch_free(jack_server, tmp_path):
    """Retried (twice at most) only when the capture itself reported lost periods: then its
    onset grid says nothing about what phonon sent."""
    on_a_steady_run(lambda folder: hot_reload_once(jack_server, folder), tmp_path)


def hot_reload_once(env: dict, tmp_path: Path) -> None:
    prog = tmp_path / "beat.ph"
    prog.write_text(OLD)
    record = tmp_path / "rec.wav"
    npz = tmp_path / "capture.npz"
    with live_process(env, prog, "--duration", "16", "--latency", "0.1",
                      "--record", str(record)) as (live, out_lines, err_lines):
        cap, progress = run_capture(env, 10, npz)
        progress.wait_for("connected", 40)
        wait_captured(progress, 3 * CYCLE)                  # the old rhythm, 3 cycles of it
        t_broken = save(prog, BROKEN)
        broken_at = captured(progress)
        out_lines.wait_for("reload failed", 30)             # the broken save was handled...
        wait_captured(progress, broken_at + 23 * CYCLE // 10)   # ... over 2 cycles ago
        t_good = save(prog, NEW)
        assert cap.wait(timeout=60) == 0
        live.wait(timeout=60)
        out, err = out_lines.text(10), err_lines.text(10)
    assert live.returncode == 0, err
    # the CLI: the broken save was reported with line and column, then the good one swapped
    assert f"{prog}:2:" in out and "reload failed, the old program keeps playing" in out
    # underruns: the callback found the ring short. (JACK-wide xruns, e.g. while the capture
    # client joins the graph on a loaded machine, are reported apart as "device xruns".)
    assert "underruns: 0;" in out, out
    assert "reloads: 1 ok, 1 failed; swaps: 1" in out, out

    data = np.load(npz)
    audio, stamps = data["audio"], data["stamps"]
    # JACK reports server-wide xruns (the machine is shared) to every client as overflows; a
    # real gap in what phonon sent would break the exact onset grid asserted below.
    xruns = int(data["overflows"])
    x = audio[:, 0]
    on = onsets(x)
    assert on.size >= 12, on
    gaps = np.diff(on)
    on_grid = set(gaps.tolist()) <= {CYCLE // 2, CYCLE}
    if not on_grid and xruns:
        raise CaptureLostData(f"the capture reported {xruns} overflows; onset gaps {gaps}")
    # every onset sits on the quarter-cycle grid, exactly (no drift, no lost or late block)
    assert on_grid, gaps
    first_new = int(np.argmax(gaps == CYCLE // 2))          # old rhythm: one per cycle
    assert gaps[first_new] == CYCLE // 2 and (gaps[:first_new] == CYCLE).all()
    assert (gaps[first_new:] == CYCLE // 2).all()            # new rhythm from the swap on
    boundary = int(on[first_new])                            # the swap: a cycle boundary
    assert (boundary - on[0]) % CYCLE == 0

    f_broken, f_good = frame_at(stamps, t_broken), frame_at(stamps, t_good)
    assert boundary > f_good > f_broken + CYCLE             # the broken save changed nothing
    cycle_starts = on[0] + CYCLE * np.arange(0, 20)
    next_b = int(cycle_starts[cycle_starts >= f_good][0])
    assert boundary == next_b or (boundary == next_b + CYCLE and next_b - f_good < 0.5 * RATE)

    # no discontinuity at the swap larger than the program's own largest step
    steps = np.abs(np.diff(x.astype(np.float64)))
    assert steps[boundary - 256:boundary + 256].max() <= steps[:boundary - 256].max()

    # --record wrote exactly what the device got
    rec, sr = sf.read(record, dtype="float32")
    assert sr == RATE
    assert recorded_exactly(audio, on, rec), "the recording differs from the capture"

    ear = wall_time(stamps, boundary)        # the new program reached the device
    wait = (next_b - f_good) / RATE
    print(f"\nedit-to-ear latency: {1000 * (ear - t_good):.0f} ms; wait to the next cycle "
          f"boundary: {1000 * wait:.0f} ms; target <= wait + 2 blocks + 60 ms = "
          f"{1000 * wait + 2 * 256 / RATE * 1000 + 60:.0f} ms; JACK xruns seen by the capture: "
          f"{xruns}")


def test_ctrl_c_stops_cleanly_closing_the_device_and_leaving_no_shared_memory(
        jack_server, tmp_path):
    from phonon.runtime.shm import leftover_segments

    prog = tmp_path / "beat.ph"
    prog.write_text(OLD)
    with live_process(jack_server, prog, "--workers", "1") as (live, out_lines, err_lines):
        out_lines.wait_for("playing", 40)          # the device stream runs
        assert leftover_segments(live.pid)         # and so does its worker runtime (shm)
        live.send_signal(signal.SIGINT)
        live.wait(timeout=30)
        out, err = out_lines.text(10), err_lines.text(10)
    assert live.returncode == 0, err
    assert "phonon live: stopped after" in out and "underruns: 0;" in out, out
    ports = subprocess.run(["jack_lsp"], env=jack_server, capture_output=True, text=True).stdout
    assert "phonon:" not in ports                            # the device was closed
    assert leftover_segments(live.pid) == []


_INTERRUPT_AT_START = """
import sys
from phonon.cli import main
from phonon.live.output import AudioOutput

start = AudioOutput.start

def start_then_ctrl_c(self, *args):          # Ctrl-C lands right after the device starts
    start(self, *args)
    raise KeyboardInterrupt

AudioOutput.start = start_then_ctrl_c
sys.exit(main(["live", sys.argv[1], "--workers", "1"]))
"""


def test_ctrl_c_while_the_device_starts_is_a_clean_stop_too(jack_server, tmp_path):
    """Before, a Ctrl-C between opening the stream and the playing loop escaped as exit 130
    without the summary."""
    prog = tmp_path / "beat.ph"
    prog.write_text(OLD)
    live = subprocess.run([sys.executable, "-c", _INTERRUPT_AT_START, str(prog)],
                          env=jack_server, capture_output=True, text=True, timeout=120)
    assert live.returncode == 0, live.stderr
    assert "phonon live: stopped after" in live.stdout, live.stdout
    ports = subprocess.run(["jack_lsp"], env=jack_server, capture_output=True, text=True).stdout
    assert "phonon:" not in ports

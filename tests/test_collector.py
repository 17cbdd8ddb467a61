"""The garbage collector around a command-line run's start-up and exit (`phonon.collector`,
issue 19's whole-process start). Behaviour, not timing: no collection runs while `phonon
render` starts, what start-up made is frozen once the session is open and the usual
thresholds are back, everything alive is frozen at exit while exit still does its work (a
`tap` shorter than the render written by its finalizer, no shared memory left), and a program
using phonon as a library keeps its collector as it was."""
from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

import phonon
from phonon import collector

BENCH = Path(__file__).parent / "data" / "bench"

#: `phonon render` as the process's entry point (`main()` reads sys.argv), watching the
#: collector: collections before the session opened, thresholds and frozen objects then,
#: and after the command
PROBE = """
import gc, json, sys
from phonon import collector
from phonon.engine import render as _render_module
engine_render = sys.modules["phonon.engine.render"]
seen = {"collections": 0}
def count(phase, info):
    if phase == "start":
        seen["collections"] += 1
gc.callbacks.append(count)
opened = engine_render.open_session
def watched(*args, **kwargs):
    paused = collector.paused()
    before = seen["collections"]
    session = opened(*args, **kwargs)
    seen["open"] = {"collections_before": before, "paused_while_starting": paused,
                    "threshold": gc.get_threshold(), "frozen": gc.get_freeze_count()}
    return session
engine_render.open_session = watched
sys.argv = ["phonon"] + sys.argv[1:]
from phonon.cli import main
status = main()
seen["exit"] = {"status": status, "frozen": gc.get_freeze_count(),
                "alive": len(gc.get_objects()), "threshold": gc.get_threshold()}
print(json.dumps(seen))
"""


def run_cli(tmp_path: Path, program: str, *args: str) -> dict:
    (tmp_path / "p.ph").write_text(program)
    proc = subprocess.run([sys.executable, "-c", PROBE, "render", "p.ph", "out.wav", *args],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_render_starts_without_collections_then_freezes_start_up_and_collects_as_usual(tmp_path):
    usual = gc.get_threshold()
    seen = run_cli(tmp_path, (BENCH / "reference.ph").read_text(), "-d", "0.5",
                   "--samples", str(BENCH / "samples"))
    opened = seen["open"]
    assert opened["paused_while_starting"] is True
    assert opened["collections_before"] == 0            # 700 was the threshold: ~250 before
    assert opened["threshold"] == list(usual)           # the usual thresholds are back ...
    assert opened["frozen"] > 50_000                    # ... and start-up's objects frozen
    ended = seen["exit"]
    assert ended["status"] == 0
    assert ended["frozen"] >= ended["alive"] - 10       # exit: everything alive is frozen
    y, sr = sf.read(tmp_path / "out.wav", dtype="float32")
    assert (sr, y.shape) == (44100, (22050, 2))


def test_exit_still_writes_a_tap_shorter_than_the_render_and_leaves_no_shared_memory(tmp_path):
    """With a worker forked during start-up (the saw isolated): the render, the tap's file
    (its finalizer runs at exit) and no segment left behind."""
    before = {n for n in os.listdir("/dev/shm") if n.startswith("phonon_")}
    program = "cps: 1\nout: saw 110 * 0.3 # tap \"t.wav\" 2\n"
    seen = run_cli(tmp_path, program, "-d", "0.5", "--isolate", "saw")   # a forked worker
    assert seen["exit"]["status"] == 0
    data, sr = sf.read(tmp_path / "t.wav", dtype="float32", always_2d=True)
    out, _ = sf.read(tmp_path / "out.wav", dtype="float32", always_2d=True)
    assert data.shape == (22050, 2)                      # what was recorded: 0.5 of its 2 s
    np.testing.assert_array_equal(data, out)             # before the master: the same here
    assert {n for n in os.listdir("/dev/shm") if n.startswith("phonon_")} == before


def test_a_library_render_leaves_the_collector_as_it_was():
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    y = phonon.render("out: sine 440 * 0.5", 0.1, block=512)
    assert y.shape == (2, 4410)
    assert not collector.paused()
    assert gc.get_threshold() == threshold and gc.get_freeze_count() == frozen


def test_the_pause_raises_the_youngest_threshold_once_and_start_up_over_restores_it():
    usual = gc.get_threshold()
    code = """
import gc, json
from phonon import collector
usual = gc.get_threshold()
collector.pause_for_start_up(); collector.pause_for_start_up()
paused = gc.get_threshold()
junk = [[i] for i in range(1000)]
collector.start_up_over()
after = (gc.get_threshold(), gc.get_freeze_count() >= 1000, collector.paused())
collector.start_up_over()                       # once: a second call changes nothing
print(json.dumps([usual, paused, after, gc.get_threshold()]))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    first, paused, after, last = json.loads(proc.stdout)
    assert first == list(usual)
    assert paused == [collector.START_UP_THRESHOLD, *usual[1:]]
    assert after == [list(usual), True, False]
    assert last == list(usual)

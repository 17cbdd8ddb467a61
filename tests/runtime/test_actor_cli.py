"""`phonon render --workers N --isolate KIND --profile`: same file as inline, a profile table."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from phonon.cli import build_parser, main
from phonon.runtime.machine import available_cores
from phonon.runtime.shm import leftover_segments

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "examples" / "send_effects.ph"


def test_render_with_workers_isolate_and_profile(tmp_path, capsys):
    inline, actors = tmp_path / "inline.wav", tmp_path / "actors.wav"
    assert main(["render", str(PROGRAM), str(inline), "-d", "2", "-b", "512"]) == 0
    capsys.readouterr()
    assert main(["render", str(PROGRAM), str(actors), "-d", "2", "-b", "512", "--workers", "1",
                 "--isolate", "reverb", "--profile"]) == 0
    out = capsys.readouterr().out
    a, sr = sf.read(inline, dtype="float32")
    b, _ = sf.read(actors, dtype="float32")
    assert sr == 44100 and a.shape == (88200, 2)
    np.testing.assert_array_equal(a, b)
    reverb_rows = [line for line in out.splitlines() if "reverb" in line and "│" in line]
    assert len(reverb_rows) == 1 and "isolated 1" in reverb_rows[0]
    assert "µs/block" in out and "barrier wait (coordinator)" in out
    assert "master" in out and "coordinator" in out
    assert leftover_segments(os.getpid()) == []


def test_the_default_j_is_one_worker_per_core_beside_the_coordinator():
    parser, _ = build_parser()
    args = parser.parse_args(["render", "a.ph", "a.wav"])
    assert args.workers is None                            # resolved when the session is made
    from phonon.runtime.machine import default_workers
    assert default_workers() == available_cores() - 1
    assert default_workers(1) == 0 and default_workers(2) == 1 and default_workers(8) == 7


def test_a_light_program_with_j2_says_the_cost_model_kept_it_inline_and_why(tmp_path, capsys):
    light = tmp_path / "light.ph"
    light.write_text('cps: 1\nout: s "bd*4" # gain 0.5\n')
    assert main(["render", str(light), str(tmp_path / "x.wav"), "-d", "2", "-j", "2",
                 "--profile"]) == 0
    out = " ".join(capsys.readouterr().out.split())          # the table wraps its caption
    why = "kept inline by the cost model: the nodes worth shipping (>= 40 µs each) take"
    assert out.count(why) == 2                               # the profile and the summary
    assert "runtime: inline (one process)" in out and "a worker pays off from 400 µs" in out
    assert leftover_segments(os.getpid()) == []

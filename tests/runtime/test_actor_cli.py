"""`phonon render --workers N --isolate KIND --profile`: same file as inline, a profile table."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from phonon.cli import main
from phonon.runtime.shm import leftover_segments

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "examples" / "send_effects.ph"


@pytest.mark.skipif(not PROGRAM.exists(), reason="examples/send_effects.ph is missing")
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

"""Acceptance: real TidalCycles (Debian's ghc + libghc-tidal-dev, Tidal 1.7) drives
`phonon dirt` on a JACK dummy server; the recording shows Tidal's pattern grid, its controls
and its orbits."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess

import numpy as np
import pytest
import soundfile as sf
from scipy.signal import lfilter

from phonon.dsp.voice_fx import rlpf_coefficients

from tests.retry import on_a_steady_run

from .helpers import (LEVEL, LONG, RATE, dirt_process, finish, on_grid_or_moved,
                      onsets, runs)
from .jack import jack6  # noqa: F401 - the fixture

HALF_MS = RATE // 2000             # 22 frames: the grid tolerance of the issue

SCRIPT = """\
:set -XOverloadedStrings
:set prompt ""
import Sound.Tidal.Context
import Control.Concurrent
tidal <- startTidal (superdirtTarget {{oLatency = 0.2, oAddress = "127.0.0.1", oPort = {port}}}) (defaultConfig {{cFrameTimespan = 1/20, cCtrlPort = 0}})
streamOnce tidal $ cps 1
threadDelay 300000
streamReplace tidal 1 $ s "long*4" # pan 0 # gain "1 1.2 1 1"
streamReplace tidal 2 $ s "long*2" # pan 0 # speed "1 2" # orbit 1
streamReplace tidal 3 $ s "long" # pan 0 # lpf 400 # orbit 2
threadDelay 4000000
streamHush tidal
threadDelay 500000
putStrLn "tidal done"
:quit
"""


def ghci() -> str:
    found = shutil.which("ghci")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("ghci is not installed (required in CI: apt install ghc libghc-tidal-dev)")
        pytest.skip("ghci is not installed")
    return found


def test_tidal_patterns_play_on_their_grid_with_their_controls_and_orbits(jack6, tmp_path):
    """Run again (twice at most) only when the device's timeline moved during the run."""
    on_a_steady_run(lambda folder: tidal_patterns(jack6, folder), tmp_path)


def tidal_patterns(jack6, tmp_path):
    exe = ghci()
    with dirt_process(jack6, tmp_path, "--orbits", "3", "--channels", "2*orbits",
                      duration=None) as (dirt, lines, port):
        script = tmp_path / "tidal.ghci"
        script.write_text(SCRIPT.format(port=port))
        tidal = subprocess.run([exe, "-ghci-script", str(script)], stdin=subprocess.DEVNULL,
                               capture_output=True, text=True, timeout=120, env=jack6)
        dirt.send_signal(signal.SIGINT)
        out = finish(dirt, lines)
    print(out)
    assert "Connected to SuperDirt." in tidal.stdout, tidal.stdout + tidal.stderr
    assert "tidal done" in tidal.stdout, tidal.stdout + tidal.stderr
    assert "bad packets: 0;" in out and "handshakes: " in out

    audio, sr = sf.read(tmp_path / "rec.wav", dtype="float32")
    assert sr == RATE and audio.shape[1] == 6
    # orbit 0 (d1): s "long*4" at cps 1: every onset a quarter cycle after the last
    on = onsets(audio[:, 0])
    assert on.size >= 12, on
    gaps = np.diff(on)[2:]                        # after the tempo change has settled
    on_grid_or_moved(out, gaps - RATE / 4, HALF_MS)
    # gain "1 1.2 1 1", pan 0: hard left, amp 0.4 x gain^4
    levels = audio[on + 100, 0]
    loud = np.isclose(levels, LEVEL * 0.4 * 1.2 ** 4, rtol=1e-5)
    assert (np.isclose(levels, LEVEL * 0.4, rtol=1e-5) | loud).all(), levels
    k = int(np.argmax(loud))
    assert loud.sum() >= 3 and (np.flatnonzero(loud) % 4 == k % 4).all()
    assert not audio[:, 1].any()                                  # pan 0: nothing right
    assert {n for _, n in runs(audio[:, 0])} == {LONG}            # no other orbit here
    # orbit 1 (d2 # orbit 1): speed "1 2": the sample lasts 4000, then 2000 frames
    lengths = [n for _, n in runs(audio[:, 2])]
    assert len(lengths) >= 6 and set(lengths) == {LONG, LONG // 2}, lengths
    assert all(a != b for a, b in zip(lengths, lengths[1:]))      # alternating
    assert not audio[:, 3].any()
    # orbit 2 (d3 # lpf 400): SuperCollider's RLPF at 400 Hz on every voice
    a0, b1, b2 = rlpf_coefficients(400.0, 1.0, RATE)
    dry = np.full(LONG, LEVEL, np.float64)
    want = 0.4 * lfilter([a0, 2 * a0, a0], [1.0, -b1, -b2], dry)
    starts = onsets(audio[:, 4])
    assert starts.size >= 3
    for s in starts:
        got = audio[s:s + LONG, 4].astype(np.float64)
        assert np.abs(got - want).max() < 1e-5
    on_grid_or_moved(out, np.diff(starts) - RATE, HALF_MS)

"""Closing JACK clients whose callbacks are Python never hangs the process (phonon's MIDI
client, the tests' probe), even with another Python thread busy."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.live.jack_server import dummy_server

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 25           # the old close hung within its first 10 (3 runs of 3)


def test_clients_open_and_close_again_and_again_while_python_is_busy():
    """At 64 frames a period the callbacks run often (the old close hung in its first rounds
    there; at 256 it did not show in 40 rounds)."""
    with dummy_server(period=64) as env:
        run_stress(env)


def run_stress(env: dict) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "tests.sync.close_stress", str(ROUNDS)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        out, _ = proc.communicate(timeout=90)      # about 10 s; a hang is killed here
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        raise AssertionError(f"closing JACK clients hung:\n{out[-2000:]}") from None
    assert proc.returncode == 0 and f"done {ROUNDS}" in out, out[-2000:]

"""Run `phonon live` against the test's private JACK server and watch it with a `JackProbe`."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from tests.process_lines import killed_on_exit

from .jack_probe import JackProbe

RATE = 44100


def start_live(env: dict, program: Path, *args: str, duration: float = 8.0,
               stdin: bool = False) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "phonon", "live", str(program), "--duration", str(duration),
         *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL)


def finish(live: subprocess.Popen, timeout: float = 60) -> str:
    """Wait for `phonon live` to stop; returns its standard output (asserts a clean exit)."""
    with killed_on_exit(live):
        out, err = live.communicate(timeout=timeout)
    assert live.returncode == 0, f"{out}\n{err}"
    return out


def attach(probe: JackProbe, live: subprocess.Popen, *, audio: str | None = "phonon:out_0",
           midi: tuple[str, ...] = ()) -> None:
    """Connect phonon's ports to the probe as soon as they exist."""
    deadline = time.time() + 60
    names = ([audio] if audio else []) + list(midi)
    while True:
        have = {p.name for p in probe.client.get_ports()}
        if all(n in have for n in names):
            break
        assert live.poll() is None, live.communicate()
        assert time.time() < deadline, f"phonon live made no ports {names}"
        time.sleep(0.05)
    for src in midi:
        probe.connect(src, f"{probe.client.name}:in")
    if audio:
        probe.connect(audio, f"{probe.client.name}:audio")
        probe.arm_audio()


def onsets(x: np.ndarray, level: float = 0.05, quiet: int = 400) -> np.ndarray:
    """Sample indices where |x| first exceeds `level` after `quiet` samples below it."""
    loud = np.flatnonzero(np.abs(x) > level)
    if loud.size == 0:
        return loud
    return loud[np.concatenate([[True], np.diff(loud) > quiet])]


def audio_onsets(probe: JackProbe) -> np.ndarray:
    """JACK frames of the onsets the probe heard."""
    return onsets(probe.audio[:probe.audio_n]) + probe.audio_first

"""Processes and shared memory (issue 13): a `-j 2` render killed with SIGKILL leaks its
`phonon_<pid>_*` segments, and the next run removes them (segments of live processes stay);
killing multiprocessing's resource tracker costs no traceback."""
from __future__ import annotations

import os
import signal
import subprocess
import time

from .probe_run import PHONON, leftover, phonon

HEAVY = "out: (saw 110 # lpf 800 0.3) * 0.2 + sine 440 * 0.1\n"
ACTORS = ["-j", "2", "--isolate", "lpf"]          # forces the actor runtime (shared memory)


def _start(tmp_path, *args):
    (tmp_path / "p.ph").write_text(HEAVY)
    return subprocess.Popen([*PHONON, "render", "p.ph", "long.wav", "-d", "3000", "-s", "8000",
                             *ACTORS, *args], cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def _wait_for(predicate, proc, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert proc.poll() is None, f"the render ended before {what}: {proc.stderr.read()!r}"
        assert time.monotonic() < deadline, f"no {what} within {timeout} s"
        time.sleep(0.05)


def test_segments_of_a_killed_render_are_removed_by_the_next_run(tmp_path):
    proc = _start(tmp_path)
    try:
        _wait_for(lambda: leftover(proc.pid), proc, "shared-memory segment")
        _wait_for(lambda: (tmp_path / f".long.wav.{proc.pid}.part").exists(), proc, "block")
        os.killpg(proc.pid, signal.SIGKILL)                    # the whole group: no cleanup
    finally:
        proc.wait(timeout=30)
        proc.stderr.close()
    time.sleep(0.5)                                            # the workers are reaped too
    assert leftover(proc.pid), "SIGKILL left nothing to clean up: the test proves nothing"
    run = phonon("render", "p.ph", "short.wav", "-d", "0.2", cwd=tmp_path, timeout=60)
    assert run.status == 0 and run.clean
    assert leftover(proc.pid) == []


def test_a_killed_resource_tracker_gives_no_traceback(tmp_path):
    """Killing multiprocessing's resource tracker made every unlink print a KeyError
    traceback at exit: Phonon's segments no longer go through the tracker at all."""
    proc = _start(tmp_path, "--seed", "1")
    try:
        _wait_for(lambda: leftover(proc.pid), proc, "shared-memory segment")
        trackers = subprocess.run(["pgrep", "-f", "-s", str(proc.pid), "resource_tracker"],
                                  capture_output=True, text=True).stdout.split()
        for pid in trackers:                                   # none expected; kill any
            os.kill(int(pid), signal.SIGKILL)
        time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)                       # a clean stop of the render
        err = proc.stderr.read().decode(errors="replace")
        status = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert trackers == []
    assert "Traceback" not in err and "KeyError" not in err, err
    assert status in (1, 143, -15) and leftover(proc.pid) == []
    assert (tmp_path / "long.wav").exists() is False

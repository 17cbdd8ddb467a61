"""A private JACK server (dummy driver) with as many playback ports as a test needs."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid

import pytest

from tests.live.jack_server import PERIOD, RATE, jack_env


def start_jack(ports: int = 2):
    """Start `jackd -n <unique> -d dummy -P ports`; returns (process, env) once it answers."""
    if shutil.which("jackd") is None or shutil.which("jack_lsp") is None:
        if os.environ.get("CI"):
            pytest.fail("jackd is not installed (required in CI)")
        pytest.skip("jackd is not installed")
    name = f"phonon-dirt-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    env = jack_env(name)
    proc = subprocess.Popen(["jackd", "-n", name, "-d", "dummy", "-r", str(RATE), "-p",
                             str(PERIOD), "-P", str(ports)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 15
    while True:
        if proc.poll() is not None:
            pytest.fail(f"jackd exited: {proc.stderr.read().decode(errors='replace')}")
        ok = subprocess.run(["jack_lsp"], env=env, capture_output=True, timeout=10)
        if ok.returncode == 0 and f"system:playback_{ports}".encode() in ok.stdout:
            return proc, env
        if time.time() > deadline:
            stop_jack(proc)
            pytest.fail("jackd did not answer within 15 s")
        time.sleep(0.1)


def stop_jack(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture
def jack6():
    """A JACK server with 6 playback ports (3 orbits on their own channel pairs)."""
    proc, env = start_jack(6)
    try:
        yield env
    finally:
        stop_jack(proc)


@pytest.fixture
def jack2():
    proc, env = start_jack(2)
    try:
        yield env
    finally:
        stop_jack(proc)

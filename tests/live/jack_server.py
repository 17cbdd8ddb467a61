"""A pytest fixture: a private JACK server with the dummy driver, killed at teardown."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from contextlib import contextmanager

import pytest

RATE = 44100
PERIOD = 256


def jack_env(name: str) -> dict[str, str]:
    """Environment for processes that talk to server `name` (never auto-start one)."""
    env = dict(os.environ)
    env["JACK_DEFAULT_SERVER"] = name
    env["JACK_NO_START_SERVER"] = "1"
    return env


@contextmanager
def dummy_server():
    """A running `jackd -n <unique> -d dummy` (answering `jack_lsp`); yields its env."""
    if shutil.which("jackd") is None or shutil.which("jack_lsp") is None:
        if os.environ.get("CI"):
            pytest.fail("jackd is not installed (required in CI)")
        pytest.skip("jackd is not installed")
    name = f"phonon-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    env = jack_env(name)
    proc = subprocess.Popen(["jackd", "-n", name, "-d", "dummy", "-r", str(RATE),
                             "-p", str(PERIOD)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 15
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jackd exited: {proc.stderr.read().decode(errors='replace')}")
            ok = subprocess.run(["jack_lsp"], env=env, capture_output=True, timeout=10)
            if ok.returncode == 0 and b"system:playback_1" in ok.stdout:
                break
            if time.time() > deadline:
                pytest.fail("jackd did not answer within 15 s")
            time.sleep(0.1)
        yield env
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def jack_server():
    """A private JACK server with the dummy driver, killed at teardown; yields its env."""
    with dummy_server() as env:
        yield env

"""Pytest fixtures: a private JACK server with the dummy driver, killed at teardown.

`jack_server` yields the environment that talks to it; `jack_control` yields the `JackServer`
itself, which a test may kill and start again under the same name (an audio server that dies
and comes back); `dummy_server()` is the same as a context manager (several servers at once).
"""
from __future__ import annotations

import os
from pathlib import Path
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


class JackServer:
    """`jackd -n NAME -d dummy`: start, wait until it answers, kill, start again.

    A server killed with SIGKILL cannot unregister: its slot in JACK's registry
    (/dev/shm/jack-shm-registry, 8 servers per machine) stays taken until a server of the same
    name starts, so `release` starts and stops one again after a kill."""

    def __init__(self, name: str, ports: int | None = None, period: int = PERIOD) -> None:
        """`ports`: playback ports (None: the dummy driver's default, 2); `period` in frames."""
        self.name = name
        self.ports = ports
        self.period = period
        self.env = jack_env(name)
        self.proc: subprocess.Popen | None = None
        self.killed = False

    def start(self, timeout: float = 15) -> None:
        """Start the server and wait until `jack_lsp` lists its playback ports."""
        extra = ["-P", str(self.ports)] if self.ports is not None else []
        self.proc = subprocess.Popen(["jackd", "-n", self.name, "-d", "dummy", "-r", str(RATE),
                                      "-p", str(self.period), *extra], env=self.env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        last_port = f"system:playback_{self.ports or 1}".encode()
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                pytest.fail(f"jackd exited: {self.proc.stderr.read().decode(errors='replace')}")
            ok = subprocess.run(["jack_lsp"], env=self.env, capture_output=True, timeout=10)
            if ok.returncode == 0 and last_port in ok.stdout:
                return
            if time.monotonic() > deadline:
                pytest.fail(f"jackd did not answer within {timeout} s")
            time.sleep(0.1)

    def stop(self, kill: bool = False) -> None:
        """End the server: SIGTERM (a normal stop) or SIGKILL (a crash); waits until gone."""
        if self.proc is None or self.proc.poll() is not None:
            return
        if kill:
            self.killed = True
            self.proc.kill()
        else:
            self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.killed = True
            self.proc.kill()
            self.proc.wait()

    def release(self) -> None:
        """Stop the server; after a SIGKILL, free its registry slot (start, then a clean stop)."""
        self.stop()
        if self.killed:
            self.killed = False
            self.start()
            self.stop()


def _require_jackd() -> None:
    if shutil.which("jackd") is None or shutil.which("jack_lsp") is None:
        if os.environ.get("CI"):
            pytest.fail("jackd is not installed (required in CI)")
        pytest.skip("jackd is not installed")


def _started_server(ports: int | None = None, period: int = PERIOD):
    _require_jackd()
    server = JackServer(f"phonon-test-{os.getpid()}-{uuid.uuid4().hex[:8]}", ports, period)
    try:
        server.start()
        yield server
    finally:
        server.release()
        _remove_semaphores(server.name)


def _remove_semaphores(name: str) -> None:
    """JACK leaves `/dev/shm/jack_sem.<uid>_<server>_<client>` files behind when a server or
    client is killed (the tests kill servers on purpose): remove the stopped server's."""
    for path in Path("/dev/shm").glob(f"jack_sem.*_{name}_*"):
        path.unlink(missing_ok=True)


@contextmanager
def dummy_server(ports: int | None = None, period: int = PERIOD):
    """A running `jackd -n <unique> -d dummy` (answering `jack_lsp`); yields its env.
    `ports`: playback ports (None: the dummy driver's default, 2); `period` in frames."""
    for server in _started_server(ports, period):
        yield server.env


@pytest.fixture
def jack_control():
    """A started `JackServer` with a unique name (stopped at teardown)."""
    yield from _started_server()


@pytest.fixture
def jack_server():
    """Start `jackd -n <unique> -d dummy`, wait until `jack_lsp` answers; yields its env."""
    for server in _started_server():
        yield server.env

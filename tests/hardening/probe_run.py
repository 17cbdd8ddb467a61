"""Run `phonon` on a hostile input the way a user would, and measure what it cost.

`phonon(...)` starts `python -m phonon ...` in its own process group with an address-space
limit (`RLIMIT_AS`: a regression fails the test instead of eating the machine's memory), waits
at most `timeout` seconds (then kills the group: a hang fails the test) and reports the exit
status, the output, the wall time and the peak resident memory of that one process
(its `VmHWM`, polled), plus the `phonon_<pid>_*` shared-memory segments it left behind.
"""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PHONON = [sys.executable, "-m", "phonon"]
ADDRESS_SPACE = 3 << 30          # bytes: far above any honest run (about 0.6 GB mapped)


@dataclass
class Outcome:
    status: int                  # exit status (negative: killed by that signal)
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float
    pid: int
    leftover: list[str]          # phonon_<pid>_* segments still in /dev/shm
    raw: bytes = b""             # stdout as bytes (`phonon render FILE -` writes audio there)

    @property
    def clean(self) -> bool:
        """No Python traceback, no internal error text, no segment left."""
        text = self.stdout + self.stderr
        return "Traceback" not in text and "internal compiler error" not in text \
            and not self.leftover


def _limits(address_space: int, file_size: int | None) -> None:
    os.setpgrp()
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    if file_size is not None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)      # a write past it fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))


def phonon(*args: str, timeout: float = 60, cwd: Path | None = None, stdin: bytes | None = None,
           env: dict | None = None, address_space: int = ADDRESS_SPACE,
           file_size: int | None = None) -> Outcome:
    """Run `phonon *args` (see the module doc); output is decoded as UTF-8 with replacement."""
    t0 = time.monotonic()
    proc = subprocess.Popen([*PHONON, *args], cwd=cwd or ROOT, env=env,
                            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: _limits(address_space, file_size))
    out, err = _Collect(proc.stdout), _Collect(proc.stderr)
    if stdin is not None:
        threading.Thread(target=_feed, args=(proc.stdin, stdin), daemon=True).start()
    try:
        status, peak_mb = _wait(proc.pid, t0 + timeout)
    except TimeoutError:
        _reap_group(proc.pid)
        os.wait4(proc.pid, 0)
        proc.returncode = -9
        raise AssertionError(f"phonon {' '.join(args)} did not finish within {timeout} s; "
                             f"stderr:\n{err.text()[-2000:]}") from None
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - t0
    _reap_group(proc.pid)
    raw = out.data()
    return Outcome(proc.returncode, raw.decode(errors="replace"), err.text(), seconds,
                   peak_mb, proc.pid, leftover(proc.pid), raw)


def _wait(pid: int, deadline: float) -> tuple[int, float]:
    """(wait status, peak RSS in MB) of child `pid`, polled until `deadline` (TimeoutError
    after). The peak is the largest `VmHWM` read from /proc while it runs: the rusage of a
    child forked from a large pytest process counts the parent's pages from before `exec`."""
    peak_kb = 0
    while True:
        peak_kb = max(peak_kb, _hwm_kb(pid))
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, (peak_kb or usage.ru_maxrss) / 1024
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(0.02)


def _hwm_kb(pid: int) -> int:
    """The process's peak resident set (`VmHWM`, kB) since its `exec` into phonon; 0 before
    that (the forked copy of pytest) or when unreadable."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            if b"-m\0phonon\0" not in f.read():
                return 0
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class _Collect:
    """Everything a pipe delivers, read by a thread (no deadlock on a full pipe)."""

    def __init__(self, pipe) -> None:
        self.chunks: list[bytes] = []
        self.thread = threading.Thread(target=self._read, args=(pipe,), daemon=True)
        self.thread.start()

    def _read(self, pipe) -> None:
        for chunk in iter(lambda: pipe.read1(1 << 16), b""):
            self.chunks.append(chunk)
        pipe.close()

    def text(self) -> str:
        return self.data().decode(errors="replace")

    def data(self) -> bytes:
        self.thread.join(timeout=10)
        return b"".join(self.chunks)


def _feed(pipe, data: bytes) -> None:
    try:
        pipe.write(data)
        pipe.close()
    except BrokenPipeError:
        pass


def _reap_group(pgid: int) -> None:
    """Kill whatever the run left in its process group (forked workers)."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def leftover(pid: int) -> list[str]:
    """`phonon_<pid>_*` entries in /dev/shm."""
    try:
        return sorted(n for n in os.listdir("/dev/shm") if n.startswith(f"phonon_{pid}_"))
    except FileNotFoundError:
        return []

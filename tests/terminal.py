"""Run a command on a pseudo-terminal (so `phonon live`/`dirt` show their status line) and
collect what it writes, escape codes removed."""
from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import termios
import threading
import time

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")


class Terminal:
    """`cmd` with stdout on a 200-column pseudo-terminal; `text()` is everything it printed."""

    def __init__(self, cmd: list[str], env: dict) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
        env = {**env, "TERM": "xterm-256color", "COLUMNS": "200"}
        env.pop("CI", None)              # rich treats CI as "not a terminal"
        self.proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=slave,
                                     stderr=subprocess.PIPE, text=True)
        os.close(slave)
        self._master = master
        self._chunks: list[bytes] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:
                break
            if not data:
                break
            self._chunks.append(data)

    def text(self) -> str:
        return ANSI.sub("", b"".join(self._chunks).decode(errors="replace"))

    def wait_for(self, needle: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            assert time.monotonic() < deadline, f"no {needle!r} within {timeout} s:\n{self.text()}"
            time.sleep(0.02)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._thread.join(2)
        os.close(self._master)

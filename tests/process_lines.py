"""Read a subprocess's output lines in a thread and wait for them with a deadline (no sleeps)."""
from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Callable, IO


@contextmanager
def killed_on_exit(proc: subprocess.Popen) -> Iterator[subprocess.Popen]:
    """`proc`, killed on the way out if it still runs (a failed assertion inside)."""
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


class Lines:
    """Every line `stream` (default: `proc.stdout`) printed so far, collected by a thread."""

    def __init__(self, proc: subprocess.Popen, stream: IO[str] | None = None) -> None:
        self.lines: list[str] = []
        self._taken = 0                        # lines handed out by `next`
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(stream or proc.stdout,),
                                        daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()

    def wait(self, found: Callable[[list[str]], bool], timeout: float, what: str) -> None:
        """Wait until `found(lines)` holds; fail (naming `what`) after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not found(self.lines):
                left = deadline - time.monotonic()
                assert left > 0, f"no {what} within {timeout} s; output so far:\n{self.text()}"
                self._changed.wait(left)

    def wait_for(self, text: str, timeout: float) -> str:
        """The first line containing `text` (waiting for it at most `timeout` seconds)."""
        self.wait(lambda lines: any(text in line for line in lines), timeout, repr(text))
        return next(line for line in self.lines if text in line)

    def next(self, timeout: float) -> str:
        """The next line not taken by `next` before."""
        taken = self._taken
        self.wait(lambda lines: len(lines) > taken, timeout, "line")
        self._taken = taken + 1
        return self.lines[taken]

    def text(self, timeout: float = 0.0) -> str:
        """Everything read (after waiting up to `timeout` s for the stream to end)."""
        self._thread.join(timeout)
        return "".join(self.lines)

"""`--record`: the program's output stream, drained to a WAV file by a writer thread.

The render thread hands every block it puts into the ring to `RecordTap.write` (a copy into a
preallocated buffer, no I/O); a writer thread drains it to the file every 100 ms. The file is
the program's output on the performance's clock: frame n of the file is frame n the device
was (or, while the device was away, would have been) given. Only frames the device consumed
(`played()`) are written, so the part rendered ahead of the device at the stop is not in it.
"""
from __future__ import annotations

import threading
from typing import Callable

import numpy as np


class RecordTap:
    """A ring of frames between the render thread and a WAV writer thread."""

    def __init__(self, path: str, sr: int, played: Callable[[], int] | None = None,
                 seconds: float = 8.0, channels: int = 2) -> None:
        import soundfile as sf
        self.played = played
        self.file = sf.SoundFile(path, "w", samplerate=sr, channels=channels, subtype="FLOAT")
        self.buf = np.zeros((int(sr * seconds), channels), dtype=np.float32)
        self.written = 0
        self.drained = 0
        self.lost = 0                      # frames skipped because the writer fell behind
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="phonon-record", daemon=True)
        self._thread.start()

    def write(self, block: np.ndarray) -> None:
        """Append a (channels, n) block (render thread: a copy only)."""
        n, cap = block.shape[1], self.buf.shape[0]
        w = self.written % cap
        first = min(n, cap - w)
        self.buf[w:w + first] = block[:, :first].T
        if first < n:
            self.buf[:n - first] = block[:, first:].T
        self.written += n

    def _drain(self) -> None:
        with self._lock:
            end, cap = self.written, self.buf.shape[0]
            if self.played is not None:
                end = min(end, self.played())
            if end - self.drained > cap:         # the writer fell behind: report, skip ahead
                self.lost += end - self.drained - cap
                self.drained = end - cap
            while self.drained < end:
                r = self.drained % cap
                n = min(end - self.drained, cap - r)
                self.file.write(self.buf[r:r + n])
                self.drained += n

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self._drain()

    def close(self) -> None:
        """Write what is left (up to `played()`) and close the file."""
        self._stop.set()
        self._thread.join(timeout=5)
        self._drain()
        self.file.close()

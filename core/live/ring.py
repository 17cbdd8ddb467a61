"""A single-producer single-consumer ring of stereo frames (render thread -> device callback).

The producer (render thread) writes whole blocks; the consumer (the audio callback) reads any
number of frames and never blocks or allocates: when the ring holds fewer frames than asked it
plays what there is, pads with silence and counts an underrun. Counters only grow and each is
written by one side, so no lock is needed (a Python int assignment is atomic).
"""
from __future__ import annotations

import threading

import numpy as np


class BlockRing:
    """Frames ring, stored interleaved `(capacity, 2)` float32 so the callback copies rows."""

    def __init__(self, capacity: int, channels: int = 2) -> None:
        if capacity <= 0:
            raise ValueError(f"ring capacity must be positive, got {capacity}")
        self.capacity = int(capacity)
        self.buf = np.zeros((self.capacity, channels), dtype=np.float32)
        self.written = 0            # frames written in total (producer)
        self.read = 0               # frames taken from the ring in total (consumer)
        self.underruns = 0          # callbacks that found fewer frames than they needed
        self.space = threading.Event()   # set by the consumer after each read

    # -- producer
    @property
    def free(self) -> int:
        return self.capacity - (self.written - self.read)

    @property
    def filled(self) -> int:
        return self.written - self.read

    def write(self, block: np.ndarray) -> None:
        """Append a (2, n) block; the caller checks `free >= n` first."""
        n = block.shape[1]
        if n > self.free:
            raise ValueError(f"ring overflow: {n} frames, {self.free} free")
        w = self.written % self.capacity
        first = min(n, self.capacity - w)
        self.buf[w:w + first] = block[:, :first].T
        if first < n:
            self.buf[:n - first] = block[:, first:].T
        self.written += n

    # -- consumer (audio callback: no allocation, no blocking)
    def read_into(self, out: np.ndarray) -> int:
        """Fill `out` ((frames, 2)) from the ring; returns the frames that came from the ring."""
        frames = out.shape[0]
        avail = self.written - self.read
        n = frames if avail >= frames else max(avail, 0)
        r = self.read % self.capacity
        first = min(n, self.capacity - r)
        out[:first] = self.buf[r:r + first]
        if first < n:
            out[first:n] = self.buf[:n - first]
        if n < frames:
            out[n:] = 0.0
            self.underruns += 1
        self.read += n
        self.space.set()
        return n

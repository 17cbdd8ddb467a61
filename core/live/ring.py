"""A single-producer single-consumer ring of stereo frames (render thread -> device callback).

The producer (render thread) writes whole blocks; the consumer (the audio callback, in the
device process) reads any number of frames and never blocks or allocates: when the ring holds
fewer frames than asked it plays what there is, pads with silence and counts an underrun.
Counters only grow and each is written by one side, so no lock is needed. The frames and the
counters may live in shared memory (`phonon.live.link`), so producer and consumer can be in
different processes.
"""
from __future__ import annotations

import numpy as np

# counters (int64): frames written (producer), frames read and underruns (consumer)
WRITTEN, READ, UNDERRUNS = 0, 1, 2
N_COUNTERS = 3


class BlockRing:
    """Frames ring, stored interleaved `(capacity, 2)` float32 so the callback copies rows.

    `buf` and `counters` (int64, `N_COUNTERS`) may be given (views of shared memory); by
    default the ring allocates its own."""

    def __init__(self, capacity: int, channels: int = 2, *, buf: np.ndarray | None = None,
                 counters: np.ndarray | None = None) -> None:
        if capacity <= 0:
            raise ValueError(f"ring capacity must be positive, got {capacity}")
        self.capacity = int(capacity)
        self.buf = np.zeros((self.capacity, channels), dtype=np.float32) if buf is None else buf
        self.counters = np.zeros(N_COUNTERS, dtype=np.int64) if counters is None else counters

    @property
    def written(self) -> int:
        """Frames written in total (producer)."""
        return int(self.counters[WRITTEN])

    @property
    def read(self) -> int:
        """Frames taken from the ring in total (consumer)."""
        return int(self.counters[READ])

    @property
    def underruns(self) -> int:
        """Reads that found fewer frames than they needed."""
        return int(self.counters[UNDERRUNS])

    # -- producer
    @property
    def free(self) -> int:
        return self.capacity - self.filled

    @property
    def filled(self) -> int:
        c = self.counters
        return int(c[WRITTEN] - c[READ])

    def write(self, block: np.ndarray) -> None:
        """Append a (2, n) block; the caller checks `free >= n` first."""
        n = block.shape[1]
        if n > self.free:
            raise ValueError(f"ring overflow: {n} frames, {self.free} free")
        written = int(self.counters[WRITTEN])
        w = written % self.capacity
        first = min(n, self.capacity - w)
        self.buf[w:w + first] = block[:, :first].T
        if first < n:
            self.buf[:n - first] = block[:, first:].T
        self.counters[WRITTEN] = written + n      # publish after the frames are in place

    # -- consumer (audio callback: no allocation, no blocking)
    def read_into(self, out: np.ndarray) -> int:
        """Fill `out` ((frames, 2)) from the ring; returns the frames that came from the ring."""
        c = self.counters
        frames = out.shape[0]
        read = int(c[READ])
        avail = int(c[WRITTEN]) - read
        n = frames if avail >= frames else max(avail, 0)
        r = read % self.capacity
        first = min(n, self.capacity - r)
        out[:first] = self.buf[r:r + first]
        if first < n:
            out[first:n] = self.buf[:n - first]
        if n < frames:
            out[n:] = 0.0
            c[UNDERRUNS] += 1
        c[READ] = read + n
        return n

    def skip_to(self, frame: int) -> None:
        """Consumer side without a device: drop frames up to `frame` (never past `written`)."""
        c = self.counters
        c[READ] = max(int(c[READ]), min(int(frame), int(c[WRITTEN])))

"""The shared-memory link between the render side and the device process.

One `phonon_*` segment (created by the render side, unlinked on every exit path by
`phonon.runtime.shm`) holds the block ring and what the device's callback reports:

- `buf`, `ring`: the frames and the ring's counters (`phonon.live.ring`);
- `ctl` (int64): who consumes the ring (`OWNER`: the device, or nobody while the device is
  away), device xruns, callbacks so far (the heartbeat), the ring position of the last
  callback's first frame, the JACK frame it is output at (-1: not on JACK) and a sequence
  number guarding these stamps, where underruns and xruns happened, and the clock a device
  taking over resumes on (`RESUME`: set; `RESUME_FRAME`);
- `wall` (float64): wall time of the last callback, when its first frame reaches the DAC (wall
  time, and host microseconds on CLOCK_MONOTONIC_RAW: Link's clock), the wall time of
  `RESUME_FRAME`.

The device process attaches by name (`Link.attach`) without registering the segment anywhere,
so only its creator ever unlinks it.
"""
from __future__ import annotations

import mmap
import os

import numpy as np

from ..runtime.shm import Arena, Layout
from .ring import N_COUNTERS, BlockRing

# ctl
(OWNER, XRUNS, BEATS, DAC_READ, DAC_SEQ, N_UNDERRUN_AT, N_XRUN_AT, RESUME, RESUME_FRAME,
 JACK_FRAME) = range(10)
N_CTL = 10
NOBODY, DEVICE = 0, 1
# wall
BEAT_WALL, DAC_WALL, RESUME_WALL, HEARD_US = 0, 1, 2, 3
N_WALL = 4
KEEP_AT = 16              # where the first underruns / xruns happened (ring frames)


def link_layout(capacity: int, channels: int = 2) -> Layout:
    """The arrays of a link for a ring of `capacity` frames of `channels` channels (the same
    in both processes)."""
    layout = Layout()
    layout.add("buf", (capacity, channels), np.float32)
    layout.add("ring", N_COUNTERS, np.int64)
    layout.add("ctl", N_CTL, np.int64)
    layout.add("wall", N_WALL, np.float64)
    layout.add("underrun_at", KEEP_AT, np.int64)
    layout.add("xrun_at", KEEP_AT, np.int64)
    return layout


class Link:
    """The ring and the device's telemetry, in shared memory."""

    def __init__(self, name: str, capacity: int, views: dict[str, np.ndarray],
                 arena: Arena | None = None) -> None:
        self.name = name
        self.capacity = capacity
        self.channels = int(views["buf"].shape[1])
        self.arena = arena
        self.ring = BlockRing(capacity, self.channels, buf=views["buf"], counters=views["ring"])
        self.ctl = views["ctl"]
        self.wall = views["wall"]
        self.underrun_at = views["underrun_at"]
        self.xrun_at = views["xrun_at"]

    @classmethod
    def create(cls, capacity: int, channels: int = 2) -> "Link":
        """A new segment (render side; unlinked by `close` or at exit)."""
        arena = Arena(link_layout(capacity, channels))
        return cls(arena.name, capacity, arena.views, arena)

    @classmethod
    def attach(cls, name: str, capacity: int, channels: int = 2) -> "Link":
        """Map an existing segment (device process): no resource tracker, never unlinked."""
        layout = link_layout(capacity, channels)
        fd = os.open(f"/dev/shm/{name}", os.O_RDWR)
        try:
            mapped = mmap.mmap(fd, max(layout.size, 64))
        finally:
            os.close(fd)
        base = np.frombuffer(mapped, dtype=np.uint8)
        views = {f.name: base[f.offset:f.offset + f.nbytes].view(f.dtype).reshape(f.shape)
                 for f in layout.fields.values()}
        return cls(name, capacity, views)

    # -- telemetry
    @property
    def xruns(self) -> int:
        return int(self.ctl[XRUNS])

    @property
    def beats(self) -> int:
        return int(self.ctl[BEATS])

    @property
    def beat_wall(self) -> float:
        """Wall time of the last audio callback (0.0: none yet)."""
        return float(self.wall[BEAT_WALL])

    def resume_at(self, frame: int, wall: float) -> None:
        """Render side: the next device to take the ring over starts where ring frame `frame`
        at wall time `wall` puts the clock (its first callback skips ahead to now)."""
        self.ctl[RESUME_FRAME] = frame
        self.wall[RESUME_WALL] = wall
        self.ctl[RESUME] = 1

    def first_underruns(self) -> list[int]:
        return self.underrun_at[:min(int(self.ctl[N_UNDERRUN_AT]), KEEP_AT)].tolist()

    def first_xruns(self) -> list[int]:
        return self.xrun_at[:min(int(self.ctl[N_XRUN_AT]), KEEP_AT)].tolist()

    def stamp_dac(self, read: int, wall: float, jack_frame: int = -1,
                  heard_us: float = 0.0) -> None:
        """Device side: ring frame `read` reaches the DAC at wall time `wall` (host time
        `heard_us`), and is output at JACK frame `jack_frame` (-1: not on JACK)."""
        ctl = self.ctl
        ctl[DAC_SEQ] += 1                  # odd: being written
        ctl[DAC_READ] = read
        ctl[JACK_FRAME] = jack_frame
        self.wall[DAC_WALL] = wall
        self.wall[HEARD_US] = heard_us
        ctl[DAC_SEQ] += 1

    def stamps(self) -> tuple[int, float, int, float] | None:
        """(ring frame, its DAC wall time, its JACK frame or -1, its DAC host µs) of the last
        callback; None before the first."""
        ctl, wall = self.ctl, self.wall
        for _ in range(100):
            seq = int(ctl[DAC_SEQ])
            got = (int(ctl[DAC_READ]), float(wall[DAC_WALL]), int(ctl[JACK_FRAME]),
                   float(wall[HEARD_US]))
            if seq % 2 == 0 and int(ctl[DAC_SEQ]) == seq:
                return got if seq else None
        return None

    def dac(self) -> tuple[int, float]:
        """(ring frame, wall time it reached the DAC) of the last callback; (0, 0.0): none."""
        got = self.stamps()
        return (got[0], got[1]) if got is not None else (0, 0.0)

    def close(self) -> None:
        """Unlink the segment (render side)."""
        if self.arena is not None:
            self.arena.close()

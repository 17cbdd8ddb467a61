"""Wall time -> output frame: where an OSC timetag lands in the stream the device plays.

The audio callback says, for the first frame it hands to the device (ring frame `read`), when
that frame reaches the DAC in wall-clock seconds. Each such stamp is late by the callback's
wake-up jitter (never early), and the device's clock drifts against the wall clock (the JACK
dummy driver by ~15 ppm, sound cards by tens of ppm). So:

- the stamps are taken in windows of `WINDOW_S`; of each window only the earliest stamp
  (the one with the least delay: smallest `wall - read / sr`) is kept;
- a line is fitted through the kept points of the last `HISTORY` windows: its slope is the
  device's true rate in frames per wall second, its intercept places frame 0;
- `frame_at(t)` maps a wall time through the current line. The line moves by microseconds
  between windows, so events a cycle apart land a cycle of device frames apart (to the sample).

An underrun or a device xrun breaks the relation between ring frames and DAC time: `reset`
forgets the history (the next stamp starts a new line at the nominal rate).
"""
from __future__ import annotations

import threading

WINDOW_S = 0.25
HISTORY = 80                    # windows in the fit (20 s)
MIN_FIT = 4                     # windows before the slope is fitted (else the nominal rate)


class StreamClock:
    """The wall-time -> ring-frame mapping of an output stream (thread-safe)."""

    def __init__(self, sr: int) -> None:
        self.sr = float(sr)
        self._lock = threading.Lock()
        self.resets = 0
        self._clear()

    def _clear(self) -> None:
        self._points: list[tuple[float, float]] = []     # (read, wall) best of each window
        self._best: tuple[float, float] | None = None    # the current window's best
        self._window_end = 0.0
        self._rate = self.sr
        self._anchor: tuple[float, float] | None = None  # (wall, frame) on the line

    @property
    def ready(self) -> bool:
        return self._anchor is not None

    @property
    def rate(self) -> float:
        """Device frames per wall second (the nominal rate until enough stamps came in)."""
        return self._rate

    def reset(self) -> None:
        """Forget the stamps (after an underrun, an xrun or a reconnection)."""
        with self._lock:
            self._clear()
            self.resets += 1

    def stamp(self, read: int, wall: float) -> None:
        """Ring frame `read` reached (or will reach) the DAC at wall time `wall`."""
        if wall <= 0.0:
            return
        with self._lock:
            key = wall - read / self.sr
            if self._best is None or key < self._best[1] - self._best[0] / self.sr:
                self._best = (float(read), wall)
            if self._anchor is None:                 # first stamp: usable at once
                self._anchor = (wall, float(read))
                self._window_end = wall + WINDOW_S
                return
            if wall < self._window_end:
                return
            self._points.append(self._best)
            self._best = None
            self._window_end = wall + WINDOW_S
            del self._points[:-HISTORY]
            self._fit()

    def _fit(self) -> None:
        pts = self._points
        if len(pts) < MIN_FIT:
            read, wall = min(pts, key=lambda p: p[1] - p[0] / self.sr)
            self._rate, self._anchor = self.sr, (wall, read)
            return
        n = float(len(pts))
        mw = sum(p[1] for p in pts) / n
        mr = sum(p[0] for p in pts) / n
        sww = sum((p[1] - mw) ** 2 for p in pts)
        swr = sum((p[1] - mw) * (p[0] - mr) for p in pts)
        rate = swr / sww if sww > 0 else self.sr
        if not 0.99 * self.sr < rate < 1.01 * self.sr:      # nonsense: keep the nominal rate
            rate = self.sr
        # the line through the mean, moved down to the earliest point (stamps are only late)
        lag = min(p[1] - (mw + (p[0] - mr) / rate) for p in pts)
        self._rate, self._anchor = rate, (mw + lag, mr)

    def frame_at(self, wall: float) -> float | None:
        """The (fractional) ring frame that reaches the DAC at wall time `wall`; None before
        the first stamp."""
        anchor = self._anchor
        if anchor is None:
            return None
        return anchor[1] + (wall - anchor[0]) * self._rate

    def wall_at(self, frame: float) -> float | None:
        """The wall time at which ring frame `frame` reaches the DAC (None before a stamp)."""
        anchor = self._anchor
        if anchor is None:
            return None
        return anchor[0] + (frame - anchor[1]) / self._rate

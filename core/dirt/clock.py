"""Wall time -> output frame: where an OSC timetag lands in the stream the device plays.

The audio callback says, for the first frame it hands to the device (ring frame `read`), when
that frame reaches the DAC in wall-clock seconds (on JACK from JACK's clock, elsewhere from
PortAudio's; see `phonon.live.device_process.make_callback`). A stamp can be late (a callback
or a cycle woken late on a loaded machine), never early, and the device's clock drifts against
the wall clock (the JACK dummy driver by ~15 ppm, sound cards by tens of ppm). So:

- the stamps are taken in windows of `WINDOW_S`; of each window only the earliest stamp
  (the one with the least delay: smallest `wall - read / sr`) is kept;
- a line is fitted through the kept points of the last `HISTORY` windows: its slope is the
  device's true rate in frames per wall second, its intercept places frame 0;
- a stamp earlier than the line proves the line late (stamps are never early): the line
  moves down to it at once (so after a start or a `reset` the line is the earliest stamp so
  far, not the first one);
- the device's timeline can move without an xrun the stream reports (a JACK dummy driver
  woken too late restarts its cycle count): a window whose earliest stamp is earlier than the
  fitted line by more than `JUMP_S`, or `JUMP_WINDOWS` windows in a row later than it by more
  than `JUMP_S`, moved it; the older points are shifted by that much (the rate fitted from
  them stays valid) before the line is fitted again;
- `frame_at(t)` maps a wall time through the current line. The line moves by microseconds
  between windows, so events a cycle apart land a cycle of device frames apart (to the sample).

An underrun or a device xrun breaks the relation between ring frames and DAC time: `reset`
forgets the history (the next stamps start a new line at the nominal rate).
"""
from __future__ import annotations

import threading

WINDOW_S = 0.25
HISTORY = 80                    # windows in the fit (20 s)
MIN_FIT = 4                     # windows before the slope is fitted (else the nominal rate)
JUMP_WINDOWS = 4                # windows in a row later than the line: the timeline moved
JUMP_S = 0.0003                 # by more than this


class StreamClock:
    """The wall-time -> ring-frame mapping of an output stream (thread-safe)."""

    def __init__(self, sr: int) -> None:
        self.sr = float(sr)
        self._lock = threading.Lock()
        self.resets = 0
        self.jumps = 0                  # timeline moves followed without a reset
        self._clear()

    def _clear(self) -> None:
        self._points: list[tuple[float, float]] = []     # (read, wall) best of each window
        self._best: tuple[float, float] | None = None    # the current window's best
        self._window_end = 0.0
        self._rate = self.sr
        self._anchor: tuple[float, float] | None = None  # (wall, frame) on the line
        self._fitted: tuple[float, tuple[float, float]] | None = None   # the last fit's line
        self._late: list[float] = []                     # recent windows' residuals to it

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
            read = float(read)
            key = wall - read / self.sr
            if self._best is None or key < self._best[1] - self._best[0] / self.sr:
                self._best = (read, wall)
            anchor = self._anchor
            if anchor is None:                       # first stamp: usable at once
                self._anchor = (wall, read)
                self._window_end = wall + WINDOW_S
                return
            if wall < anchor[0] + (read - anchor[1]) / self._rate:
                self._anchor = (wall, read)          # earlier than the line: the line was late
            if wall < self._window_end:
                return
            best, self._best = self._best, None
            self._window_end = wall + WINDOW_S
            self._follow_jumps(best)
            self._points.append(best)
            del self._points[:-HISTORY]
            self._fit()

    def _follow_jumps(self, best: tuple[float, float]) -> None:
        """Shift the older points when the device's timeline moved (see the module doc)."""
        if self._fitted is None:
            return
        rate, (wall0, read0) = self._fitted
        residual = best[1] - (wall0 + (best[0] - read0) / rate)
        late = self._late
        late.append(residual)
        del late[:-JUMP_WINDOWS]
        if residual < -JUMP_S:
            shift, keep = residual, 0
        elif len(late) == JUMP_WINDOWS and min(late) > JUMP_S:
            shift, keep = min(late), JUMP_WINDOWS - 1
        else:
            return
        n = len(self._points) - keep
        self._points[:n] = [(r, w + shift) for r, w in self._points[:n]]
        self._late = []
        self.jumps += 1

    def _fit(self) -> None:
        pts = self._points
        if len(pts) < MIN_FIT:
            read, wall = min(pts, key=lambda p: p[1] - p[0] / self.sr)
            self._rate, self._anchor = self.sr, (wall, read)
            self._fitted = (self._rate, self._anchor)
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
        self._fitted = (self._rate, self._anchor)

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

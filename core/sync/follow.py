"""Keep a Phonon clock on the Link timeline, at the time each sample is *heard*.

Link's beat b at host time t maps to cycle `b / beats_per_cycle`; with a quantum that is a
multiple of beats-per-cycle, cycle starts fall on the shared phase 0, so every peer's downbeat
is the same moment. Before each block the render thread calls `before_block(clock, start, frames)`:

1. t = the host time sample `start` will be heard (`heard(start)`: the stream timeline, i.e.
   JACK's cycle times + the device's playback latency + `--link-offset`);
2. the error is Link's cycle at t minus the clock's cycle at `start`. The first block whose
   heard time comes from the stream (the blocks before it only guessed when they are heard)
   puts the clock exactly on the timeline: joining peers, the clock re-anchors there whatever
   the error; alone, the session's timeline moves to the clock. Later, an error of more than
   `jump_s` (the session's timeline itself jumped) re-anchors the clock;
3. otherwise the clock is retimed, without a jump, to the tempo that reaches Link's cycle at
   the end of the current correction window (`horizon_s` long; a new window starts when one
   ends): the error is gone at the window's end (not merely shrinking), tempo changes are
   followed, and the device's real sample rate (JACK's delay-locked loop) is absorbed. A
   retime happens only when the tempo differs by more than `tolerance` (relative), so a
   steady session leaves the clock alone.

The clock's cycle origin is rounded to 2^-24 cycle at each retime, which keeps its
fractions small (a retime per block would otherwise grow their denominators without bound).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable

from .link import LinkSession

GRID = 2 ** 24
MAX_SLEW = 0.12                 # the followed tempo stays within +-12 % of the session's
SETTLED_MS = 1.0                # `settled`: the last block's phase error at most this


@dataclass
class FollowStats:
    """What the follower did (status line, tests)."""

    jumps: int = 0
    retimes: int = 0
    error_ms: float = 0.0       # last measured phase error (Link - clock), milliseconds
    tempo: float = 0.0          # session BPM
    phase: float = 0.0          # position in the quantum at the last block
    peers: int = 0


def on_grid(cycle: Fraction) -> Fraction:
    """`cycle` rounded to the nearest 2^-24."""
    return Fraction(round(cycle * GRID), GRID)


class LinkFollower:
    """Retimes a clock so that cycle = Link beat / beats_per_cycle at the heard time."""

    def __init__(self, link: LinkSession, heard: Callable[[int], float | None], sr: int, *,
                 beats_per_cycle: float = 4.0, horizon_s: float = 0.25, jump_s: float = 0.05,
                 tolerance: float = 2e-6, expected_latency_s: float = 0.0) -> None:
        if beats_per_cycle <= 0:
            raise ValueError(f"beats per cycle must be positive, got {beats_per_cycle}")
        self.link = link
        self.heard = heard
        self.sr = int(sr)
        self.bpc = float(beats_per_cycle)
        self.horizon = max(1, int(horizon_s * sr))
        self.jump_s = jump_s
        self.tolerance = tolerance
        self.expected_latency_s = expected_latency_s
        self.stats = FollowStats()
        self._estimate: tuple[int, float] | None = None
        self._window_end = 0                  # the sample the current correction aims at
        self._started = False
        self._heard = False                   # a heard time from the stream has been seen

    @property
    def settled(self) -> bool:
        """Whether the clock is on the timeline at the stream's heard time: a heard time from
        the stream has been seen and the last block's phase error was within `SETTLED_MS`
        (a MIDI clock's Start waits for it, so it falls on the session's bar)."""
        return self._heard and abs(self.stats.error_ms) <= SETTLED_MS

    def cps_of(self, bpm: float) -> float:
        return bpm / 60.0 / self.bpc

    def bpm_of(self, cps: float) -> float:
        return float(cps) * 60.0 * self.bpc

    def heard_at(self, sample: int) -> float:
        """Heard host time of `sample`; before the stream runs, an estimate from now."""
        t = self.heard(sample)
        if t is not None:
            return t
        return self._estimated(sample)

    def _estimated(self, sample: int) -> float:
        if self._estimate is None:
            self._estimate = (sample, self.link.now_us() + self.expected_latency_s * 1e6)
        s0, t0 = self._estimate
        return t0 + (sample - s0) * 1e6 / self.sr

    def before_block(self, clock: Any, start: int, frames: int) -> None:
        """Retime `clock` for the block [start, start + frames) (call before rendering it).
        Alone in the session, the first call puts the session's timeline where the clock is
        (the program starts at cycle 0 as without Link), and again at the first heard time
        from the stream; with peers it joins their timeline as it is."""
        t = self.heard(start)
        first_heard = t is not None and not self._heard
        if t is None:
            t = self._estimated(start)
        else:
            self._heard = True
        here = clock.cycle_at(start)
        alone = self.link.peers == 0
        if alone and (first_heard or not self._started):   # the timeline moves to the clock
            self.link.request_beat(float(here) * self.bpc, t)
        self._started = True
        state = self.link.capture(t)
        stats = self.stats
        stats.tempo, stats.phase, stats.peers = state.tempo, state.phase_at(t), self.link.peers
        cps_link = self.cps_of(state.tempo)
        target = state.ref_beat / self.bpc
        error = target - float(here)
        stats.error_ms = 1000.0 * error / cps_link
        if (first_heard and not alone) or abs(error / cps_link) > self.jump_s:
            clock.retime(start, on_grid(Fraction(target)), cps_link)
            stats.jumps += 1
            self._window_end = 0
            return
        if start >= self._window_end:             # a window is a whole number of blocks
            self._window_end = start + max(1, round(self.horizon / frames)) * frames
        end = self._window_end
        ahead = state.beat_at(self.heard_at(end)) / self.bpc
        cps = (ahead - float(here)) * self.sr / (end - start)
        cps = min(max(cps, cps_link * (1 - MAX_SLEW)), cps_link * (1 + MAX_SLEW))
        if abs(cps / float(clock.cps) - 1.0) > self.tolerance:
            clock.retime(start, on_grid(here), cps)
            stats.retimes += 1

    def propose_cps(self, cps: float, at_us: float | None = None) -> None:
        """The program asked for a tempo (a `cps:`/`bpm:` edit): propose it to the session,
        from host time `at_us` on (default now)."""
        self.link.propose_tempo(self.bpm_of(cps), at_us)

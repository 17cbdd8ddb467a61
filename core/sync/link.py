"""An Ableton Link peer (LinkPython-extern, the Python binding of Ableton's own Link library).

Why LinkPython-extern and not aalink: it exposes Link's session state itself — the beat and
the phase at an *arbitrary* host time (needed to put what is heard, not what is rendered, on
the Link timeline), tempo proposals at a given time, the peer count, start/stop sync — and it
is synchronous; aalink is built around asyncio awaitables (`await link.sync(1)`), and Phonon
uses no asyncio (docs/architecture.md). Both peers of one process and peers of other
processes find each other over the loopback interface (measured: no multicast flag needed).

Times are host microseconds on Link's clock (CLOCK_MONOTONIC_RAW on Linux, the same clock as
JACK's); Link takes whole microseconds, `beat_at` interpolates between them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from . import SyncUnavailable

INSTALL = 'pip install "phonon-live[sync]"'


def _link_module() -> Any:
    try:
        import link
    except ImportError as exc:
        raise SyncUnavailable(f"Ableton Link needs the LinkPython-extern package ({INSTALL})") \
            from exc
    return link


@dataclass(frozen=True)
class LinkState:
    """One capture of the session: tempo, and the beat at a reference time."""

    tempo: float                  # BPM
    ref_us: int                   # a host time
    ref_beat: float               # the beat at ref_us (for the session's quantum)
    playing: bool
    quantum: float

    def beat_at(self, t_us: float) -> float:
        """The beat at host time `t_us` (linear: the tempo is constant within one capture)."""
        return self.ref_beat + (t_us - self.ref_us) * self.tempo / 60e6

    def phase_at(self, t_us: float) -> float:
        """Position inside the quantum, 0 <= phase < quantum."""
        return self.beat_at(t_us) % self.quantum

    def time_at(self, beat: float) -> float:
        """Host time of `beat`."""
        return self.ref_us + (beat - self.ref_beat) * 60e6 / self.tempo


class LinkSession:
    """Join a Link session; read its tempo and timeline, propose tempo changes."""

    def __init__(self, bpm: float, *, quantum: float = 4.0, start_stop: bool = False,
                 enable: bool = True) -> None:
        link = _link_module()
        if quantum <= 0:
            raise ValueError(f"quantum must be positive, got {quantum}")
        self.quantum = float(quantum)
        self._link = link.Link(float(bpm))
        self._link.startStopSyncEnabled = bool(start_stop)
        if enable:
            self._link.enabled = True

    @property
    def enabled(self) -> bool:
        return bool(self._link.enabled)

    def now_us(self) -> int:
        """Link's clock now (µs)."""
        return int(self._link.clock().micros())

    @property
    def peers(self) -> int:
        return int(self._link.numPeers())

    def capture(self, at_us: float | None = None) -> LinkState:
        """The session now: tempo, the beat at `at_us` (default: now), playing."""
        state = self._link.captureAppSessionState()
        ref = int(at_us) if at_us is not None else self.now_us()
        return LinkState(float(state.tempo()), ref, float(state.beatAtTime(ref, self.quantum)),
                         bool(state.isPlaying()), self.quantum)

    @property
    def tempo(self) -> float:
        return float(self._link.captureAppSessionState().tempo())

    def propose_tempo(self, bpm: float, at_us: float | None = None) -> None:
        """Change the session's tempo from `at_us` (default now) on; every peer follows."""
        state = self._link.captureAppSessionState()
        state.setTempo(float(bpm), int(at_us) if at_us is not None else self.now_us())
        self._link.commitAppSessionState(state)

    def request_beat(self, beat: float, at_us: float) -> None:
        """Ask for `beat` at host time `at_us`: alone, the timeline moves there; with peers,
        Link keeps the shared phase and maps `beat` to the next matching moment."""
        state = self._link.captureAppSessionState()
        state.requestBeatAtTime(float(beat), int(at_us), self.quantum)
        self._link.commitAppSessionState(state)

    def set_playing(self, playing: bool, at_us: float | None = None) -> None:
        """Start/stop (shared with peers that enabled start/stop sync)."""
        state = self._link.captureAppSessionState()
        state.setIsPlaying(bool(playing), int(at_us) if at_us is not None else self.now_us())
        self._link.commitAppSessionState(state)

    def on_peers(self, callback: Callable[[int], None]) -> None:
        """`callback(count)` from Link's thread whenever the number of peers changes."""
        self._link.setNumPeersCallback(callback)

    def close(self) -> None:
        """Leave the session."""
        self._link.enabled = False

"""The one-line status of `phonon dirt` (rendered with rich): events/s, late events, voices,
render cost of the block budget, underruns, bad packets."""
from __future__ import annotations

import time

from rich.text import Text

from .engine import DirtEngine
from .receiver import DirtReceiver


class DirtStatus:
    """Builds the status line; keeps what it needs for the event rate between calls."""

    def __init__(self, engine: DirtEngine, receiver: DirtReceiver) -> None:
        self.engine = engine
        self.receiver = receiver
        self._last = (time.monotonic(), 0)
        self.rate = 0.0

    def _events_per_second(self) -> float:
        now, received = time.monotonic(), self.receiver.stats.events
        t, n = self._last
        if now - t >= 1.0:
            self.rate = (received - n) / (now - t)
            self._last = (now, received)
        return self.rate

    def line(self, load: float, peak: float, underruns: int, xruns: int,
             latency_ms: float, audio: str = "", sync: str = "") -> Text:
        """The status; `audio` says the device is away (shown first, with the events
        unheard meanwhile)."""
        c, rx = self.engine.counters, self.receiver.stats
        t = Text(no_wrap=True, overflow="ellipsis")
        if audio:
            t.append(f"{audio}; {c.unheard} events unheard  ", style="bold red")
        t.append(f"events {rx.events}", style="bold")
        t.append(f" ({self._events_per_second():.0f}/s)")
        t.append(f"  late {c.late}", style="yellow" if c.late else "")
        t.append(f"  voices {self.engine.active_voices()}")
        if c.flooded or c.stolen:
            t.append(f" (flood: {c.flooded} skipped, {c.stolen} stolen)", style="yellow")
        t.append(f"  cpu {load:4.0f}% (peak {peak:.0f}%)",
                 style="red" if peak >= 100 else ("yellow" if load >= 60 else ""))
        t.append(f"  underruns {underruns}", style="red" if underruns else "")
        if xruns:
            t.append(f" (device xruns {xruns})", style="yellow")
        if rx.bad or rx.unknown:
            t.append(f"  bad packets {rx.bad}, unknown {rx.unknown}", style="yellow")
        t.append(f"  latency {latency_ms:.1f} ms")
        if sync:
            t.append(f"  {sync}", style="cyan")        # Link peers, tempo, phase; MIDI counts
        return t

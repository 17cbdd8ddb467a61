"""The one-line status of a live session (rendered with rich)."""
from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text


@dataclass
class Status:
    """A snapshot of what the status line shows."""

    cycle: float
    cps: float
    load: float                  # render cost, % of the block budget (smoothed)
    peak: float                  # worst block, % of the budget
    voices: int
    underruns: int
    xruns: int
    latency_ms: float
    reload: str                  # last reload result
    reload_ok: bool = True
    sync: str = ""               # Link peers, tempo, phase; MIDI counts (phonon.live.sync)
    audio: str = ""              # empty while the device plays; else what is wrong with it

    def line(self) -> Text:
        t = Text(no_wrap=True, overflow="ellipsis")
        if self.audio:
            t.append(f"audio: {self.audio}  ", style="bold red")
        t.append(f"cycle {self.cycle:8.2f}", style="bold")
        t.append(f"  cps {self.cps:.3g}")
        t.append(f"  cpu {self.load:4.0f}% (peak {self.peak:.0f}%)",
                 style="red" if self.peak >= 100 else ("yellow" if self.load >= 60 else ""))
        t.append(f"  voices {self.voices}")
        t.append(f"  underruns {self.underruns}", style="red" if self.underruns else "")
        if self.xruns:
            t.append(f" (device xruns {self.xruns})", style="yellow")
        t.append(f"  latency {self.latency_ms:.1f} ms")
        if self.sync:
            t.append(f"  {self.sync}", style="cyan")
        t.append(f"  reload: {self.reload}", style="green" if self.reload_ok else "red")
        return t

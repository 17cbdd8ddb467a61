"""`phonon dirt` playing with others: MIDI targets, Ableton Link and MIDI clock (docs/sync.md).

`DirtSync` reuses what `phonon live` uses (`phonon.live.sync.LiveSync`: the JACK MIDI client,
the stream timeline, the Link follower, the MIDI clock) and adds what is dirt's own: the MIDI
targets events are sent to (`DirtMidi`), and the clock the Link follower keeps when there is
no program. dirt has no tempo of its own (the senders timetag each event), so:

- `--link` joins the session: the status line shows peers, tempo and phase at the heard time;
  the clock followed is the `--program`'s session clock (its cps follows the session, its
  `cps:` edits are proposed), else a clock of dirt's own (cycle = beat / beats-per-cycle);
- `--midi-clock` sends 24 pulses per beat of that clock: it needs `--link` or `--program`.

The runner gives `live.link` the device stream's shared-memory `Link` (the device process
stamps where each callback's first frame is output and heard), calls `stream_opened` when the
stream's ports exist, `before_block`/`after_block` around each block on the render thread,
`status()` from the main thread and `close` at the end.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

from ..live.sync import LiveSync, SyncOptions
from ..sync import SyncUnavailable
from ..timing.clock import Clock
from .midi import DirtMidi

DEFAULT_TARGET = "midi"
DEFAULT_BPM = 120.0


@dataclass
class _Program:
    cps: Fraction


@dataclass
class _Position:
    """What `LiveSync` reads of a session: its clock, the next sample, the program's cps."""

    clock: Clock
    source_graph: _Program
    position: int = 0


@dataclass
class DirtSyncOptions:
    link: bool = False
    quantum: float = 4.0
    beats_per_cycle: float = 4.0
    link_offset_ms: float = 0.0
    midi_out: list[str] = field(default_factory=list)      # "[NAME=]DEST"
    midi_clock: str | None = None                          # None: off; "": on; else DEST

    @property
    def any(self) -> bool:
        return self.link or bool(self.midi_out) or self.midi_clock is not None


def targets_of(specs: list[str]) -> dict[str, str]:
    """`--midi-out [NAME=]DEST` flags -> {sound name: destination port ('' = none)}; the
    name defaults to `midi` (the name SuperDirt's docs give the target)."""
    out: dict[str, str] = {}
    for spec in specs:
        name, eq, dest = spec.partition("=")
        if not eq:
            name, dest = DEFAULT_TARGET, spec
        name = name.strip()
        if not name or ":" in name:
            raise ValueError(f"--midi-out {spec!r}: give NAME=DEST (a sound name without ':') "
                             f"or DEST")
        out[name] = dest.strip()
    return out


class DirtSync:
    """Link, MIDI targets and MIDI clock for one `phonon dirt` run."""

    def __init__(self, options: DirtSyncOptions, sr: int, *, jack_device: bool,
                 report: Callable[[str], None], program: bool = False) -> None:
        if options.midi_clock is not None and not (options.link or program):
            raise ValueError("--midi-clock needs --link or --program in phonon dirt (dirt has "
                             "no tempo of its own: the clock follows the Link session or the "
                             "program's cps)")
        self.opt = options
        self.targets = targets_of(options.midi_out)
        self.live = LiveSync(SyncOptions(link=options.link, quantum=options.quantum,
                                         beats_per_cycle=options.beats_per_cycle,
                                         link_offset_ms=options.link_offset_ms,
                                         midi_out=[f"{n}={d}" for n, d in self.targets.items()
                                                   if d],
                                         midi_clock=options.midi_clock),
                             sr, jack_device=jack_device, report=report)
        cps = Fraction(DEFAULT_BPM / 60.0 / options.beats_per_cycle).limit_denominator(10**6)
        self.state = _Position(Clock(sr, cps), _Program(cps))
        self.midi = DirtMidi(self.live.hub, {n: n for n in self.targets}, sr) \
            if self.targets else None
        self._current: Any = self.state

    def start(self, audio_client: str, cps: float | None = None) -> None:
        """Join Link (alone: at `cps`, the program's, else 120 BPM), make the target ports and
        connect them (SyncUnavailable says why not)."""
        self.live.start(float(cps or self.state.source_graph.cps), audio_client)
        if self.targets:
            jack = self.live.jack_client(required=True)
            for name in self.targets:
                jack.output(name)

    def stream_opened(self) -> None:
        self.live.stream_opened()

    # -- render thread
    def before_block(self, start: int, frames: int, session: Any = None) -> None:
        """Before rendering [start, start + frames): Link retimes the clock it keeps (the
        program's session clock with `--program`, else dirt's own)."""
        state = session if session is not None else self.state
        if session is None:
            state.position = start
        self._current = state
        live = self.live
        if live.jack is None and live.link is not None:   # else the MIDI client reads it
            live.on_stream(live.link)                     # in every JACK cycle
        self.live.before_block(state, frames)

    def after_block(self, start: int, frames: int) -> None:
        """After rendering: the MIDI clock pulses of the block."""
        self.live.after_block(self._current, start, frames)

    # -- main thread
    def status(self) -> str:
        return self.live.status()

    def close(self, sample: int) -> None:
        self.live.close(sample)


__all__ = ["DirtSync", "DirtSyncOptions", "SyncUnavailable", "targets_of"]

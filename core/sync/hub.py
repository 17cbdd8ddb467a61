"""`MidiHub`: the session resource "midi" — what MIDI nodes see.

Nodes (phonon.nodes.midi) never import this package: they get a hub as their `midi` resource
(None when the session has no MIDI: a plain `phonon render` without `--midi`) and call:

- `open_output(port)` in `prepare` (makes `phonon-midi:<port>` on JACK);
- `note(...)`, `cc(...)` while rendering, with absolute stream samples;
- `open_input()` in `prepare`, then `inputs(start, frames)` (the block's incoming messages,
  `InMessage`s) and `control(channel, controller)` (the last value seen, or None).

The same hub serves `phonon live` (JACK ports, `JackMidi`) and `phonon render --midi` (no
ports: the scheduler's messages are drained into a MIDI file), and is meant for `phonon dirt`.
"""
from __future__ import annotations

from .jack_midi import JackMidi
from .midi_in import InMessage, MidiInput
from .midi_out import MidiScheduler


class MidiHub:
    """Messages out through a `MidiScheduler`, ports on an optional `JackMidi` client,
    messages in from an optional `MidiInput`."""

    def __init__(self, scheduler: MidiScheduler | None = None, jack: JackMidi | None = None,
                 midi_in: MidiInput | None = None) -> None:
        self.scheduler = scheduler if scheduler is not None else MidiScheduler()
        self.jack = jack
        self.midi_in = midi_in
        self.problems: list[str] = []

    # -- out
    def open_output(self, port: str) -> None:
        """Make sure output port `port` exists (on JACK; a file needs no ports)."""
        if self.jack is not None:
            self.jack.output(port)

    def note(self, sample: int, port: str, channel: int, key: int, velocity: int, length: int,
             track: str = "") -> None:
        """Note-on at stream sample `sample`, note-off `length` samples later (channel 1..16,
        key and velocity 0..127)."""
        self.scheduler.note(sample, port, channel, key, velocity, length, track)

    def note_on(self, sample: int, port: str, channel: int, key: int, velocity: int,
                track: str = "") -> None:
        """A note-on alone (a held live note: its note-off follows with `note_off`)."""
        self.scheduler.note(sample, port, channel, key, velocity, None, track)

    def note_off(self, sample: int, port: str, channel: int, key: int, track: str = "") -> None:
        self.scheduler.note_off(sample, port, channel, key, track)

    def cc(self, sample: int, port: str, channel: int, controller: int, value: int,
           track: str = "") -> None:
        self.scheduler.cc(sample, port, channel, controller, value, track)

    # -- in
    def open_input(self, port: str = "in") -> None:
        if self.jack is not None:
            self.jack.input(port)

    def inputs(self, start: int, frames: int) -> list[InMessage]:
        """Incoming messages of render block [start, start + frames)."""
        if self.midi_in is None:
            return []
        return self.midi_in.block(start, frames)

    def control(self, channel: int, controller: int) -> int | None:
        """The last value of a controller (channel 1..16, 0: any channel), or None."""
        if self.midi_in is None:
            return None
        if channel:
            return self.midi_in.controls.get((channel, controller))
        return self.midi_in.controls_any.get(controller)

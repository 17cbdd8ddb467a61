"""`midinote`: the notes played on a MIDI keyboard as pattern events (a live source's feed).

Each note-on arriving through `MidiInput` (placed on the render timeline at `target` = arrival
+ the render-ahead, so the spacing of what was played is kept to the sample) becomes one event
at the cycle the session's clock maps `target` to. Its value:

    {"note": key - 60, "midinote": key, "freq": Hz, "velocity": v / 127, "gain": v / 127,
     "channel": 1..16, "hold": Hold}

`note` and `freq` make instruments play the key's absolute pitch (`midinote # s "~lead"`).
The event's length is unknown while the key is down: it is the real length when the key came up
before the note was rendered, else a quarter cycle; `hold.release` is set to the stream sample
of the note-off when it comes, and the `poly` instruments and the `midi` node keep a held note
sounding until then (other nodes see the nominal length).

`LiveNotes.feed` is installed as the `midinote` source by `phonon live` (`phonon.patterns.live`).
A note the render thread sees after its sample was rendered (less than LATE_MAX_S late) is
played at the start of the next block (`phonon.timing.events`).
"""
from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

from ..patterns.timespan import Event, TimeSpan
from .midi_in import NOTE_OFF, NOTE_ON, MidiInput

MIDDLE_C_HZ = 440.0 * 2.0 ** (-9.0 / 12.0)
HELD_LENGTH = Fraction(1, 4)          # cycles, while the key is still down
LATE_MAX_S = 0.5                      # a note rendered this late is still played (at once)


class Hold:
    """A played note's key: `release` is the stream sample of its note-off (None: still down);
    `serial` tells notes apart."""

    __slots__ = ("release", "serial")
    _count = itertools.count()

    def __init__(self) -> None:
        self.release: int | None = None
        self.serial = next(Hold._count)

    def __repr__(self) -> str:
        return f"Hold(#{self.serial}, release={self.release})"


class LiveNotes:
    """Notes from a `MidiInput` for the `midinote` live source."""

    def __init__(self, midi_in: MidiInput, sr: int) -> None:
        self.midi_in = midi_in
        self.sr = int(sr)
        self._pending: list[tuple[int, int, int, int, Hold]] = []   # target, key, vel, ch, hold
        self._down: dict[tuple[int, int], Hold] = {}
        midi_in.subscribers.append(self._on_message)

    def _on_message(self, target: int, data: bytes, port: str) -> None:
        if len(data) < 3:
            return
        status, channel, key, velocity = data[0] & 0xF0, (data[0] & 15) + 1, data[1], data[2]
        if status == NOTE_ON and velocity > 0:
            hold = Hold()
            previous = self._down.pop((channel, key), None)
            if previous is not None and previous.release is None:
                previous.release = target            # a repeated key ends the one before
            self._down[(channel, key)] = hold
            self._pending.append((target, key, velocity, channel, hold))
        elif status == NOTE_OFF or status == NOTE_ON:
            hold = self._down.pop((channel, key), None)
            if hold is not None:
                hold.release = target

    def feed(self, begin: Fraction, end: Fraction, clock: Any) -> list[Event]:
        """The notes whose onset is before cycle `end` on `clock`, at most LATE_MAX_S old.
        Nothing is taken away: several patterns may read the notes (each event stream plays
        a note once, also one it sees late, at the start of its block)."""
        self.midi_in.pump()
        if not self._pending:
            return []
        oldest = clock.position(begin) - LATE_MAX_S * self.sr
        self._pending = [item for item in self._pending if item[0] >= oldest]
        out = []
        for item in self._pending:
            cycle = clock.cycle_at(item[0])
            if cycle < end:
                out.append(self._event(item, cycle, clock))
        return out

    def _event(self, item: tuple, cycle: Fraction, clock: Any) -> Event:
        target, key, velocity, channel, hold = item
        length = HELD_LENGTH
        if hold.release is not None:
            length = max(clock.cycle_at(hold.release) - clock.cycle_at(target), Fraction(1, 10**6))
        level = velocity / 127.0
        value = {"note": key - 60, "midinote": key, "freq": MIDDLE_C_HZ * 2.0 ** ((key - 60) / 12.0),
                 "velocity": level, "gain": level, "channel": channel, "hold": hold}
        span = TimeSpan(cycle, cycle + length)
        return Event(span, span, value)

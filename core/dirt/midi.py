"""MIDI targets of `phonon dirt`: an event whose sound is a MIDI target (`# s "midi"`) leaves
as MIDI messages on JACK at its exact frame instead of playing a sample (SuperDirt's
`~dirt.soundLibrary.addMIDI(\\midi, ~midiOut)`, read as SuperDirt's `tidalmidi` event type
reads it; docs/sync.md):

- the command: `midicmd` when given, else `control` with `ccn`/`ccv`, `program` with
  `progNum`, `bend` with `midibend`, `touch` with `miditouch`, `polyTouch` with `polyTouch`,
  else `noteOn`;
- the channel: `midichan` 0..15 (0 is MIDI channel 1, as in SuperDirt);
- `noteOn`: the key is `midinote`, else the pitch of `freq`, else `note` (or `n`) + `octave` x
  12 (octave 5 by default: `n "0"` is key 60, Tidal's c5); the velocity is `velocity` x 127,
  else `amp` x 127 (SuperDirt's amp, 0.4 when absent); the note-off follows after `sustain`
  seconds, else `legato` x `delta`, else `delta`.

Messages go to the `MidiHub` (the same scheduler and JACK client as `phonon live`), stamped
with the ring frame the event starts on, so a note leaves in the JACK frame where a sample
event with the same timetag is heard.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..samples.voice_events import event_freq, number
from ..sync.hub import MidiHub
from .events import DirtEvent

DEFAULT_AMP = 0.4              # SuperDirt's default amp (DirtOrbit)
DEFAULT_OCTAVE = 5.0
COMMANDS = ("noteOn", "noteOff", "control", "program", "bend", "touch", "polyTouch",
            "allNotesOff", "start", "stop", "continue")
_SYSTEM = {"start": b"\xfa", "stop": b"\xfc", "continue": b"\xfb"}


def _byte(x: float) -> int:
    return 0 if x < 0 else (127 if x > 127 else int(x))


def command(c: dict) -> str:
    """SuperDirt's choice of MIDI command for an event's controls."""
    given = c.get("midicmd")
    if given is not None:
        return str(given)
    if "ccn" in c or "ccv" in c:
        return "control"
    for key, cmd in (("progNum", "program"), ("polyTouch", "polyTouch"),
                     ("midibend", "bend"), ("miditouch", "touch")):
        if key in c:
            return cmd
    return "noteOn"


def key_of(c: dict) -> int:
    """The MIDI key of an event: `midinote`, else `freq`, else note/n + octave x 12."""
    m = number(c, "midinote")
    if m is None and "freq" not in c:
        note = c.get("note", c.get("n", 0.0))
        c = {**c, "note": note, "octave": number(c, "octave", DEFAULT_OCTAVE)}
    if m is None:
        m = 69.0 + 12.0 * math.log2(max(event_freq(c), 1e-6) / 440.0)
    return _byte(math.floor(m + 0.5))


def velocity_of(c: dict) -> int:
    """`velocity` (0..1) else `amp` (0..1, default 0.4), times 127, truncated (as SuperDirt)."""
    v = number(c, "velocity")
    if v is None:
        v = number(c, "amp", DEFAULT_AMP)
    return max(1, _byte(v * 127.0))


def sustain_s(event: DirtEvent) -> float:
    """How long the note sounds: `sustain`, else `legato` x `delta`, else `delta`."""
    c = event.controls
    s = number(c, "sustain")
    if s is None:
        s = number(c, "legato", 1.0) * event.delta
    return max(s, 0.0)


@dataclass
class MidiCounters:
    sent: int = 0              # events sent as MIDI
    unsupported: int = 0       # events with a `midicmd` phonon does not send


class DirtMidi:
    """Sound names that are MIDI targets (name -> phonon-midi port) and how to play them."""

    def __init__(self, hub: MidiHub, targets: dict[str, str], sr: int) -> None:
        self.hub = hub
        self.targets = dict(targets)
        self.sr = int(sr)
        self.counters = MidiCounters()

    def plays(self, name: str | None) -> bool:
        return name is not None and name in self.targets

    def play(self, frame: int, event: DirtEvent) -> None:
        """Send `event` (its sound is a target) at ring frame `frame`."""
        c, port = event.controls, self.targets[event.name]
        cmd = command(c)
        chan = int(number(c, "midichan", 0.0)) % 16
        status_chan = chan & 15
        track = event.name
        send = self.hub.scheduler.send
        if cmd == "noteOn":
            length = max(1, int(round(sustain_s(event) * self.sr)))
            self.hub.note(frame, port, chan + 1, key_of(c), velocity_of(c), length, track)
        elif cmd == "noteOff":
            self.hub.note_off(frame, port, chan + 1, key_of(c), track)
        elif cmd == "control":
            ccn, ccv = number(c, "ccn", 0.0), number(c, "ccv", 0.0)
            self.hub.cc(frame, port, chan + 1, _byte(ccn), _byte(ccv), track)
        elif cmd == "program":
            send(frame, port, bytes((0xC0 | status_chan, _byte(number(c, "progNum", 0.0)))),
                 track)
        elif cmd == "bend":
            v = min(max(int(number(c, "midibend", 8192.0)), 0), 16383)
            send(frame, port, bytes((0xE0 | status_chan, v & 127, v >> 7)), track)
        elif cmd == "touch":
            send(frame, port, bytes((0xD0 | status_chan, _byte(number(c, "miditouch", 0.0)))),
                 track)
        elif cmd == "polyTouch":
            send(frame, port, bytes((0xA0 | status_chan, key_of(c),
                                     _byte(number(c, "polyTouch", 0.0)))), track)
        elif cmd == "allNotesOff":
            self.hub.cc(frame, port, chan + 1, 123, 0, track)
        elif cmd in _SYSTEM:
            send(frame, port, _SYSTEM[cmd], track)
        else:
            self.counters.unsupported += 1
            return
        self.counters.sent += 1

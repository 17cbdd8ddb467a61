"""Playing with others: Ableton Link tempo sync, MIDI out and in on JACK, MIDI clock, MIDI files.

Every piece is self-contained and used by `phonon live` (and meant for `phonon dirt`):

| module | job |
| --- | --- |
| `jacklib` | the JACK client library: `import jack` with a clear error, cycle times, port latency |
| `timeline` | `StreamTimeline`: audio stream samples <-> JACK frames <-> host time (µs) |
| `midi_out` | `MidiScheduler`: messages stamped with stream samples, in sample order; encoders |
| `jack_midi` | `JackMidi`: a JACK client writing MIDI at exact frame offsets, stamping input |
| `midi_in` | `MidiInput`: incoming messages on the render timeline (CC values, notes, history) |
| `midi_clock` | `MidiClock`: 24 ppqn clock, start and stop, following a clock |
| `record` | played notes -> mini-notation quantised to a grid |
| `smf` | messages -> a Standard MIDI File (one track per bus) |
| `link` | `LinkSession`: an Ableton Link peer (LinkPython-extern) |
| `follow` | `LinkFollower`: keeps a `Clock` on the Link timeline at the time samples are heard |

The optional packages (`JACK-Client`, `LinkPython-extern`, `mido`) come with
`pip install "phonon-live[sync]"`; each module imports its package only when used and says
how to install it when it is missing. See docs/sync.md.
"""
from __future__ import annotations


class SyncUnavailable(RuntimeError):
    """A sync feature cannot run here (a package or the JACK server is missing); the message
    says what to install or start."""

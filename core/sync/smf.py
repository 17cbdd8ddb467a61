"""Standard MIDI Files: the messages of a render as a type-1 file a DAW opens (mido).

Track 0 holds the tempo (`cps * 60 * beats_per_cycle` BPM) and, for a whole number of beats
per cycle, the time signature (beats/4), so one cycle is one bar. Every bus that sent MIDI gets
its own track named after it (a bus that used several ports gets one track per port, named
`bus (port)`). A message at stream sample n lands on tick `round(n * cps * beats_per_cycle *
ppq / sr)`: at 480 ticks per beat and 120 BPM a tick is ~1 ms, so onsets are exact to the tick.
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Iterable

from . import SyncUnavailable
from .midi_out import Message

PPQ = 480


def _mido():
    try:
        import mido
    except ImportError as exc:
        raise SyncUnavailable('MIDI files need the mido package (pip install "phonon-live[sync]")') \
            from exc
    return mido


def tick_of(sample: int, sr: int, cps: Fraction, beats_per_cycle: Fraction, ppq: int = PPQ) -> int:
    """The tick of stream sample `sample` (exact rational arithmetic, rounded half to even)."""
    return round(Fraction(sample) * cps * beats_per_cycle * ppq / sr)


def write_smf(path: str | Path, messages: Iterable[Message], *, sr: int, cps: float | Fraction,
              beats_per_cycle: float = 4, ppq: int = PPQ) -> dict[str, int]:
    """Write `messages` to `path`; returns {track name: message count}."""
    mido = _mido()
    cps = Fraction(cps).limit_denominator(1_000_000)
    bpc = Fraction(beats_per_cycle).limit_denominator(1000)
    bpm = float(cps * 60 * bpc)
    midi = mido.MidiFile(type=1, ticks_per_beat=ppq)
    conductor = mido.MidiTrack()
    conductor.append(mido.MetaMessage("track_name", name="tempo", time=0))
    conductor.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=0))
    if bpc.denominator == 1 and 1 <= bpc <= 255:
        conductor.append(mido.MetaMessage("time_signature", numerator=int(bpc), denominator=4,
                                          time=0))
    midi.tracks.append(conductor)
    groups: dict[tuple[str, str], list[Message]] = {}
    for m in sorted(messages):
        if m.data[0] >= 0xF0:                # clock and other system messages: not in a file
            continue
        groups.setdefault((m.track or "midi", m.port), []).append(m)
    ports_of: dict[str, set[str]] = {}
    for bus, port in groups:
        ports_of.setdefault(bus, set()).add(port)
    counts = {}
    for (bus, port), msgs in groups.items():
        name = bus if len(ports_of[bus]) == 1 else f"{bus} ({port})"
        track = mido.MidiTrack()
        track.append(mido.MetaMessage("track_name", name=name, time=0))
        last = 0
        for m in msgs:
            tick = tick_of(m.sample, sr, cps, bpc, ppq)
            track.append(mido.Message.from_bytes(m.data, time=tick - last))
            last = tick
        midi.tracks.append(track)
        counts[name] = len(msgs)
    midi.save(str(path))
    return counts

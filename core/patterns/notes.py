"""Note names (`c4`, `eb3`, `f#`, `as2`) to numbers.

Decision (see docs/patterns.md): the `note` control uses semitones relative to middle C
(`c4` = 0 = 261.63 Hz, `a4` = 9, `c5` = 12; no octave means octave 4). That is Tidal's
numeric convention (note 0 = middle C) with scientific octave names (Strudel/MIDI: c4 = MIDI
60). Pattern arithmetic on note names (`"c4" + 0`) follows Strudel and gives MIDI numbers.
"""
from __future__ import annotations

import re

_NOTE_RE = re.compile(r"^([a-gA-G])([#bsf]*)(-?[0-9]*)$")
_CHROMA = {"c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11}
_ACCIDENTAL = {"#": 1, "s": 1, "b": -1, "f": -1}


def is_note_name(text: str) -> bool:
    """True for names like c, C4, eb3, f#-1, as2 (Strudel's isNote)."""
    return isinstance(text, str) and _NOTE_RE.match(text) is not None


def note_to_midi(text: str, default_octave: int = 3) -> int | None:
    """MIDI number of a note name (c4 = 60), or None if `text` is not a note name.

    The default octave is 3, as Strudel's noteToMidi.
    """
    m = _NOTE_RE.match(text) if isinstance(text, str) else None
    if m is None:
        return None
    pc, acc, octave = m.groups()
    octv = int(octave) if octave not in ("", "-") else default_octave
    return (octv + 1) * 12 + _CHROMA[pc.lower()] + sum(_ACCIDENTAL[c] for c in acc)


def note_number(value):
    """Semitones relative to middle C for the `note` control: c4 -> 0, a4 -> 9, c -> 0.

    Numbers pass through unchanged; other strings are returned unchanged.
    """
    if isinstance(value, str):
        midi = note_to_midi(value, default_octave=4)
        if midi is not None:
            return midi - 60
    return value


_NAMES = ("c", "c#", "d", "d#", "e", "f", "f#", "g", "g#", "a", "a#", "b")


def midi_to_name(midi: int) -> str:
    """The note name of a MIDI number with its octave (60 -> "c4", 61 -> "c#4", 11 -> "b-1")."""
    return f"{_NAMES[midi % 12]}{midi // 12 - 1}"

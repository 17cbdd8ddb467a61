"""Harmony as data: Tidal's chord and scale tables, chord voicing modifiers, arpeggio orders.

Plain functions on lists of semitones (no patterns): the mini-notation reads chord words with
them (`"c4'maj e'min7'ii"`), the `scale`/`toScale`/`arp` transforms use them. The tables are
Tidal's (Sound.Tidal.Chords and Sound.Tidal.Scales, as in Tidal 1.7.10 and 1.9), plus the names
the Rust original accepts that Tidal lacks (`M7 7 hdim7 m7b5 aug7 mM7 9 power`; scales
`maj min natural_minor harmonic_minor harmonic melodic_minor melodic pentatonic pent
major_pentatonic majpent minor_pentatonic minpent blues mixo`).
"""
from __future__ import annotations

import difflib
import re
from typing import Sequence

_CHORDS = """
major maj M: 0 4 7
aug plus sharp5: 0 4 8
six 6: 0 4 7 9
sixNine six9 sixby9 6by9: 0 4 7 9 14
major7 maj7: 0 4 7 11
major9 maj9: 0 4 7 11 14
add9: 0 4 7 14
major11 maj11: 0 4 7 11 14 17
add11: 0 4 7 17
major13 maj13: 0 4 7 11 14 21
add13: 0 4 7 21
dom7: 0 4 7 10
dom9: 0 4 7 14
dom11: 0 4 7 17
dom13: 0 4 7 21
sevenFlat5 7f5: 0 4 6 10
sevenSharp5 7s5: 0 4 8 10
sevenFlat9 7f9: 0 4 7 10 13
nine: 0 4 7 10 14
eleven 11: 0 4 7 10 14 17
thirteen 13: 0 4 7 10 14 17 21
minor min m: 0 3 7
diminished dim: 0 3 6
minorSharp5 msharp5 mS5: 0 3 8
minor6 min6 m6: 0 3 7 9
minorSixNine minor69 min69 minSixNine m69 mSixNine m6by9: 0 3 9 7 14
minor7flat5 minor7f5 min7flat5 min7f5 m7flat5 m7f5: 0 3 6 10
minor7 min7 m7: 0 3 7 10
minor7sharp5 minor7s5 min7sharp5 min7s5 m7sharp5 m7s5: 0 3 8 10
minor7flat9 minor7f9 min7flat9 min7f9 m7flat9 m7f9: 0 3 7 10 13
minor7sharp9 minor7s9 min7sharp9 min7s9 m7sharp9 m7s9: 0 3 7 10 14
diminished7 dim7: 0 3 6 9
minor9 min9 m9: 0 3 7 10 14
minor11 min11 m11: 0 3 7 10 14 17
minor13 min13 m13: 0 3 7 10 14 17 21
one 1: 0
five 5: 0 7
sus2: 0 2 7
sus4: 0 5 7
sevenSus2 7sus2: 0 2 7 10
sevenSus4 7sus4: 0 5 7 10
nineSus4 ninesus4 9sus4: 0 5 7 10 14
sevenFlat10 7f10: 0 4 7 10 15
nineSharp5 9sharp5 9s5: 0 1 13
minor9sharp5 minor9s5 min9sharp5 min9s5 m9sharp5 m9s5: 0 1 14
sevenSharp5flat9 7s5f9: 0 4 8 10 13
minor7sharp5flat9 m7sharp5flat9: 0 3 8 10 13
elevenSharp 11s: 0 4 7 10 14 18
minor11sharp m11sharp m11s: 0 3 7 10 14 18
M7: 0 4 7 11
7: 0 4 7 10
hdim7 m7b5: 0 3 6 10
aug7: 0 4 8 10
mM7: 0 3 7 11
9: 0 4 7 10 14
power: 0 7
"""

_SCALES = """
minPent: 0 3 5 7 10
majPent: 0 2 4 7 9
ritusen: 0 2 5 7 9
egyptian: 0 2 5 7 10
kumai: 0 2 3 7 9
hirajoshi: 0 2 3 7 8
iwato: 0 1 5 6 10
chinese: 0 4 6 7 11
indian: 0 4 5 7 10
pelog: 0 1 3 7 8
prometheus: 0 2 4 6 11
scriabin: 0 1 4 7 9
gong: 0 2 4 7 9
shang: 0 2 5 7 10
jiao: 0 3 5 8 10
zhi: 0 2 5 7 9
yu: 0 3 5 7 10
whole wholetone: 0 2 4 6 8 10
augmented: 0 3 4 7 8 11
augmented2: 0 1 4 5 8 9
hexMajor7: 0 2 4 7 9 11
hexDorian: 0 2 3 5 7 10
hexPhrygian: 0 1 3 5 8 10
hexSus: 0 2 5 7 9 10
hexMajor6: 0 2 4 5 7 9
hexAeolian: 0 3 5 7 8 10
major ionian: 0 2 4 5 7 9 11
dorian: 0 2 3 5 7 9 10
phrygian: 0 1 3 5 7 8 10
lydian: 0 2 4 6 7 9 11
mixolydian: 0 2 4 5 7 9 10
aeolian minor: 0 2 3 5 7 8 10
locrian: 0 1 3 5 6 8 10
harmonicMinor: 0 2 3 5 7 8 11
harmonicMajor: 0 2 4 5 7 8 11
melodicMinor: 0 2 3 5 7 9 11
melodicMinorDesc: 0 2 3 5 7 8 10
melodicMajor bartok hindu: 0 2 4 5 7 8 10
todi: 0 1 3 6 7 8 11
purvi: 0 1 4 6 7 8 11
marva: 0 1 4 6 7 9 11
bhairav: 0 1 4 5 7 8 11
ahirbhairav: 0 1 4 5 7 9 10
superLocrian: 0 1 3 4 6 8 10
romanianMinor: 0 2 3 6 7 9 10
hungarianMinor: 0 2 3 6 7 8 11
neapolitanMinor: 0 1 3 5 7 8 11
enigmatic: 0 1 4 6 8 10 11
spanish: 0 1 4 5 7 8 10
leadingWhole: 0 2 4 6 8 10 11
lydianMinor: 0 2 4 6 7 8 10
neapolitanMajor: 0 1 3 5 7 9 11
locrianMajor: 0 2 4 5 6 8 10
diminished octatonic: 0 1 3 4 6 7 9 10
diminished2 octatonic2: 0 2 3 5 6 8 9 11
messiaen1: 0 2 4 6 8 10
messiaen2: 0 1 3 4 6 7 9 10
messiaen3: 0 2 3 4 6 7 8 10 11
messiaen4: 0 1 2 5 6 7 8 11
messiaen5: 0 1 5 6 7 11
messiaen6: 0 2 4 5 6 8 10 11
messiaen7: 0 1 2 3 5 6 7 8 9 11
chromatic: 0 1 2 3 4 5 6 7 8 9 10 11
bayati: 0 1.5 3 5 7 8 10
hijaz: 0 1 4 5 7 8.5 10
sikah: 0 1.5 3.5 5.5 7 8.5 10.5
rast: 0 2 3.5 5 7 9 10.5
saba: 0 1.5 3 4 6 8 10
iraq: 0 1.5 3.5 5 6.5 8.5 10.5
maj: 0 2 4 5 7 9 11
min natural_minor: 0 2 3 5 7 8 10
harmonic_minor harmonic: 0 2 3 5 7 8 11
melodic_minor melodic: 0 2 3 5 7 9 11
pentatonic pent major_pentatonic majpent: 0 2 4 7 9
minor_pentatonic minpent: 0 3 5 7 10
blues: 0 3 5 6 7 10
mixo: 0 2 4 5 7 9 10
"""


def _table(text: str) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    for line in text.strip().splitlines():
        names, steps = line.split(":")
        values = tuple(float(x) if "." in x else int(x) for x in steps.split())
        for name in names.split():
            out.setdefault(name, values)
    return out


CHORDS: dict[str, tuple[int, ...]] = _table(_CHORDS)
SCALES: dict[str, tuple[float, ...]] = _table(_SCALES)


def _unknown(kind: str, name: str, table: dict) -> ValueError:
    close = difflib.get_close_matches(name, list(table), n=3)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return ValueError(f"unknown {kind} {name!r}{hint}")


def chord_intervals(name: str) -> tuple[int, ...]:
    """The semitones of a chord name (`"maj"` -> (0, 4, 7)); ValueError for an unknown name."""
    try:
        return CHORDS[name]
    except KeyError:
        raise _unknown("chord", name, CHORDS) from None


def scale_steps(name: str) -> tuple[float, ...]:
    """The semitones of a scale name (`"major"` -> (0, 2, 4, 5, 7, 9, 11))."""
    try:
        return SCALES[name]
    except KeyError:
        raise _unknown("scale", name, SCALES) from None


# ---------------------------------------------------------------- chord voicings (Tidal)
def invert(notes: list) -> list:
    """The lowest note goes up an octave (Tidal's `'i`)."""
    return notes[1:] + [notes[0] + 12] if notes else notes


def open_voicing(notes: list) -> list:
    """Root and fifth down an octave, under the third (Tidal's `'o`; chords of 3+ notes)."""
    if len(notes) <= 2:
        return notes
    return [notes[0] - 12, notes[2] - 12, notes[1]] + notes[3:]


def drop(n: int, notes: list) -> list:
    """The n-th voice from the top goes down an octave, to the bottom (Tidal's `'d<n>`)."""
    if n < 1 or len(notes) < n:
        return notes
    s = len(notes) - n
    return [notes[s] - 12] + notes[:s] + notes[s + 1:]


def voice_range(n: int, notes: list) -> list:
    """n notes: the chord repeated up the octaves (Tidal's `'<n>`, e.g. `'5`)."""
    if not notes or n <= 0:
        return []
    octaves = n // len(notes) + 1
    return [x + 12 * k for k in range(octaves) for x in notes][:n]


_MODIFIER_RE = re.compile(r"^(?:(i+)|(o+)|d(\d+)|(\d+))$")


def apply_modifier(word: str, notes: list) -> list:
    """One `'` modifier of a chord word: `i`, `ii`..., `o`, `d1`..., or a voice count."""
    m = _MODIFIER_RE.match(word)
    if m is None:
        raise ValueError(f"unknown chord modifier {word!r}: use i (inversion, ii for two), "
                         f"o (open), d1..dN (drop) or a number of voices")
    inversions, opens, dropped, count = m.groups()
    if inversions:
        for _ in inversions:
            notes = invert(notes)
    elif opens:
        notes = open_voicing(notes)
    elif dropped:
        notes = drop(int(dropped), notes)
    else:
        notes = voice_range(int(count), notes)
    return notes


def chord_notes(name: str, modifiers: Sequence[str] = ()) -> list[int]:
    """The semitones above the root of `name` with its modifiers applied in order."""
    notes = list(chord_intervals(name))
    for word in modifiers:
        notes = apply_modifier(word, notes)
    return notes


def note_in_scale(steps: Sequence[float], degree: int, octave: int = 12) -> float:
    """Tidal's noteInScale: the degree-th note of the scale, wrapping into further octaves."""
    n = len(steps)
    value = steps[degree % n] + octave * (degree // n)
    return int(value) if float(value).is_integer() else value


# ---------------------------------------------------------------- arpeggios (Tidal's `arps`)
def _converge(xs: list) -> list:
    out, lo, hi, first = [], 0, len(xs) - 1, True
    while lo <= hi:
        if first:
            out.append(xs[lo])
            lo += 1
        else:
            out.append(xs[hi])
            hi -= 1
        first = not first
    return out


def _pinkyup(xs: list) -> list:
    return [y for x in xs[:-1] for y in (x, xs[-1])]


def _thumbup(xs: list) -> list:
    return [y for x in xs[1:] for y in (xs[0], x)]


def _there_and_back(order) -> callable:
    def f(xs: list) -> list:
        ys = order(xs)
        return ys[:-1] + list(reversed(ys))[:-1]
    return f


ARP_MODES: dict[str, callable] = {
    "up": lambda xs: list(xs),
    "down": lambda xs: list(reversed(xs)),
    "updown": lambda xs: xs[:-1] + list(reversed(xs))[:-1],
    "downup": lambda xs: list(reversed(xs))[:-1] + xs[:-1],
    "up&down": lambda xs: xs + list(reversed(xs)),
    "down&up": lambda xs: list(reversed(xs)) + xs,
    "converge": _converge,
    "diverge": lambda xs: list(reversed(_converge(xs))),
    "disconverge": lambda xs: _converge(xs) + list(reversed(_converge(xs)))[1:],
    "pinkyup": _pinkyup,
    "pinkyupdown": _there_and_back(_pinkyup),
    "thumbup": _thumbup,
    "thumbupdown": _there_and_back(_thumbup),
}


def arp_order(mode: str) -> callable:
    """The reordering of a chord's notes for an `arp` mode (ValueError for an unknown one)."""
    try:
        return ARP_MODES[mode]
    except KeyError:
        raise _unknown("arp mode", mode, ARP_MODES) from None

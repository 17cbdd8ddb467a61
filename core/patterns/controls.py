"""Control patterns: patterns whose values are dicts of synthesis/sample parameters.

    s("bd:3 sn")        -> {"s": "bd", "n": 3}, {"s": "sn"}
    note("c4 e4")       -> {"note": 0}, {"note": 4}   (semitones from middle C; see notes.py)
    s("bd*2").merge(gain("1 0.5"))                    (Tidal's `#`)

`control(name, value)` works for any name; `CONTROLS` lists the names the engine knows.
"""
from __future__ import annotations

from typing import Any

from .notes import note_number
from .pattern import Pattern, reify

CONTROLS: frozenset[str] = frozenset("""
s n note gain pan speed begin end cut attack decay release hold legato loop shape vowel orbit
sustain room size cutoff resonance hcutoff hresonance bandf bandq crush coarse accelerate
unit velocity amp delay delaytime delayfeedback lpf hpf bpf lpq hpq djf squiz octave
detune voice channel nudge dry distort triode krush kcutoff ring ringf ringdf freq midinote
postgain sound lock
""".split())

_ALIASES = {"sound": "s", "lpf": "cutoff", "hpf": "hcutoff", "bpf": "bandf", "lpq": "resonance",
            "hpq": "hresonance", "delayfb": "delayfeedback", "sz": "size", "dt": "delaytime"}


def _control_value(name: str, v: Any) -> dict:
    if isinstance(v, dict):
        return v
    if name == "s" and isinstance(v, tuple):
        return {k: x for k, x in zip(("s", "n", "gain"), v)}
    if name == "note":
        return {"note": note_number(v)}
    return {name: v}


def control(name: str, value: Pattern | str | float) -> Pattern:
    """A pattern of `{name: value}` dicts from a pattern, mini-notation string or number."""
    key = _ALIASES.get(name, name)
    return reify(value).fmap(lambda v: _control_value(key, v))


def s(value: Any) -> Pattern:
    """Sound/sample names; `bd:3` becomes {"s": "bd", "n": 3}."""
    return control("s", value)


def n(value: Any) -> Pattern:
    return control("n", value)


def note(value: Any) -> Pattern:
    """Notes: numbers pass through, note names become semitones from c4 (c4 = 0, c5 = 12)."""
    return control("note", value)


def gain(value: Any) -> Pattern:
    return control("gain", value)


def pan(value: Any) -> Pattern:
    return control("pan", value)


def speed(value: Any) -> Pattern:
    return control("speed", value)


sound = s

__all__ = ["CONTROLS", "control", "s", "n", "note", "gain", "pan", "speed", "sound"]

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

#: The controls of SuperDirt's per-event effect modules, by module, in SuperDirt's order
#: (core-modules.scd, then library/default-effects-extra.scd); docs/samples.md gives each
#: control's formula. Every voice of `s` and of the synth instruments runs these.
EFFECT_CONTROLS: dict[str, tuple[str, ...]] = {
    "vowel": ("vowel", "resonance"),
    "shape": ("shape",),
    "hpf": ("hcutoff", "hresonance"),
    "bpf": ("bandf", "bandq"),
    "crush": ("crush",),
    "coarse": ("coarse",),
    "lpf": ("cutoff", "resonance"),
    "envelope": ("attack", "hold", "release"),
    "tremolo": ("tremolorate", "tremolodepth"),
    "phaser": ("phaserrate", "phaserdepth"),
    "waveloss": ("waveloss",),
    "squiz": ("squiz",),
    "fshift": ("fshift", "fshiftnote", "fshiftphase"),
    "triode": ("triode",),
    "krush": ("krush", "kcutoff"),
    "octer": ("octer", "octersub", "octersubsub"),
    "ring": ("ring", "ringf", "ringdf"),
    "distort": ("distort",),
    "djf": ("djf",),
}

#: The controls of SuperDirt's sound module (DirtEvent.sc): which sample, how it plays, how
#: loud and where.
SOUND_CONTROLS: tuple[str, ...] = (
    "s", "n", "note", "octave", "midinote", "freq", "speed", "accelerate", "unit", "begin",
    "end", "loop", "legato", "sustain", "fadeTime", "cut", "gain", "amp", "overgain",
    "postgain", "velocity", "pan", "channel", "nudge", "cps")

#: The controls of an orbit's global effects (core-synths-global.scd), and `orbit` itself.
ORBIT_CONTROLS: tuple[str, ...] = (
    "orbit", "room", "size", "dry", "delay", "delaytime", "delayfeedback", "lock", "leslie",
    "lrate", "lsize")

#: Controls the synth instruments read (docs/language.md, "Instruments"), beyond the above.
INSTRUMENT_CONTROLS: tuple[str, ...] = ("decay", "detune", "voice")

#: Tidal's aliases (Params.hs): `# lpf 400` is the control `cutoff`.
ALIASES: dict[str, str] = {
    "sound": "s", "lpf": "cutoff", "ctf": "cutoff", "hpf": "hcutoff", "bpf": "bandf",
    "lpq": "resonance", "hpq": "hresonance", "bpq": "bandq", "delayfb": "delayfeedback",
    "dfb": "delayfeedback", "sz": "size", "dt": "delaytime", "delayt": "delaytime",
    "up": "note", "att": "attack", "rel": "release", "sus": "sustain", "tremr": "tremolorate",
    "tremdp": "tremolodepth", "phasr": "phaserrate", "phasdp": "phaserdepth", "det": "detune"}
_ALIASES = ALIASES

#: Every control name the language knows, aliases included (any other name after `#` on an
#: event pattern is a control too, reported when no node reads it).
CONTROLS: frozenset[str] = frozenset(
    {c for names in EFFECT_CONTROLS.values() for c in names}
    | set(SOUND_CONTROLS) | set(ORBIT_CONTROLS) | set(INSTRUMENT_CONTROLS) | set(ALIASES))


def canonical(name: str) -> str:
    """The control a name sets (`lpf` -> `cutoff`; a name that is no alias is itself)."""
    return ALIASES.get(name, name)


def _control_value(name: str, v: Any) -> dict:
    if isinstance(v, dict):
        return v
    if name == "s" and isinstance(v, tuple):
        return {k: x for k, x in zip(("s", "n", "gain"), v)}
    if name in ("note", "n"):
        return {name: note_number(v)}
    return {name: v}


def control(name: str, value: Pattern | str | float) -> Pattern:
    """A pattern of `{name: value}` dicts from a pattern, mini-notation string or number."""
    key = _ALIASES.get(name, name)
    pat = reify(value)
    # `gain 0.8`, `s "hat*16"`: a pure or steps pattern's values mapped once (a pure control
    # also lets `#` skip querying it, see Pattern.app_left)
    mapped = pat._mapped_once(lambda v: _control_value(key, v))
    return mapped if mapped is not None else pat.fmap(lambda v: _control_value(key, v))


def s(value: Any) -> Pattern:
    """Sound/sample names; `bd:3` becomes {"s": "bd", "n": 3}."""
    return control("s", value)


def n(value: Any) -> Pattern:
    """Numbers (sample index, note): note names become semitones from c4, as for `note`."""
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

__all__ = ["ALIASES", "CONTROLS", "EFFECT_CONTROLS", "INSTRUMENT_CONTROLS", "ORBIT_CONTROLS",
           "SOUND_CONTROLS", "canonical", "control", "s", "n", "note", "gain", "pan", "speed",
           "sound"]

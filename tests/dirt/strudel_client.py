"""A sender that builds `/dirt/play` bundles exactly as Strudel's OSC output does.

Strudel (packages/osc/osc.mjs, `parseControlsFromHap` and `oscTrigger`) sends, for each event:
`cps`, `cycle` (the whole's begin), `delta` (its duration) first, then the event's own controls
in their order; `n` as a number; a note name in `note` also as `midinote` (octave default 3);
`bank` prefixed onto `s`; `roomsize` also as `size`; with `unit "c"` the speed divided by cps.
osc-js encodes whole numbers as `i`, other numbers as `f`, strings as `s`, booleans as `T`/`F`,
and the bundle's timetag from milliseconds since 1970 (rounded to whole ms).
"""
from __future__ import annotations

import math
import re

from phonon.osc import NTP_EPOCH_OFFSET, bundle, message

NOTE = re.compile(r"^([a-gA-G])([#sbf]*)(-?\d*)$")
CHROMA = {"c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11}


def note_to_midi(name: str, default_octave: int = 3) -> int:
    """Strudel's noteToMidi: c4 = 60; accidentals # s (sharp), b f (flat)."""
    m = NOTE.match(name)
    letter, acc, octave = m.groups()
    shift = sum(1 if a in "#s" else -1 for a in acc)
    return (int(octave) if octave else default_octave) * 12 + 12 + CHROMA[letter.lower()] + shift


def controls(value: dict, cycle: float, delta: float, cps: float) -> dict:
    """`parseControlsFromHap`: the keys and values Strudel sends, in its order."""
    c = {"cps": cps, "cycle": cycle, "delta": delta, **value}
    if c.get("n"):
        c["n"] = float(c["n"])
    if "note" in c:
        if isinstance(c["note"], str) and NOTE.match(c["note"]):
            c["midinote"] = note_to_midi(c["note"], c.get("octave") or 3)
        else:
            c["note"] = float(c["note"])
    if c.get("bank"):
        c["s"] = c["bank"] + c["s"]
    if c.get("roomsize"):
        c["size"] = float(c["roomsize"])
    if c.get("unit") == "c" and c.get("speed") is not None:
        c["speed"] = c["speed"] / cps
    return c


def osc_js_arg(value):
    """How osc-js types a JavaScript value."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return ("i", int(value)) if float(value).is_integer() else ("f", float(value))
    return str(value)


def osc_js_timetag(ms: int) -> int:
    """osc-js `Timetag.timestamp(ms)`: NTP seconds and rounded 2^-32 fractions."""
    seconds = ms / 1000
    whole = math.floor(seconds)
    return ((whole + NTP_EPOCH_OFFSET) << 32) | round(4294967296 * (seconds - whole))


def play_bundle(value: dict, cycle: float, delta: float, cps: float, target_s: float) -> bytes:
    """The packet Strudel's bridge sends for one event at Unix time `target_s`."""
    c = controls(value, cycle, delta, cps)
    args = [a for key, v in c.items() for a in (key, osc_js_arg(v))]
    return bundle(None, [message("/dirt/play", *args)], ntp=osc_js_timetag(round(target_s * 1000)))

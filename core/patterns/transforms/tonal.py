"""Transforms of pitch: scale, toScale, toScale', arp, chord (Tidal's, with its tables in harmony.py)."""
from __future__ import annotations

from itertools import groupby
from typing import Any

from ..arithmetic import num_add, numeral
from ..combinators import stack
from ..harmony import arp_order, chord_notes, note_in_scale, scale_steps
from ..pattern import Pattern, pure, reify
from ..timespan import Event, TimeSpan
from .registry import as_int, register


def _degree_to_note(steps: tuple, octave: int, v: Any) -> Any:
    """A scale degree (or a control map whose n/note is one) to semitones."""
    if isinstance(v, dict):
        key = "note" if "note" in v else "n"
        if key not in v:
            return v
        return {**v, key: _degree_to_note(steps, octave, v[key])}
    return note_in_scale(steps, as_int(numeral(v)), octave)


@register("scale", "name", "Scale degrees to semitones: `scale \"major\" \"0 .. 7\"` (Tidal's scale "
          "names; degrees wrap into octaves, negative ones go down).", patterned=False)
def scale(name, pat):
    names = reify(name)
    if names.is_pure:
        steps = scale_steps(str(names._pure))
        return pat.fmap(lambda v: _degree_to_note(steps, 12, v))
    return pat.app_left(names, lambda v, nm: _degree_to_note(scale_steps(str(nm)), 12, v))


@register("toScale", "steps:list", "Scale degrees to semitones with your own scale: "
          "toScale [0, 2, 7] \"0 1 2 3\" (Tidal).", "toscale", patterned=False)
def to_scale(steps, pat):
    return to_scale_octave(12, steps, pat)


@register("toScale'", "octave steps:list", "Like toScale with another octave size "
          "(toScale' 10 [0, 2, 7] ...; Tidal).", patterned=False)
def to_scale_octave(octave, steps, pat):
    items = tuple(numeral(x) for x in steps)
    if not items:
        raise ValueError("toScale needs at least one step, e.g. toScale [0, 2, 4, 5, 7, 9, 11]")
    o = numeral(octave)
    return pat.fmap(lambda v: _degree_to_note(items, o, v))


def _arp_events(order, events: list[Event]) -> list[Event]:
    """Tidal's arpWith: the notes of each chord (events with the same whole) in `order`, one
    after another across the chord's span."""
    out = []
    keyed = sorted(((e.whole.begin, e.whole.end), i, e) for i, e in enumerate(events) if e.whole is not None)
    for _, group in groupby(keyed, key=lambda x: x[0]):
        chord = [e for _, _, e in group]
        notes = order(chord)
        d = (chord[0].whole.end - chord[0].whole.begin) / len(notes) if notes else 0
        for k, e in enumerate(notes):
            whole = TimeSpan(e.whole.begin + d * k, e.whole.begin + d * (k + 1))
            part = whole.intersection(e.part)
            if part is not None:
                out.append(Event(whole, part, e.value))
    return out


@register("arp", "mode", "Play each chord's notes one after another: up down updown downup up&down "
          "down&up converge diverge disconverge pinkyup pinkyupdown thumbup thumbupdown (Tidal).",
          patterned=False)
def arp(mode, pat):
    modes = reify(mode)
    if modes.is_pure:
        order = arp_order(str(modes._pure))
        return pat.with_events(lambda evs: _arp_events(order, evs))
    return modes.inner_bind(lambda m: arp(m, pat))


@register("arpeggiate", "", "arp \"up\": each chord's notes one after another (Tidal).", "arpg")
def arpeggiate(pat):
    return arp("up", pat)


def _chord_of(name: str, v: Any) -> Pattern:
    notes = chord_notes(name)
    if isinstance(v, dict):
        key = "note" if "note" in v else "n"
        if key not in v:
            return pure(v)
        return stack(*[pure({**v, key: num_add(v[key], x)}) for x in notes])
    return stack(*[pure(num_add(v, x)) for x in notes])


@register("chord", "name", "Each note becomes a chord of Tidal's table: n \"0 5\" # chord \"maj\" "
          "(the Rust original's chord; on control maps it stacks their n or note).", patterned=False)
def chord(name, pat):
    names = reify(name)
    if names.is_pure:
        chord_notes(str(names._pure))  # an unknown name fails here, where it is written
        return pat.outer_bind(lambda v: _chord_of(str(names._pure), v))
    return names.inner_bind(lambda nm: chord(nm, pat))

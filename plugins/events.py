"""Helpers for event-driven nodes: the spans of a block between onsets, and control values.

An event-driven node gets this block's onsets in `ctx.events` (`Trigger`s) and each onset's
control map in `Trigger.value` (`{"note": 3, "gain": 0.8}`). Values are whatever the program
wrote: numbers, or text such as note names (`"eb4"`).

Note convention (docs/plugins.md): `note` is in semitones with 0 = middle C = MIDI 60 =
261.63 Hz (Tidal's numbers); note names follow Strudel (`c4` is middle C, `a4` = 9).
"""
from __future__ import annotations

import math
from typing import Any, Iterator

from ..patterns.notes import note_number
from .api import Block, Trigger

__all__ = ["MIDDLE_C_HZ", "control_number", "event_spans", "note_number", "note_value",
           "note_to_freq"]

#: the frequency of note 0 (middle C, MIDI 60) in Hz
MIDDLE_C_HZ = 440.0 * 2.0 ** (-9.0 / 12.0)


def control_number(value: Any, default: float | None = None) -> float | None:
    """A control value as a finite float; `default` when it is absent, not a number (text) or
    not finite."""
    if value is None:
        return default
    try:
        x = float(value)
    except (TypeError, ValueError):
        return default
    return x if math.isfinite(x) else default


def note_value(value: Any) -> float | None:
    """A `note` control in semitones relative to middle C: a number as it is, a note name
    converted (`"c4"` -> 0, `"eb3"` -> -9); None when it is neither."""
    return control_number(note_number(value))


def note_to_freq(note: float) -> float:
    """The frequency in Hz of a note in semitones relative to middle C (`note_to_freq(9)` is
    440.0)."""
    return MIDDLE_C_HZ * 2.0 ** (note / 12.0)


def event_spans(ctx: Block) -> Iterator[tuple[int, int, Trigger | None]]:
    """The block cut at its onsets, in time order: `(start, stop, trigger)` where `trigger`
    starts at sample `stop` (None for the last span, which ends at `ctx.frames`).

    Render `[start, stop)` with the voices already sounding, then start the trigger's voice:
    every onset lands on its exact sample whatever the block size. Spans may be empty (two
    onsets on one sample); an offset outside the block is clamped into it.
    """
    done = 0
    for trig in sorted(ctx.events, key=_offset):
        offset = min(max(int(trig.offset), 0), ctx.frames - 1)
        yield done, offset, trig
        done = offset
    yield done, ctx.frames, None


def _offset(trig: Trigger) -> int:
    return trig.offset

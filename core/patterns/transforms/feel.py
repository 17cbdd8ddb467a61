"""Transforms of feel: groove templates and humanize (the Rust original's), shifting each event
by an amount computed from its own onset, never from the query window."""
from __future__ import annotations

from fractions import Fraction
from typing import Any, Callable

from ..pattern import Pattern
from ..signals import rand_at, time_to_rands
from ..timespan import Event, TimeSpan, sam, to_time
from .registry import register, register_variant


def shift_each(pat: Pattern, shift_of: Callable[[Event], Fraction], max_shift: Fraction) -> Pattern:
    """Every event moved by `shift_of(event)` (|shift| <= max_shift), its value kept."""
    query = pat._query

    def q(span: TimeSpan) -> list[Event]:
        out = []
        for e in query(TimeSpan(span.begin - max_shift, span.end + max_shift)):
            if e.whole is None:
                continue
            d = shift_of(e)
            part = TimeSpan(e.part.begin + d, e.part.end + d).intersection(span)
            if part is None or (part.begin == part.end and span.begin != span.end):
                continue
            out.append(Event(TimeSpan(e.whole.begin + d, e.whole.end + d), part, e.value))
        return out
    return Pattern(q, period=pat.period)


def _template(grid: int, marks: dict[int, float]) -> tuple[int, tuple[Fraction, ...]]:
    return grid, tuple(to_time(marks.get(i, 0)) for i in range(grid))


_DRUNKEN = (0.3, -0.2, 0.1, -0.3, 0.2, -0.1, 0.25, -0.25, 0.15, -0.35, 0.2, -0.15, 0.35, -0.2, 0.1, -0.3)

#: The original's presets (src/groove.rs): grid steps per cycle and each step's delay in cycles.
GROOVES: dict[str, tuple[int, tuple[Fraction, ...]]] = {
    "mpc": _template(16, {i: 0.5 / 16 for i in range(1, 16, 2)}),
    "hiphop": _template(16, {2: 0.01, 4: 0.02, 6: 0.01, 10: 0.01, 12: 0.02, 14: 0.01}),
    "reggae": _template(16, {2: 0.01, 6: 0.01, 8: 0.025, 10: 0.01, 14: 0.01}),
    "jazz": _template(8, {i: 0.5 / 8 for i in range(1, 8, 2)}),
    "drunken": _template(16, {i: d * 0.5 / 16 for i, d in enumerate(_DRUNKEN)}),
}
GROOVES["one_drop"] = GROOVES["reggae"]


def _groove(name: Any, amount: Any, pat: Pattern) -> Pattern:
    try:
        grid, delays = GROOVES[str(name)]
    except KeyError:
        raise ValueError(f"unknown groove {name!r}: one of {', '.join(GROOVES)}") from None
    a = to_time(amount)

    def shift(e: Event) -> Fraction:
        pos = e.whole.begin - sam(e.whole.begin)
        return delays[min(int(pos * grid), grid - 1)] * a
    return shift_each(pat, shift, max(abs(d) for d in delays) * abs(a))


@register("groove", "name amount", "Delay events by a groove template (the Rust original's mpc "
          "hiphop reggae one_drop jazz drunken), scaled by amount; each event by the grid step "
          "of its onset.")
def groove(name, amount, pat):
    return _groove(name, amount, pat)


@register_variant("groove", "name", "groove name 1.")
def groove_full(name, pat):
    return _groove(name, 1, pat)


def _humanized_gain(v: Any, factor: float) -> Any:
    if not isinstance(v, dict):
        return v
    return {**v, "gain": v.get("gain", 1) * factor}


@register("humanize", "time velocity", "Move each event by a random amount in [-time, time] "
          "cycles and scale its gain by a random factor in [1 - velocity, 1 + velocity], both "
          "drawn at its onset (the Rust original's humanize; it ignored velocity).")
def humanize(time, velocity, pat):
    t, v = to_time(time), float(velocity)

    def shift(e: Event) -> Fraction:
        return to_time((2 * rand_at(e.whole.begin) - 1) * float(t))

    def vary(e: Event) -> Event:
        r = abs(time_to_rands(float(e.whole.begin), 2)[1]) if e.whole is not None else 0.5
        return Event(e.whole, e.part, _humanized_gain(e.value, 1 + v * (2 * r - 1)))
    return shift_each(pat.with_event(vary) if v else pat, shift, abs(t))

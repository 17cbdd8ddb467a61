"""Transforms of structure and values: struct, mask, invert, Euclidean rhythms, arithmetic,
ranges."""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Callable

from ..arithmetic import compose_op, num_add, num_div, num_mod, num_mul, num_sub, numeral, truthy
from ..combinators import sequence, stack, timecat
from ..pattern import Pattern, reify, silence
from ..timespan import Event, TimeSpan, sam, to_time
from .registry import as_int, register, register_variant
from .time_ops import iter_shifts


# ---------------------------------------------------------------- structure
@register("struct", "bools", "Impose the structure of a boolean pattern ('t'/'1' = event).",
          patterned=False)
def struct(bools, pat):
    return pat.struct(bools)


@register("mask", "bools", "Silence the parts of the pattern where bools is false.",
          patterned=False)
def mask(bools, pat):
    return pat.mask(bools)


@register("invert", "", "Swap true and false.", "inv")
def invert(pat):
    return pat.fmap(lambda x: not truthy(x))


def bjorklund(ons: int, steps: int) -> list[int]:
    """The Euclidean rhythm of `ons` onsets in `steps` steps (negative ons: inverted)."""
    inverted = ons < 0
    steps = max(steps, 0)
    ons = min(abs(ons), steps)  # Strudel rejects ons > steps; we fill every step
    offs = steps - ons
    a = [[1] for _ in range(ons)]
    b = [[0] for _ in range(max(offs, 0))]
    n_on, n_off = ons, max(offs, 0)
    while min(n_on, n_off) > 1:
        if n_on > n_off:  # Rohan Drape's "left" step
            head, rest = a[:n_off], a[n_off:]
            a, b = [x + y for x, y in zip(head, b)], rest
            n_on, n_off = n_off, n_on - n_off
        else:  # "right" step
            head, rest = b[:n_on], b[n_on:]
            a, b = [x + y for x, y in zip(a, head)], rest
            n_on, n_off = n_on, n_off - n_on
    out = [x for grp in a for x in grp] + [x for grp in b for x in grp]
    return [1 - x for x in out] if inverted else out


def _euclid_bools(pulses: Any, steps: Any, rotation: Any = 0) -> list[int]:
    bits = bjorklund(as_int(pulses, "pulses"), as_int(steps, "steps"))
    r = as_int(rotation, "rotation")
    if r:
        bits = bits[-r:] + bits[:-r]
    return bits


@register("euclid", "pulses steps", "Euclidean rhythm: pulses onsets spread over steps.")
def euclid(pulses, steps, pat):
    return struct(sequence(*_euclid_bools(pulses, steps)), pat)


@register("euclidRot", "pulses steps rotation", "Euclid rotated later by rotation steps (Strudel).",
          "euclidrot")
def euclid_rot(pulses, steps, rotation, pat):
    return struct(sequence(*_euclid_bools(pulses, steps, rotation)), pat)


@register("euclidInv", "pulses steps", "The rests of the Euclidean rhythm (Tidal).", "euclidinv")
def euclid_inv(pulses, steps, pat):
    return struct(sequence(*[1 - b for b in _euclid_bools(pulses, steps)]), pat)


@register("euclidFull", "pulses steps other",
          "`other` on the Euclidean hits, the pattern on the rests (Tidal).",
           "euclidfull")
def euclid_full(pulses, steps, other, pat):
    return stack(euclid(pulses, steps, other), euclid_inv(pulses, steps, pat))


def _euclid_legato(pulses: Any, steps: Any, rotation: Any, pat: Pattern) -> Pattern:
    if as_int(pulses) < 1:
        return silence
    bits = "".join(str(b) for b in _euclid_bools(pulses, steps))
    gapless = [(len(s) + 1, True) for s in bits.split("1")[1:]]
    return struct(timecat(*gapless), pat)._late(to_time(rotation) / to_time(steps))


@register("euclidLegato", "pulses steps", "Euclid with each onset held until the next.")
def euclid_legato(pulses, steps, pat):
    return _euclid_legato(pulses, steps, 0, pat)


@register("euclidLegatoRot", "pulses steps rotation", "euclidLegato rotated later by rotation steps.")
def euclid_legato_rot(pulses, steps, rotation, pat):
    return _euclid_legato(pulses, steps, rotation, pat)


# ---------------------------------------------------------------- arithmetic and ranges
def _arith(name: str, func: Callable[[Any, Any], Any], doc: str) -> None:
    @register(name, "amount", doc)
    def impl(amount, pat):
        return pat.app_left(reify(amount), lambda a, b: compose_op(a, b, func))


_arith("add", num_add, "Add (structure from the pattern).")
_arith("sub", num_sub, "Subtract (structure from the pattern).")
_arith("mul", num_mul, "Multiply (structure from the pattern).")
_arith("div", num_div, "Divide (structure from the pattern).")
_arith("mod", num_mod, "Modulo (structure from the pattern).")


@register("range", "min max", "Scale values from 0..1 to min..max.")
def range_(lo, hi, pat):
    return pat.fmap(lambda x: compose_op(compose_op(x, num_sub(hi, lo), num_mul), lo, num_add))


@register("rangex", "min max", "Scale values from 0..1 exponentially to min..max.")
def rangex(lo, hi, pat):
    lo_, hi_ = math.log(lo), math.log(hi)
    return pat.fmap(lambda x: math.exp(x * (hi_ - lo_) + lo_))


@register("range2", "min max", "Scale values from -1..1 to min..max.")
def range2(lo, hi, pat):
    return range_(lo, hi, pat.fmap(lambda x: (x + 1) / 2))


# ---------------------------------------------------------------- per-cycle value transforms
def per_cycle(pat: Pattern, func: Callable[[list[Event]], list[Event]]) -> Pattern:
    """Apply `func` to the whole events starting in each cycle (sorted by onset), then cut them
    to the query: results come from whole events, never from the query window. Events that
    started in the previous cycle and reach into the query are included."""
    query = pat._query

    def cycle_events(c: int) -> list[Event]:
        evs = [e for e in query(TimeSpan(Fraction(c), Fraction(c + 1))) if e.has_onset()]
        evs.sort(key=lambda e: (e.whole.begin, e.whole.end))
        return func(evs)

    def q(span: TimeSpan) -> list[Event]:
        out = []
        first, last = sam(span.begin), sam(span.end)
        for c in range(int(first) - 1, int(last) + 1):
            for e in cycle_events(c):
                part = e.whole.intersection(span)
                if part is not None and not (part.begin == part.end and span.begin != span.end):
                    out.append(Event(e.whole, part, e.value))
        return out
    return Pattern(q)._cyclic(pat)


def _rotate_values(n: int, evs: list[Event]) -> list[Event]:
    if not evs:
        return evs
    k = n % len(evs)
    values = [e.value for e in evs]
    values = values[k:] + values[:k]
    return [Event(e.whole, e.part, v) for e, v in zip(evs, values)]


@register("rot", "steps", "Shift each cycle's values `steps` events to the left, keeping the rhythm "
          "(Tidal's rot).")
def rot(steps, pat):
    n = as_int(steps)
    return per_cycle(pat, lambda evs: _rotate_values(n, evs))


def _slice_of(n: int, i: Any, pat: Pattern) -> Pattern:
    i = as_int(i) % n
    return pat._zoom(Fraction(i, n), Fraction(i + 1, n))


@register("bite", "n indices", "Cut each cycle into n slices and play the slices the index pattern "
          "names, each squeezed into its index event (Tidal, Strudel).", patterned=False)
def bite(n, indices, pat):
    return reify(n).inner_bind(lambda nv: _bite(as_int(nv), reify(indices), pat))


def _bite(n: int, ipat: Pattern, pat: Pattern) -> Pattern:
    if n <= 0:
        return silence
    return ipat.squeeze_bind(lambda i: _slice_of(n, i, pat))


def _with_duration(pat: Pattern) -> Pattern:
    """Values paired with their event's whole duration."""
    return pat.with_event(lambda e: Event(e.whole, e.part, (e.value, e.whole.end - e.whole.begin)
                                          if e.whole is not None else (e.value, Fraction(1))))


def _scale_speed(v: Any, factor: float) -> dict:
    d = dict(v) if isinstance(v, dict) else {"value": v}
    d["speed"] = d.get("speed", 1) * factor
    return d


@register("chew", "n indices", "Like bite, with each slice's playback speed changed as much as "
          "it is squeezed or stretched (Tidal's chew).", patterned=False)
def chew(n, indices, pat):
    def one(nv: Any) -> Pattern:
        n_ = as_int(nv)
        if n_ <= 0:
            return silence
        return _with_duration(reify(indices)).squeeze_bind(
            lambda iv: _slice_of(n_, iv[0], pat).fmap(
                lambda v, d=iv[1]: _scale_speed(v, float(Fraction(1, n_) / d))))
    return reify(n).inner_bind(one)


@register_variant("chew", "n", "The Rust original's chew n: each cycle starts 1/n further into the "
                  "pattern (iter n).")
def chew_iter(n, pat):
    return iter_shifts(n, pat, False)


@register("fit", "step values:list", "Tidal's fit: the pattern's numbers pick from the list, moved on "
          "by `step` every cycle.", patterned=False)
def fit(step, values, pat):
    items = list(values)
    if not items:
        return silence
    step = as_int(step)

    def pick(e: Event) -> Event:
        cycle = int(sam(e.whole_or_part().begin))
        return Event(e.whole, e.part, items[(as_int(e.value) + step * cycle) % len(items)])
    return pat.with_event(pick)


@register_variant("fit", "cycles", "The Rust original's fit n: the pattern stretched over n cycles "
                  "(slow n).")
def fit_cycles(cycles, pat):
    return pat._slow(cycles)


# ---------------------------------------------------------------- numbers
def map_numbers(func: Callable[[float], Any]) -> Callable[[Any], Any]:
    """`func` on a number, or on every number of a control map (not on `s`)."""
    def apply(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: func(x) if isinstance(x, (int, float, Fraction)) and not isinstance(x, bool)
                    and k != "s" else x for k, x in v.items()}
        return func(numeral(v))
    return apply


def _tidy_number(x: float) -> Any:
    return int(x) if float(x).is_integer() else x


@register("quantise", "steps", "Round values to the nearest 1/steps (Tidal's quantise; a half goes "
          "to the even neighbour, as Haskell's round).", "quantize")
def quantise(steps, pat):
    s = float(steps)
    return pat.fmap(map_numbers(lambda x: _tidy_number(round(x * s) / s)))


@register("exp", "base", "Values v become base^v (the Rust original).")
def exp_(base, pat):
    b = float(base)
    return pat.fmap(map_numbers(lambda x: b ** x))


@register("log", "base", "Values v become log_base(v) (the Rust original; NaN for v <= 0).")
def log_(base, pat):
    b = float(base)
    return pat.fmap(map_numbers(lambda x: math.log(x, b) if x > 0 else math.nan))


@register("smooth", "", "A continuous signal gliding linearly from each value to the next "
          "(Tidal's smooth; sample it with segment or use it as a control).")
def smooth(pat):
    query = pat._query

    def value_at(t: Fraction) -> Any:
        here = [e for e in query(TimeSpan(t, t)) if e.whole is not None]
        if not here:
            return None
        e = here[0]
        w = e.whole
        after = [x for x in query(TimeSpan(w.end, w.end)) if x.whole is not None]
        nxt = after[0].value if after else e.value
        if w.end == w.begin:
            return e.value
        pos = (t - w.begin) / (w.end - w.begin)
        return num_add(e.value, num_mul(num_sub(nxt, e.value), float(pos)))

    def q(span: TimeSpan) -> list[Event]:
        v = value_at((span.begin + span.end) / 2)
        return [] if v is None else [Event(None, span, v)]
    return Pattern(q)


def _smooth_values(amount: float, evs: list[Event]) -> list[Event]:
    out, prev = [], None
    for e in evs:
        v = e.value if prev is None else num_add(num_mul(prev, 1 - amount), num_mul(e.value, amount))
        out.append(Event(e.whole, e.part, v))
        prev = v
    return out


@register_variant("smooth", "amount", "The Rust original's smooth a: each value moved towards the "
                  "previous one (v = prev·(1-a) + v·a), starting afresh every cycle.")
def smooth_by(amount, pat):
    a = float(amount)
    return per_cycle(pat, lambda evs: _smooth_values(a, evs))

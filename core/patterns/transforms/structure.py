"""Transforms of structure and values: struct, mask, invert, Euclidean rhythms, arithmetic,
ranges."""
from __future__ import annotations

import math
from typing import Any, Callable

from ..arithmetic import compose_op, num_add, num_div, num_mod, num_mul, num_sub, truthy
from ..combinators import sequence, stack, timecat
from ..pattern import Pattern, reify, silence
from ..timespan import to_time
from .registry import as_int, register


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
    bits = bjorklund(as_int(pulses), as_int(steps))
    r = as_int(rotation)
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

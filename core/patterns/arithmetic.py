"""Values and arithmetic inside patterns: truth of structure values, numbers from words,
and the operators of Tidal's `|+|` family on plain values and control maps (Strudel's
`_composeOp`). Plain functions on values; the pattern algebra (`pattern.py`) lifts them.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Callable

from .notes import note_to_midi
from .values import parse_number


def truthy(v: Any) -> bool:
    """Truth of a structure value: false for False, 0, None and the words 'f'/'false'."""
    if isinstance(v, str):
        return v not in ("f", "false", "~", "")
    return bool(v)


def merge_values(a: Any, b: Any) -> Any:
    if isinstance(a, dict) and isinstance(b, dict):
        return {**a, **b}
    return b


def numeral(x: Any) -> Any:
    """A number from a value the way Strudel's parseNumeral does (note names -> MIDI)."""
    if isinstance(x, (int, float, Fraction)) and not isinstance(x, bool):
        return x
    if isinstance(x, bool):
        return int(x)
    if isinstance(x, str):
        n = parse_number(x)
        if n is not None:
            return n
        midi = note_to_midi(x, default_octave=3)
        if midi is not None:
            return midi
    raise ValueError(f"cannot do arithmetic on {x!r} (not a number or note name)")


def _tidy(x: Any) -> Any:
    if isinstance(x, Fraction) and x.denominator == 1:
        return int(x)
    return x


def num_add(a: Any, b: Any) -> Any:
    return _tidy(numeral(a) + numeral(b))


def num_sub(a: Any, b: Any) -> Any:
    return _tidy(numeral(a) - numeral(b))


def num_mul(a: Any, b: Any) -> Any:
    return _tidy(numeral(a) * numeral(b))


def num_div(a: Any, b: Any) -> Any:
    a, b = numeral(a), numeral(b)
    if b == 0:  # JavaScript semantics: no exception inside a running pattern
        return math.nan if a == 0 else math.copysign(math.inf, a)
    if isinstance(a, int) and isinstance(b, int) and a % b == 0:
        return a // b
    return _tidy(a / b)


def num_mod(a: Any, b: Any) -> Any:
    a, b = numeral(a), numeral(b)
    return ((a % b) + b) % b


def keep_left(a: Any, b: Any) -> Any:
    if isinstance(a, dict) and isinstance(b, dict):
        return {**b, **a}
    return a


COMBINERS: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: compose_op(a, b, num_add),
    "-": lambda a, b: compose_op(a, b, num_sub),
    "*": lambda a, b: compose_op(a, b, num_mul),
    "/": lambda a, b: compose_op(a, b, num_div),
    "%": lambda a, b: compose_op(a, b, num_mod),
    ">": lambda a, b: merge_values(a, b),
    "<": keep_left,
}


def compose_op(a: Any, b: Any, func: Callable[[Any, Any], Any]) -> Any:
    """Apply a binary value operator; dicts combine per shared key (Strudel's _composeOp)."""
    if isinstance(a, dict) or isinstance(b, dict):
        if not isinstance(a, dict):
            a = {"value": a}
        if not isinstance(b, dict):
            b = {"value": b}
        if "value" in b and len(b) == 1:
            return a  # Strudel: no arithmetic between a control pattern and a bare number
        out = {**a, **b}
        for k in a.keys() & b.keys():
            out[k] = func(a[k], b[k])
        return out
    return func(a, b)

"""Phonon's side of the Strudel conformance suite (tests/data/strudel, tests/strudel_check.py).

`query(pat, transform, begin, end)` parses `pat` with phonon's mini-notation, applies the
Haskell-style `transform` chain (`every 3 (fast 2) ; rev`) through `TRANSFORMS`, and returns
`(whole_begin, whole_end, value)` for every event whose onset lies in [begin, end), values on
Strudel's scales (`pan`: Phonon's -1..1 mapped to Strudel's 0..1).
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any, Callable

from phonon.patterns import Pattern, TRANSFORMS, mini
from tests.strudel_check import parse_transform


def _arg(a: Any) -> Any:
    if isinstance(a, list):  # a function: a chain of steps
        return _chain(a)
    if isinstance(a, str):  # a quoted mini-notation argument
        return mini(str(a))
    if isinstance(a, Fraction):
        return int(a) if a.denominator == 1 else a
    return a


def _chain(steps: list) -> Callable[[Pattern], Pattern]:
    def apply(pat: Pattern) -> Pattern:
        for name, args in steps:
            if name not in TRANSFORMS:
                raise NotImplementedError(f"transform {name!r}")
            pat = TRANSFORMS[name].fn(*[_arg(a) for a in args], pat)
        return pat
    return apply


def transformed(pat: Pattern, transform: str | None) -> Pattern:
    """`pat` with the transform chain applied (unchanged for None or '')."""
    return _chain(parse_transform(transform))(pat) if transform else pat


def strudel_value(v: Any) -> Any:
    """A Phonon event value on Strudel's scales: pan -1..1 becomes Strudel's 0..1."""
    if isinstance(v, dict) and isinstance(v.get("pan"), (int, float, Fraction)):
        return {**v, "pan": (v["pan"] + 1) / 2}
    return v


def query(pat: str, transform: str | None, begin: Fraction, end: Fraction) -> list[tuple]:
    p = transformed(mini(pat), transform)
    return [(e.whole.begin, e.whole.end, strudel_value(e.value)) for e in p.onsets(begin, end)]

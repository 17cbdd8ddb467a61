"""Adapter for the Strudel conformance suite (../shared/oracle/strudel/check.py).

    python3 ../shared/oracle/strudel/check.py --adapter tests.oracle_adapter:query

`query(pat, transform, begin, end)` parses `pat` with phonon's mini-notation, applies the
Haskell-style `transform` chain (`every 3 (fast 2) ; rev`) through `TRANSFORMS`, and returns
`(whole_begin, whole_end, value)` for every event whose onset lies in [begin, end).
"""
from __future__ import annotations

import importlib.util
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable

from phonon.patterns import Pattern, TRANSFORMS, mini

_CHECK = Path(__file__).resolve().parents[1].parent / "shared/oracle/strudel/check.py"


def _load_parse_transform() -> Callable[[str | None], list]:
    spec = importlib.util.spec_from_file_location("strudel_oracle_check", _CHECK)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {_CHECK}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.parse_transform


_parse_transform = None


def _arg(a: Any) -> Any:
    if isinstance(a, list):  # a function: a chain of steps
        return _chain(a)
    if isinstance(a, str):  # check.Mini, a quoted mini-notation argument
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


def query(pat: str, transform: str | None, begin: Fraction, end: Fraction) -> list[tuple]:
    global _parse_transform
    p = mini(pat)
    if transform:
        if _parse_transform is None:
            _parse_transform = _load_parse_transform()
        p = _chain(_parse_transform(transform))(p)
    return [(e.whole.begin, e.whole.end, e.value) for e in p.onsets(begin, end)]

"""Small helpers shared by the compiler modules."""
from __future__ import annotations

import difflib

from ..plugins.api import Param
from . import ast as A
from .values import Num, Text, Value


class Stop(Exception):
    """Internal: a fatal problem in the current expression (already recorded as an error)."""


def suggest(word: str, candidates: list[str], prefix: str = "") -> str | None:
    """did-you-mean, preferring another case (`LPF`), then a transposition (`lfp` -> `lpf`)."""
    for test in (lambda c: c.lower() == word.lower(), lambda c: sorted(c) == sorted(word)):
        for c in candidates:
            if c != word and len(c) == len(word) and test(c):
                return f"did you mean '{prefix}{c}'?"
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f"did you mean '{prefix}{close[0]}'?" if close else None


def pos_of(e: A.Expr) -> A.Pos:
    """Where an expression starts (its leftmost token)."""
    while True:
        if isinstance(e, A.BinOp):
            e = e.left
        elif isinstance(e, A.Chain):
            e = e.stages[0]
        elif isinstance(e, A.Apply):
            e = e.parts[0]
        else:
            return e.pos


def extra_param(name: str) -> Param:
    """The declaration assumed for a keyword of a node with `extra_params` (e.g. vst3)."""
    p = Param(0.0)
    p.name = name
    return p


def fmt(x: float) -> str:
    """A number as messages show it (`2`, `0.5`, `-120`)."""
    return f"{x:g}"


def num(x: float) -> int | float:
    """A number as transforms get it: integral values as int (`every 3`)."""
    return int(x) if float(x).is_integer() else x


def src(v: Value) -> str:
    """Program-like text for a value, kept in `PatternArg.source`."""
    if isinstance(v, Num):
        return fmt(v.value)
    if isinstance(v, Text):
        return f'"{v.text}"'
    return getattr(v, "source", "?")


def describe_arg(e: A.Expr) -> str:
    """How the parser describes an argument's first token: `bus '~y'`, `number 3`, ..."""
    if isinstance(e, A.BusRef):
        return f"bus '~{e.name}'"
    if isinstance(e, A.Number):
        return f"number {e.text}"
    if isinstance(e, A.String):
        return f'string "{e.text}"'
    if isinstance(e, A.Call):
        return f"'{e.name}'"
    return "an argument"

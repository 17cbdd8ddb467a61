"""Reading words as numbers the way JavaScript's `Number()` does (Strudel's atoms)."""
from __future__ import annotations

import re
from typing import Any

_WS = " \n\r\t\u00a0"
_JS_DECIMAL_RE = re.compile(r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
_JS_INT_RE = re.compile(r"^[+-]?[0-9]+$")
_JS_RADIX = {"0x": (16, re.compile(r"^[0-9a-fA-F]+$")), "0o": (8, re.compile(r"^[0-7]+$")),
             "0b": (2, re.compile(r"^[01]+$"))}


def parse_number(text: str) -> int | float | None:
    """The number JavaScript's `Number(text)` gives, or None when it gives NaN.

    Integers written without a point or exponent become `int`, the rest `float`.
    """
    s = text.strip(_WS)
    if s == "":
        return None
    if s[0].isalpha():                 # a word ("bd"): of these only "Infinity" is a number
        return float("inf") if s == "Infinity" else None
    if _JS_INT_RE.match(s):
        return int(s)
    if _JS_DECIMAL_RE.match(s):
        return float(s)
    if s in ("Infinity", "+Infinity"):
        return float("inf")
    if s == "-Infinity":
        return float("-inf")
    radix = _JS_RADIX.get(s[:2].lower())
    if radix and radix[1].match(s[2:]):
        return int(s[2:], radix[0])
    return None


def atom_value(text: str) -> Any:
    """The value of a mini-notation word: a number if it reads as one, else the string."""
    n = parse_number(text)
    return text if n is None else n



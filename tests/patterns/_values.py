"""Value formatting shared by the pattern tests: JavaScript-style, as the Strudel oracle prints."""
from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction


def js_number_str(x) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, Fraction) and x.denominator == 1:
        return str(x.numerator)
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e21:
        return str(int(x))
    sign = "-" if x < 0 else ""
    _, digits, exp = Decimal(repr(abs(x))).as_tuple()
    ds = "".join(map(str, digits)).rstrip("0")
    exp += len(digits) - len(ds)
    ds = ds.lstrip("0") or "0"
    k = len(ds)
    n = exp + k
    if k <= n <= 21:
        return sign + ds + "0" * (n - k)
    if 0 < n <= 21:
        return sign + ds[:n] + "." + ds[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + ds
    e = n - 1
    return sign + (ds if k == 1 else ds[0] + "." + ds[1:]) + "e" + ("+" if e > 0 else "-") + str(abs(e))


def value_str(v) -> str:
    """bd:3 -> 'bd:3', dicts -> 'k=v' sorted by key, numbers as JavaScript prints them."""
    if v is None:
        return "null"
    if isinstance(v, str):
        return v
    if isinstance(v, (bool, int, float, Fraction)):
        return js_number_str(v)
    if isinstance(v, (list, tuple)):
        return ":".join(value_str(x) for x in v)
    if isinstance(v, dict):
        return " ".join(f"{k}={value_str(v[k])}" for k in sorted(v, key=str))
    return str(v)

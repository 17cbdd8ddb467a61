"""Compare Phonon's pattern engine with Strudel's pinned answers (tests/data/strudel).

Each case is a query `(pat, transform, from, to)` and the events Strudel returned for it, as
`(whole_begin, whole_end, value_str)` triples. Deterministic cases must match exactly; cases
marked `random` match exactly too when `exact=True` (Phonon reproduces Strudel's seeded
generator), otherwise statistically: every event must be one the pattern can produce (the
case's `support_events`) and the counts must lie within a binomial tolerance.

The transform strings are Haskell-style (`every 3 (fast 2)`, steps chained with `;`,
mini-notation arguments in quotes); `parse_transform` splits them into steps.
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Union

from tests.patterns._values import value_str

EXPECTED = Path(__file__).parent / "data" / "strudel" / "expected.jsonl"

Event = tuple[Fraction, Fraction, str]
Step = tuple[str, list]
Arg = Union[Fraction, "Mini", list]


def load_cases(path: Path = EXPECTED) -> list[dict]:
    """Every case of the copied conformance suite, in file order."""
    with open(path) as fh:
        return [json.loads(line) for line in fh if line.strip()]


# ---------------------------------------------------------------- transform strings
class Mini(str):
    """A quoted mini-notation argument inside a transform string."""


_TOKEN = re.compile(r"""\s*(?:(?P<punct>[();])|(?P<quote>"[^"]*"|'[^']*')
                           |(?P<num>-?(?:\d+(?:\.\d*)?|\.\d+)(?:/\d+)?)|(?P<name>[A-Za-z_]\w*))""", re.X)


def _tokens(src: str) -> list[tuple[str, object]]:
    out, pos = [], 0
    src = src.rstrip()
    while pos < len(src):
        m = _TOKEN.match(src, pos)
        if not m:
            raise ValueError(f"transform: unexpected {src[pos:].strip()[:1]!r} in {src!r}")
        kind = m.lastgroup
        text = m.group(kind)
        value: object = {"quote": lambda t: Mini(t[1:-1]), "num": Fraction, "name": str,
                         "punct": str}[kind](text)
        out.append((text if kind == "punct" else kind, value))
        pos = m.end()
    return out


def parse_transform(src: str | None) -> list[Step]:
    """`'every 3 (fast 2) ; rev'` -> `[('every', [3, [('fast', [2])]]), ('rev', [])]`.

    An argument is a Fraction, a Mini (quoted mini-notation) or a list of steps (a function:
    a bare name like `rev`, or a parenthesised chain)."""
    if not src:
        return []
    toks = _tokens(src)
    pos = 0

    def chain() -> list[Step]:
        nonlocal pos
        steps = [step()]
        while pos < len(toks) and toks[pos][0] == ";":
            pos += 1
            steps.append(step())
        return steps

    def step() -> Step:
        nonlocal pos
        if pos >= len(toks) or toks[pos][0] != "name":
            raise ValueError(f"transform: expected a name in {src!r}")
        name = toks[pos][1]
        pos += 1
        args = []
        while pos < len(toks) and toks[pos][0] not in (")", ";"):
            args.append(arg())
        return (str(name), args)

    def arg() -> Arg:
        nonlocal pos
        kind, value = toks[pos]
        pos += 1
        if kind in ("num", "quote"):
            return value  # type: ignore[return-value]
        if kind == "name":
            return [(str(value), [])]
        if kind == "(":
            inner = chain()
            if pos >= len(toks) or toks[pos][0] != ")":
                raise ValueError(f"transform: missing ) in {src!r}")
            pos += 1
            return inner
        raise ValueError(f"transform: unexpected {kind!r} in {src!r}")

    steps = chain()
    if pos != len(toks):
        raise ValueError(f"transform: trailing input in {src!r}")
    return steps


# ---------------------------------------------------------------- comparison
def window(case: dict) -> tuple[Fraction, Fraction]:
    return Fraction(str(case["from"])), Fraction(str(case["to"]))


def expected_events(case: dict, key: str = "events") -> list[Event]:
    return sorted((Fraction(a), Fraction(b), v) for a, b, v in case.get(key, []))


def normalise(events, begin: Fraction, end: Fraction) -> list[Event]:
    """An adapter's `(whole_begin, whole_end, value)` tuples with onsets in [begin, end)."""
    out = [(Fraction(a), Fraction(b), value_str(v)) for a, b, v in events]
    return sorted(e for e in out if begin <= e[0] < end)


def _tolerance(n_expected: int, n_support: int, clump: int = 1) -> int:
    """Allowed |got - expected| for a count Strudel drew at random: both counts are samples of
    a binomial over `n_support` draws (hence the 2 in the variance), 3 sigma plus 2."""
    p = min(1.0, n_expected / max(n_support, 1))
    return math.ceil(3 * math.sqrt(2 * n_support * p * (1 - p) * clump)) + 2


def _show(events: list[Event], limit: int = 6) -> str:
    text = " ".join(f"{a}-{b}:{v}" for a, b, v in events[:limit])
    return text + (" ..." if len(events) > limit else "")


def random_problems(case: dict, got: list[Event]) -> list[str]:
    """Why `got` is not a plausible draw of the random case (empty when it is)."""
    want = expected_events(case)
    support = expected_events(case, "support_events")
    clump = case.get("clump", 1)
    problems = []
    allowed = set(support)
    outside = [e for e in got if e not in allowed]
    if outside:
        problems.append(f"{len(outside)} events no random outcome can produce: {_show(outside)}")
    tol = _tolerance(len(want), len(support), clump)
    if abs(len(got) - len(want)) > tol:
        problems.append(f"event count {len(got)}, Strudel {len(want)} (tolerance ±{tol})")
    n_want, n_got, n_sup = (Counter(v for *_, v in evs) for evs in (want, got, support))
    for v in sorted(set(n_want) | set(n_got)):
        t = _tolerance(n_want[v], n_sup[v], clump)
        if abs(n_got[v] - n_want[v]) > t:
            problems.append(f"value {v!r}: count {n_got[v]}, Strudel {n_want[v]} (tolerance ±{t})")
    return problems


def difference(want: list[Event], got: list[Event]) -> str:
    """A short account of what is missing and what is extra."""
    missing = sorted((Counter(want) - Counter(got)).elements())
    extra = sorted((Counter(got) - Counter(want)).elements())
    return (f"{len(got)} events, Strudel {len(want)}; missing ({len(missing)}): {_show(missing)}; "
            f"unexpected ({len(extra)}): {_show(extra)}")

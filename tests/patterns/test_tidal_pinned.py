"""TidalCycles' own answers (tidal_pinned.jsonl, pinned by pin_tidal_answers.py from Tidal 1.7.10
in ghci) for rot, spin, gap, chew, bite, fit, stretch, scale, toScale, quantise, every',
foldEvery, discretise, weave, arp and chord names: the same events, times exact, numbers to
1e-9. Pan is compared on Tidal's 0..1 scale (Phonon's -1..1 mapped, as for Strudel). Tidal's
gap also sets n=1 on every grain (its boolean pattern leaks in as a note); Phonon does not, and
that key is left out of the comparison."""
from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from tests.oracle_adapter import strudel_value
from tests.patterns.tidal_cases import CASES

PINNED = [json.loads(l) for l in (Path(__file__).parent / "tidal_pinned.jsonl").read_text().splitlines() if l]
BUILDERS = {expr: build for expr, _, _, _, build in CASES}


def _number(text: str):
    try:
        return float(text)
    except ValueError:
        return text


def _tidal_value(kind: str, text: str):
    if kind != "ctl":
        return _number(text)
    return {k: _number(v) for k, v in (w.split("=", 1) for w in text.split())}


def _phonon_value(kind: str, v):
    v = strudel_value(v)
    if isinstance(v, dict):
        return {k: _number(str(x)) if not isinstance(x, (int, float, Fraction)) else float(x)
                for k, x in v.items()}
    return float(v) if isinstance(v, (int, float, Fraction)) else v


def _same(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 1e-9
    return a == b


def test_every_case_is_pinned():
    assert [c["tidal"] for c in PINNED] == [expr for expr, *_ in CASES]
    assert all(c["events"] for c in PINNED)


@pytest.mark.parametrize("case", PINNED, ids=[c["tidal"][:70] for c in PINNED])
def test_matches_tidal(case):
    kind = case["kind"]
    pat = BUILDERS[case["tidal"]]()
    got = [(e.whole.begin, e.whole.end, _phonon_value(kind, e.value))
           for e in pat.onsets(Fraction(case["from"]), Fraction(case["to"]))]
    want = [(Fraction(b), Fraction(e), _tidal_value(kind, v)) for b, e, v in case["events"]]
    if case["tidal"].startswith("gap"):
        want = [(b, e, {k: x for k, x in v.items() if k != "n"}) for b, e, v in want]
    key = lambda ev: (ev[0], ev[1], json.dumps(ev[2], sort_keys=True, default=str))  # noqa: E731
    got, want = sorted(got, key=key), sorted(want, key=key)
    assert len(got) == len(want), (got, want)
    for g, w in zip(got, want):
        assert g[:2] == w[:2] and _same(g[2], w[2]), (g, w)

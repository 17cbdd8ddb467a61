"""Strudel's answers for patterns and transforms beyond the conformance suite, pinned in
strudel_pinned.jsonl by pin_strudel_answers.py. Compared exactly, random cases included
(the engine reproduces Strudel's seeded generator)."""
from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from tests.oracle_adapter import query

CASES = [json.loads(l) for l in (Path(__file__).parent / "strudel_pinned.jsonl").read_text().splitlines() if l]


def _norm(events):
    from tests.patterns._values import value_str
    return sorted((Fraction(a), Fraction(b), value_str(v)) for a, b, v in events)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['pat']!r} {c.get('transform', '')}" for c in CASES])
def test_matches_strudel_exactly(case):
    begin, end = Fraction(str(case["from"])), Fraction(str(case["to"]))
    got = _norm(query(case["pat"], case.get("transform"), begin, end))
    want = sorted((Fraction(e["whole_begin"]), Fraction(e["whole_end"]), e["value_str"]) for e in case["events"])
    assert got == want


def test_pinned_file_covers_random_and_transform_cases():
    assert len(CASES) >= 80
    assert sum(1 for c in CASES if c.get("random")) >= 15
    assert sum(1 for c in CASES if c.get("transform")) >= 40

"""Phonon expressions that combine patterns — Tidal's operator family (`|+ +| |+| |- ... |% |<
|>`) and the list expressions (`stack`, `cat`, `fastcat`, `randcat`/`choose`, `wchoose`) —
against Strudel's answers pinned in strudel_expressions.jsonl by pin_strudel_expressions.py
(Strudel 1.2.6: `|op` is `op.in`, `op|` is `op.out`, `|op|` is `op.mix`; random choices
compared exactly). Each case compiles `out: <expression>` and queries the pattern the output
plays."""
from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from phonon.lang import compile_program
from phonon.lang.ir import PatternArg
from phonon.patterns import Pattern
from tests.patterns._values import value_str

CASES = [json.loads(line) for line in
         (Path(__file__).parent / "strudel_expressions.jsonl").read_text().splitlines() if line]


def played_pattern(expression: str) -> Pattern:
    """The pattern the output node of `out: <expression>` plays (a `sig` or an `s` node)."""
    ir = compile_program(f"out: {expression}")
    node = ir.nodes[ir.outputs["out"]]
    (arg,) = [a for a in node.params.values() if isinstance(a, PatternArg)]
    return arg.pattern


@pytest.mark.parametrize("case", CASES, ids=[c["phonon"] for c in CASES])
def test_expression_matches_strudel(case):
    begin, end = Fraction(case["from"]), Fraction(case["to"])
    got = sorted((e.whole.begin, e.whole.end, value_str(e.value))
                 for e in played_pattern(case["phonon"]).onsets(begin, end))
    want = sorted((Fraction(e["whole_begin"]), Fraction(e["whole_end"]), e["value_str"])
                  for e in case["events"])
    assert got == want


def test_every_operator_and_structure_is_pinned():
    ops = {c["phonon"].split()[2] if c["phonon"].startswith('"') else "" for c in CASES}
    assert {f"{a}{o}{b}" for o in "+-*/%<>" for a, b in (("|", ""), ("", "|"), ("|", "|"))} <= ops

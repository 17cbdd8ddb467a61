"""Every program in examples/ compiles against the real node library and pattern engine, and
its `-- check:` line pins what it must produce (buses, outputs, samples, tempo, feedback)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from phonon.lang import compile_program
from phonon.plan import plan

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.ph"))


def expectations(text: str) -> dict[str, str] | None:
    m = re.search(r"^-- check: (.*)$", text, re.M)
    return dict(item.split("=", 1) for item in m.group(1).split()) if m else None


def test_there_are_at_least_forty_checked_examples() -> None:
    assert sum(expectations(p.read_text()) is not None for p in EXAMPLES) >= 40


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example(path: Path) -> None:
    text = path.read_text()
    expect = expectations(text)
    ir = compile_program(text, file=path.name)
    flat = plan(ir, prune=False).order
    assert sorted(flat) == sorted(ir.nodes) and flat[-1] == ir.master
    if expect is None:      # an example without a `-- check:` line only has to compile
        return
    assert set(ir.buses) <= set(_names(text, r"^~(\w+)\s*[:$]"))
    assert len(ir.buses) == int(expect["buses"])
    assert list(ir.outputs) == [o for o in expect["outputs"].split(",") if o]
    assert ir.samples == {s for s in expect["samples"].split(",") if s}
    assert len(ir.feedback) == int(expect.get("feedback", "0"))
    assert ir.cps == pytest.approx(float(expect.get("cps", "0.5")))
    assert len(ir.warnings) == int(expect.get("warnings", "0")), [w.format() for w in ir.warnings]


def _names(text: str, pattern: str) -> list[str]:
    return re.findall(pattern, text, re.M)

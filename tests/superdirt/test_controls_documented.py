"""docs/samples.md lists every control the `s` voices and the orbits apply, every Tidal alias
they accept, each in a table row with its formula; and the control report accepts exactly
those (no control documented but reported, none applied but undocumented)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from phonon.lang import compile_program
from phonon.patterns.controls import ALIASES, EFFECT_CONTROLS, ORBIT_CONTROLS, SOUND_CONTROLS
from phonon.samples import voice_controls

DOC = Path(__file__).resolve().parents[2] / "docs" / "samples.md"


def table_rows() -> list[tuple[set[str], str]]:
    """Each table row: the backquoted names of its first column(s), and its last cell."""
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| ") or line.startswith("| ---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        rows.append((set(re.findall(r"`([A-Za-z]+)`", " ".join(cells[:-1]))), cells[-1]))
    return rows


@pytest.mark.parametrize("name", voice_controls())
def test_every_applied_control_has_a_row_with_its_formula(name):
    formulas = [formula for names, formula in table_rows() if name in names]
    assert formulas, f"docs/samples.md has no table row for `{name}`"
    assert all(len(f) > 10 for f in formulas)    # the meaning / formula cell is filled


@pytest.mark.parametrize("alias,name", sorted((a, n) for a, n in ALIASES.items()
                                               if n in voice_controls()))
def test_every_alias_is_documented_next_to_its_control(alias, name):
    assert any({alias, name} <= names for names, _ in table_rows()), f"`{alias}` (= `{name}`)"


def test_the_modules_in_the_docs_are_superdirts_order():
    text = DOC.read_text(encoding="utf-8")
    table = text[text.index("| module |"):text.index("Not implemented")]
    modules = [line.split(" | ")[0].strip("| ") for line in table.splitlines()[2:] if line.startswith("| ")]
    assert modules == list(EFFECT_CONTROLS)


def test_no_documented_control_is_reported_as_ignored():
    names = list(SOUND_CONTROLS[1:]) + [c for cs in EFFECT_CONTROLS.values() for c in cs] \
        + list(ORBIT_CONTROLS) + [a for a, n in ALIASES.items() if n in voice_controls()]
    values = {"vowel": '"a"', "unit": '"c"', "orbit": "1"}
    src = 'out: s "bd"' + "".join(f" # {n} {values.get(n, '0.5')}" for n in dict.fromkeys(names)
                                  if n not in ("s", "sound"))
    ir = compile_program(src + "\n", file="t.ph")
    assert [w.message for w in ir.warnings] == []

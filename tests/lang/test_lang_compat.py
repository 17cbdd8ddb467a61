"""docs/compat.md is generated from the registries (python -m phonon.lang.compat): this test
fails when the page and the node registry, the transform table or the statement list disagree,
i.e. when a helper adds a transform or a node and does not regenerate the page."""
from __future__ import annotations

import re
from pathlib import Path

from phonon.lang import compat
from phonon.lang.lexer import COMMAND_WORDS, SETTING_WORDS, TEMPO_WORDS

PAGE = Path(__file__).resolve().parents[2] / "docs" / "compat.md"


def test_the_page_matches_the_registries():
    assert PAGE.read_text(encoding="utf-8") == compat.render(), (
        "docs/compat.md is out of date: run `python -m phonon.lang.compat --write docs/compat.md`"
        " and review the diff")


def test_every_statement_word_has_a_row():
    """A statement word the language knows is the original's (a row) or listed as an addition."""
    keys = " ".join(key for key, _ in compat.STATEMENTS)
    for word in COMMAND_WORDS + TEMPO_WORDS + SETTING_WORDS:
        assert re.search(rf"`{word}\b", keys) or word in compat.ADDITIONS, word


def test_remarks_name_existing_rows():
    rows = ({key for key, _ in compat.STATEMENTS} | {key for key, _ in compat.MINI}
            | set(compat.TRANSFORM_NAMES) | {" / ".join(f"`{n}`" for n in r) for r in compat.NODE_ROWS})
    assert not (set(compat.DIFFERENT) | set(compat.NOTES)) - rows


def test_status_is_computed_from_the_registries():
    sections = dict(compat.sections())
    transforms = {key: status for key, status, _ in sections["Transforms (§3.2)"]}
    assert transforms["fast"] == "yes" and transforms["rev"] == "differs"
    statements = {key: status for key, status, _ in sections["Statements and expression forms (PHONON-RS §1.2-1.4)"]}
    assert all(status != "not yet" for status in statements.values())
    nodes = {key: status for key, status, _ in sections["Nodes and functions (§5)"]}
    assert nodes["`lpf`"] == "yes" and nodes["`vst` / `vst2` / `vst3` / `au` / `clap` / `lv2` / `plugin`"] == "yes"


def test_the_command_checks_and_writes(tmp_path):
    out = tmp_path / "compat.md"
    assert compat.main(["--write", str(out)]) == 0
    assert compat.main(["--check", str(out)]) == 0
    out.write_text("stale")
    said = []
    assert compat.main(["--check", str(out)], write=said.append) == 1
    assert "is out of date" in said[0]

"""Every `phonon` code block of docs/language.md is a whole program that the real
`phonon check` accepts, as written (the section on the original's forms: transform arities,
`# scale`/`# chord`, chords and `(a b, c)` in mini-notation, `n`/`note` as frequencies).
What each form does is tested in test_lang_original_transforms.py; this keeps the page true."""
from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from phonon.commands import check

PAGE = Path(__file__).resolve().parents[2] / "docs" / "language.md"
BLOCKS = re.findall(r"```phonon\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)
#: what the blocks must show between them (the page's promise; a block lost fails here)
FORMS = ["stutter 4 (1/8)", "$ stutter 4\n", "inside 0 0.5", "inside 2 rev",
         "foldEvery [rev, fast 2] 2", "foldEvery [3, 5]", '# scale "minor"', '$ scale "major"',
         '# chord "maj"', "c'maj", "'ii", "(3,8)", "(bd sn, hh*3)", 'sine (n "0 4 7")']


def test_the_page_shows_every_form():
    text = "\n".join(BLOCKS)
    assert [f for f in FORMS if f not in text] == []


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_each_block_passes_phonon_check(block, tmp_path, capsys):
    path = tmp_path / "example.ph"
    path.write_text(block, encoding="utf-8")
    parser = argparse.ArgumentParser()
    check.add_arguments(parser)
    code = check.run(parser.parse_args([str(path)]))
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith(f"{path}: ok")

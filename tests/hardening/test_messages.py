"""Messages a performer can read (issue 13): capped, located, in Phonon's words — never a 35 KB
message, a numpy RuntimeWarning or Python's "Invalid literal for Fraction"."""
from __future__ import annotations

import pytest

from phonon.errors import LINE_CHARS, PhononError, PhononErrors
from phonon.lang import compile_program

from .probe_run import phonon


def test_a_long_source_line_is_shown_around_the_column():
    line = "out: " + " + ".join(["sine 440"] * 5000) + " # lfp 3"
    col = line.index("lfp") + 1
    err = PhononError("unknown function 'lfp'", file="t.ph", line=1, col=col, source_line=line)
    head, shown, caret = err.format().splitlines()
    assert len(shown) <= 4 + LINE_CHARS and shown.startswith("    ...")
    assert shown.endswith("# lfp 3")
    assert caret == "    " + " " * (caret.index("^") - 4) + "^"
    assert shown[caret.index("^"):].startswith("lfp 3")


def test_many_errors_show_the_first_ten_and_a_count():
    errors = PhononErrors([PhononError(f"bad {k}", file="t.ph", line=k, col=1) for k in range(1, 36)])
    text = errors.format()
    lines = text.splitlines()
    assert lines[:10] == [f"t.ph:{k}:1: bad {k}" for k in range(1, 11)]
    assert lines[10:] == ["... and 25 more errors"]


def test_check_of_a_huge_line_prints_a_short_message(tmp_path):
    """The message for a mistake at the end of a 55,000-character line was 35 KB long."""
    (tmp_path / "typo.ph").write_text("out: " + " + ".join(["sine 440"] * 5000) + " # lfp 3\n")
    run = phonon("check", "typo.ph", cwd=tmp_path, timeout=120)
    assert run.status == 1 and run.clean
    assert len(run.stderr) < 600
    assert run.stderr.splitlines()[0] == \
        "typo.ph:1:55006: unknown function 'lfp' — did you mean 'lpf'?"


def test_a_program_with_200_errors_prints_ten_of_them(tmp_path):
    (tmp_path / "bad.ph").write_text("".join(f"~b{k}: saw 55 # lfp 3\n" for k in range(200)))
    run = phonon("check", "bad.ph", cwd=tmp_path)
    lines = run.stderr.splitlines()
    assert run.status == 1 and run.clean
    assert sum(line.startswith("bad.ph:") for line in lines) == 10
    assert lines[-2:] == ["... and 190 more errors", "200 errors in bad.ph"]


@pytest.mark.parametrize("program, message", [
    ('out: fast "x" $ s "bd"', "t.ph:1:11: fast: factor expects numbers, but \"x\" holds 'x'"),
    ('out: s "bd" $ swingBy "x" 4', "t.ph:1:23: swingBy: amount expects numbers, but \"x\" holds 'x'"),
    ('out: s "bd*x"', "t.ph:1:11: expected a number of cycles, got 'x'"),
    ('out: s "bd" $ fast "1 <2 x>"', "t.ph:1:15: 'fast': expected a number of cycles, got 'x'"),
    ('out: s "bd" $ degradeBy "x"', "t.ph:1:25: degradeBy: amount expects numbers, but \"x\" holds 'x'"),
])
def test_python_internal_texts_never_reach_the_user(program, message):
    """'Invalid literal for Fraction: 'x'' and "'>' not supported between instances of 'float'
    and 'str'" were shown as they are."""
    with pytest.raises(PhononErrors) as err:
        compile_program(program, file="t.ph")
    assert err.value.errors[0].headline == message


def test_numpy_warnings_never_reach_the_user(tmp_path):
    """An overflow inside a node printed numpy's RuntimeWarning with the node's source line."""
    (tmp_path / "loud.ph").write_text("out: sine 440 * 1e38 * 1e38\n")
    run = phonon("render", "loud.ph", "loud.wav", "-d", "0.5", cwd=tmp_path)
    assert run.status == 0 and run.clean
    assert "Warning" not in run.stderr and "encountered" not in run.stderr
    assert "produced NaN/Inf; it was reset" in run.stderr

"""The package foundation: console script, version, registry mechanics, error formatting."""
from __future__ import annotations

import subprocess
import sys

import pytest

import phonon
from phonon.errors import MiniNotationError, PhononError, PhononErrors, did_you_mean
from phonon.plugins import Node, Param, Registry, node


def test_version_and_help_from_the_console_script():
    out = subprocess.run(["phonon", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"phonon {phonon.__version__}"
    out = subprocess.run([sys.executable, "-m", "phonon", "--help"], capture_output=True, text=True, check=True)
    for command in ("render", "check", "nodes"):
        assert command in out.stdout


def test_error_format_has_location_source_line_and_caret():
    err = PhononError("expected ']'", file="a.ph", line=3, col=10, source_line='~x: "bd [sn hh"',
                      hint="close the group")
    assert err.format().splitlines() == [
        "a.ph:3:10: expected ']' — close the group",
        '    ~x: "bd [sn hh"',
        "             ^",
    ]


def test_relocate_moves_a_mini_notation_error_into_the_program():
    inner = MiniNotationError("expected ']'", col=10, source_line="bd [sn hh")
    moved = inner.relocate(file="song.ph", line=2, col_offset=8, source_line='~d: s "bd [sn hh"')
    assert isinstance(moved, MiniNotationError)
    assert (moved.file, moved.line, moved.col) == ("song.ph", 2, 18)


def test_errors_collect_in_source_order():
    errs = PhononErrors([PhononError("b", line=5, col=1), PhononError("a", line=2, col=4)])
    assert [e.message for e in errs.errors] == ["a", "b"]
    assert str(errs).splitlines()[0] == "<input>:2:4: a"


def test_did_you_mean():
    assert did_you_mean("lfp", ["lpf", "hpf", "reverb"]) == "did you mean 'lpf'?"
    assert did_you_mean("zzzz", ["lpf"]) is None


def _make(name: str, aliases=()):
    @node(name, doc=f"test node {name}", inputs=1, aliases=aliases)
    class T(Node):
        cutoff = Param(1000.0, unit="Hz", lo=10, hi=20000)
        q = Param(0.707)

    return T


def test_node_declaration_records_params_in_order():
    T = _make("tlpf")
    assert [p.name for p in T.spec.params] == ["cutoff", "q"]
    assert T.spec.param("cutoff").unit == "Hz"
    assert T.spec.inputs == 1


def test_registry_reports_clashes_instead_of_shadowing():
    reg = Registry()
    A, B = _make("tnode"), _make("tnode")
    assert reg.register(A, "built-in")
    assert not reg.register(B, "some-plugin")
    assert reg.get("tnode") is A
    assert len(reg.clashes) == 1 and "some-plugin" in reg.clashes[0]


def test_registry_aliases_resolve_to_the_canonical_name():
    reg = Registry()
    A = _make("tlowpass", aliases=("tlp",))
    reg.register(A)
    assert reg.get("tlp") is A and reg.canonical("tlp") == "tlowpass"


def test_a_non_node_class_cannot_be_declared():
    with pytest.raises(TypeError):
        node("bad")(object)


def test_with_source_fills_in_the_line_and_caret():
    err = PhononError("vst3: unknown plugin 'ZamCmop'", file="v.ph", line=2, col=11)
    text = "cps: 1\nout: ~a # vst3 \"ZamCmop\"\n"
    assert err.with_source(text).format().splitlines()[1:] == [
        '    out: ~a # vst3 "ZamCmop"', "              ^"]
    both = PhononErrors([err, PhononError("x", line=1, col=1)]).with_source(text)
    assert [e.source_line for e in both.errors] == ["cps: 1", 'out: ~a # vst3 "ZamCmop"']

"""`phonon check` and `phonon nodes`: exit codes and exact output."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from phonon.commands import check, nodes
from phonon.plugins.api import Node, Param, node
from phonon.plugins.registry import Broken, Registry
from tests.lang.lang_fixtures import NODE_CLASSES

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run_check(path: Path, capsys, *extra: str) -> tuple[int, str, str]:
    p = argparse.ArgumentParser()
    check.add_arguments(p)
    code = check.run(p.parse_args([str(path), *extra]))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_reference_program(capsys) -> None:
    code, out, err = run_check(EXAMPLES / "reference_bus.ph", capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].endswith("reference_bus.ph: ok")
    assert lines[1:9] == [
        "  tempo     0.5 cps",
        "  buses     7: ~kick ~snare ~hats ~drums ~drums_reverb ~drums_delay ~drums_wet",
        "  outputs   1: out",
        "  nodes     17",
        "  waves     11",
        "  feedback  0",
        "  samples   3: bd hh sn",
        "waves:",
    ]
    # the acceptance criterion: both sends in one wave
    assert "  3: ~drums_reverb [reverb], ~drums_delay [delay]" in lines


def test_check_reports_feedback(capsys) -> None:
    code, out, _ = run_check(EXAMPLES / "feedback_self.ph", capsys)
    assert code == 0
    assert "  feedback  1" in out.splitlines()
    assert "feedback: ~echo/0.1.0#1:delay reads ~echo [add] 64 frames late" in out.splitlines()


def test_check_reports_every_error_and_exits_1(tmp_path: Path, capsys) -> None:
    f = tmp_path / "bad.ph"
    f.write_text('~a: saw 110 # lfp 800\nout: ~a + ~b\n')
    code, out, err = run_check(f, capsys, "--no-sample-check")
    assert code == 1 and out == ""
    assert err == (
        f"{f}:1:15: unknown function 'lfp' — did you mean 'lpf'?\n"
        "    ~a: saw 110 # lfp 800\n"
        "                  ^\n"
        f"{f}:2:11: unknown bus '~b' — define it on its own line: ~b: ...\n"
        "    out: ~a + ~b\n"
        "              ^\n"
        f"2 errors in {f}\n")


def test_check_unknown_sample_against_sample_roots(tmp_path: Path, capsys) -> None:
    root = tmp_path / "samples"
    (root / "arpy").mkdir(parents=True)
    (root / "arpy" / "arpy01.wav").write_bytes(b"")
    f = tmp_path / "s.ph"
    f.write_text('out: s "arpi bd"\n')
    code, _, err = run_check(f, capsys, "--samples", str(root))
    assert code == 1
    assert err.splitlines()[0] == f"{f}:1:9: unknown sample 'arpi' — did you mean 'arpy'?"


def test_check_missing_file(tmp_path: Path, capsys) -> None:
    code, out, err = run_check(tmp_path / "nope.ph", capsys)
    assert code == 1 and out == "" and err.startswith(f"phonon check: cannot read {tmp_path / 'nope.ph'}")


@node("lpf", doc="a third-party lpf")
class _OtherLpf(Node):
    gain = Param(1.0)


def test_nodes_lists_params_source_broken_and_clashes(capsys) -> None:
    reg = Registry()
    for cls in NODE_CLASSES:
        reg.register(cls, "built-in")
    reg.register(_OtherLpf, "phonon-extra")
    reg.broken.append(Broken("fancy", "phonon-fancy", "ImportError: no module named 'fancy'"))
    p = argparse.ArgumentParser()
    nodes.add_arguments(p)
    assert nodes.run(p.parse_args([]), registry=reg) == 0
    out = capsys.readouterr().out
    assert "lpf — 1 input, from built-in\n    low-pass\n    cutoff = 1000.0 Hz [10..20000]\n    q = 0.707 [0.1..50]\n" in out
    assert "s (also sound) — source, from built-in\n    sample voices\n    pattern required (events)\n" in out
    assert "broken plugins (not loaded):\n  fancy from phonon-fancy: ImportError: no module named 'fancy'" in out
    assert "name clashes:\n  node 'lpf' from phonon-extra" in out
    assert out.rstrip().endswith(f"{len(NODE_CLASSES)} nodes")


def test_nodes_json(capsys) -> None:
    reg = Registry()
    for cls in NODE_CLASSES:
        reg.register(cls, "built-in")
    p = argparse.ArgumentParser()
    nodes.add_arguments(p)
    assert nodes.run(p.parse_args(["--json", "delay"]), registry=reg) == 0
    data = json.loads(capsys.readouterr().out)
    (d,) = data["nodes"]
    assert (d["name"], d["source"], d["inputs"]) == ("delay", "built-in", 1)
    assert [(q["name"], q["default"], q["lo"], q["hi"]) for q in d["params"]] == [
        ("time", 0.25, 0.0, 10.0), ("feedback", 0.5, -1.0, 1.0), ("mix", 0.5, 0.0, 1.0)]
    assert data["broken"] == [] and data["clashes"] == []


def test_nodes_unknown_name_suggests(capsys) -> None:
    reg = Registry()
    for cls in NODE_CLASSES:
        reg.register(cls, "built-in")
    p = argparse.ArgumentParser()
    nodes.add_arguments(p)
    assert nodes.run(p.parse_args(["revreb"]), registry=reg) == 1
    assert capsys.readouterr().out == "phonon nodes: no node named 'revreb' — did you mean 'reverb'?\n"


def test_cli_dispatches_check(capsys) -> None:
    from phonon.cli import main
    assert main(["check", str(EXAMPLES / "four_on_the_floor.ph")]) == 0
    assert "four_on_the_floor.ph: ok" in capsys.readouterr().out


def test_check_shows_the_statements(capsys, tmp_path) -> None:
    prog = tmp_path / "s.ph"
    prog.write_text('bpm: 120 "3/4"\noutmix: tanh\nbuffer: 256\nsetCycle 2\nnudge 0.25\n'
                    'out: sine 2\nout2: sine 3\nhush2\n')
    code, out, err = run_check(prog, capsys)
    lines = out.splitlines()
    assert code == 0 and err == ""
    assert lines[1] == "  tempo     2 cps (3/4)"
    assert lines[3] == "  outputs   2: out out2 (hushed)"
    assert lines[8] == ("  statements outmix tanh; setCycle 2; nudge 1/4; buffer 256 "
                        "(the block size is chosen with -b)")

"""The command line a newcomer meets (issue 11): bare `phonon`, closed pipes, several files to
check, a VST3 name that matches nothing, the first plugin scan, broken installs, and
`phonon.render` given a file."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import phonon
from phonon.cli import SIGPIPE_STATUS, main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.ph"))
PHONON = [sys.executable, "-m", "phonon"]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*PHONON, *args], capture_output=True, text=True, env=env, timeout=300,
                          cwd=ROOT)


def test_bare_phonon_prints_the_help_and_exits_2(capsys):
    assert main([]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("usage: phonon [-h] [--version] COMMAND ...")
    assert "render" in err and "check" in err and "vst3" in err
    proc = run()
    assert proc.returncode == 2 and proc.stderr.startswith("usage: phonon")


def test_a_command_module_that_does_not_import_fails_loudly(monkeypatch, capsys):
    """It used to become an '(unavailable: ...)' entry in the help: a broken install hidden.
    Every listing of the commands (`phonon`, `phonon --help`) and the command itself import
    it and fail; another command imports only its own module (issue 19: start-up time)."""
    import phonon.cli as cli
    monkeypatch.setattr(cli, "COMMANDS", [*cli.COMMANDS, ("no_such_module", "broken")])
    for argv in ([], ["--help"], ["broken"]):
        with pytest.raises(ModuleNotFoundError, match="phonon.commands.no_such_module"):
            cli.main(argv)
    assert cli.main(["nodes", "saw"]) == 0
    assert capsys.readouterr().out.startswith("saw ")


@pytest.mark.parametrize("args", [("nodes", "--json"), ("nodes",), ("nodes", "saw"),
                                  ("check", "examples/demo.ph"), ("render", "--help")])
def test_a_closed_pipe_ends_any_command_quietly(args):
    """`phonon nodes --json | head`: the reader is gone before phonon writes (the worst case);
    no traceback, the status a Unix tool reports for SIGPIPE."""
    proc = subprocess.Popen([*PHONON, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=ROOT)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    status = proc.wait(timeout=300)
    assert err == ""
    assert status == (0 if args[-1] == "--help" else SIGPIPE_STATUS)   # argparse's help: 0


def test_check_checks_every_file_and_fails_if_any_fails(tmp_path):
    bad = tmp_path / "bad.ph"
    bad.write_text("out: saw 55 # lfp 3\n")
    missing = tmp_path / "missing.ph"
    proc = run("check", "examples/demo.ph", str(bad), str(missing), "examples/euclid.ph")
    assert proc.returncode == 1
    assert proc.stdout.count(": ok\n") == 2
    assert "examples/demo.ph: ok" in proc.stdout and "examples/euclid.ph: ok" in proc.stdout
    assert f"{bad}:1:15: unknown function 'lfp' — did you mean 'lpf'?" in proc.stderr
    assert f"phonon check: cannot read {missing}: No such file or directory" in proc.stderr
    assert proc.stderr.splitlines()[-1] == f"4 files checked: 2 failed ({bad}, {missing})"


def test_check_every_example_at_once():
    proc = run("check", *[str(p.relative_to(ROOT)) for p in EXAMPLES])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(": ok\n") == len(EXAMPLES)
    assert proc.stdout.splitlines()[-1] == f"{len(EXAMPLES)} files checked: all ok"


def _fresh_vst3_cache(tmp_path) -> dict:
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    env.pop("PHONON_VST3_PATH", None)
    return env


@pytest.mark.skipif(not Path("/usr/lib/vst3/ZamComp.vst3").exists(),
                    reason="zam-plugins not installed (the README's apt line installs it)")
@pytest.mark.parametrize("command", ["vst3", "plugins"])
def test_a_vst3_name_that_matches_nothing_is_an_error_with_a_suggestion(tmp_path, command):
    env = _fresh_vst3_cache(tmp_path)
    typo = run(command, "zamcop", env=env)
    assert (typo.returncode, typo.stdout) == (1, "")
    assert typo.stderr == (f"phonon {command}: no VST3 plugin whose name contains 'zamcop' — "
                           "did you mean 'ZamComp'?\n")
    nothing = run(command, "Nope", env=env)
    assert nothing.returncode == 1
    assert nothing.stderr.startswith(f"phonon {command}: no VST3 plugin whose name contains "
                                     "'Nope' — installed: ")
    assert "ZamComp" in nothing.stderr


@pytest.mark.skipif(not Path("/usr/lib/vst3/ZamComp.vst3").exists(),
                    reason="zam-plugins not installed (the README's apt line installs it)")
def test_the_first_scan_reports_each_plugin_it_loads_and_the_cached_one_is_silent(tmp_path):
    env = _fresh_vst3_cache(tmp_path)
    first = run("vst3", "ZamComp", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stderr.splitlines() == [
        "scanning VST3 plugins (1/2): ZamComp — 13 parameters",
        "scanning VST3 plugins (2/2): ZamCompX2 — 14 parameters",
    ]
    again = run("vst3", "ZamComp", env=env)
    assert again.stderr == "" and again.stdout == first.stdout


def test_one_node_is_one_node():
    from phonon.commands.nodes import describe, format_text
    from phonon.plugins import default_registry
    assert format_text(describe(default_registry(), "saw")).splitlines()[-1] == "1 node"
    assert format_text(describe(default_registry(), None)).splitlines()[-1].endswith(" nodes")


def test_render_takes_a_path_or_a_ph_file_name(tmp_path, monkeypatch):
    demo = ROOT / "examples" / "demo.ph"
    text = phonon.render(demo.read_text(), 0.5)
    assert np.array_equal(phonon.render(demo, 0.5), text)                 # a pathlib.Path
    assert np.array_equal(phonon.render(str(demo), 0.5), text)            # an existing .ph name
    monkeypatch.chdir(ROOT)
    assert np.array_equal(phonon.render("examples/demo.ph", 0.5), text)


def test_render_of_a_missing_file_says_what_to_pass(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no program file '/nope/demo.ph': pass the "
                                                r"program's text or a Path"):
        phonon.render("/nope/demo.ph", 1)
    with pytest.raises(FileNotFoundError, match="pass the program's text or a Path"):
        phonon.render(tmp_path / "absent.ph", 1)


def test_errors_in_a_rendered_file_name_the_file(tmp_path):
    from phonon.errors import PhononError
    bad = tmp_path / "bad.ph"
    bad.write_text("out: saw 55 # lfp 3\n")
    with pytest.raises(PhononError) as info:
        phonon.render(bad, 1)
    assert str(info.value).startswith(f"{bad}:1:15: unknown function 'lfp'")

"""Nothing silently ignored: a control merged into events that the receiving node does not
apply is reported with its position by `phonon check` and at render; a plugin node declares
the controls it reads (`@node(controls=...)`) and they are never reported."""
from __future__ import annotations

import subprocess
import sys

import numpy as np

from phonon.lang import compile_program
from phonon.plugins import Node, Param, node
from phonon.plugins.testing import registry_with


def warnings_of(source: str, registry=None) -> list[str]:
    ir = compile_program(source, file="t.ph", registry=registry)
    return [f"{w.line}:{w.col}: {w.message}" for w in ir.warnings]


def test_an_unknown_control_on_s_is_reported_with_a_suggestion():
    assert warnings_of('out: s "bd*4" # squiz2 3\n') == [
        "1:17: control `squiz2` has no effect on `s`; did you mean `squiz`?"]


def test_superdirts_controls_on_s_are_not_reported():
    src = ('out: s "bd*4" # squiz 3 # lpf 300 # vowel "a" # room 0.3 # orbit 1 # accelerate 1 '
           '# unit "c" # cut 1 # legato 1 # djf 0.3 # delay 0.2 # up 3 # sz 0.5\n')
    assert warnings_of(src) == []


def test_a_control_no_voice_of_the_target_reads_is_reported():
    assert warnings_of('out: s "bd" # detune 0.2\n') == ["1:15: control `detune` has no effect on `s`"]
    assert warnings_of('~l: saw 110\nout: s "~l*2" # hold 0.2 # vowel "a"\n') == [
        "2:17: control `hold` has no effect on `poly`"]


@node("bendy", category="instrument", controls=("mybend",),
      doc="A test instrument that reads its own control `mybend`.")
class Bendy(Node):
    notes = Param(None, kind="events", doc="notes")

    def process(self, ctx, ins, p, out):
        out[:, :ctx.frames] = 0.0


def test_a_plugin_declares_the_controls_it_reads():
    reg = registry_with(Bendy)
    assert warnings_of('out: bendy "0 3" # mybend 2 # note 7\n', reg) == []
    assert warnings_of('out: bendy "0 3" # mybend2 2\n', reg) == [
        "1:20: control `mybend2` has no effect on `bendy`; did you mean `mybend`?"]
    assert Bendy.spec.describe()["controls"] == ["mybend"]


def test_phonon_check_and_render_print_the_report(tmp_path):
    prog = tmp_path / "p.ph"
    prog.write_text('out: s "bd*4" # squiz2 3\n')
    check = subprocess.run([sys.executable, "-m", "phonon", "check", str(prog)],
                           capture_output=True, text=True)
    line = f"{prog}:1:17: warning: control `squiz2` has no effect on `s`; did you mean `squiz`?"
    assert check.returncode == 0 and line in check.stdout + check.stderr
    out = tmp_path / "p.wav"
    render = subprocess.run([sys.executable, "-m", "phonon", "render", str(prog), str(out), "-d", "0.2"],
                            capture_output=True, text=True)
    assert render.returncode == 0 and line in render.stdout + render.stderr and out.exists()

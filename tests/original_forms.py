"""The two checks of the Rust original's argument forms (PHONON-RS.md §5), shared by
tests/nodes_quality (sources, filters) and tests/nodes_control (effects, envelopes, control):
each form compiles alone without warnings, and `phonon check` accepts all of them in one
program."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from phonon.lang import compile_program


def assert_form_compiles(prelude: str, expr: str) -> None:
    """`out: (expr) * 0.5` after `prelude` compiles with no warning."""
    ir = compile_program(prelude + f"out: ({expr}) * 0.5", file="forms.ph")
    assert not ir.warnings, [w.format() for w in ir.warnings]


def assert_check_accepts_all(prelude: str, forms: dict[str, str], tmp_path: Path) -> None:
    """`phonon check` exits 0 on one program holding every form of `forms` as a bus."""
    lines = [prelude.strip()] + [f"~f{i}: ({expr}) * 0.5" for i, expr in enumerate(forms.values())]
    lines.append("out: " + " + ".join(f"~f{i}" for i in range(len(forms))) + " * 0.01")
    path = tmp_path / "forms.ph"
    path.write_text("\n".join(lines) + "\n")
    proc = subprocess.run([sys.executable, "-m", "phonon", "check", str(path)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr

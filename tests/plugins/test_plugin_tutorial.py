"""docs/plugins.md's tutorial works as written: its three files, built into a package (with an
installed-style dist-info), give a `myring` node that loads, renders and passes its own test. (The tutorial's node is
not called `ring`: that name is a built-in, and a built-in keeps its name.)"""
from __future__ import annotations

import importlib
import re
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

import phonon
from phonon.plugins import Registry, default_registry

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC.read_text(), flags=re.S)


@pytest.fixture()
def myring_package(tmp_path, monkeypatch):
    default_registry()              # loaded before the package exists: it never enters it
    module, test = _blocks("python")[:2]
    project = tomllib.loads(_blocks("toml")[0])
    entry_points = project["project"]["entry-points"]["phonon.nodes"]
    assert entry_points == {"myring": "phonon_myring:MyRing"}
    (tmp_path / "phonon_myring").mkdir()
    (tmp_path / "phonon_myring" / "__init__.py").write_text(module)
    (tmp_path / "tutorial_myring_test.py").write_text(test)
    info = tmp_path / "phonon_myring-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: phonon-myring\nVersion: 0.1.0\n")
    (info / "entry_points.txt").write_text("[phonon.nodes]\nmyring = phonon_myring:MyRing\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield module, _blocks("toml")[0]
    for name in ("phonon_myring", "tutorial_myring_test"):
        sys.modules.pop(name, None)


def test_the_tutorial_plugin_is_under_30_lines(myring_package):
    module, pyproject = myring_package
    code = [line for line in (module + pyproject).splitlines() if line.strip()]
    assert len(code) < 30


def test_the_tutorial_plugin_loads_renders_and_passes_its_test(myring_package):
    reg = Registry()
    reg.load_entry_points()
    assert reg.entry("myring").source == "phonon-myring"
    assert not [c for c in reg.clashes if "myring" in str(c)]      # its name is its own
    assert reg.entry("ring").source == "built-in"                   # the built-in one is another
    importlib.import_module("tutorial_myring_test") \
        .test_myring_moves_a_sine_to_the_sum_and_difference_frequencies()

    out = phonon.render("out: sine 1000 # myring 300", 1.0, block=512, registry=reg)[0]
    spectrum = np.abs(np.fft.rfft(out))
    assert sorted(np.argsort(spectrum)[-2:]) == [700, 1300]
    # a patterned frequency switches at the half cycle; the phase runs on without a jump
    stepped = phonon.render('tempo: 1\nout: const 1 # myring "100 150"', 1.0, block=512,
                            registry=reg)[0]
    t = np.arange(44100) / 44100
    expected = np.where(t < 0.5, np.sin(2 * np.pi * 100 * t),
                        np.sin(2 * np.pi * (50 + 150 * (t - 0.5))))
    np.testing.assert_allclose(stepped, expected, atol=2e-4)

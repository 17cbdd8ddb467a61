"""`phonon nodes` shows where each node comes from, its docs, broken plugins and clashes."""
from __future__ import annotations

import os
import subprocess
import sys

from .plugin_fixtures import make_plugin_package, require_installed


def _phonon_nodes(*args: str, path: str | None = None) -> str:
    env = dict(os.environ)
    if path:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [path, env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-m", "phonon", "nodes", *args], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_nodes_lists_each_plugin_with_its_package_and_docs():
    require_installed("phonon-fold")
    require_installed("phonon-pluck")
    fold = _phonon_nodes("fold").splitlines()
    assert fold[:3] == [
        "fold — [distortion] 1 input, from phonon-fold",
        "    Wavefolder: drive the input by 1 + 9*amount, add bias, reflect at +-1 (anti-aliased).",
        "    amount = 0.5 [0..1] — drive: 0 = x1 (clean below 0 dBFS), 1 = x10",
    ]
    pluck = _phonon_nodes("kspluck").splitlines()
    assert pluck[0] == "kspluck — [instrument] source, from phonon-pluck"
    assert "    decay = 2.0 s [0.01..30] — time for the fundamental to fall 60 dB" in pluck
    everything = _phonon_nodes()
    assert "lpf — [filter] 1 input, from built-in" in everything.splitlines()


def test_nodes_lists_broken_plugins_with_the_reason_and_clashes(tmp_path):
    make_plugin_package(tmp_path, "phonon-broken", "phonon_broken_plugin",
                        "import phonon_missing_dependency\n",
                        {"wobble": "phonon_broken_plugin:Wobble"})
    make_plugin_package(tmp_path, "phonon-fake-lpf", "phonon_fake_lpf", """
        from phonon.plugins import Node, node

        @node("lpf", inputs=1, doc="an impostor")
        class Impostor(Node):
            pass
        """, {"lpf": "phonon_fake_lpf:Impostor"})
    lines = _phonon_nodes(path=str(tmp_path)).splitlines()
    broken = lines.index("broken plugins (not loaded):")
    assert lines[broken + 1] == ("  wobble from phonon-broken: ModuleNotFoundError: "
                                 "No module named 'phonon_missing_dependency'")
    clashes = lines.index("name clashes:")
    assert ("  node 'lpf' from phonon-fake-lpf (phonon_fake_lpf.Impostor) clashes with 'lpf' "
            "from built-in; keeping the built-in one") in lines[clashes + 1:]
    assert "lpf — [filter] 1 input, from built-in" in lines

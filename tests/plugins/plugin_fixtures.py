"""Shared helpers for the plugin tests: installed-package checks and throwaway plugin packages."""
from __future__ import annotations

import importlib.metadata as md
import textwrap
from pathlib import Path

import pytest

from phonon.plugins import default_registry


def require_installed(dist: str) -> None:
    """Fail with the fix when an example plugin package is not installed (the README's test
    command installs both, exactly as a user installs a plugin)."""
    try:
        md.distribution(dist)
    except md.PackageNotFoundError:
        pytest.fail(f"{dist} is not installed: run the README's test command "
                    f"(it installs -e examples/plugins/{dist})")


def make_plugin_package(root: Path, dist: str, module: str, code: str,
                        entry_points: dict[str, str]) -> None:
    """Write an installed-looking plugin into `root` (put it on sys.path): the module and a
    `.dist-info` with METADATA and a `phonon.nodes` entry-point group.

    The process-wide registry is loaded first, so a throwaway package never enters it."""
    default_registry()
    (root / f"{module}.py").write_text(textwrap.dedent(code))
    info = root / f"{dist.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
    lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[phonon.nodes]\n{lines}")

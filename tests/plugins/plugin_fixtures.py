"""Shared helpers for the plugin tests: installed-package checks and throwaway plugin packages."""
from __future__ import annotations

import importlib.metadata as md
import os
import textwrap
from pathlib import Path

import pytest

from phonon.plugins import default_registry


def require_installed(dist: str) -> None:
    """Skip when an example plugin package is not installed; under CI (env `CI` set) fail."""
    try:
        md.distribution(dist)
    except md.PackageNotFoundError:
        message = f"{dist} is not installed: pip install -e examples/plugins/{dist}"
        if os.environ.get("CI"):
            pytest.fail(f"CI must install the example plugins; {message}")
        pytest.skip(message)


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

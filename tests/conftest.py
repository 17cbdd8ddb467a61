"""Test-wide settings: tests that read the workplace's `../shared` folder (Strudel oracle,
reference workload, cc0 kit) are marked `needs_shared`. Without that folder beside the
repository they are skipped with a reason; under CI (env `CI` set) they run and fail loudly,
because CI always has it."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_shared: reads ../shared (oracle, bench, cc0 kit)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SHARED.is_dir() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason=f"{SHARED} is not beside the repository")
    for item in items:
        if item.get_closest_marker("needs_shared"):
            item.add_marker(skip)

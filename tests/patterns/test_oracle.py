"""The shared Strudel conformance suite, run through tests/oracle_adapter.py by its own check.py."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.needs_shared

ROOT = Path(__file__).parents[2]
CHECK = Path(__file__).parents[2].parent / "shared/oracle/strudel/check.py"

pytestmark = pytest.mark.skipif(not CHECK.exists(), reason=f"conformance suite not found at {CHECK}")


def _n_cases() -> int:
    with open(CHECK.parent / "expected.jsonl") as fh:
        return sum(1 for line in fh if line.strip())


def _run(*extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CHECK), "--adapter", "tests.oracle_adapter:query", *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)


def _assert_all_pass(proc: subprocess.CompletedProcess) -> None:
    last = proc.stdout.strip().splitlines()[-1]
    assert last == f"{_n_cases()} passed, 0 failed", proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.returncode == 0


def test_every_public_case_passes_random_cases_statistically():
    _assert_all_pass(_run())


def test_every_public_case_passes_with_strudels_exact_random_choices():
    _assert_all_pass(_run("--exact-random"))


def test_parse_error_cases_raise_mininotation_errors():
    from phonon.errors import MiniNotationError
    from tests.oracle_adapter import query
    with open(CHECK.parent / "expected.jsonl") as fh:
        cases = [json.loads(line) for line in fh if line.strip()]
    bad = [c for c in cases if "error" in c]
    assert len(bad) >= 4
    for c in bad:
        with pytest.raises(MiniNotationError):
            query(c["pat"], c.get("transform"), 0, 1)

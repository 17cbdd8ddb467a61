"""The Strudel conformance suite (Strudel 1.2.6's answers, copied into tests/data/strudel):
every case through tests/oracle_adapter.py, exactly and (for random cases) statistically."""
from __future__ import annotations

import pytest

from phonon.errors import MiniNotationError
from tests.oracle_adapter import query
from tests.strudel_check import (difference, expected_events, load_cases, normalise,
                                 random_problems, window)

CASES = load_cases()
EVENT_CASES = [c for c in CASES if "error" not in c]
RANDOM_CASES = [c for c in EVENT_CASES if c.get("random")]


def _got(case: dict) -> list:
    begin, end = window(case)
    return normalise(query(case["pat"], case.get("transform"), begin, end), begin, end)


@pytest.mark.parametrize("case", EVENT_CASES, ids=[c["id"] for c in EVENT_CASES])
def test_case_matches_strudel_exactly(case):
    """Random cases included: the engine reproduces Strudel's seeded generator."""
    want, got = expected_events(case), _got(case)
    assert got == want, difference(want, got)


@pytest.mark.parametrize("case", RANDOM_CASES, ids=[c["id"] for c in RANDOM_CASES])
def test_random_case_is_a_plausible_draw(case):
    """The statistical check a different generator would have to pass (and ours does)."""
    assert random_problems(case, _got(case)) == []


def test_the_copy_is_the_whole_suite():
    assert len(CASES) == 225
    assert len(RANDOM_CASES) == 20 and all(c.get("support_events") for c in RANDOM_CASES)


def test_parse_error_cases_raise_mininotation_errors():
    bad = [c for c in CASES if "error" in c]
    assert len(bad) == 4
    for c in bad:
        with pytest.raises(MiniNotationError):
            query(c["pat"], c.get("transform"), 0, 1)

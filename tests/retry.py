"""Running a timing test again when the machine, not Phonon, spoiled its measurement.

A timing test on a JACK dummy server measures Phonon against the server's clock. On a loaded
machine the server itself can stumble: a client misses its cycle (a JACK xrun), the dummy
driver wakes late and moves its timeline, a capture loses a period. What the test measured in
such a run says nothing about Phonon. The test's attempt raises `MachineFault` (or a subclass
naming the fault) only when it has that evidence from the server or from Phonon's own report,
and `on_a_steady_run` runs it again, a bounded number of times. Anything else fails at once.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")


class MachineFault(AssertionError):
    """The machine disturbed this run's measurement (the message says how)."""


def on_a_steady_run(attempt: Callable[[Path], T], tmp_path: Path, tries: int = 3) -> T:
    """Run `attempt(folder)` with a fresh folder under `tmp_path` until it returns; again only
    when it raised `MachineFault`, at most `tries` times in all (then the test fails)."""
    faults = []
    for k in range(tries):
        folder = tmp_path / f"attempt{k}"
        folder.mkdir()
        try:
            return attempt(folder)
        except MachineFault as fault:
            print(f"retrying: {fault}")
            faults.append(f"{type(fault).__name__}: {fault}")
    raise AssertionError(f"the machine disturbed all {tries} attempts:\n" + "\n".join(faults))

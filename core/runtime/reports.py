"""Runtime problems, each reported once: node exceptions, NaN/Inf resets, failing patterns.

Every executor keeps one `Reporter`; block runners (in this process or in a worker) hand it
`(kind, node id, message)` events. The default sink prints `phonon: <message>` to stderr.
"""
from __future__ import annotations

import sys
import traceback
from typing import Callable

Sink = Callable[[str], None]


def stderr_sink(message: str) -> None:
    """The default sink: one `phonon: ...` line (or block) on stderr."""
    print(f"phonon: {message}", file=sys.stderr)


class Reporter:
    """Collects problems (in order, once per subject and kind) and passes each to the sink."""

    def __init__(self, sink: Sink | None = None) -> None:
        self.sink = sink or stderr_sink
        self.problems: list[str] = []           # every report, in order
        self.failed: set[str] = set()           # node ids whose exception was reported
        self.reset_nodes: set[str] = set()      # node ids reset for NaN/Inf
        self._seen: set[tuple[str, str]] = set()

    def problem(self, subject: str, kind: str, message: str) -> None:
        """Report `message` unless (subject, kind) was reported before."""
        key = (subject, kind)
        if key in self._seen:
            return
        self._seen.add(key)
        self.problems.append(message)
        self.sink(message)

    def event(self, kind: str, task_id: str, message: str) -> None:
        """A block runner's report about node `task_id` (see `BlockRunner`)."""
        if kind == "exception":
            self.failed.add(task_id)
        elif kind == "nonfinite":
            self.reset_nodes.add(task_id)
        self.problem(task_id, kind, message)


def exception_report(node: str, kind: str) -> str:
    """The one report for a node whose `process` raised (call inside the `except`)."""
    return f"node {node} ({kind}) raised an exception; it is silent:\n{traceback.format_exc()}"


def pattern_failure_report(node: str, kind: str, name: str) -> str:
    """The one report for a parameter pattern that failed to query (call inside the `except`)."""
    exc = traceback.format_exc(limit=-1).strip().splitlines()[-1]
    then = "its events are silent" if name == "events" else "it holds its last value"
    return f"node {node} ({kind}): the pattern of '{name}' failed ({exc}); {then}"


def nonfinite_report(node: str, kind: str) -> str:
    """The one report for a node that produced NaN/Inf (and was reset)."""
    return f"node {node} ({kind}) produced NaN/Inf; it was reset"


def value_report(node: str, kind: str, name: str, problem: str) -> str:
    """The one report for a stepped parameter that got a value it cannot use."""
    return f"node {node} ({kind}): '{name}' got a {problem}; it holds its last value"

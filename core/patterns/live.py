"""Live sources: patterns whose events arrive while they play (notes from a MIDI keyboard).

A `LiveSource` is an ordinary `Pattern` (it merges, filters and maps like any other, so
`midinote # s "~lead"` routes played notes to an instrument), but its events are not known in
advance: they come from a *feed* installed at run time under the source's name
(`install("midinote", feed)`, done by `phonon live`), and without a feed it is silent.

Two things differ from other patterns, and the event streams of `phonon.timing` take care of
both: a pattern that reads a live source must be queried block by block, late (never a cycle
ahead: `is_live` tells them), and the feed needs the session's clock to place an event that
arrived at a stream sample on the cycle timeline (`with clock_for(clock): pattern.query(...)`).
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from fractions import Fraction
from typing import Any, Callable, Iterator

from .pattern import Pattern
from .timespan import Event, TimeSpan

#: feed(begin, end, clock) -> events whose onset (whole.begin) lies in [begin, end)
Feed = Callable[[Fraction, Fraction, Any], list[Event]]

_feeds: dict[str, Feed] = {}
_state = threading.local()          # .clock: the clock of the query in progress; .probe: hits
_made = [0]                         # LiveSources ever made (none: nothing can be live)


def install(name: str, feed: Feed | None) -> None:
    """Serve the live source `name` from `feed` (None: silence it)."""
    if feed is None:
        _feeds.pop(name, None)
    else:
        _feeds[name] = feed


@contextmanager
def clock_for(clock: Any) -> Iterator[None]:
    """Live sources queried inside map their events with `clock` (a `phonon.timing` Clock)."""
    previous = getattr(_state, "clock", None)
    _state.clock = clock
    try:
        yield
    finally:
        _state.clock = previous


class LiveSource(Pattern):
    """The events of the feed installed under `name`."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        super().__init__(self._live_query)
        self.name = name
        _made[0] += 1

    def _live_query(self, span: TimeSpan) -> list[Event]:
        probe = getattr(_state, "probe", None)
        if probe is not None:
            probe.append(self.name)
        feed = _feeds.get(self.name)
        clock = getattr(_state, "clock", None)
        if feed is None or clock is None:
            return []
        return feed(span.begin, span.end, clock)


def is_live(pattern: Any) -> bool:
    """Whether `pattern` reads a live source (found by querying its first cycle)."""
    if isinstance(pattern, LiveSource):
        return True
    if not _made[0]:
        return False
    query = getattr(pattern, "query", None)
    if query is None:
        return False
    _state.probe = hits = []
    try:
        query(Fraction(0), Fraction(1))
    except Exception:  # noqa: BLE001 - a broken pattern is reported where it is played
        pass
    finally:
        _state.probe = None
    return bool(hits)

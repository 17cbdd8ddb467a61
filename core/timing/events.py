"""Pattern events -> sample-accurate triggers and stepped control signals.

Patterns (`phonon.patterns.Pattern`) are queried one whole cycle at a time through
`phonon.patterns.schedule.CycleCache`, and every onset (an event whose `whole.begin` lies in
the cycle and that has its onset) is converted once to its exact sample with the `Clock`.
A block `[start, end)` then takes the onsets whose sample falls inside it: each onset goes to
exactly one block whatever the block size, and the per-block cost when nothing happens is two
integer comparisons. A periodic pattern is queried once per cycle of its period; its later
cycles are the same onsets shifted by whole cycles, mapped to samples with integers only.
"""
from __future__ import annotations

import math
import sys
from fractions import Fraction
from typing import Any

import numpy as np

from ..patterns.live import clock_for, is_live
from ..patterns.pattern import Pattern
from ..patterns.schedule import CycleCache, whole_period
from ..patterns.timespan import Event, TimeSpan
from ..plugins.api import Trigger
from .clock import Clock

_NEVER = sys.maxsize


def _cycle_source(pattern: Pattern):
    """A function (begin, end) -> events of `pattern` whose whole begins in [begin, end)."""
    return CycleCache(pattern).onsets


def _parts(x: Any) -> tuple[int, int]:
    """(numerator, denominator) of a cycle position."""
    x = x if type(x) is Fraction else Fraction(x)
    return x.numerator, x.denominator


class EventStream:
    """The onsets of one pattern, delivered block by block.

    Pending onsets are `(sample, event, shift)`: `event` is the onset's event in the
    pattern's base cycle and `shift` the whole cycles it is moved by (0 unless the pattern is
    periodic), so the onsets of a periodic pattern are computed once per cycle of its period
    and later cycles need integer arithmetic only (no shifted Event objects, no Fractions)."""

    def __init__(self, pattern: Pattern, clock: Clock, start: int = 0) -> None:
        self.pattern = pattern
        self.clock = clock
        self._onsets = _cycle_source(pattern)
        self._period = whole_period(pattern)
        self._base: dict[int, list[tuple[int, int, Any]]] = {}   # base cycle -> (num, den, ev)
        self.version = clock.version                           # the clock version mapped with
        self._next_cycle = math.floor(clock.cycle_at(start))   # next integer cycle to query
        self.horizon = -_NEVER                                 # every onset < horizon is known
        self._pending: list[tuple[int, Any, int]] = []
        self._head = 0
        self.next_sample = _NEVER                              # sample of the next pending onset
        # a pattern reading a live source (MIDI notes) is queried block by block, late; its
        # horizon stays unknown so no caller skips a block on it
        self.live = is_live(pattern)
        self._live_seen: dict[int, None] = {}     # live notes played (late ones come again)

    def idle_until(self, end: int) -> bool:
        """True when no onset lies before sample `end` (known without querying anything)."""
        return self.next_sample >= end and self.horizon >= end \
            and self.version == self.clock.version

    def _sorted_onsets(self, k: int) -> list[tuple[int, int, Any]]:
        evs = self._onsets(Fraction(k), Fraction(k + 1))      # (sorted by onset already)
        return [(*_parts(ev.whole.begin), ev) for ev in evs]

    def _cycle(self, k: int) -> list[tuple[int, Any, int]]:
        """The onsets of cycle k as pending entries, in onset order."""
        sample_of = self.clock.sample_of
        if self._period is None:
            return [(sample_of(n, d), ev, 0) for n, d, ev in self._sorted_onsets(k)]
        base = k % self._period
        items = self._base.get(base)
        if items is None:
            items = self._base[base] = self._sorted_onsets(base)
        shift = k - base
        return [(sample_of(n + shift * d, d), ev, shift) for n, d, ev in items]

    def _remap(self) -> None:
        """The tempo changed: recompute pending samples and the horizon."""
        clock = self.clock
        pend = self._pending[self._head:]
        self._pending = []
        for _, ev, shift in pend:
            n, d = _parts(ev.whole.begin)
            self._pending.append((clock.sample_of(n + shift * d, d), ev, shift))
        self._head = 0
        # a clock that jumped ahead (Clock.retime) starts querying where it now is
        self._next_cycle = max(self._next_cycle, math.floor(clock.c0))
        self.horizon = clock.floor_position(self._next_cycle)
        self.next_sample = self._pending[0][0] if self._pending else _NEVER
        self.version = clock.version

    def _extend(self, end: int) -> None:
        clock = self.clock
        if self._head:
            del self._pending[: self._head]
            self._head = 0
        while self.horizon < end:
            k = self._next_cycle
            self._pending.extend(self._cycle(k))
            self._next_cycle = k + 1
            self.horizon = clock.floor_position(k + 1)
        self.next_sample = self._pending[0][0] if self._pending else _NEVER

    def take_shifted(self, start: int, end: int) -> list[tuple[int, Any, int]]:
        """Onsets with sample in [start, end), as (offset from start, base event, shift in
        cycles); earlier ones are dropped (they belong to blocks before `start`)."""
        if self.live:
            return self._take_live(start, end)
        if self.version != self.clock.version:
            self._remap()
        if self.horizon < end:
            self._extend(end)
        if self.next_sample >= end:
            return []
        out = []
        pending, i, n = self._pending, self._head, len(self._pending)
        while i < n and pending[i][0] < end:
            s, ev, shift = pending[i]
            if s >= start:
                out.append((s - start, ev, shift))
            i += 1
        self._head = i
        self.next_sample = pending[i][0] if i < n else _NEVER
        return out

    def take(self, start: int, end: int) -> list[tuple[int, Any]]:
        """Onsets with sample in [start, end), as (offset from start, event)."""
        return [(off, shifted(ev, shift)) for off, ev, shift in self.take_shifted(start, end)]


    def _take_live(self, start: int, end: int) -> list[tuple[int, Any, int]]:
        """The onsets of [start, end), asked now (live events are only known when they come)."""
        clock = self.clock
        begin, stop = clock.cycle_at(start), clock.cycle_at(end)
        with clock_for(clock):
            events = self.pattern.query(begin, stop)
        out = []
        seen = self._live_seen
        for ev in events:
            whole = ev.whole
            if whole is None or not ev.has_onset() or whole.begin >= stop:
                continue
            key = _live_key(ev)
            if whole.begin < begin and (key is None or key in seen):
                continue                # before this block: played, or not a late live note
            if key is not None:
                seen[key] = None
            offset = min(max(clock.sample_at(whole.begin) - start, 0), end - start - 1)
            out.append((offset, ev, 0))
        while len(seen) > 1024:
            del seen[next(iter(seen))]
        out.sort(key=lambda item: item[0])
        return out


def _live_key(ev: Event) -> int | None:
    """What identifies a live note across queries (its `hold`), None for other events."""
    value = ev.value
    hold = value.get("hold") if isinstance(value, dict) else None
    return getattr(hold, "serial", id(hold)) if hold is not None else None


def shifted(ev: Event, shift: int) -> Event:
    """`ev` moved by `shift` whole cycles (itself when shift is 0)."""
    if not shift:
        return ev
    return Event(TimeSpan(ev.whole.begin + shift, ev.whole.end + shift),
                 TimeSpan(ev.part.begin + shift, ev.part.end + shift), ev.value)


def trigger_value(value: Any, key: str) -> dict:
    """An event value as a control map: dicts pass through, anything else is `{key: value}`."""
    return value if isinstance(value, dict) else {key: value}


def to_number(value: Any) -> float:
    """A pattern value as a float (a one-entry control map gives its entry)."""
    if isinstance(value, dict) and len(value) == 1:
        value = next(iter(value.values()))
    return float(value)


class TriggerSource:
    """Fills a node's `ctx.events` with the `Trigger`s of its event pattern for each block."""

    def __init__(self, pattern: Pattern, clock: Clock, key: str, start: int = 0) -> None:
        self.stream = EventStream(pattern, clock, start)
        self.clock = clock
        self.key = key

    def triggers(self, start: int, end: int) -> list[Trigger]:
        stream = self.stream
        if stream.idle_until(end):
            return []
        spc = 1.0 / float(self.clock.cps)                    # seconds per cycle
        out = []
        for off, ev, shift in stream.take_shifted(start, end):
            begin, end_ = ev.whole.begin, ev.whole.end
            if shift:
                # float(x + shift) of a Fraction x = (num + shift * den) / den, exactly
                bn, bd = _parts(begin)
                en, ed = _parts(end_)
                cycle = begin + shift
                length = (en + shift * ed) / ed - (bn + shift * bd) / bd
            else:
                cycle = begin
                length = float(end_) - float(begin)
            out.append(Trigger(off, trigger_value(ev.value, self.key), cycle, length * spc))
        return out


class SteppedParam:
    """A numeric parameter driven by a pattern: a float64 block that holds each event's value
    from its onset sample until the next onset (rests hold the previous value)."""

    def __init__(self, pattern: Pattern, clock: Clock, block: int, default: float,
                 start: int = 0) -> None:
        self.stream = EventStream(pattern, clock, start)
        self.clock = clock
        self.buffer = np.empty(block, dtype=np.float64)
        self.current = self._initial(pattern, clock.cycle_at(start), default)
        self.buffer.fill(self.current)
        self._uniform = True
        self.problem: str | None = None        # first bad value seen (reported by the executor)

    @staticmethod
    def _initial(pattern: Pattern, cycle: Fraction, default: float) -> float:
        """The value of the event sounding at `cycle` (onset or not), else the default."""
        k = math.floor(cycle)
        value = default
        try:
            events = pattern.query(Fraction(k), Fraction(k + 1))
        except Exception:  # noqa: BLE001 - keep the default; errors show on the first block
            return float(default)
        for ev in events:
            whole = ev.whole
            if whole is not None and whole.begin <= cycle < whole.end:
                try:
                    value = to_number(ev.value)
                except (TypeError, ValueError):
                    pass
        return float(value)

    def fill(self, start: int, frames: int) -> np.ndarray:
        """The parameter's values for samples [start, start + frames)."""
        buf = self.buffer
        onsets = self.stream.take_shifted(start, start + frames)
        if onsets:
            cur, prev = self.current, 0
            for off, ev, _ in onsets:
                buf[prev:off] = cur
                try:
                    cur = to_number(ev.value)
                except (TypeError, ValueError):      # not a number: hold the previous value
                    self.problem = self.problem or f"non-numeric value {ev.value!r}"
                prev = off
            buf[prev:] = cur
            self.current = cur
            self._uniform = prev == 0
        elif not self._uniform:
            buf.fill(self.current)
            self._uniform = True
        if frames < buf.shape[0]:
            return buf[:frames]
        return buf

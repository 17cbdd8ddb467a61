"""MIDI clock out: 24 pulses per quarter note (a beat), Start and Stop, following a clock.

A beat is `1 / beats_per_cycle` of a cycle, so pulse k falls on cycle `k / (24 *
beats_per_cycle)` and is scheduled at the sample the clock maps that cycle to (the same
rounding as pattern onsets): pulses follow tempo changes, hot swaps and Link exactly. Start
(0xFA) is sent with the first pulse sent on a cycle boundary, immediately before it, so a
receiver's bar 1 is a Phonon cycle start; pulses run before it (receivers lock their tempo on
them). That holds whatever the clock does before it: a first block that begins just after a
boundary, a Link jump over one. A caller may hold Start back (`block(..., start_ok=False)`,
Link's follower not yet settled on the heard timeline): it then goes out with the first
cycle-start pulse of a block that allows it. Stop (0xFC) is sent by `stop(sample)`.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from .midi_out import MidiScheduler

PULSE, START, STOP = b"\xf8", b"\xfa", b"\xfc"
PPQN = 24


class MidiClock:
    """Schedules clock pulses for each rendered block; call `block(clock, start, frames)`."""

    def __init__(self, scheduler: MidiScheduler, port: str = "clock",
                 beats_per_cycle: float = 4) -> None:
        self.scheduler = scheduler
        self.port = port
        self.per_cycle = Fraction(beats_per_cycle).limit_denominator(1000) * PPQN
        self.started_at: int | None = None          # sample of the Start message
        self.stopped = False
        self._next: int | None = None               # index of the next pulse to schedule

    def block(self, clock: Any, start: int, frames: int, start_ok: bool = True) -> int:
        """Schedule the pulses that fall in [start, start + frames); returns how many. Start
        goes out only in a block with `start_ok`."""
        if self.stopped:
            return 0
        end = start + frames
        per = self.per_cycle
        # the pulse at or before `start` (its sample may round to `start` or later); a
        # pulse already sent is never repeated, whatever the tempo did since
        first = math.floor(clock.cycle_at(start) * per)
        self._next = first if self._next is None else max(self._next, first)
        count = 0
        while True:
            k = self._next
            sample = clock.sample_at(Fraction(k) / per)
            if sample >= end:
                break
            if sample >= start:
                if self.started_at is None and start_ok \
                        and (k / per).denominator == 1:                      # a cycle start
                    self.scheduler.send(sample, self.port, START)
                    self.started_at = sample
                self.scheduler.send(sample, self.port, PULSE)
                count += 1
            self._next = k + 1
        return count

    def stop(self, sample: int) -> None:
        """Send Stop at `sample`; no pulses after it."""
        if not self.stopped:
            self.scheduler.send(sample, self.port, STOP)
            self.stopped = True

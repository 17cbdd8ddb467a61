"""The render side of `phonon dirt`: events in, orbits of sample voices out, frame-exact.

`DirtEngine.submit` (the receive thread) queues decoded events; `render` (the render thread)
takes them, maps each timetag through the output stream's clock (`StreamClock`) to the ring
frame that reaches the DAC at that wall time, and starts the event's voice on exactly that
frame of the block that contains it (events for later blocks wait in a heap). An event whose
frame has already been rendered is late: it starts at the block's first frame and is counted.

Each orbit has its own `VoicePool` (so cut groups act per orbit, as in SuperDirt) and its own
stereo buffer; the orbits are summed to stereo, or written to channels 2n, 2n+1
(`channels = 2 * orbits`). A voice reads the event's controls with SuperDirt's conventions
(`phonon.samples.SUPERDIRT`: pan 0..1, level amp 0.4 x (min(gain, 2) + overgain)^4), the
sound module and effect chain of `phonon.samples` (docs/samples.md).

Floods are bounded: at most `max_voices` voices sound per orbit (a new one steals the oldest),
at most `max_voices` events start per orbit and block (older ones in the same block would be
stolen before sounding: they are skipped and counted), and at most `MAX_WAITING` events wait
for a later block.
"""
from __future__ import annotations

import heapq
import itertools
import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..plugins import Trigger
from ..samples import (SUPERDIRT, OrbitEffects, SampleBank, drive_orbit, effect_row, event_freq,
                       sound_plan)
from ..samples.voicepool import VoicePool
from .clock import StreamClock
from .events import DirtEvent
from .synths import SynthNames, SynthVoices

FADE_S = 0.005                 # a stolen voice fades out over this
MAX_WAITING = 100_000          # events waiting for a later block
MAX_AHEAD_S = 30.0             # timetags further ahead play 0.2 s from now (SuperDirt does so)
FAR_DELAY_S = 0.2
MAX_INBOX = 200_000            # events not yet taken by the render thread


@dataclass
class Counters:
    """What happened to the events (read by the status line; written by one thread each)."""

    received: int = 0          # events submitted (receive thread)
    overflowed: int = 0        # dropped because the inbox was full (receive thread)
    played: int = 0            # voices started (render thread)
    late: int = 0              # started late: their frame had already been rendered
    far: int = 0               # timetag too far ahead: played after FAR_DELAY_S
    no_sound: int = 0          # no `s`/`sound`, unknown sound, or silent (level 0, too short)
    flooded: int = 0           # skipped: more than max_voices in one block on one orbit
    stolen: int = 0            # voices started while their orbit was full (the oldest fades)
    most_voices: int = 0       # the most voices sounding at once (not fading), any block
    unheard: int = 0           # voices started while the audio device was away (runner)
    lateness: list[float] = field(default_factory=list)   # seconds late, the last few


class Orbit:
    """One orbit: a voice pool, its synth voices, its global effects (SuperDirt's delay,
    reverb and leslie: `phonon.samples.OrbitEffects`, made when an event first uses them) and
    its stereo output buffer."""

    def __init__(self, index: int, sr: int, block: int, max_voices: int,
                 synths: SynthNames) -> None:
        self.index = index
        self.sr, self.block = sr, block
        self.pool = VoicePool(max_voices, sr, block, FADE_S)
        self.synths = SynthVoices(synths, sr, block, max_voices)
        self.effects: OrbitEffects | None = None
        self.onsets: list[Trigger] = []            # this block's events (they set the effects)
        self.out = np.zeros((2, block), np.float32)

    def render(self, arena: np.ndarray, frames: int, start: int, cps: float) -> np.ndarray:
        self.pool.mix(arena, self.out, frames)
        self.synths.render(self.out, frames, start, cps)
        if self.effects is not None or self.onsets:
            self.effects = drive_orbit(self.effects, self.onsets, self.out, frames, cps,
                                       self._new_effects, _every_event)
            self.onsets.clear()
        return self.out[:, :frames]

    def _new_effects(self) -> OrbitEffects:
        return OrbitEffects(self.sr, self.block)


class DirtEngine:
    """Orbits of sample voices driven by timed events; `render(frames)` -> (channels, frames)."""

    def __init__(self, bank: SampleBank, sr: int, block: int, *, orbits: int = 12,
                 channels: int = 2, max_voices: int = 256, clock: StreamClock | None = None) -> None:
        if channels not in (2, 2 * orbits):
            raise ValueError(f"channels must be 2 or 2 x orbits ({2 * orbits}), got {channels}")
        self.bank = bank
        self.sr = int(sr)
        self.block = int(block)
        self.n_orbits = int(orbits)
        self.channels = int(channels)
        self.max_voices = int(max_voices)
        self.clock = clock or StreamClock(sr)
        self.synth_names = SynthNames()
        self.cps = 0.5                          # the last event's cps (synth voices' blocks)
        self.position = 0                       # the next ring frame to render
        self.block_start = 0                    # the first frame of the last rendered block
        self.block_frames = 0
        self.counters = Counters()
        self.midi: Any = None                   # phonon.dirt.midi.DirtMidi: the MIDI targets
        self.orbits: list[Orbit | None] = [None] * self.n_orbits
        self._inbox: deque[DirtEvent] = deque()
        self._waiting: list[tuple[float, int, DirtEvent]] = []   # (wall time, order, event)
        self._seq = itertools.count()
        self._out = np.zeros((self.channels, block), np.float32)
        self._due: list[list[tuple[int, DirtEvent]]] = [[] for _ in range(self.n_orbits)]

    # -- receive thread
    def submit(self, event: DirtEvent) -> None:
        """Queue an event (any thread; never blocks)."""
        self.counters.received += 1
        if len(self._inbox) >= MAX_INBOX:
            self.counters.overflowed += 1
            return
        self._inbox.append(event)

    # -- render thread
    def orbit(self, index: int) -> Orbit:
        orbit = self.orbits[index]
        if orbit is None:
            orbit = self.orbits[index] = Orbit(index, self.sr, self.block, self.max_voices,
                                               self.synth_names)
        return orbit

    def active_voices(self) -> int:
        return sum(o.pool.active() + o.synths.active() for o in self.orbits if o is not None)

    def _take_inbox(self) -> None:
        """Move the received events to the waiting heap, keyed by the wall time they start
        at (an event without a timetag: now). Without a clock they stay in the inbox."""
        inbox, waiting, clock = self._inbox, self._waiting, self.clock
        head = clock.wall_at(self.position)
        if head is None:
            return
        while inbox:
            event = inbox.popleft()
            if event.time is None:
                key = head + event.delay
            else:
                key = event.time + event.delay
                if key > head + MAX_AHEAD_S:
                    self.counters.far += 1
                    key = head + FAR_DELAY_S
            if len(waiting) >= MAX_WAITING:
                self.counters.overflowed += 1
                continue
            heapq.heappush(waiting, (key, next(self._seq), event))

    def render(self, frames: int | None = None) -> np.ndarray:
        """The next `frames` (default: a block) frames, (channels, frames) float32."""
        frames = self.block if frames is None else int(frames)
        start, end = self.position, self.position + frames
        self._take_inbox()
        waiting, due, clock = self._waiting, self._due, self.clock
        while waiting:
            f = clock.frame_at(waiting[0][0])
            frame = int(math.floor(f + 0.5)) if f is not None else end
            if frame >= end:
                break
            event = heapq.heappop(waiting)[2]
            if frame < start and event.time is not None:
                self.counters.late += 1
                lat = self.counters.lateness
                lat.append((start - frame) / self.sr)
                del lat[:-32]
            due[event.orbit].append((max(frame - start, 0), event))
        started = False
        for index, events in enumerate(due):
            if events:
                self._start_all(self.orbit(index), events)
                events.clear()
                started = True
        if started:
            self.counters.most_voices = max(self.counters.most_voices, self.active_voices())
        out = self._out
        out[:, :frames] = 0.0
        arena = self.bank.arena
        for orbit in self.orbits:
            if orbit is None:
                continue
            mix = orbit.render(arena, frames, start, self.cps)
            if self.channels == 2:
                out[:, :frames] += mix
            else:
                out[2 * orbit.index:2 * orbit.index + 2, :frames] = mix
        self.block_start, self.block_frames = start, frames
        self.position = end
        return out[:, :frames]

    def orbit_audio(self, index: int, start: int, frames: int) -> np.ndarray | None:
        """Orbit `index`'s stereo audio of frames start..start+frames of the block just
        rendered (the `dirt` node of a `--program`); None when there is none."""
        offset = start - self.block_start
        if not 0 <= index < self.n_orbits or offset < 0 or offset + frames > self.block_frames:
            return None
        orbit = self.orbits[index]
        if orbit is None:
            return None
        return orbit.out[:, offset:offset + frames]

    def _start_all(self, orbit: Orbit, events: list[tuple[int, DirtEvent]]) -> None:
        limit = self.max_voices
        if len(events) > limit:                  # the older ones would be stolen at once
            self.counters.flooded += len(events) - limit
            events = events[-limit:]
        for offset, event in events:
            self.start(orbit, offset, event)
            orbit.onsets.append(Trigger(offset, event.controls, 0, event.delta))
            self.cps = event.cps

    def start(self, orbit: Orbit, offset: int, event: DirtEvent) -> int | None:
        """Start the voice of `event` at block offset `offset` on `orbit`: its slot, or None."""
        if self.midi is not None and self.midi.plays(event.name):
            self.midi.play(self.position + offset, event)    # a MIDI target (docs/sync.md)
            return None
        c = event.controls
        cut = int(math.floor(_num(c.get("cut"), 0.0)))
        name = event.name
        if name and name not in self.bank and orbit.synths.knows(name):
            return self._start_synth(orbit, offset, event)
        ref = self.bank.lookup(name, event.index) if name else None
        if ref is None:
            self.counters.no_sound += 1
            return None
        pool = orbit.pool
        plan = sound_plan(c, ref.frames, self.sr, event.delta, event.cps)
        voice = None
        if plan is not None:
            mask, params = effect_row(c, self.sr, event_freq(c), plan.sustain_s)
            voice = pool.voice(ref, plan, level=SUPERDIRT.level(c), pan=SUPERDIRT.pan(c),
                               cut=cut, mask=mask, params=params)
        if voice is None:
            self.counters.no_sound += 1
        elif pool.active() >= pool.max_voices:
            self.counters.stolen += 1
        slot = pool.start_prepared(offset, voice, cut, ref.offset)
        if slot is not None:
            self.counters.played += 1
        return slot


    def _start_synth(self, orbit: Orbit, offset: int, event: DirtEvent) -> int | None:
        """A SuperDirt synth name (`superkick`): a voice of the orbit's synth of that name
        (0: started; None: silent)."""
        self.cps = event.cps
        if not orbit.synths.start(event.name, offset, event.controls, event.delta, event.cps):
            self.counters.no_sound += 1
            return None
        self.counters.played += 1
        return 0


def _every_event(c: dict) -> bool:
    return True


def _num(value, default: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return default
    return v if math.isfinite(v) else default

"""Incoming MIDI on the render timeline: controllers as sample-accurate values, notes as events.

The JACK process callback stamps each incoming message with its JACK frame (`on_message`). The
render thread runs ahead of the device, so a message that arrives at frame f is placed at
stream sample `timeline.sample_of(f) + delay`: a constant delay (the render-ahead, set by the
player) keeps the spacing between messages exact to the sample. A message the render thread
sees only after its sample was rendered is placed at the start of the next block and counted
in `late`.

`block(start, frames)` hands the messages of one block, once, to every node that asks (CC
readers, note players); `history` keeps the notes played (with the stream sample that was
being *heard* when the key went down: the sample output `timeline.latency` frames earlier)
for record-to-pattern, whether or not a node reads the input.
"""
from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from .timeline import StreamTimeline

NOTE_ON, NOTE_OFF, CONTROL = 0x90, 0x80, 0xB0
HISTORY = 4096                     # notes remembered for record-to-pattern
INBOX = 8192                       # messages waiting for the render thread


@dataclass(frozen=True)
class InMessage:
    """One incoming message inside a render block."""

    offset: int                    # frame offset inside the block
    status: int                    # status byte without the channel (0x90, 0x80, 0xB0, ...)
    channel: int                   # 1..16
    data1: int
    data2: int
    port: str = "in"

    @property
    def is_note_on(self) -> bool:
        return self.status == NOTE_ON and self.data2 > 0

    @property
    def is_note_off(self) -> bool:
        return self.status == NOTE_OFF or (self.status == NOTE_ON and self.data2 == 0)


@dataclass(frozen=True)
class PlayedNote:
    """A key that went down: the stream sample heard at that moment, key and velocity."""

    heard: int
    key: int
    velocity: int
    channel: int


class MidiInput:
    """Messages from the JACK callback, handed to the render thread block by block."""

    def __init__(self, timeline: StreamTimeline, delay: int = 0) -> None:
        self.timeline = timeline
        self.delay = int(delay)            # samples between arrival and playing (render-ahead)
        self.late = 0
        self.received = 0
        self.history: deque[PlayedNote] = deque(maxlen=HISTORY)
        self.controls: dict[tuple[int, int], int] = {}   # (channel, controller) -> last value
        self.controls_any: dict[int, int] = {}           # controller -> last value, any channel
        # bounded: a program without MIDI-in nodes never takes from it
        self._inbox: deque[tuple[int, bytes, str]] = deque(maxlen=INBOX)
        self._waiting: list[tuple[int, bytes, str]] = []    # (target sample, data, port)
        self._block: tuple[int, int, list[InMessage]] = (-1, 0, [])
        self._lock = threading.RLock()
        #: called with (target sample, data, port) for every message placed (render thread)
        self.subscribers: list = []

    def on_message(self, frame: int, data: bytes, port: str = "in") -> None:
        """A message arrived at JACK frame `frame` (JACK's process callback)."""
        if not data or data[0] >= 0xF0:              # channel messages only
            return
        self._inbox.append((frame, data, port))
        self.received += 1
        if data[0] & 0xF0 == NOTE_ON and len(data) > 2 and data[2] > 0:
            timeline = self.timeline
            heard = timeline.sample_of(frame - timeline.latency)
            if heard is not None:
                self.history.append(PlayedNote(heard, data[1], data[2], (data[0] & 15) + 1))

    def block(self, start: int, frames: int) -> list[InMessage]:
        """The messages of render block [start, start + frames), in order (the same list for
        every caller of the same block)."""
        s, n, msgs = self._block
        if s == start and n == frames:
            return msgs
        with self._lock:                     # several nodes may ask; one takes the inbox
            s, n, msgs = self._block
            if s == start and n == frames:
                return msgs
            msgs = self._take(start, start + frames)
            self._block = (start, frames, msgs)
        return msgs

    def pump(self) -> None:
        """Place the messages that arrived on the render timeline (render thread): they wait
        for `block`, and every subscriber (`phonon.sync.live_notes`) sees them once."""
        timeline, inbox = self.timeline, self._inbox
        with self._lock:
            while inbox:
                frame, data, port = inbox.popleft()
                played = timeline.sample_of(frame)
                if played is None:
                    continue                 # the stream is not running yet
                target = played + self.delay
                self._waiting.append((target, data, port))
                for subscriber in self.subscribers:
                    subscriber(target, data, port)

    def _take(self, start: int, end: int) -> list[InMessage]:
        self.pump()
        waiting = self._waiting
        if not waiting:
            return []
        waiting.sort(key=lambda m: m[0])
        out, keep = [], []
        for target, data, port in waiting:
            if target >= end:
                keep.append((target, data, port))
                continue
            offset = target - start
            if offset < 0:
                self.late += 1
                offset = 0
            status = data[0] & 0xF0
            d1 = data[1] if len(data) > 1 else 0
            d2 = data[2] if len(data) > 2 else 0
            if status == CONTROL:
                self.controls[((data[0] & 15) + 1, d1)] = d2
                self.controls_any[d1] = d2
            out.append(InMessage(offset, status, (data[0] & 15) + 1, d1, d2, port))
        self._waiting = keep
        return out

    def notes_since(self, sample: int) -> list[PlayedNote]:
        """Notes whose heard sample is at or after `sample`, in order."""
        return [n for n in list(self.history) if n.heard >= sample]

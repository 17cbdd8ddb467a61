"""MIDI messages stamped with stream samples, handed out in sample order.

Nodes (on the render thread) call `note`, `cc` and `send` with the absolute stream sample of
each message; a note's note-off is scheduled with it. The consumer — the JACK process callback
(`JackMidi`), or a `MidiRecorder` writing a file — takes every message due before a sample
with `due(until)`. One heap holds everything: the render thread pushes (heappush holds the GIL
for the whole operation), a single consumer pops, so no lock is needed.

At the same sample a note-off goes before a note-on (a repeated note is not cut short), and
messages keep the order they were sent in.
"""
from __future__ import annotations

import heapq
import itertools
import threading
from dataclasses import dataclass, field

NOTE_OFF, NOTE_ON, CONTROL, ALL_NOTES_OFF = 0x80, 0x90, 0xB0, 123
_OFF_FIRST, _OTHER = 0, 1


def clamp7(x: float) -> int:
    return 0 if x < 0 else (127 if x > 127 else int(x))


def note_on(channel: int, key: int, velocity: int) -> bytes:
    """Channel 1..16, key and velocity 0..127 (velocity 0 is sent as 1: 0 means note-off)."""
    return bytes((NOTE_ON | (channel - 1) & 15, clamp7(key), max(1, clamp7(velocity))))


def note_off(channel: int, key: int) -> bytes:
    return bytes((NOTE_OFF | (channel - 1) & 15, clamp7(key), 0))


def control_change(channel: int, controller: int, value: int) -> bytes:
    return bytes((CONTROL | (channel - 1) & 15, clamp7(controller), clamp7(value)))


@dataclass(order=True)
class Message:
    """One MIDI message at a stream sample, on one of phonon's output ports."""

    sample: int
    rank: int
    seq: int
    port: str = field(compare=False)
    data: bytes = field(compare=False)
    track: str = field(compare=False, default="")    # the bus that sent it (MIDI files)


class MidiScheduler:
    """Sample-stamped MIDI messages in sample order (render thread in, one consumer out)."""

    def __init__(self) -> None:
        self._heap: list[Message] = []
        self._seq = itertools.count()
        self._lock = threading.Lock()          # only for bookkeeping read by other threads
        self.sent = 0
        self.channels: set[tuple[str, int]] = set()     # (port, channel) that played notes
        self.ports: set[str] = set()

    def send(self, sample: int, port: str, data: bytes, track: str = "",
             rank: int = _OTHER) -> None:
        """Schedule raw MIDI bytes at stream sample `sample`."""
        if port not in self.ports:
            with self._lock:
                self.ports.add(port)
        heapq.heappush(self._heap, Message(int(sample), rank, next(self._seq), port, data, track))

    def note(self, sample: int, port: str, channel: int, key: int, velocity: int,
             length: int | None, track: str = "") -> None:
        """A note-on at `sample` and its note-off `length` samples later (at least one; None:
        the caller sends the note-off with `note_off`)."""
        if (port, channel) not in self.channels:
            with self._lock:
                self.channels.add((port, channel))
        self.send(sample, port, note_on(channel, key, velocity), track)
        if length is not None:
            self.note_off(sample + max(1, int(length)), port, channel, key, track)

    def note_off(self, sample: int, port: str, channel: int, key: int, track: str = "") -> None:
        self.send(sample, port, note_off(channel, key), track, _OFF_FIRST)

    def cc(self, sample: int, port: str, channel: int, controller: int, value: int,
           track: str = "") -> None:
        self.send(sample, port, control_change(channel, controller, value), track)

    def due(self, until: int) -> list[Message]:
        """Every message before stream sample `until`, in order (the consumer's call)."""
        heap, out = self._heap, []
        while heap and heap[0].sample < until:
            out.append(heapq.heappop(heap))
        self.sent += len(out)
        return out

    def next_sample(self) -> int | None:
        heap = self._heap
        return heap[0].sample if heap else None

    def drain(self) -> list[Message]:
        """Everything still scheduled (pending note-offs included), in order."""
        out = []
        while self._heap:
            out.append(heapq.heappop(self._heap))
        self.sent += len(out)
        return out

    def panic(self, sample: int) -> None:
        """Stop everything from `sample` on: pending note-offs are sent at `sample` (nothing
        later is kept), then All Notes Off on every channel that played."""
        pending, self._heap = self._heap, []
        for m in sorted(pending):
            if m.rank == _OFF_FIRST:
                self.send(sample, m.port, m.data, m.track, _OFF_FIRST)
        with self._lock:
            used = sorted(self.channels)
        for port, channel in used:
            self.send(sample, port, control_change(channel, ALL_NOTES_OFF, 0))

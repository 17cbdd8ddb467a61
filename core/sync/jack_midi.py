"""phonon's MIDI client on the JACK server (JACK-Client): output ports written at the exact frame
offset of each message inside the JACK period, input ports stamped with their JACK frame.

Why JACK-Client and not python-rtmidi's JACK API (measured in benchmarks/midi.py, see
docs/sync.md): rtmidi queues a message and its JACK callback writes it at offset 0 of the next
period, so its timing is quantised to the period plus the sending thread's wake-up jitter;
here the process callback itself takes the messages due in its cycle from the
`MidiScheduler` and writes each at `sample - first sample of the cycle`.

Each cycle the process callback also records JACK's cycle times in the `StreamTimeline`
(frames -> microseconds for Link), and passes incoming events to `on_input(frame, data, port)`.
"""
from __future__ import annotations

import time
import traceback
from typing import Any, Callable

from . import SyncUnavailable
from .jacklib import JackClock, RealtimeExit, import_jack
from .midi_out import MidiScheduler
from .timeline import StreamTimeline

CLIENT_NAME = "phonon-midi"
InputHandler = Callable[[int, bytes, str], None]


class JackMidi:
    """A JACK client with MIDI ports; create ports with `output()`/`input()`."""

    def __init__(self, timeline: StreamTimeline, scheduler: MidiScheduler | None = None, *,
                 name: str = CLIENT_NAME, servername: str | None = None,
                 on_input: InputHandler | None = None) -> None:
        jack = import_jack()
        self._jack = jack
        try:
            self.client = jack.Client(name, no_start_server=True, servername=servername)
        except jack.JackOpenError as exc:
            raise SyncUnavailable(
                "MIDI needs a running JACK server (none answered); start one, e.g. "
                "`jackd -d alsa` (or `jackd -d dummy` without a sound card)") from exc
        self.name = self.client.name
        self.timeline = timeline
        self.scheduler = scheduler
        self.on_input = on_input
        self.clock = JackClock(self.client)
        self.late = 0                  # messages written after their sample (at offset 0)
        self.dropped = 0               # messages JACK had no room for
        self.unrouted = 0              # messages for a port that does not exist
        self.error: str | None = None  # the first exception in the process callback
        self.cycles = 0                # process callbacks completed (see `drain`)
        self._exit = RealtimeExit(self._jack)      # see `close`
        self.before_cycle: Callable[[], None] | None = None   # first thing in every cycle
        self._outs: dict[str, Any] = {}
        self._ins: tuple[tuple[str, Any], ...] = ()
        self._after = None
        self.client.set_process_callback(self._process)
        self.client.activate()

    @property
    def samplerate(self) -> int:
        return int(self.client.samplerate)

    @property
    def blocksize(self) -> int:
        return int(self.client.blocksize)

    # -- ports (any non-realtime thread)
    def output(self, port: str) -> str:
        """Make output port `port` if needed; returns its full name (`phonon-midi:out`)."""
        if port not in self._outs:
            p = self.client.midi_outports.register(port)
            self._outs = {**self._outs, port: p}         # swapped whole: the callback reads it
        return f"{self.name}:{port}"

    def input(self, port: str = "in") -> str:
        """Make input port `port` if needed; returns its full name."""
        if all(n != port for n, _ in self._ins):
            p = self.client.midi_inports.register(port)
            self._ins = (*self._ins, (port, p))
        return f"{self.name}:{port}"

    def run_after(self, audio_port: str) -> None:
        """Make JACK run this client after the one that owns `audio_port` in every cycle, by
        connecting that port to an (otherwise unused) audio input `after`: the audio client
        then always anchors the stream timeline before this client's callback reads it, from
        the very first cycle on (and in parallel mode the two never run at the same time)."""
        if self._after is None:
            self._after = self.client.inports.register("after")
        self.connect(audio_port, f"{self.name}:after")

    def midi_ports(self, *, is_input: bool) -> list[str]:
        """MIDI ports of the server that can be connected to (`is_input`) or from."""
        return [p.name for p in self.client.get_ports(is_midi=True, is_input=is_input,
                                                        is_output=not is_input)]

    def connect(self, source: str, destination: str) -> None:
        """Connect two ports by full name; SyncUnavailable lists the MIDI ports that exist."""
        try:
            self.client.connect(source, destination)
        except self._jack.JackError as exc:
            if "already exists" in str(exc):
                return
            outs = ", ".join(self.midi_ports(is_input=False)) or "none"
            ins = ", ".join(self.midi_ports(is_input=True)) or "none"
            raise SyncUnavailable(f"cannot connect {source} to {destination} ({exc}); MIDI "
                                  f"outputs: {outs}; MIDI inputs: {ins}") from exc

    # -- the process callback (JACK's realtime thread)
    def _process(self, frames: int) -> None:
        self._exit.check()
        try:
            self._cycle(frames)
        except Exception:  # noqa: BLE001 - never raise into JACK; report the first one
            if self.error is None:
                self.error = traceback.format_exc()
        self.cycles += 1

    def _cycle(self, frames: int) -> None:
        if self.before_cycle is not None:
            self.before_cycle()
        last = self.client.last_frame_time
        timeline = self.timeline
        times = self.clock.cycle_times(frames)
        if times is not None:
            timeline.cycle = times
        outs = self._outs
        for port in outs.values():
            port.clear_buffer()
        first = timeline.sample_of(last)
        if first is not None and self.scheduler is not None:
            jack_error = self._jack.JackError
            for m in self.scheduler.due(first + frames):
                port = outs.get(m.port)
                if port is None:
                    self.unrouted += 1
                    continue
                offset = m.sample - first
                if offset < 0:
                    self.late += 1
                    offset = 0
                try:
                    port.write_midi_event(offset, m.data)
                except jack_error:
                    self.dropped += 1
        if self.on_input is not None:
            for name, port in self._ins:
                for offset, data in port.incoming_midi_events():
                    self.on_input((last + offset) % 2 ** 32, bytes(data), name)

    def drain(self, timeout: float = 0.5) -> bool:
        """Wait until every scheduled message has reached the ports' readers: the scheduler is
        empty, then two more process cycles ran (the one that wrote the last messages may
        still be running when the scheduler empties; the readers get them in that cycle).
        False when `timeout` seconds passed first."""
        deadline = time.monotonic() + timeout
        scheduler = self.scheduler
        while scheduler is not None and scheduler.next_sample() is not None:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        seen = self.cycles
        while self.cycles < seen + 2:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.002)
        return True

    def close(self) -> None:
        """Deactivate and close the client (its ports disappear). The realtime thread ends
        itself from the process callback first (`RealtimeExit`), never stopped in Python."""
        self._exit.close(self.client)

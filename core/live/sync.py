"""`phonon live` playing with others: Ableton Link, MIDI out/in and MIDI clock on JACK.

`LiveSync` owns the pieces of `phonon.sync` for one live run and is called by the runner at
four points: where the device stream is (`on_stream`: on JACK's timeline and in host time,
from the stamps the device process's audio callback leaves in the shared-memory link; read at
the start of every cycle of the MIDI client, which JACK runs after the audio client, else
before each block on the render thread), before and after each rendered block on the render
thread (`before_block`: Link follows; `after_block`: MIDI clock pulses), and at the end
(`close`: notes off, clock stop, leave Link).
The MIDI nodes reach it as the session resource `midi` (`self.hub`).

JACK MIDI needs the audio on JACK (the stream's frames are located on JACK's timeline); the
MIDI client `phonon-midi` is made when the first MIDI port is needed (a `--midi-*` flag, or a
program with a MIDI node, also one that arrives by a live edit).
"""
from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

from ..sync import SyncUnavailable
from ..sync.follow import LinkFollower
from ..sync.hub import MidiHub
from ..sync.jack_midi import JackMidi
from ..sync.midi_clock import MidiClock
from ..patterns import live
from ..sync.live_notes import LiveNotes
from ..sync.midi_in import MidiInput
from ..sync.midi_out import MidiScheduler
from ..sync.record import to_mini
from ..sync.timeline import StreamTimeline, host_usecs

CLOCK_PORT = "clock"


@dataclass
class SyncOptions:
    """The sync flags of `phonon live` (see `phonon live --help`, docs/sync.md)."""

    link: bool = False
    quantum: float = 4.0
    beats_per_cycle: float = 4.0
    link_offset_ms: float = 0.0
    midi_out: list[str] = field(default_factory=list)     # "DEST" or "PORT=DEST"
    midi_in: list[str] = field(default_factory=list)      # source ports to connect
    midi_clock: str | None = None                         # None: off; "": on; else DEST

    @property
    def any(self) -> bool:
        return self.link or bool(self.midi_out or self.midi_in) or self.midi_clock is not None


class LazyHub(MidiHub):
    """A `MidiHub` that opens the JACK MIDI client when the first port is needed."""

    def __init__(self, owner: "LiveSync") -> None:
        super().__init__(owner.scheduler, None, owner.midi_in)
        self.owner = owner

    def open_output(self, port: str) -> None:
        self.jack = self.owner.jack_client()
        if self.jack is not None:
            self.jack.output(port)

    def open_input(self, port: str = "in") -> None:
        self.jack = self.owner.jack_client()
        if self.jack is not None:
            self.jack.input(port)


class LiveSync:
    """Link, MIDI and MIDI clock for one `phonon live` run."""

    def __init__(self, options: SyncOptions, sr: int, *, jack_device: bool,
                 report: Callable[[str], None]) -> None:
        self.opt = options
        self.sr = sr
        self.report = report
        self.jack_device = jack_device
        self.timeline = StreamTimeline(sr)
        self.timeline.offset_us = options.link_offset_ms * 1000.0
        self.scheduler = MidiScheduler()
        self.midi_in = MidiInput(self.timeline)
        self.hub = LazyHub(self)
        self.live_notes = LiveNotes(self.midi_in, sr)      # `midinote` in programs
        self._input_open = False
        live.install("midinote", self._feed_notes)
        self.jack: JackMidi | None = None
        self._jack_failed = False
        self._lock = threading.Lock()
        self.follower: LinkFollower | None = None
        self.clock_out = (MidiClock(self.scheduler, CLOCK_PORT, options.beats_per_cycle)
                          if options.midi_clock is not None else None)
        self._program_cps: Fraction | None = None
        self._audio_port: str | None = None
        self._stamp: tuple | None = None
        self._played: tuple[int, int, int] | None = None   # MIDI late/dropped/unrouted at stop
        self.link: Any = None             # phonon.live.link.Link of the device stream

    # -- setup (main thread)
    def start(self, cps: float, audio_client: str) -> None:
        """Join Link, open the MIDI client the flags ask for, connect ports. Raises
        SyncUnavailable with what to install or start."""
        opt = self.opt
        self._audio_port = f"{audio_client}:out_0"
        if opt.link:
            from ..sync.link import LinkSession
            link = LinkSession(cps * 60.0 * opt.beats_per_cycle, quantum=opt.quantum)
            self.follower = LinkFollower(link, self.timeline.heard_usecs, self.sr,
                                         beats_per_cycle=opt.beats_per_cycle)
        if opt.midi_out or opt.midi_in or opt.midi_clock is not None:
            jack = self.jack_client(required=True)
            for spec in opt.midi_out:
                port, _, dest = spec.rpartition("=")
                jack.connect(jack.output(port or "out"), dest)
            for src in opt.midi_in:
                jack.connect(src, jack.input("in"))
            if opt.midi_clock is not None:
                name = jack.output(CLOCK_PORT)
                if opt.midi_clock:
                    jack.connect(name, opt.midi_clock)

    def jack_client(self, required: bool = False) -> JackMidi | None:
        """The JACK MIDI client, made on first use (None when MIDI cannot run here)."""
        with self._lock:
            if self.jack is None and not self._jack_failed:
                try:
                    if not self.jack_device:
                        raise SyncUnavailable("MIDI in phonon live needs the audio on JACK "
                                              "(--device jack, with a JACK server running)")
                    self.jack = JackMidi(self.timeline, self.scheduler,
                                         on_input=self.midi_in.on_message)
                    self.jack.before_cycle = self._jack_cycle
                except SyncUnavailable as exc:
                    self._jack_failed = True
                    if required:
                        raise
                    self.report(f"MIDI is off: {exc}")
            return self.jack

    def stream_opened(self) -> None:
        """The audio stream exists (its ports are registered), before it starts: order the
        MIDI client after it on JACK (`JackMidi.run_after`)."""
        jack = self.jack
        if jack is not None and self._audio_port is not None:
            try:
                jack.run_after(self._audio_port)
            except SyncUnavailable as exc:
                self.report(f"MIDI timing: {exc}")

    def _feed_notes(self, begin, end, clock):
        """The `midinote` feed; the first query opens the MIDI input (a program may play
        `midinote` without `--midi-in`: connect to phonon-midi:in by hand then)."""
        if not self._input_open:
            self._input_open = True
            self.hub.open_input()
        return self.live_notes.feed(begin, end, clock)

    def set_render_ahead(self, frames: int) -> None:
        """Incoming MIDI is played this many samples after it arrives (the render-ahead)."""
        self.midi_in.delay = int(frames)

    # -- the device stream
    def _jack_cycle(self) -> None:
        if self.link is not None:
            self.on_stream(self.link)

    def on_stream(self, link: Any) -> None:
        """Where the device stream is, from its last audio callback (`phonon.live.link`): the
        ring frame it started with, the JACK frame that frame is output at (JACK MIDI), the
        host time it is heard at (Link without JACK MIDI)."""
        self.link = link
        stamp = link.stamps()
        if stamp is None or stamp == self._stamp:
            return
        self._stamp = stamp
        first, _, jack_frame, heard_us = stamp
        jack = self.jack
        if jack is not None and jack_frame >= 0:
            self.timeline.anchor(first, jack_frame)
            if self._audio_port is not None and self.timeline.latency == 0:
                self._set_latency(jack)
        elif self.follower is not None and heard_us > 0:
            self.timeline.on_host_callback(first, (heard_us - host_usecs()) / 1e6)

    def _set_latency(self, jack: JackMidi) -> None:
        try:
            port = jack.client.get_port_by_name(self._audio_port)
            self.timeline.latency = jack.clock.playback_latency(port)
        except Exception:  # noqa: BLE001 - no such port (yet): heard time = output time
            self._audio_port = None

    # -- render thread
    def before_block(self, session: Any, frames: int) -> None:
        follower = self.follower
        if follower is None:
            return
        cps = Fraction(session.source_graph.cps).limit_denominator(1_000_000)
        if self._program_cps is None:
            self._program_cps = cps
        elif cps != self._program_cps:             # an edit changed cps/bpm: propose it
            self._program_cps = cps               # from the moment the swap is heard (the
            follower.propose_cps(float(cps),      # swap rebased the clock at its sample)
                                 follower.heard_at(session.clock.n0))
        follower.before_block(session.clock, session.position, frames)

    def after_block(self, session: Any, start: int, frames: int) -> None:
        # with Link, the clock starts once the stream places samples on the Link timeline (the
        # blocks rendered before the device runs only guess their heard time: a Start sent
        # then would miss the session's bar), and Start waits until the follower has settled
        # there (its first heard times may still be a few ms off)
        follower = self.follower
        if self.clock_out is not None and (follower is None or self.timeline.anchored):
            self.clock_out.block(session.clock, start, frames,
                                 follower is None or follower.settled)

    # -- main thread
    def status(self) -> str:
        parts = []
        f = self.follower
        if f is not None:
            s = f.stats
            parts.append(f"link {s.peers} peer{'s' if s.peers != 1 else ''} {s.tempo:.1f} BPM "
                         f"beat {s.phase:.2f}/{f.link.quantum:g}")
        if self.jack is not None:
            parts.append(f"midi out {self.scheduler.sent} in {self.midi_in.received}")
        return "  ".join(parts)

    def delivery(self) -> str:
        """`MIDI out: N sent, L late, D dropped` for the stop line (empty without JACK MIDI):
        late messages left in a later JACK period than their frame (phonon's MIDI client missed
        a cycle, or rendering fell behind), dropped ones found no room in JACK's buffer."""
        jack = self.jack
        if jack is None:
            return ""
        late, dropped, unrouted = self._played or (jack.late, jack.dropped, jack.unrouted)
        text = f"MIDI out: {self.scheduler.sent} sent, {late} late, {dropped} dropped"
        return text + (f", {unrouted} to no port" if unrouted else "")

    def record(self, session: Any, played: int, cycles: int = 4, grid: int = 16) -> str:
        """The notes played in the last `cycles` whole cycles before sample `played`, as
        mini-notation (`note "..."`)."""
        clock = session.clock
        end = int(clock.cycle_at(played))
        first = end - cycles
        since = clock.sample_at(Fraction(first))
        notes = [(clock.cycle_at(n.heard), n.key) for n in self.midi_in.notes_since(since)]
        return f'note "{to_mini(notes, first, cycles, grid)}"'

    def close(self, sample: int) -> None:
        """All notes off and clock Stop at `sample`, give JACK a moment to send them, leave.
        They leave at once: `sample` (where the audio stopped) is already past, and they are
        not counted late."""
        if self.jack is not None:
            self._played = (self.jack.late, self.jack.dropped, self.jack.unrouted)
        live.install("midinote", None)
        self.scheduler.panic(sample)
        if self.clock_out is not None:
            self.clock_out.stop(sample)
        if self.follower is not None:
            self.follower.link.close()
        jack = self.jack
        if jack is not None:
            if not jack.drain(0.5):     # a JACK server that stopped running cycles: leave anyway
                self.report("MIDI: the last messages (notes off, Stop) may not have left: "
                            "JACK ran no cycle for 0.5 s")
            jack.close()


def command_reader(handle: Callable[[str], None]) -> threading.Thread:
    """Read performer commands from standard input, one per line (a daemon thread)."""
    def run() -> None:
        for line in sys.stdin:
            if line.strip():
                handle(line.strip())
    thread = threading.Thread(target=run, name="phonon-commands", daemon=True)
    thread.start()
    return thread

"""An independent JACK client for the sync tests: captures MIDI (and optionally audio) with
absolute JACK frames and the host time of each frame (JACK's cycle times), and can send MIDI
at exact frames. Used in-process, or as a subprocess for `phonon live` tests:

    python -m tests.sync.jack_probe SECONDS OUT.npz [--audio SRC_PORT] [--midi SRC_PORT]...

prints `ready` once its ports are connected (SIGTERM ends the capture early); the npz holds
`midi` ((n, 5): frame, usecs, status, data1, data2), `audio` ((frames,) float32 of the first
audio source), `audio_first` (JACK frame of audio[0]), `latency` (the playback latency of the
audio source port), `cycles` ((k, 3): frame, usecs, period usecs), `nframes`, `xruns` (the
xruns JACK reported), `xrun_frames` (JACK's frame time when each was seen) and `sr`. A process
can talk to one JACK server only, so tests that watch two servers run one probe process per server.
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading
import time

import numpy as np

from phonon.sync.jacklib import JackClock, RealtimeExit, import_jack

from .jack_xruns import XrunCounter


def usecs_of(cycles: np.ndarray, nframes: int, frame: float) -> float:
    """Host µs of JACK frame `frame` from recorded cycle times ((k, 3): frame, µs, period µs)."""
    i = max(int(np.searchsorted(cycles[:, 0], frame, side="right")) - 1, 0)
    f, us, per = cycles[i]
    return us + (frame - f) * per / nframes


class JackProbe:
    """MIDI in (and out) plus an optional mono audio input, all stamped with JACK frames."""

    def __init__(self, name: str = "probe", seconds: float = 10.0, audio: bool = False,
                 servername: str | None = None) -> None:
        jack = import_jack()
        self.client = jack.Client(name, no_start_server=True, servername=servername)
        self.clock = JackClock(self.client)
        self.sr = int(self.client.samplerate)
        self.period = int(self.client.blocksize)
        self.midi_in = self.client.midi_inports.register("in")
        self.midi_out = self.client.midi_outports.register("out")
        self.audio_in = self.client.inports.register("audio") if audio else None
        self.audio = np.zeros(int(seconds * self.sr), dtype=np.float32)
        self.audio_first: int | None = None       # JACK frame of audio[0]
        self.audio_armed = False                  # recording starts at `arm_audio()`
        self.audio_n = 0
        self.events: list[tuple[int, float, bytes]] = []
        self.cycles: list[tuple[int, int, float]] = []
        self.outbox: list[tuple[int, bytes]] = []      # (JACK frame, data), sorted
        self.late = 0
        self.lock = threading.Lock()
        self._exit = RealtimeExit(jack)           # see `close`
        self.client.set_process_callback(self._process)
        self._xruns = XrunCounter(self.client)    # JACK's xrun reports (no Python callback)
        self.client.activate()

    @property
    def xruns(self) -> int:
        """The xruns JACK reported so far."""
        return self._xruns.count

    @property
    def xrun_frames(self) -> list[int]:
        """JACK's frame time when each xrun was seen (within a few ms)."""
        return self._xruns.frames

    def _process(self, frames: int) -> None:
        self._exit.check()
        last = self.client.last_frame_time
        t = self.clock.cycle_times(frames)
        if t is not None and (not self.cycles or self.cycles[-1][0] != t.frames):
            self.cycles.append((t.frames, t.usecs, t.period_usecs))
        for off, data in self.midi_in.incoming_midi_events():
            f = last + off
            us = t.usecs_of(f) if t is not None else 0.0
            self.events.append((f, us, bytes(data)))
        self.midi_out.clear_buffer()
        box = self.outbox
        while box and box[0][0] < last + frames:
            f, data = box.pop(0)
            if f < last:
                self.late += 1
                f = last
            self.midi_out.write_midi_event(f - last, data)
        if self.audio_in is not None and self.audio_armed:
            if self.audio_first is None:
                self.audio_first = last
            n = last - self.audio_first        # by frame: JACK may skip a client's cycles
            take = min(frames, self.audio.shape[0] - n)
            if take > 0:
                self.audio[n:n + take] = self.audio_in.get_array()[:take]
            self.audio_n = n + frames

    def arm_audio(self) -> None:
        """Start recording audio from the next cycle on."""
        self.audio_armed = True

    def send_at(self, frame: int, data: bytes) -> None:
        """Send `data` at JACK frame `frame` (call before that frame's cycle)."""
        with self.lock:
            self.outbox.append((frame, data))
            self.outbox.sort(key=lambda x: x[0])

    def frame_now(self) -> int:
        return int(self.client.frame_time)

    def connect(self, source: str, destination: str) -> None:
        self.client.connect(source, destination)

    def wait_port(self, name: str, timeout: float = 30.0) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if any(p.name == name for p in self.client.get_ports()):
                return
            time.sleep(0.05)
        raise TimeoutError(f"no JACK port {name}")

    def usecs_of(self, frame: float) -> float:
        """Host µs of JACK frame `frame` from the nearest recorded cycle."""
        return usecs_of(np.array(self.cycles, dtype=np.float64), self.client.blocksize, frame)

    def ran(self, frames) -> np.ndarray:
        """Which JACK frames fall in a cycle this probe ran: on a loaded machine JACK can skip
        a client's cycle (an xrun), and the MIDI of that period never reaches it."""
        starts = np.array([c[0] for c in self.cycles], dtype=np.int64)
        frames = np.asarray(frames, dtype=np.int64)
        i = np.searchsorted(starts, frames, side="right") - 1
        return (i >= 0) & (frames - starts[np.maximum(i, 0)] < self.period)

    def disturbed(self, first: int, last: int) -> np.ndarray:
        """The JACK frames in [first, last] where the server skipped a cycle of this probe or
        reported an xrun (a client, Phonon too, missed its cycle): empty on a steady run."""
        seen = np.array([c[0] for c in self.cycles], dtype=np.int64)
        lost = np.concatenate([seen[:-1][np.diff(seen) != self.period],
                               np.array(self.xrun_frames, dtype=np.int64)])
        return lost[(lost >= first) & (lost <= last)]

    def midi_array(self) -> np.ndarray:
        rows = [(f, us, d[0], d[1] if len(d) > 1 else 0, d[2] if len(d) > 2 else 0)
                for f, us, d in self.events]
        return np.array(rows, dtype=np.float64).reshape(-1, 5)

    def close(self) -> None:
        """Deactivate and close the client; its realtime thread ends itself first from the
        process callback (`RealtimeExit`): jack2 cancelling it inside Python code once hung a
        test process in `deactivate`."""
        self._xruns.stop()
        self._exit.close(self.client)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("seconds", type=float)
    ap.add_argument("out")
    ap.add_argument("--audio", default=None)
    ap.add_argument("--midi", action="append", default=[])
    ap.add_argument("--name", default="probe")
    args = ap.parse_args(argv)
    probe = JackProbe(args.name, args.seconds + 1.0, audio=args.audio is not None)
    try:
        for src in args.midi:
            probe.wait_port(src)
            probe.connect(src, f"{probe.client.name}:in")
        if args.audio:
            probe.wait_port(args.audio)
            probe.connect(args.audio, f"{probe.client.name}:audio")
            probe.arm_audio()
        stop = threading.Event()                # SIGTERM: stop early, save what was heard
        signal.signal(signal.SIGTERM, lambda *_: stop.set())

        def latency_now() -> int:
            return probe.clock.playback_latency(probe.client.get_port_by_name(args.audio)) \
                if args.audio else 0

        # the source's playback latency, read every 0.5 s while it plays: the test stops the
        # source right after this probe, and a stopped stream is disconnected from the
        # playback ports, so a late read said 0 (every onset then seemed 2 periods early:
        # 11.6 ms at 256 frames, in one run on a loaded machine)
        latency = latency_now()
        print("ready", flush=True)
        deadline = time.monotonic() + args.seconds
        while not stop.wait(min(0.5, max(0.0, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                break
            latency = latency_now()
        np.savez(args.out, midi=probe.midi_array(), audio=probe.audio[:probe.audio_n],
                 audio_first=-1 if probe.audio_first is None else probe.audio_first,
                 cycles=np.array(probe.cycles, dtype=np.float64).reshape(-1, 3), sr=probe.sr,
                 latency=latency, nframes=probe.client.blocksize, xruns=probe.xruns,
                 xrun_frames=np.array(probe.xrun_frames, dtype=np.int64))
    finally:
        probe.close()
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

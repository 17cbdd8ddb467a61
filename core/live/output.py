"""Audio output that survives its device: the render side of the device process.

`AudioOutput` plays a `Link`'s ring on an output device through a device process
(`phonon.live.device_process`) and keeps the show going when the device goes away:

- **Detect** (within a second): the device process reports the stream's end at once (JACK's
  shutdown callback ends it); a watchdog on the callback's heartbeat catches any other
  backend or a hung server (no callback for `stall_s`); a device process that dies is seen too.
- **Carry on**: while the device is away the output consumes the ring itself at the wall
  clock's pace (the frames are dropped), so whatever renders into the ring keeps its clock,
  its state and its edits, and `--duration` ends on time.
- **Reconnect**: a fresh device process (PortAudio re-initialised, so it sees a restarted
  server) probes for the same device (same name and host API) with backoff, and takes over
  the ring from the current position, fading in over `FADE_S`.
- **Stop**: never waits on PortAudio: a device process that does not stop within `STOP_S` is
  killed; one whose device is gone is killed at once.

Nothing here knows about programs or cycles: `phonon live` (and an OSC receiver such as
`phonon dirt`) get all of this by rendering into a `Link` and calling `start`/`close`.
"""
from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable

from .device import DeviceError, OutputDevice
from .link import DEVICE, NOBODY, OWNER, Link

STALL_S = 0.5             # no audio callback for this long: the device is gone
FADE_S = 0.01             # fade-in when sound comes back
STOP_S = 0.4              # a device process gets this long to stop cleanly, then is killed
START_S = 20.0            # to choose a device / open the stream at start-up
PROBE_SILENCE_S = 10.0    # a reconnecting device process that says nothing this long is killed
RESPAWN_S = (0.25, 0.5, 1.0, 2.0)   # waits before starting another reconnecting process
TICK_S = 0.005            # the watch loop's period (also the pace of dropping frames)


@dataclass
class OutputEvent:
    """A change of the output's state, for the caller to report."""

    kind: str                 # "lost" | "back" | "note"
    device: OutputDevice
    text: str = ""            # lost: why; note: what
    seconds: float = 0.0      # back: how long the device was away


class DeviceProcess:
    """One device process: commands in, events out (a reader thread queues them)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "phonon.live.device_process"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1,
            start_new_session=True)          # Ctrl-C on the terminal goes to phonon, not here
        self.events: queue.Queue = queue.Queue()
        self.stderr: deque[str] = deque(maxlen=20)
        self.last_heard = time.monotonic()
        threading.Thread(target=self._read, name="phonon-device-events", daemon=True).start()
        threading.Thread(target=self._read_stderr, name="phonon-device-stderr",
                         daemon=True).start()

    def _read(self) -> None:
        try:
            for line in self.proc.stdout:
                try:
                    self.events.put(json.loads(line))
                except ValueError:
                    self.stderr.append(line.rstrip())
        except (OSError, ValueError):        # closed under us by `kill`
            pass
        self.events.put(None)                # the process ended

    def _read_stderr(self) -> None:
        try:
            for line in self.proc.stderr:
                self.stderr.append(line.rstrip())
        except (OSError, ValueError):
            pass

    def send(self, **command) -> None:
        try:
            self.proc.stdin.write(json.dumps(command) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            pass

    def next_event(self, timeout: float) -> dict | None:
        """The next event ({} when none came within `timeout`; None: the process ended)."""
        try:
            ev = self.events.get(timeout=timeout)
        except queue.Empty:
            return {}
        self.last_heard = time.monotonic()
        return ev

    def wait(self, kinds: tuple[str, ...], timeout: float) -> dict | None:
        """The first event of `kinds` (interruptible: polls; None when the process ended or
        `timeout` passed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ev = self.next_event(0.05)
            if ev is None:
                return None
            if ev.get("ev") in kinds:
                return ev
        return None

    def why(self) -> str:
        """What the process printed last (PortAudio/JACK messages), for an error message."""
        lines = [ln for ln in self.stderr if ln.strip()][-3:]
        return ("; " + " | ".join(lines)) if lines else ""

    def stop(self, timeout: float = STOP_S) -> None:
        """Ask it to stop; kill it when it does not within `timeout` (never blocks longer)."""
        if self.proc.poll() is None and timeout > 0:
            self.send(op="stop")
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def kill(self) -> None:
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(2)
        except subprocess.TimeoutExpired:
            pass
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except (OSError, ValueError):
                pass


def device_from(ev: dict) -> OutputDevice:
    return OutputDevice(int(ev["index"]), ev["name"], ev["hostapi"], int(ev["channels"]),
                        float(ev["samplerate"]))


class AudioOutput:
    """Plays a `Link`'s ring on the output device `want` (`--device`), surviving its loss."""

    def __init__(self, want: str | int | None = None, *,
                 on_event: Callable[[OutputEvent], None] | None = None,
                 on_opened: Callable[[], None] | None = None,
                 stall_s: float = STALL_S) -> None:
        self.want = want
        self.on_event = on_event or (lambda ev: None)
        self.on_opened = on_opened       # the stream's ports exist, it does not run yet
        self.stall_s = stall_s
        self.device: OutputDevice | None = None
        self.latency = 0.0                # the stream's own output latency, seconds
        self.state = "idle"              # idle | playing | lost | stopped
        self.lost_at = 0.0               # wall time the device went away
        self.outages = 0
        self.outage_s = 0.0              # total time without a device
        self.link: Link | None = None
        self.sr = 0
        self.block = 0
        self._proc: DeviceProcess | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._dropped_from = (0, 0.0)    # (ring frame, wall time) the outage's clock starts at
        self._respawn_at = 0.0
        self._attempt = 0

    # -- start-up
    def choose(self) -> OutputDevice:
        """Start the device process and choose the device (DeviceError when there is none)."""
        proc = self._proc = DeviceProcess()
        proc.send(op="choose", want=self.want)
        ev = proc.wait(("device", "error"), START_S)
        if ev is None or ev["ev"] == "error":
            proc.kill()
            self._proc = None
            raise DeviceError(ev["message"] if ev else "the device process did not answer"
                              + proc.why())
        self.device = device_from(ev)
        return self.device

    def start(self, link: Link, sr: int, block: int) -> None:
        """Play `link`'s ring (primed by the caller) from now on; DeviceError when the stream
        cannot be opened. Then watches the device until `close`."""
        if self._proc is None:
            self.choose()
        self.link, self.sr, self.block = link, sr, block
        link.ctl[OWNER] = DEVICE
        proc = self._proc
        proc.send(op="play", **self._play_args(wait=False, fade=0))
        ev = proc.wait(("opened", "error", "lost"), START_S)
        if ev is not None and ev["ev"] == "opened":
            self._opened(proc)
            ev = proc.wait(("playing", "error", "lost"), START_S)
        if ev is None or ev["ev"] != "playing":
            proc.kill()
            self._proc = None
            raise DeviceError((ev.get("message") or ev.get("reason", "")) if ev else
                              "the device process did not start the stream" + proc.why())
        self.latency = float(ev["latency"])
        self.state = "playing"
        self._thread = threading.Thread(target=self._watch, name="phonon-output", daemon=True)
        self._thread.start()

    def _opened(self, proc: DeviceProcess) -> None:
        """The stream exists: let the caller order its own JACK clients after it, start it."""
        try:
            if self.on_opened is not None:
                self.on_opened()
        finally:
            proc.send(op="start")

    def _play_args(self, *, wait: bool, fade: int) -> dict:
        d = self.device
        return {"link": self.link.name, "capacity": self.link.capacity,
                "channels": self.link.channels, "block": self.block,
                "sr": self.sr, "wait": wait, "fade": fade,
                "device": {"name": d.name, "hostapi": d.hostapi}}

    # -- the watch loop (its own thread)
    def _watch(self) -> None:
        while not self._stop.wait(TICK_S):
            try:
                if self.state == "playing":
                    self._watch_playing()
                elif self.state == "lost":
                    self._watch_lost()
            except Exception as exc:  # noqa: BLE001 - the watch must never die
                self.on_event(OutputEvent("note", self.device, f"output watch: {exc!r}"))

    def _watch_playing(self) -> None:
        proc = self._proc
        ev = proc.next_event(0)
        if ev is None:
            code = proc.proc.poll()
            self._lose(f"the device process ended (exit status {code}){proc.why()}")
        elif ev.get("ev") == "lost":
            self._lose(ev.get("reason", "the device went away"))
        elif ev.get("ev") == "note":
            self.on_event(OutputEvent("note", self.device, ev["text"]))
        elif time.time() - self.link.beat_wall > self.stall_s:
            self._lose(f"no audio callback for {1000 * self.stall_s:.0f} ms")

    def _lose(self, reason: str) -> None:
        """The device is gone: end its process, drop frames on the wall clock from the last
        callback on, reconnect with backoff."""
        link = self.link
        if self._proc is not None:
            self._proc.kill()        # never PortAudio: its server may be gone
            self._proc = None
        link.ctl[OWNER] = NOBODY
        last = link.beat_wall
        start = last + self.block / self.sr if last > 0 else time.time()
        self._dropped_from = (link.ring.read, min(start, time.time()))
        self.lost_at = self._dropped_from[1]
        self.state = "lost"
        self.outages += 1
        self._attempt = 0
        self._respawn_at = time.monotonic()
        self.on_event(OutputEvent("lost", self.device, reason))

    def _drop_on_clock(self) -> None:
        frame, since = self._dropped_from
        self.link.ring.skip_to(frame + int((time.time() - since) * self.sr))

    def _watch_lost(self) -> None:
        self._drop_on_clock()
        proc = self._proc
        if proc is None:
            if time.monotonic() >= self._respawn_at:
                self._proc = DeviceProcess()
                self._proc.send(op="play", **self._play_args(wait=True,
                                                             fade=int(FADE_S * self.sr)))
            return
        ev = proc.next_event(0)
        if ev == {}:
            if time.monotonic() - proc.last_heard > PROBE_SILENCE_S:
                self._retry()                       # hung (e.g. on a frozen server)
            return
        if ev is None or ev.get("ev") in ("error", "lost"):
            self._retry()
        elif ev.get("ev") == "note":
            self.on_event(OutputEvent("note", self.device, ev["text"]))
        elif ev.get("ev") == "opened":
            self._opened(proc)
        elif ev.get("ev") == "playing":
            self._back(ev)

    def _retry(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc = None
        self._respawn_at = time.monotonic() + RESPAWN_S[min(self._attempt, len(RESPAWN_S) - 1)]
        self._attempt += 1

    def _back(self, ev: dict) -> None:
        """The new device process plays: hand it the ring; its first callback resumes where
        the clock is then."""
        self._drop_on_clock()
        self.link.resume_at(*self._dropped_from)
        self.link.ctl[OWNER] = DEVICE
        self.latency = float(ev["latency"])
        away = time.time() - self.lost_at
        self.outage_s += away
        self.state = "playing"
        self.on_event(OutputEvent("back", device_from(ev), seconds=away))

    # -- stop
    def away_for(self) -> float:
        """Seconds since the device went away (0 while playing)."""
        return time.time() - self.lost_at if self.state == "lost" else 0.0

    def close(self) -> None:
        """Stop the stream and end the device process (at most ~STOP_S; never blocks on
        PortAudio). Idempotent."""
        self._stop.set()
        if self.link is not None:         # the stop is not an underrun: silence from now on
            self.link.ctl[OWNER] = NOBODY
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(1.0)
        if self.state == "lost":
            self.outage_s += time.time() - self.lost_at
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.stop(STOP_S if self.state in ("playing", "idle") else 0.0)
        self.state = "stopped"

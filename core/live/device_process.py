"""The device process: the only process that talks to PortAudio while a program plays.

    python -m phonon.live.device_process        (started by `phonon.live.output`)

Why a process of its own: once the audio server behind a PortAudio stream is gone (a JACK
server stopped or killed), PortAudio is unusable in that process for good. Stopping or
closing the stream waits up to ten minutes for a JACK thread that no longer exists,
`Pa_Terminate` fails an assertion and aborts, and without terminating PortAudio never sees a
restarted server. So the stream lives here, and when its server goes away this process says
so and ends at once (`os._exit`, no PortAudio call); the render side starts a fresh one to
reconnect. It also dies with its parent (PR_SET_PDEATHSIG).

Protocol: JSON lines. Commands on stdin: `choose` (want) -> `device` | `error`;
`play` (link, capacity, channels, block, sr, device, wait, fade) -> `opened` (the stream's
ports exist, it does not run yet) | `error`; `start` -> `playing` | `error`, then `lost` when
the device goes away; `probe` while waiting for a device to come back; `stop` (or EOF) ->
`stopped`. Events on stdout; PortAudio's and JACK's own messages go to stderr.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import queue
import signal
import sys
import threading
import time
from typing import Any

import numpy as np

POLL_S = 0.02             # how often the stream's state is checked
OFFSET_EVERY_S = 1.0      # how often the stream clock's offset to the wall clock is measured
BACKOFF_S = (0.1, 0.25, 0.5, 1.0)   # waits between probes for a device that is away
SWITCH_INTERVAL = 0.0005


def emit(event: str, **fields: Any) -> None:
    sys.stdout.write(json.dumps({"ev": event, **fields}) + "\n")
    sys.stdout.flush()


def commands() -> "queue.Queue[dict | None]":
    """Commands from stdin (None: stdin closed, i.e. stop)."""
    q: queue.Queue = queue.Queue()

    def read() -> None:
        for line in sys.stdin:
            if line.strip():
                q.put(json.loads(line))
        q.put(None)

    threading.Thread(target=read, name="commands", daemon=True).start()
    return q


def describe_device(d: Any) -> dict:
    return {"index": d.index, "name": d.name, "hostapi": d.hostapi, "channels": d.channels,
            "samplerate": d.samplerate}


def find(sd: Any, match: dict) -> Any | None:
    """The output with the same name and host API as `match` (indices may change)."""
    from .device import output_devices
    for d in output_devices(sd):
        if d.name == match["name"] and d.hostapi == match["hostapi"]:
            return d
    return None


def wait_for_device(sd: Any, match: dict, sr: int, cmds: queue.Queue) -> tuple[Any, Any]:
    """Probe (re-initialising PortAudio, which caches the device list) until the device is
    back at rate `sr`; returns (sounddevice, device). Ends the process on `stop`."""
    from .device import DeviceError, import_sounddevice
    attempt, said = 0, set()
    while True:
        note = ""
        try:
            if sd is None:
                sd = import_sounddevice()
            else:                      # no stream was ever open here: terminating is safe
                sd._terminate()
                sd._initialize()
            d = find(sd, match)
        except (DeviceError, OSError, RuntimeError) as exc:
            d, note = None, f"probe failed: {exc}"
        if d is not None and int(d.samplerate) == sr:
            return sd, d
        if d is not None:
            note = (f"{d.name!r} [{d.hostapi}] is back at {d.samplerate:g} Hz, but the "
                    f"program plays at {sr} Hz: waiting for it at {sr} Hz")
        if note and note not in said:  # each thing once, not at every probe
            said.add(note)
            emit("note", text=note)
        emit("probe", attempt=attempt)
        try:
            cmd = cmds.get(timeout=BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)])
        except queue.Empty:
            cmd = {}
        if cmd is None or cmd.get("op") == "stop":
            emit("stopped")
            os._exit(0)
        attempt += 1


class JackFrames:
    """JACK's frame time of the running cycle (`jack_last_frame_time`), read in the audio
    callback, through a client of our own without ports (PortAudio does not share its own).
    `frame` is None when libjack or the server is not there."""

    NO_START_SERVER = 0x01

    def __init__(self) -> None:
        self.frame = None
        self.usecs = None
        self._lib = self._client = None
        try:
            lib = ctypes.CDLL(ctypes.util.find_library("jack") or "libjack.so.0")
        except OSError:
            return
        lib.jack_client_open.restype = ctypes.c_void_p
        lib.jack_client_open.argtypes = [ctypes.c_char_p, ctypes.c_int,
                                         ctypes.POINTER(ctypes.c_int)]
        lib.jack_last_frame_time.restype = ctypes.c_uint32
        lib.jack_last_frame_time.argtypes = [ctypes.c_void_p]
        lib.jack_frames_to_time.restype = ctypes.c_uint64
        lib.jack_frames_to_time.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
        lib.jack_get_time.restype = ctypes.c_uint64
        lib.jack_client_close.argtypes = [ctypes.c_void_p]
        status = ctypes.c_int(0)
        client = lib.jack_client_open(b"phonon-clock", self.NO_START_SERVER,
                                      ctypes.byref(status))
        if client:
            self._lib, self._client = lib, client
            self.frame = lambda: lib.jack_last_frame_time(client)
            self.usecs = lambda frame: lib.jack_frames_to_time(client, frame)

    def offsets(self) -> tuple[float, float] | None:
        """(time.time() - JACK's clock in s, host µs - JACK's µs), from the tightest of a few
        bracketed readings; None without a client."""
        if not self._client:
            return None
        jack_now = self._lib.jack_get_time
        return bracketed(time.time, jack_now, 1e-6), bracketed(host_usecs, jack_now, 1.0)

    def close(self) -> None:
        """Close the client (only while its server runs: never after a loss)."""
        if self._client:
            self._lib.jack_client_close(self._client)
            self._client = None
            self.frame = None
            self.usecs = None


def host_usecs() -> float:
    """Host time in µs on CLOCK_MONOTONIC_RAW (Link's clock; the same in every process)."""
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC_RAW) / 1000.0


def bracketed(ours: Any, theirs: Any, scale: float) -> float:
    """ours() - theirs() * scale, from the tightest of a few readings of theirs between two of
    ours (taken outside the callback, whose wake-up jitter would otherwise enter every stamp)."""
    best = None
    for _ in range(5):
        a = ours()
        t = theirs() * scale
        b = ours()
        if best is None or b - a < best[0]:
            best = (b - a, (a + b) / 2 - t)
    return best[1]


def measure_offset(stream: Any) -> float | None:
    """time.time() - the stream's clock (None while the stream has no time yet)."""
    return bracketed(time.time, lambda: stream.time, 1.0) if stream.time > 0 else None


def make_callback(link: Any, sr: int, fade: int, jack: JackFrames | None = None,
                  clock: dict | None = None):
    """The audio callback: copies the ring out (only while the render side lets the device
    consume it, from where the clock says when it takes over), stamps the heartbeat and where
    its first frame is heard (wall time, host µs, and the JACK frame it is output at when
    `jack` reads JACK's cycle frame: a callback's first frame goes out in the cycle it runs in,
    where the previous callback of that cycle stopped); fades in over `fade` frames.

    When it is heard: on JACK, the JACK frame's time on JACK's clock (its delay-locked loop:
    free of this callback's wake-up jitter) plus the port latency, moved to the wall and host
    clocks by `clock["jack"]` (`JackFrames.offsets`); elsewhere the stream's
    `outputBufferDacTime` plus `clock["offset"]` (`measure_offset`); before either is measured,
    the callback's own wall time plus the delay."""
    from .link import (BEAT_WALL, BEATS, DEVICE, KEEP_AT, N_UNDERRUN_AT, N_XRUN_AT, OWNER,
                       RESUME, RESUME_FRAME, RESUME_WALL, XRUNS)
    ring, ctl, wall = link.ring, link.ctl, link.wall
    ramp = (np.arange(1, fade + 1, dtype=np.float32) / fade)[:, None] if fade else None
    state = {"faded": 0, "cycle": -1, "offset": 0, "frames": 0}
    clock = clock if clock is not None else {}

    def callback(outdata, frames, time_info, status):
        now = time.time()
        wall[BEAT_WALL] = now
        ctl[BEATS] += 1
        if status.output_underflow:
            n = int(ctl[N_XRUN_AT])
            if n < KEEP_AT:
                link.xrun_at[n] = ring.read
            ctl[N_XRUN_AT] = n + 1
            ctl[XRUNS] += 1
        if ctl[OWNER] != DEVICE:
            outdata.fill(0.0)
            return
        if ctl[RESUME]:                   # taking over after an outage: on the wall clock
            ring.skip_to(int(ctl[RESUME_FRAME]) + int((now - wall[RESUME_WALL]) * sr))
            ctl[RESUME] = 0
        before = ring.read
        if ring.read_into(outdata) < frames:
            n = int(ctl[N_UNDERRUN_AT])
            if n < KEEP_AT:
                link.underrun_at[n] = before
            ctl[N_UNDERRUN_AT] = n + 1
        if ramp is not None and state["faded"] < fade:
            k = min(frames, fade - state["faded"])
            outdata[:k] *= ramp[state["faded"]:state["faded"] + k]
            state["faded"] += k
        dac, cur = time_info.outputBufferDacTime, time_info.currentTime
        delay = dac - cur if dac > 0 and cur > 0 else 0.0
        frame = -1
        if jack is not None and jack.frame is not None:
            cycle = int(jack.frame())
            state["offset"] = state["offset"] + state["frames"] if cycle == state["cycle"] else 0
            state["cycle"], state["frames"] = cycle, frames
            frame = (cycle + state["offset"]) % (1 << 32)
        offsets, offset = clock.get("jack"), clock.get("offset")
        if frame >= 0 and offsets is not None:
            jack_us = jack.usecs(frame) + delay * 1e6
            heard, heard_us = jack_us / 1e6 + offsets[0], jack_us + offsets[1]
        else:
            heard = dac + offset if offset is not None and dac > 0 else now + delay
            heard_us = host_usecs() + delay * 1e6
        link.stamp_dac(before, heard, frame, heard_us)
    return callback


def play(sd: Any, device: Any, cmd: dict, cmds: queue.Queue) -> None:
    """Open and start the stream, then watch it until `stop` or until the device is lost."""
    from .link import Link
    channels = int(cmd.get("channels", 2))
    link = Link.attach(cmd["link"], int(cmd["capacity"]), channels)
    sr = int(cmd["sr"])
    jack = device.hostapi == "JACK Audio Connection Kit"
    frames = JackFrames() if jack else None
    clock: dict = {}
    try:
        callback = make_callback(link, sr, int(cmd.get("fade", 0)),
                                 frames, clock)
        stream = sd.OutputStream(device=device.index, samplerate=sr, blocksize=int(cmd["block"]),
                                 channels=channels, dtype="float32", latency="low",
                                 callback=callback)
        emit("opened")
        go = cmds.get()                  # the render side orders its JACK clients first
        if go is None or go.get("op") != "start":
            stream.close()
            sd._terminate()
            emit("stopped")
            os._exit(0)
        stream.start()
    except Exception as exc:  # noqa: BLE001 - PortAudio may be unusable now: do not clean up
        emit("error", message=f"cannot open {device.name!r} [{device.hostapi}] at {sr} Hz "
                              f"with {channels} channels: {exc}")
        os._exit(3)
    clock["offset"] = measure_offset(stream)
    clock["jack"] = frames.offsets() if frames is not None else None
    next_offset = time.monotonic() + OFFSET_EVERY_S
    emit("playing", latency=float(stream.latency), **describe_device(device))
    while True:
        try:
            got = cmds.get(timeout=POLL_S)
        except queue.Empty:
            got = {}
        if got is None or got.get("op") == "stop":
            stream.stop()
            stream.close()
            if frames is not None:
                frames.close()
            sd._terminate()
            emit("stopped")
            os._exit(0)
        if not stream.active:          # JACK: its shutdown callback; others: a stream error
            emit("lost", reason="the JACK server shut down" if jack else
                 "the device stopped (the stream ended)")
            os._exit(0)               # PortAudio is unusable now: no stop, no terminate
        if time.monotonic() > next_offset:
            clock["offset"] = measure_offset(stream) or clock["offset"]
            clock["jack"] = frames.offsets() if frames is not None else None
            next_offset = time.monotonic() + OFFSET_EVERY_S


def main() -> None:
    from ..runtime.shm import set_parent_death_signal
    from .device import DeviceError, choose_output, import_sounddevice

    set_parent_death_signal(signal.SIGKILL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # the render side decides when to stop
    sys.setswitchinterval(SWITCH_INTERVAL)           # the callback gets the GIL quickly
    cmds = commands()
    cmd = cmds.get()
    sd = device = None
    if cmd is not None and cmd.get("op") == "choose":
        try:
            sd = import_sounddevice()
            device = choose_output(sd, cmd.get("want"))
        except DeviceError as exc:
            emit("error", message=str(exc))
            os._exit(3)
        emit("device", **describe_device(device))
        cmd = cmds.get()
    if cmd is None or cmd.get("op") != "play":
        if sd is not None:
            sd._terminate()
        emit("stopped")
        os._exit(0)
    if cmd.get("wait") or device is None:
        sd, device = wait_for_device(sd, cmd["device"], int(cmd["sr"]), cmds)
    play(sd, device, cmd, cmds)


if __name__ == "__main__":
    main()

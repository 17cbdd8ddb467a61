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
`play` (link, capacity, channels, block, sr, device, wait, fade) -> `playing` | `error`, then `lost`
when the device goes away; `probe` while waiting for a device to come back; `stop` (or EOF)
-> `stopped`. Events on stdout; PortAudio's and JACK's own messages go to stderr.
"""
from __future__ import annotations

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


def make_callback(link: Any, sr: int, fade: int):
    """The audio callback: copies the ring out (only while the render side lets the device
    consume it, from where the clock says when it takes over), stamps the heartbeat and the
    DAC time; fades in over `fade` frames."""
    from .link import (BEAT_WALL, BEATS, DEVICE, KEEP_AT, N_UNDERRUN_AT, N_XRUN_AT, OWNER,
                       RESUME, RESUME_FRAME, RESUME_WALL, XRUNS)
    ring, ctl, wall = link.ring, link.ctl, link.wall
    ramp = (np.arange(1, fade + 1, dtype=np.float32) / fade)[:, None] if fade else None
    state = {"faded": 0}

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
        link.stamp_dac(before, now + (dac - cur) if dac > 0 and cur > 0 else now)
    return callback


def play(sd: Any, device: Any, cmd: dict, cmds: queue.Queue) -> None:
    """Open and start the stream, then watch it until `stop` or until the device is lost."""
    from .link import Link
    channels = int(cmd.get("channels", 2))
    link = Link.attach(cmd["link"], int(cmd["capacity"]), channels)
    sr = int(cmd["sr"])
    try:
        stream = sd.OutputStream(device=device.index, samplerate=sr, blocksize=int(cmd["block"]),
                                 channels=channels, dtype="float32", latency="low",
                                 callback=make_callback(link, sr, int(cmd.get("fade", 0))))
        stream.start()
    except Exception as exc:  # noqa: BLE001 - PortAudio may be unusable now: do not clean up
        emit("error", message=f"cannot open {device.name!r} [{device.hostapi}] at {sr} Hz "
                              f"with {channels} channels: {exc}")
        os._exit(3)
    emit("playing", latency=float(stream.latency), **describe_device(device))
    jack = device.hostapi == "JACK Audio Connection Kit"
    while True:
        try:
            got = cmds.get(timeout=POLL_S)
        except queue.Empty:
            got = {}
        if got is None or got.get("op") == "stop":
            stream.stop()
            stream.close()
            sd._terminate()
            emit("stopped")
            os._exit(0)
        if not stream.active:          # JACK: its shutdown callback; others: a stream error
            emit("lost", reason="the JACK server shut down" if jack else
                 "the device stopped (the stream ended)")
            os._exit(0)               # PortAudio is unusable now: no stop, no terminate


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

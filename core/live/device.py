"""Audio output devices: which one to use, what exists, and a clear message when none does.

The default output is the JACK server when one is running (chosen by host API: once
PulseAudio or an `.asoundrc` exists, PortAudio's default device silently moves to ALSA),
else PortAudio's default output, else the first output there is.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import sys
from dataclasses import dataclass
from typing import Any

JACK_HOSTAPI = "JACK Audio Connection Kit"
CLIENT_NAME = "phonon"
_client_name = ctypes.c_char_p(CLIENT_NAME.encode())   # must outlive PortAudio's init


class DeviceError(RuntimeError):
    """No usable output device (the message says what exists and how to get audio)."""


def import_sounddevice(client_name: str = CLIENT_NAME):
    """Import sounddevice, first naming our JACK client (`phonon:out_0`, `phonon:out_1`)."""
    global _client_name
    if "sounddevice" not in sys.modules:
        try:
            lib = ctypes.CDLL(ctypes.util.find_library("portaudio") or "libportaudio.so.2")
            _client_name = ctypes.c_char_p(client_name.encode())
            lib.PaJack_SetClientName(_client_name)
        except (OSError, AttributeError):      # no PortAudio JACK support: default name
            pass
    try:
        import sounddevice as sd
    except OSError as exc:                       # PortAudio itself is missing
        raise DeviceError(f"cannot load PortAudio ({exc}); install libportaudio2 "
                          "(apt install libportaudio2), or use `phonon render`") from exc
    return sd


@dataclass
class OutputDevice:
    index: int
    name: str
    hostapi: str
    channels: int
    samplerate: float
    default: bool = False


def output_devices(sd: Any) -> list[OutputDevice]:
    """Every device with output channels, marking the one `choose_output` picks by default."""
    apis = sd.query_hostapis()
    outs = [OutputDevice(i, d["name"], apis[d["hostapi"]]["name"], int(d["max_output_channels"]),
                         float(d["default_samplerate"]))
            for i, d in enumerate(sd.query_devices()) if d["max_output_channels"] > 0]
    if outs:
        chosen = default_output(sd, outs)
        for d in outs:
            d.default = d.index == chosen
    return outs


def default_output(sd: Any, outs: list[OutputDevice]) -> int:
    """JACK's default output when a JACK server answers, else PortAudio's default, else the
    first output."""
    indices = {d.index for d in outs}
    for api in sd.query_hostapis():
        if api["name"] == JACK_HOSTAPI and api["default_output_device"] in indices:
            return int(api["default_output_device"])
    try:
        pa_default = int(sd.default.device[1])
    except (TypeError, ValueError):
        pa_default = -1
    return pa_default if pa_default in indices else outs[0].index


def choose_output(sd: Any, want: str | int | None = None) -> OutputDevice:
    """The output device for `--device NAME|INDEX` (None: the default); DeviceError if none."""
    outs = output_devices(sd)
    if not outs:
        raise DeviceError(no_device_message(sd))
    if want is None or want == "":
        return next(d for d in outs if d.default)
    text = str(want).strip()
    if text.isdigit():
        for d in outs:
            if d.index == int(text):
                return d
        raise DeviceError(f"no output device with index {text}\n{describe(outs)}")
    low = text.lower()
    matches = [d for d in outs if low == d.name.lower()] or \
              [d for d in outs if low in d.name.lower() or low in d.hostapi.lower()]
    if not matches:
        raise DeviceError(f"no output device matches {text!r}\n{describe(outs)}")
    return matches[0]


def describe(outs: list[OutputDevice]) -> str:
    """A table of output devices (`*` marks the default)."""
    if not outs:
        return "  (no output devices)"
    return "\n".join(f"{'*' if d.default else ' '} {d.index:3d}  {d.name}  [{d.hostapi}]  "
                     f"{d.channels} ch, {d.samplerate:g} Hz" for d in outs)


def no_device_message(sd: Any) -> str:
    """What sounddevice sees and how to get audio on this machine."""
    try:
        apis = [a["name"] for a in sd.query_hostapis()]
        devices = [f"  {i}: {d['name']} ({d['max_input_channels']} in, "
                   f"{d['max_output_channels']} out)" for i, d in enumerate(sd.query_devices())]
    except Exception:  # noqa: BLE001
        apis, devices = [], []
    seen = "\n".join(devices) if devices else "  (no devices at all)"
    return (
        "no audio output device found.\n"
        f"sounddevice sees host APIs: {', '.join(apis) or 'none'}; devices:\n{seen}\n"
        "To get audio: start a JACK server (with a sound card: `jackd -d alsa -r 44100`; "
        "without one: `jackd -d dummy -r 44100`), or run PulseAudio/PipeWire, "
        "then `phonon devices` lists the outputs.\n"
        "To hear the program without a device, render it to a file: "
        "`phonon render FILE out.wav -d 30`."
    )

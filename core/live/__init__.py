"""Live performance: play a program on an audio device and hot-swap edits without a click.

- `ring`           the block ring between the render thread and the device callback;
- `link`           the ring and the device's telemetry in shared memory;
- `device`         output device choice (JACK first) and what to say when there is none;
- `device_process` the process that owns PortAudio and the output stream;
- `output`         `AudioOutput`: plays a link on a device, survives the device going away;
- `record`         `--record`: the output stream to a WAV file;
- `swap`           building a successor session and handing node state over (by stable node id);
- `player`         the render side: renders ahead, swaps at the next cycle boundary (sample-exact);
- `reloader`       watches the program file, compiles edits off the audio path;
- `status`         the one-line status display;
- `runner`         a live session end to end (threads, output, recording, clean stop).

Names are imported lazily, so the device process starts without loading the engine.
"""
from __future__ import annotations

import importlib

_EXPORTS = {"BlockRing": "ring", "Player": "player", "SwapReport": "player",
            "next_boundary": "swap", "successor_session": "swap", "transfer_state": "swap"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Live performance: play a program on an audio device and hot-swap edits without a click.

- `ring`     the block ring between the render thread and the device callback;
- `swap`     building a successor session and handing node state over (by stable node id);
- `player`   the render side: renders ahead, swaps at the next cycle boundary (sample-exact);
- `reloader` watches the program file, compiles edits off the audio path;
- `device`   output device choice (JACK first), the sounddevice stream, recording;
- `status`   the one-line status display;
- `runner`   a live session end to end (threads, stream, recording, clean stop).
"""
from .player import Player, SwapReport
from .ring import BlockRing
from .swap import next_boundary, successor_session, transfer_state

__all__ = ["BlockRing", "Player", "SwapReport", "next_boundary", "successor_session",
           "transfer_state"]

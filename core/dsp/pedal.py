"""Running a pedalboard plugin (built-in effect or hosted VST3) whatever the block size.

Pedalboard re-prepares a plugin (which resets its state: reverb tail, LFO, convolution) when a
call brings more samples than any call before, and cannot tell channels from samples in a
square block (2 channels x 2 frames: "(2,2)" error). Blocks of 1 or 2 frames, or a short first
segment, then gave wrong output or a traceback. `prime` prepares the plugin once for
`PRIME_FRAMES` frames (a call on silence, before the first block); `process` never passes more
than that in one call, and its first call on a primed plugin resets it (the silence leaves no
trace: an LFO starts where it would have). The output is then the same however the audio is
cut, and the same as an unprimed plugin's on whole blocks.
"""
from __future__ import annotations

import weakref

import numpy as np

PRIME_FRAMES = 2048

_primed: "weakref.WeakSet" = weakref.WeakSet()      # primed plugins not yet played


def prime(plugin, channels: int, sr: float) -> None:
    """Prepare `plugin` for calls of up to `PRIME_FRAMES` frames of `channels` channels."""
    silence = np.zeros((channels, PRIME_FRAMES), dtype=np.float32)
    plugin.process(silence, float(sr), PRIME_FRAMES, True)
    _primed.add(plugin)


def process(plugin, x: np.ndarray, sr: float) -> np.ndarray:
    """`plugin` on the (channels, n) float32 block `x`, keeping its state across calls."""
    reset = plugin in _primed
    if reset:
        _primed.discard(plugin)
    n = x.shape[1]
    if n <= PRIME_FRAMES:
        return plugin.process(x, sr, PRIME_FRAMES, reset)
    return np.concatenate([plugin.process(x[:, a:a + PRIME_FRAMES], sr, PRIME_FRAMES,
                                          reset and a == 0)
                           for a in range(0, n, PRIME_FRAMES)], axis=1)

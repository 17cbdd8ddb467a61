"""Noise sources: white, pink and brown; deterministic (a fixed seed per node instance)."""
from __future__ import annotations

import zlib

import numpy as np

from phonon.dsp import oscillators as k
from phonon.plugins import Block, Node, Params, StateArrays, node

__all__ = ['WhiteNoise', 'PinkNoise', 'BrownNoise']

DEFAULT_SEED = 0x5EED


class _Noise(StateArrays, Node):
    """White uniform noise from a seeded PCG64 stream, coloured by the `colored_noise` kernel.

    The seed is `static["seed"]` when the program/runtime gives one, else derived from the
    node's stable id (so two noise nodes in a program differ, and an edit elsewhere does not
    change them), else a fixed default per colour; renders are reproducible bit for bit
    whatever the block size or executor.
    """

    color = k.WHITE
    state_arrays = ("filt",)          # the colouring filter; the generator's state is added

    def prepare(self, sr: int, block: int, channels: int) -> None:
        default = zlib.crc32(self.node_id.encode()) if self.node_id else DEFAULT_SEED + self.color
        seed = int(self.static.get("seed", default))
        self.rng = np.random.Generator(np.random.PCG64(seed))
        self.white = np.zeros(block, dtype=np.float64)
        self.filt = np.zeros(7, dtype=np.float64)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        if self.white.shape[0] < n:
            self.white = np.zeros(n, dtype=np.float64)
        w = self.white[:n]
        self.rng.random(out=w)
        w *= 2.0
        w -= 1.0
        k.colored_noise(self.white, out, n, self.filt, self.color)

    def state(self) -> dict:
        return {**super().state(), "rng": self.rng.bit_generator.state}

    def load_state(self, state: dict) -> None:
        super().load_state(state)
        if "rng" in state:
            self.rng.bit_generator.state = state["rng"]


@node("noise", aliases=("white",), doc="White noise, uniform in -1..1.", category="source")
class WhiteNoise(_Noise):
    color = k.WHITE


@node("pink", doc="Pink noise (-3 dB/octave), peak about 1.", category="source")
class PinkNoise(_Noise):
    color = k.PINK


@node("brown", doc="Brown (red) noise (-6 dB/octave), a leaky random walk.", category="source")
class BrownNoise(_Noise):
    color = k.BROWN

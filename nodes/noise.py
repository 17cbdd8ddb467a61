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
    change them), else a fixed default per colour; a non-zero session seed (`random_seed`) is
    mixed in. Renders are reproducible bit for bit whatever the block size or executor.
    """

    color = k.WHITE
    state_arrays = ("filt",)          # the colouring filter; the generator's state is added
    #: the session's random seed (a `phonon batch` job's seed; 0: none), set by the runtime
    resources = ("random_seed",)
    random_seed: int | None = 0

    def prepare(self, sr: int, block: int, channels: int) -> None:
        default = zlib.crc32(self.node_id.encode()) if self.node_id else DEFAULT_SEED + self.color
        seed = int(self.static.get("seed", default))
        session = int(self.random_seed or 0)
        self.rng = np.random.Generator(np.random.PCG64([seed, session] if session else seed))
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


@node("noise", aliases=("white", "white_noise"), doc="White noise, uniform in -1..1.", category="source")
class WhiteNoise(_Noise):
    color = k.WHITE


@node("pink", aliases=("pink_noise",), doc="Pink noise (-3 dB/octave), peak about 1.", category="source")
class PinkNoise(_Noise):
    color = k.PINK


@node("brown", aliases=("brown_noise",), doc="Brown (red) noise (-6 dB/octave), a leaky random walk.", category="source")
class BrownNoise(_Noise):
    color = k.BROWN

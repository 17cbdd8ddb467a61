"""`dirt N`: orbit N of the events `phonon dirt` receives, as a stereo source in a program.

`phonon dirt --program FILE` runs a program beside the receiver; in it `dirt 0` is the audio of
orbit 0 (Tidal's `d1`), sample-aligned with the program's own blocks, so the program's buses
and effects can process what Tidal or Strudel play: `out: (dirt 0 + dirt 1 # reverb 0.4) #
limiter 0.95`. Anywhere else (`phonon render`, `phonon live`) `dirt N` is silence.
"""
from __future__ import annotations

import numpy as np

from phonon.plugins import Block, Node, Param, Params, PhononError, node

__all__ = ["DirtOrbit"]


@node("dirt", category="source",
      doc="Orbit N of what `phonon dirt` receives (Tidal's d1 = dirt 0): out: dirt 0 # reverb 0.4")
class DirtOrbit(Node):
    """The stereo block of orbit `orbit` that `phonon dirt` rendered for the same samples; the
    session resource `dirt_orbits` (set by `phonon dirt --program`) provides it. Silence when there
    is none (any other command) or the orbit does not exist."""

    orbit = Param(0, kind="any", lo=0, hi=63, doc="the orbit (0 is Tidal's d1)")
    resources = ("dirt_orbits",)
    dirt_orbits = None

    def __init__(self, **static) -> None:
        super().__init__(**static)
        value = static.get("orbit", 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) \
                or not 0 <= value <= 63:
            raise PhononError(f"dirt: the orbit must be a whole number 0..63, got {value!r}",
                              hint="dirt 0 (Tidal's d1), dirt 1 (d2), ...")
        self.index = int(value)

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = sr

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        source = self.dirt_orbits
        block = source.orbit_audio(self.index, ctx.start, n) if source is not None else None
        if block is None:
            out[:, :n] = 0.0
        else:
            out[:, :n] = block

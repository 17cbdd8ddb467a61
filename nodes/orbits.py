"""`dirt_orbit`: an orbit, SuperDirt's shared bus with global effects (made by the compiler for
`# orbit n`; a program reads it as `~orbitN`).

It plays the sample voices of every event routed to orbit n (one voice pool: cut groups meet
across the patterns on the orbit), adds its audio inputs (the `poly` voices of the buses played
on the orbit), then runs the orbit's delay, reverb and leslie driven by all those events
(`phonon.samples.OrbitEffects`). Every other control and behaviour is the `s` node's
(docs/samples.md). Under `phonon dirt --program` (the session resource `dirt_orbits`), what
Tidal plays on orbit n joins the bus too, before its effects (docs/dirt.md).
"""
from __future__ import annotations

import numpy as np

from phonon.plugins import Block, Param, Params, node
from phonon.samples import voice_controls

from .voices import SampleVoices

__all__ = ["OrbitBus"]


@node("dirt_orbit", category="voices", inputs=-1, controls=voice_controls(),
      doc="An orbit's bus: its sample voices, its instruments' voices and its global effects "
          "(made by the compiler for # orbit n; read it as ~orbitN).")
class OrbitBus(SampleVoices):
    """The voices and global effects of one orbit."""

    index = Param(0, kind="any", doc="the orbit's number (set by the compiler)")

    resources = ("samples", "dirt_orbits")
    dirt_orbits = None                           # `phonon dirt`'s engine, under --program
    _start = 0

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        self._start = ctx.start
        super().process(ctx, ins, p, out)

    def add_inputs(self, ins: list, mix: np.ndarray, frames: int) -> None:
        for x in ins:                            # the instruments played on this orbit
            mix[:, :frames] += x[:, :frames]
        source = self.dirt_orbits                # what Tidal plays on this orbit
        if source is not None:
            audio = source.orbit_audio(int(self.static.get("index", 0) or 0), self._start, frames)
            if audio is not None:
                mix[:, :frames] += audio

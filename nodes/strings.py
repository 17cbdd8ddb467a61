"""Plucked strings: pluck (Karplus-Strong) and waveguide (a string with a pickup position).

Both ring a one-sample feedback loop inside their kernel (`phonon.dsp.strings`), tuned exactly
(within 0.1 cent). Like the original they are plucked once when they start (`pluck 220`); to
pluck them again, give a trigger pattern (`pluck 220 :trig "x*4"`), play them from a bus
(`~str: pluck 220`, `s "~str*4" # note "0 7"`) or give note names (`pluck "c3 e3 g3"`: one
voice per note).
"""
from __future__ import annotations

import zlib

import numpy as np

from phonon.dsp import strings as k
from phonon.plugins import Block, Param, Params, node

from .synths import _Percussion

__all__ = ["Pluck", "Waveguide"]

LEVEL = 0.5             # peak of the excitation noise


class _String(_Percussion):
    """A string voice: the loop's delay line and state (`line`, `string`) are its state."""

    state_arrays = ("line", "string")
    waveguide = False
    freq = Param(220.0, unit="Hz", lo=20.0, hi=10000.0, doc="fundamental frequency")
    damping = Param(0.5, lo=0.0, hi=1.0, aliases=("damp",),
                    doc="loop low-pass: 0 bright and metallic, 1 dull (classic Karplus-Strong)")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        base = zlib.crc32(self.node_id.encode()) if self.node_id else self.seed
        self.line = np.zeros(k.line_length(sr))
        self.string = k.new_state(base + 7919 * int(self.random_seed or 0))
        self.pickup_buf = np.full(block, 0.5)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        freq, damping, decay = self.bufs.arrays(p, n, "freq", "damping", "decay")
        pickup = self.bufs.get("pickup", p.pickup, n) if self.waveguide else self.pickup_buf[:n]
        k.string(out, n, self.hits(ctx, p), freq, damping, decay, pickup, self.line, self.string,
                 LEVEL, self.sr, self.waveguide)

    def active_voices(self) -> int:
        return int(np.abs(self.line).max() > 1e-4)


@node("pluck", category="synth",
      doc="Karplus-Strong plucked string: `pluck freq [damping]`; plucked at start or on :trig.")
class Pluck(_String):
    """One period of zero-mean noise into a loop of sr/freq samples with a one-zero low-pass
    (`damping`) and an exact fractional all-pass; the fundamental falls 60 dB in `decay` s
    (high notes with strong damping faster: the loop never gains energy). Peak about 0.5."""

    decay = Param(2.0, unit="s", lo=0.01, hi=60.0, doc="time for the fundamental to fall 60 dB")
    trig = Param("", kind="events", doc="pluck at every onset of this pattern; none: once at start")
    seed = 45678


@node("waveguide", category="synth",
      doc="Waveguide string heard at a pickup: `waveguide freq damping pickup`; plucked at start or on :trig.")
class Waveguide(_String):
    """The pluck's loop read at two points p*D/2 and D - p*D/2 behind the write head (D the loop
    delay): half their difference is the displacement at fraction p of an ideal string, so
    pickup 0.5 has no even harmonics, 1/3 no multiples of 3. Peak about 0.5."""

    waveguide = True
    pickup = Param(0.5, lo=0.02, hi=0.98, aliases=("pos",), doc="pickup position along the string (0..1)")
    decay = Param(2.0, unit="s", lo=0.01, hi=60.0, doc="time for the fundamental to fall 60 dB")
    trig = Param("", kind="events", doc="pluck at every onset of this pattern; none: once at start")
    seed = 56789

"""Moog-style ladder low-pass: moog_ladder (aliases moog, ladder, moog_hz).

The Rust original's `moog_ladder x cutoff res` takes its input first; here it also works after
`#` (`~x # moog 800 0.7`). Own zero-delay-feedback kernel (`phonon.dsp.ladder`): cutoff and
resonance follow a signal sample by sample.
"""
from __future__ import annotations

import numpy as np

from phonon.dsp import ladder as k
from phonon.plugins import Block, Node, Param, ParamBuffers, Params, StateArrays, node

__all__ = ["MoogLadder"]


@node("moog_ladder", aliases=("moog", "ladder", "moog_hz"), inputs=1, input_first=True,
      category="filter",
      doc="Moog ladder low-pass, 24 dB/octave, resonance 1 self-oscillates: `moog_ladder x cutoff res`.")
class MoogLadder(StateArrays, Node):
    """Four TPT one-poles with inverted feedback k = 4*res: the bilinear image of
    1/((1 + s/wc)^4 + k). -12 dB at the cutoff with res 0, 24 dB/octave above it; resonance
    thins the bass by 1/(1 + 4*res) like the original circuit."""

    state_arrays = ("z",)
    cutoff = Param(1000.0, unit="Hz", lo=10.0, hi=20000.0, doc="cutoff (clamped to 10 Hz .. 0.45*sr)")
    res = Param(0.0, lo=0.0, hi=1.0, aliases=("resonance",), doc="resonance (1 = self-oscillation)")
    drive = Param(1.0, lo=1.0, hi=10.0, doc="input saturation tanh(drive*x) (1 = clean, linear)")
    mix = Param(1.0, lo=0.0, hi=1.0, doc="dry/wet (1 = pure filtered signal)")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.z = np.zeros((channels, 4), dtype=np.float64)
        self.bufs = ParamBuffers(block, "cutoff", "res", "drive", "mix")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        k.ladder(ins[0], out, n, *self.bufs.arrays(p, n, "cutoff", "res", "drive", "mix"), self.z,
                 self.sr)

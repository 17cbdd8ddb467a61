"""Resonant state-variable filters: lpf hpf bpf notch (per-sample cutoff and q)."""
from __future__ import annotations

import numpy as np

from phonon.dsp import svf as k
from phonon.plugins import Block, Node, Param, ParamBuffers, Params, StateArrays, node

__all__ = ['LowPass', 'HighPass', 'BandPass', 'Notch']


class _SVF(StateArrays, Node):
    mode = k.LOW
    state_arrays = ("z",)
    cutoff = Param(1000.0, unit="Hz", lo=1.0, hi=20000.0, doc="cutoff / centre frequency")
    q = Param(0.707, lo=k.MIN_Q, hi=50.0, doc="resonance (0.707 = flat Butterworth low-pass)")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.z = np.zeros((channels, 2), dtype=np.float64)
        self.bufs = ParamBuffers(block, "cutoff", "q")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        cutoff = self.bufs.get("cutoff", p.cutoff, n)
        q = self.bufs.get("q", p.q, n)
        k.svf(ins[0], out, n, cutoff, q, self.z, self.mode, self.sr)


@node("lpf", doc="Resonant low-pass (12 dB/octave TPT state-variable filter).", inputs=1, category="filter")
class LowPass(_SVF):
    mode = k.LOW


@node("hpf", doc="Resonant high-pass (12 dB/octave TPT state-variable filter).", inputs=1, category="filter")
class HighPass(_SVF):
    mode = k.HIGH


@node("bpf", doc="Band-pass with 0 dB peak at the cutoff; q sets the bandwidth.", inputs=1, category="filter")
class BandPass(_SVF):
    mode = k.BAND


@node("notch", doc="Notch (band-reject) at the cutoff; q sets the width.", inputs=1, category="filter")
class Notch(_SVF):
    mode = k.NOTCH

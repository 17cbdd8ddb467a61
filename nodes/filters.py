"""Resonant state-variable filters: lpf hpf bpf notch, the original's svf_lp svf_hp svf_bp
svf_notch (resonance >= 0.1), and the DJ filter djf (per-sample cutoff, q and position)."""
from __future__ import annotations

import numpy as np

from phonon.dsp import svf as k
from phonon.plugins import Block, Node, Param, ParamBuffers, Params, StateArrays, node

__all__ = ['LowPass', 'HighPass', 'BandPass', 'Notch', 'SvfLowPass', 'SvfHighPass', 'SvfBandPass',
           'SvfNotch', 'DJFilter']


class _SVF(StateArrays, Node):
    mode = k.LOW
    state_arrays = ("z",)
    cutoff = Param(1000.0, unit="Hz", lo=1.0, hi=20000.0, doc="cutoff / centre frequency")
    q = Param(0.707, lo=k.MIN_Q, hi=50.0, doc="resonance (0.707 = flat Butterworth response)")

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
    q = Param(0.707, lo=k.MIN_Q, hi=50.0, doc="resonance (0.707 = flat Butterworth low-pass)")


@node("hpf", doc="Resonant high-pass (12 dB/octave TPT state-variable filter).", inputs=1, category="filter")
class HighPass(_SVF):
    mode = k.HIGH
    q = Param(0.707, lo=k.MIN_Q, hi=50.0, doc="resonance (0.707 = flat Butterworth high-pass)")


@node("bpf", doc="Band-pass with 0 dB peak at the cutoff; q sets the bandwidth.", inputs=1, category="filter")
class BandPass(_SVF):
    mode = k.BAND
    q = Param(0.707, lo=k.MIN_Q, hi=50.0, doc="selectivity: the -3 dB bandwidth is cutoff / q "
                                                 "(higher = narrower)")


@node("notch", doc="Notch (band-reject) at the cutoff; q sets the width.", inputs=1, category="filter")
class Notch(_SVF):
    mode = k.NOTCH
    q = Param(0.707, lo=k.MIN_Q, hi=50.0, doc="selectivity: the notch is cutoff / q wide at "
                                                 "-3 dB (higher = narrower)")


class _OriginalSVF(_SVF):
    """The Rust original's `svf_*`: `svf_lp freq resonance`, resonance (= q) clamped >= 0.1."""

    cutoff = Param(1000.0, unit="Hz", lo=1.0, hi=20000.0, aliases=("freq",), doc="cutoff / centre frequency")
    q = Param(0.707, lo=0.1, hi=50.0, aliases=("resonance", "res"),
              doc="resonance = q, clamped to >= 0.1 (0.707 = flat)")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.q_clamped = np.zeros(block, dtype=np.float64)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        q = np.maximum(self.bufs.get("q", p.q, n), 0.1, out=self.q_clamped[:n])
        k.svf(ins[0], out, n, self.bufs.get("cutoff", p.cutoff, n), q, self.z, self.mode, self.sr)


@node("svf_lp", doc="State-variable low-pass, `svf_lp freq resonance` (same filter as lpf).",
      inputs=1, category="filter")
class SvfLowPass(_OriginalSVF):
    mode = k.LOW


@node("svf_hp", doc="State-variable high-pass, `svf_hp freq resonance` (same filter as hpf).",
      inputs=1, category="filter")
class SvfHighPass(_OriginalSVF):
    mode = k.HIGH


@node("svf_bp", doc="State-variable band-pass, 0 dB at the centre (same filter as bpf).",
      inputs=1, category="filter")
class SvfBandPass(_OriginalSVF):
    mode = k.BAND


@node("svf_notch", doc="State-variable notch (same filter as notch).", inputs=1, category="filter")
class SvfNotch(_OriginalSVF):
    mode = k.NOTCH


@node("djf", inputs=1, category="filter",
      doc="DJ filter: 0..0.5 low-pass 80 Hz -> open, 0.5 untouched, 0.5..1 high-pass open -> 8 kHz.")
class DJFilter(StateArrays, Node):
    """One TPT state-variable filter read as a low-pass below 0.5 and a high-pass above:
    cutoff 80 Hz * 250**(2v) (v < 0.5), 8 kHz / 400**(2 - 2v) (v > 0.5); at exactly 0.5 the
    input passes unchanged, and both sides of 0.5 are nearly flat, so a sweep has no jump."""

    state_arrays = ("z",)
    v = Param(0.5, lo=0.0, hi=1.0, aliases=("pos",), doc="0 = low-pass 80 Hz, 0.5 = open, 1 = high-pass 8 kHz")
    q = Param(0.707, lo=k.MIN_Q, hi=50.0, doc="resonance (0.707 = no peak)")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.z = np.zeros((channels, 2), dtype=np.float64)
        self.bufs = ParamBuffers(block, "v", "q")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        k.djf(ins[0], out, n, *self.bufs.arrays(p, n, "v", "q"), self.z, self.sr)

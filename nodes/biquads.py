"""RBJ biquad filters: bq_lp (rlpf) bq_hp (rhpf) bq_bp resonz bq_notch, and parametric_eq.

Each is a thin class around `phonon.dsp.biquad`; the Rust original's argument orders and clamps
(frequency 10 Hz .. 0.45*sr, q 0.1..20; resonz q 0.5..100). `parametric_eq` (alias `eq`)
takes its input first like the original (`eq ~x 100 3 1 ...`), and works after `#` too.
"""
from __future__ import annotations

import numpy as np

from phonon.dsp import biquad as k
from phonon.plugins import Block, Node, Param, ParamBuffers, Params, StateArrays, node

__all__ = ["BiquadLowPass", "BiquadHighPass", "BiquadBandPass", "Resonz", "BiquadNotch",
           "ParametricEq"]

MIN_HZ = 10.0
TOP = 0.45            # highest frequency, as a fraction of the sample rate


class _Biquad(StateArrays, Node):
    """One RBJ biquad: `freq` and `q` per sample, clamped to the class's limits."""

    mode = k.LOW
    q_range = (0.1, 20.0)
    state_arrays = ("z",)
    cutoff = Param(1000.0, unit="Hz", lo=MIN_HZ, hi=20000.0, aliases=("freq",),
                   doc="cutoff / centre frequency (clamped to 10 Hz .. 0.45*sr)")
    q = Param(0.707, lo=0.1, hi=20.0, doc="resonance Q (0.707 = Butterworth, no peak)")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.z = np.zeros((channels, 2), dtype=np.float64)
        self.limits = np.array([MIN_HZ, TOP * sr, *self.q_range], dtype=np.float64)
        self.bufs = ParamBuffers(block, "cutoff", "q", "gain")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        k.biquad(ins[0], out, n, self.bufs.get("cutoff", p.cutoff, n), self.bufs.get("q", p.q, n),
                 self.bufs.get("gain", 0.0, n), self.z, self.mode, self.limits, self.sr)


@node("bq_lp", aliases=("rlpf",), inputs=1, category="filter",
      doc="Resonant low-pass (RBJ biquad, 12 dB/octave): `bq_lp freq q`, `rlpf cutoff q`.")
class BiquadLowPass(_Biquad):
    mode = k.LOW


@node("bq_hp", aliases=("rhpf",), inputs=1, category="filter",
      doc="Resonant high-pass (RBJ biquad, 12 dB/octave): `bq_hp freq q`, `rhpf cutoff q`.")
class BiquadHighPass(_Biquad):
    mode = k.HIGH


@node("bq_bp", inputs=1, category="filter",
      doc="Band-pass (RBJ biquad), 0 dB at the centre; Q = centre / bandwidth.")
class BiquadBandPass(_Biquad):
    mode = k.BAND
    q = Param(1.0, lo=0.1, hi=20.0, doc="Q = centre frequency / -3 dB bandwidth")


@node("resonz", inputs=1, category="filter",
      doc="Resonant band-pass (RBJ, 0 dB at the centre) for narrow bands: Q up to 100.")
class Resonz(_Biquad):
    mode = k.BAND
    q_range = (0.5, 100.0)
    q = Param(10.0, lo=0.5, hi=100.0, doc="Q = centre frequency / -3 dB bandwidth")


@node("bq_notch", inputs=1, category="filter",
      doc="Notch (RBJ biquad): silence at the centre frequency; Q sets the width.")
class BiquadNotch(_Biquad):
    mode = k.NOTCH
    q = Param(1.0, lo=0.1, hi=20.0, doc="Q = centre frequency / -3 dB width of the notch")


@node("parametric_eq", aliases=("eq",), inputs=1, input_first=True, category="filter",
      doc="Three peaking bands (RBJ): `parametric_eq x lf lg lq mf mg mq hf hg hq`, gains in dB.")
class ParametricEq(StateArrays, Node):
    """Low, mid and high peaking biquads in series. A band at 0 dB is skipped exactly, so the
    defaults pass the input through bit for bit."""

    state_arrays = ("z",)
    low_freq = Param(100.0, unit="Hz", lo=MIN_HZ, hi=20000.0, doc="low band centre")
    low_gain = Param(0.0, unit="dB", lo=-48.0, hi=24.0, doc="low band gain")
    low_q = Param(0.707, lo=0.1, hi=20.0, doc="low band Q")
    mid_freq = Param(1000.0, unit="Hz", lo=MIN_HZ, hi=20000.0, doc="mid band centre")
    mid_gain = Param(0.0, unit="dB", lo=-48.0, hi=24.0, doc="mid band gain")
    mid_q = Param(0.707, lo=0.1, hi=20.0, doc="mid band Q")
    high_freq = Param(8000.0, unit="Hz", lo=MIN_HZ, hi=20000.0, doc="high band centre")
    high_gain = Param(0.0, unit="dB", lo=-48.0, hi=24.0, doc="high band gain")
    high_q = Param(0.707, lo=0.1, hi=20.0, doc="high band Q")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.z = np.zeros((channels, 3, 2), dtype=np.float64)
        self.limits = np.array([MIN_HZ, TOP * sr, 0.1, 20.0], dtype=np.float64)
        self.bands = np.zeros((9, block), dtype=np.float64)
        self.names = [prm.name for prm in self.spec.params]

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        if self.bands.shape[1] < n:
            self.bands = np.zeros((9, n), dtype=np.float64)
        for row, name in enumerate(self.names):
            value = p[name]
            if isinstance(value, np.ndarray):
                value = (value if value.ndim == 1 else value.mean(axis=0))[:n]
            self.bands[row, :n] = value
        k.peaking_eq(ins[0], out, n, self.bands, self.z, self.limits, self.sr)

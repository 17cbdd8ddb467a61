"""Stereo placement and crossfades: `widener` (`width`), `pan2_l`, `pan2_r`, `xfade`.

(`pan2` is an alias of `pan`, in control.py.)
"""
from __future__ import annotations

import numpy as np

from phonon.dsp import modulation as k
from phonon.plugins import (Block, Node, Param, ParamBuffers, Params, StateArrays, node,
                            scalar_or_array)

from .common import FiniteInputs

__all__ = ["Widener", "Pan2Left", "Pan2Right", "XFade"]


@node("widener", inputs=1, aliases=("width",), category="effect",
      doc="Stereo width by mid/side: 0 mono, 1 unchanged, 2 extra wide (decorrelated mid).")
class Widener(FiniteInputs, StateArrays, Node):
    """S' = width*S + max(width - 1, 0)*D(M), L = M + S', R = M - S' (M, S: mid and side),
    where D is a chain of four Schroeder all-passes (3.1-11.3 ms, gain 0.6, flat magnitude).
    Above 1 a mono input becomes stereo: at 2 the channels are uncorrelated, each 3 dB louder;
    their sum stays the mono signal. Width 1 passes the input through exactly."""

    width = Param(1.0, lo=0.0, hi=2.0, doc="0 = mono, 1 = unchanged, 2 = widest")
    state_arrays = ("lines", "heads")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.lengths = np.array([max(1, round(ms * 0.001 * sr)) for ms in k.WIDENER_DELAYS_MS],
                                dtype=np.int64)
        self.lines = np.zeros((len(self.lengths), int(self.lengths.max())))
        self.heads = np.zeros(len(self.lengths))
        self.bufs = ParamBuffers(block, "width")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        k.widen(ins[0], out, n, self.bufs.get("width", p.width, n), self.lines, self.lengths,
                self.heads, k.WIDENER_GAIN)
        if not isinstance(p.width, np.ndarray) and p.width == 1.0:
            out[:, :n] = ins[0][:, :n]          # exact pass-through (the all-passes keep running)


class _PanSide(FiniteInputs, Node):
    """One side of an equal-power pan, on both output channels."""

    pos = Param(0.0, lo=-1.0, hi=1.0, doc="-1 left .. 0 centre .. 1 right")
    side = np.cos

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        pos = np.nan_to_num(np.clip(scalar_or_array(p.pos, n), -1.0, 1.0))
        gain = type(self).side((pos + 1.0) * (np.pi / 4.0))
        np.add(ins[0][0, :n], ins[0][1, :n], out=out[0, :n])
        np.multiply(out[0, :n], 0.5 * gain, out=out[0, :n], casting="unsafe")
        out[1, :n] = out[0, :n]


@node("pan2_l", inputs=1, input_first=True, category="control",
      doc="The left channel of an equal-power pan: input * cos((pos+1)*pi/4), mono.")
class Pan2Left(_PanSide):
    side = np.cos


@node("pan2_r", inputs=1, input_first=True, category="control",
      doc="The right channel of an equal-power pan: input * sin((pos+1)*pi/4), mono.")
class Pan2Right(_PanSide):
    side = np.sin


@node("xfade", inputs=2, input_first=True, category="control",
      doc="Linear crossfade: a*(1-pos) + b*pos, pos clamped to 0..1 (`xfade ~a ~b 0.3`).")
class XFade(FiniteInputs, Node):
    pos = Param(0.5, lo=0.0, hi=1.0, doc="0 = only a, 1 = only b")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        pos = np.clip(scalar_or_array(p.pos, n), 0.0, 1.0)
        a, b = ins[0][:, :n], ins[1][:, :n]
        if isinstance(pos, float):
            pos = float(np.nan_to_num(pos))
        else:
            pos = np.nan_to_num(pos)
        np.multiply(np.subtract(b, a, dtype=np.float64), pos, out=out[:, :n], casting="unsafe")
        out[:, :n] += a

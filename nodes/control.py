"""Control and mixing stages on one input: range, lag, gain, pan."""
from __future__ import annotations

import numpy as np

from phonon.dsp import delay as k
from phonon.plugins import Block, Node, Param, ParamBuffers, Params, StateArrays, node, scalar_or_array

__all__ = ['Range', 'Lag', 'Gain', 'Pan']


@node("range", doc="Map a -1..1 signal linearly onto lo..hi.", inputs=1, category="control")
class Range(Node):
    lo = Param(0.0, doc="output for input -1")
    hi = Param(1.0, doc="output for input +1")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        lo, hi = scalar_or_array(p.lo, n), scalar_or_array(p.hi, n)
        np.multiply(ins[0][:, :n] + 1.0, 0.5 * np.subtract(hi, lo), out=out[:, :n], casting="unsafe")
        out[:, :n] += lo


@node("lag", doc="One-pole smoothing with time constant `time` (reaches 63% of a step after `time`).",
      inputs=1, input_first=True, category="control")
class Lag(StateArrays, Node):
    time = Param(0.05, unit="s", lo=0.0, doc="time constant")
    state_arrays = ("y",)

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.y = np.zeros(channels, dtype=np.float64)
        self.bufs = ParamBuffers(block, "time")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        k.one_pole(ins[0], out, n, self.bufs.get("time", p.time, n), self.y, self.sr)


@node("gain", doc="Multiply by `amount` (linear).", inputs=1, aliases=("amp",), category="control")
class Gain(Node):
    amount = Param(1.0, doc="linear gain factor")
    arithmetic = "gain"

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        np.multiply(ins[0][:, :n], scalar_or_array(p.amount, n), out=out[:, :n], casting="unsafe")


@node("pan", doc="Equal-power balance: angle=(pos+1)*pi/4, left *= cos, right *= sin.",
      inputs=1, aliases=("pan2",), category="control")
class Pan(Node):
    pos = Param(0.0, lo=-1.0, hi=1.0, doc="-1 left .. 0 centre (-3 dB each) .. 1 right")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        angle = (np.nan_to_num(np.clip(scalar_or_array(p.pos, n), -1.0, 1.0)) + 1.0) * (np.pi / 4.0)
        np.multiply(ins[0][0, :n], np.cos(angle), out=out[0, :n], casting="unsafe")
        np.multiply(ins[0][1, :n], np.sin(angle), out=out[1, :n], casting="unsafe")

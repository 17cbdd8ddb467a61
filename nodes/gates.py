"""Gates and triggers: `gate` and `trig` (from a pattern's events), `schmidt`, `latch`,
`sample_hold` and `timer` (from signals). A signal counts as high at >= 0.5."""
from __future__ import annotations

import math

import numpy as np

from phonon.dsp import control as k
from phonon.plugins import Block, Node, Param, ParamBuffers, Params, StateArrays, node

from .common import FiniteInputs
from .envelopes import truthy

__all__ = ["Gate", "Trig", "Schmidt", "Latch", "SampleHold", "Timer"]


@node("gate", category="control",
      doc="1 while an event of the pattern lasts, else 0 (`gate \"t ~ t t\"`; f/0 steps stay 0).")
class Gate(Node):
    pattern = Param(None, kind="events", doc="the events: each true one opens the gate for its duration")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.until = -1           # absolute sample where the gate closes (exclusive)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        out[:, :n] = 0.0
        if self.until > ctx.start:
            out[:, :min(n, self.until - ctx.start)] = 1.0
        for ev in sorted(ctx.events, key=lambda e: e.offset):
            if not truthy(ev.value, "gate"):
                continue
            length = ev.duration * self.sr
            end = ctx.start + ev.offset + (round(length) if math.isfinite(length) else 1 << 62)
            self.until = max(self.until, end)
            out[:, ev.offset:min(n, end - ctx.start)] = 1.0

    def state(self) -> dict:
        return {"until": self.until}

    def load_state(self, state: dict) -> None:
        self.until = int(state.get("until", -1))


@node("trig", category="control",
      doc="1 for one sample at each onset of the pattern, else 0 (`trig \"x*4\"`; f/0 steps stay 0).")
class Trig(Node):
    pattern = Param(None, kind="events", doc="the events: each true onset is a one-sample 1")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        out[:, :ctx.frames] = 0.0
        for ev in ctx.events:
            if truthy(ev.value, "trig"):
                out[:, ev.offset] = 1.0


@node("schmidt", inputs=1, category="control",
      doc="Schmitt trigger: 1 once the input rises above `high`, 0 once it falls below `low`.")
class Schmidt(FiniteInputs, StateArrays, Node):
    high = Param(0.5, lo=-1e9, hi=1e9, doc="threshold that turns the output on")
    low = Param(0.3, lo=-1e9, hi=1e9, doc="threshold that turns it off (below high: hysteresis)")
    state_arrays = ("out_state",)

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.out_state = np.zeros(channels)
        self.bufs = ParamBuffers.for_spec(self.spec, block)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        k.schmidt(ins[0], out, n, *self.bufs.arrays(p, n, "high", "low"), self.out_state)


class _Hold(FiniteInputs, StateArrays, Node):
    state_arrays = ("held",)

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.held = np.zeros(1 + channels)
        self.trig = np.zeros(block)
        self.bufs = ParamBuffers.for_spec(self.spec, block)


@node("latch", inputs=1, category="control",
      doc="Sample the input when `gate` rises through 0.5 and hold it (0 before the first rise).")
class Latch(_Hold):
    gate = Param(0.0, lo=0.0, hi=1.0, doc="gate signal: each rise samples the input")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        k.sample_hold(ins[0], self.bufs.get("gate", p.gate, n), out, n, self.held)


@node("sample_hold", inputs=2, input_first=True, category="control",
      doc="Sample-and-hold: `sample_hold x trigger` takes x when the trigger signal rises through 0.5.")
class SampleHold(_Hold):
    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        if self.trig.shape[0] < n:
            self.trig = np.zeros(n)
        np.mean(ins[1][:, :n], axis=0, out=self.trig[:n])
        k.sample_hold(ins[0], self.trig[:n], out, n, self.held)


@node("timer", inputs=1, category="control",
      doc="Seconds since the input last rose through 0.5 (from the node's start before that).")
class Timer(FiniteInputs, StateArrays, Node):
    state_arrays = ("count",)

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.count = np.zeros(2)
        self.trig = np.zeros(block)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        if self.trig.shape[0] < n:
            self.trig = np.zeros(n)
        np.mean(ins[0][:, :n], axis=0, out=self.trig[:n])
        k.timer(self.trig[:n], out, n, self.count, self.sr)

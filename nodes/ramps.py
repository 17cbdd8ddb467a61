"""One-shot ramps and breakpoint envelopes, timed from the node's first sample: `curve`,
`xline`, `segments`. (Each holds its last value afterwards; a hot swap hands over the start.)"""
from __future__ import annotations

from typing import Any

import numpy as np

from phonon.plugins import Block, Node, Param, Params, PhononError, node, scalar_or_array

__all__ = ["Curve", "XLine", "Segments"]


class _Ramp(Node):
    """`self.t[:n]`: seconds since the node's first sample, for the block."""

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.origin: int | None = None
        self.ramp = np.arange(block, dtype=np.float64)
        self.t = np.zeros(block)

    def elapsed(self, ctx: Block) -> np.ndarray:
        n = ctx.frames
        if self.origin is None:
            self.origin = ctx.start
        if self.ramp.shape[0] < n:
            self.ramp = np.arange(n, dtype=np.float64)
            self.t = np.zeros(n)
        t = self.t[:n]
        np.add(self.ramp[:n], float(ctx.start - self.origin), out=t)
        t /= self.sr
        return t

    def state(self) -> dict:
        return {"origin": self.origin}

    def load_state(self, state: dict) -> None:
        self.origin = state.get("origin")


@node("curve", category="control",
      doc="A one-shot ramp from `start` to `end` in `dur` s, bent by `curve` (0 = straight).")
class Curve(_Ramp):
    """SuperCollider's curve shape: start + (end - start)*(1 - exp(curve*u))/(1 - exp(curve)),
    u = t/dur in 0..1; curve > 0 starts slowly, < 0 starts fast; then holds `end`."""

    start = Param(0.0, lo=-1e9, hi=1e9, doc="value at the node's first sample")
    end = Param(1.0, lo=-1e9, hi=1e9, doc="value after `dur` seconds")
    dur = Param(1.0, unit="s", lo=0.0, hi=3600.0, doc="ramp duration")
    curve = Param(0.0, lo=-20.0, hi=20.0, doc="bend: 0 linear, +-4 strongly curved")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        t = self.elapsed(ctx)
        a, b = scalar_or_array(p.start, n), scalar_or_array(p.end, n)
        dur = np.maximum(np.nan_to_num(scalar_or_array(p.dur, n)), 1e-9)
        c = np.nan_to_num(np.clip(scalar_or_array(p.curve, n), -20.0, 20.0))
        u = np.clip(t / dur, 0.0, 1.0)
        bent = np.where(np.abs(c) < 1e-6, u, np.expm1(c * u) / np.expm1(np.where(c == 0, 1.0, c)))
        y = np.nan_to_num(a + (b - a) * bent)
        out[0, :n] = y
        out[1, :n] = y


@node("xline", category="control",
      doc="A one-shot exponential ramp from `start` to `end` in `dur` s (same sign, not 0).")
class XLine(_Ramp):
    """start * (end/start)**(t/dur), then holds `end`: equal ratios in equal times (a pitch or
    a cutoff sweeps evenly in octaves). Values of different sign or 0 fall back to a straight
    line."""

    start = Param(1.0, lo=-1e9, hi=1e9, doc="value at the node's first sample (not 0)")
    end = Param(2.0, lo=-1e9, hi=1e9, doc="value after `dur` seconds (same sign as start)")
    dur = Param(1.0, unit="s", lo=0.0, hi=3600.0, doc="ramp duration")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        t = self.elapsed(ctx)
        a, b = scalar_or_array(p.start, n), scalar_or_array(p.end, n)
        dur = np.maximum(np.nan_to_num(scalar_or_array(p.dur, n)), 1e-9)
        u = np.clip(t / dur, 0.0, 1.0)
        ok = (np.asarray(a) * np.asarray(b)) > 0.0
        ratio = np.where(ok, np.asarray(b) / np.where(ok, a, 1.0), 1.0)
        y = np.where(ok, a * np.power(np.abs(ratio), u), a + (b - a) * u)
        y = np.nan_to_num(y)
        out[0, :n] = y
        out[1, :n] = y


def _numbers(text: str, what: str) -> np.ndarray:
    try:
        values = np.array([float(w) for w in str(text).replace(",", " ").split()], dtype=np.float64)
    except ValueError:
        raise PhononError(f"segments: {what} must be numbers separated by spaces, got {text!r}",
                          hint='segments "0 1 0.3 0" "0.01 0.2 1"') from None
    if not np.isfinite(values).all():
        raise PhononError(f"segments: {what} must be finite numbers, got {text!r}")
    return values


@node("segments", category="control",
      doc='A breakpoint envelope: `segments "0 1 0.3 0" "0.01 0.2 1"`: levels joined by straight '
          'lines lasting the given seconds, then holding the last level.')
class Segments(_Ramp):
    """Levels L0..Lk and times T1..Tk (k = levels - 1; extra times are ignored, missing ones
    count 0): linear from L(i-1) to Li over Ti seconds, from the node's first sample."""

    levels = Param("0 1 0", kind="text", doc="breakpoint levels, space-separated")
    times = Param("0.1 0.5", kind="text", doc="segment durations in seconds, space-separated")

    def __init__(self, **static: Any) -> None:
        super().__init__(**static)
        levels = _numbers(static.get("levels", "0 1 0"), "levels")
        times = _numbers(static.get("times", "0.1 0.5"), "times")
        if levels.size == 0:
            raise PhononError("segments: needs at least one level", hint='segments "0 1 0" "0.1 0.5"')
        if (times < 0).any():
            raise PhononError("segments: times must not be negative")
        times = np.concatenate([times, np.zeros(max(0, levels.size - 1 - times.size))])[:levels.size - 1]
        self.levels = levels
        self.breaks = np.concatenate([[0.0], np.cumsum(times)])

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        y = np.interp(self.elapsed(ctx), self.breaks, self.levels)
        out[0, :n] = y
        out[1, :n] = y

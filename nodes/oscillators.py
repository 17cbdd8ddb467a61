"""Oscillators and simple signal sources: sine saw square tri pulse, const sig mtof line."""
from __future__ import annotations

import numpy as np

from phonon.dsp import oscillators as k
from phonon.plugins import Block, Node, Param, ParamBuffers, Params, StateArrays, node, scalar_or_array

__all__ = ['Sine', 'Saw', 'Square', 'Pulse', 'Tri', 'Const', 'Sig', 'Mtof', 'Line']


def _freq(default: float) -> Param:
    return Param(default, unit="Hz", lo=0.0, hi=20000.0, doc="frequency")


def _offset() -> Param:
    return Param(0.0, unit="semitones", lo=-96.0, hi=96.0,
                 doc="transposition in semitones (the original's `saw 110 7`)")


#: the zero-argument form of sine, saw, square and tri is a 1 Hz LFO, as in the original
#: (`lpf (sine * 1000 + 1500)` sweeps once a second)
LFO_HZ = 1.0


class _Oscillator(StateArrays, Node):
    """Shared machinery: a phase accumulator rendered by the `oscillator` kernel, its
    frequency times 2**(offset/12)."""

    shape = k.SINE
    state_arrays = ("phase", "ring")
    freq = _freq(440.0)

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.phase = np.zeros(2, dtype=np.float64)          # phase, ring read index
        self.ring = np.zeros(k.RING, dtype=np.float64)      # pending minBLEP corrections
        self.bufs = ParamBuffers(block, "freq", "width", "offset")
        self.tuned = np.zeros(block, dtype=np.float64)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        freq = self.bufs.get("freq", p.freq, n)
        offset = p.get("offset", 0.0)
        if isinstance(offset, np.ndarray) or offset != 0.0:
            semis = self.bufs.get("offset", offset, n)
            freq = np.multiply(freq, np.exp2(semis / 12.0), out=self.tuned[:n])
        width = self.bufs.get("width", p.get("width", 0.5), n)
        k.oscillator(out, n, freq, width, self.phase, self.ring, self.shape, self.sr,
                     k.RESIDUAL, k.RAMP_RESIDUAL)


@node("sine", doc="Sine oscillator, -1..1, starts at phase 0.", category="source")
class Sine(_Oscillator):
    shape = k.SINE
    freq = _freq(LFO_HZ)
    offset = _offset()


@node("saw", aliases=("saw_hz",), doc="Band-limited (minBLEP) rising sawtooth: ramp -0.69..0.69, peak 1 with its "
                 "ringing.", category="source")
class Saw(_Oscillator):
    shape = k.SAW
    freq = _freq(LFO_HZ)
    offset = _offset()


@node("square", aliases=("square_hz",), doc="Band-limited (minBLEP) square/pulse wave, +0.60 while phase < width, else "
                    "-0.60; peak 1 with its ringing (width 0.5).", category="source")
class Square(_Oscillator):
    shape = k.PULSE
    freq = _freq(LFO_HZ)
    width = Param(0.5, lo=0.0, hi=1.0, doc="duty cycle (0..1)")
    offset = _offset()


@node("pulse", doc="Band-limited (minBLEP) pulse wave with modulatable width: levels +-0.60, "
                   "peak 1 with its ringing at width 0.5 (narrow pulses at high pitch ring "
                   "higher, up to 1.6).", category="source")
class Pulse(_Oscillator):
    shape = k.PULSE
    width = Param(0.5, lo=0.0, hi=1.0, doc="duty cycle (0..1)")
    offset = _offset()


@node("tri", aliases=("triangle", "triangle_hz"), doc="Band-limited (minBLAMP) triangle, -1..1.", category="source")
class Tri(_Oscillator):
    shape = k.TRI
    freq = _freq(LFO_HZ)
    offset = _offset()


@node("const", doc="A constant signal: outputs `value` on both channels.", category="source")
class Const(Node):
    value = Param(0.0, doc="the output value")
    arithmetic = "const"

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        out[:, :ctx.frames] = scalar_or_array(p.value, ctx.frames)


@node("sig", doc="A control signal: outputs its (pattern or signal) parameter, sample by sample.",
      category="source")
class Sig(Const):
    value = Param(0.0, doc="the value (a pattern is stepped at its onsets)")
    arithmetic = None          # a pattern or signal, not a constant


@node("mtof", doc="MIDI note number to frequency: 440 * 2**((note - 69) / 12), per sample.",
      category="control")
class Mtof(Node):
    note = Param(60.0, unit="note", doc="MIDI note number (69 = A4 = 440 Hz)")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        note = scalar_or_array(p.note, ctx.frames)
        out[:, :ctx.frames] = 440.0 * np.exp2((np.asarray(note) - 69.0) / 12.0)


@node("line", doc="A linear ramp from `start` to `end` over each cycle (the original's `line a b`), "
      "or once over `dur` seconds from the render start, then holding.", category="control")
class Line(Node):
    start = Param(0.0, lo=-1e9, hi=1e9, doc="value at the cycle start (or at time 0)")
    end = Param(1.0, lo=-1e9, hi=1e9, doc="value reached at the cycle end (or after `dur`)")
    dur = Param(0.0, unit="s", lo=0.0, hi=3600.0,
                doc="0: ramp every cycle; > 0: one ramp of this many seconds, then hold")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.ramp = np.arange(block, dtype=np.float64)
        self.t = np.zeros(block, dtype=np.float64)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        if self.ramp.shape[0] < n:
            self.ramp = np.arange(n, dtype=np.float64)
            self.t = np.zeros(n, dtype=np.float64)
        t = self.t[:n]
        np.add(self.ramp[:n], ctx.start, out=t)
        t /= self.sr
        dur = np.nan_to_num(scalar_or_array(p.dur, n))
        cycle = ctx.cycle + self.ramp[:n] * (ctx.cps / self.sr)
        per_cycle = cycle - np.floor(cycle)
        frac = np.where(np.asarray(dur) > 0.0, np.clip(t / np.maximum(dur, 1e-12), 0.0, 1.0),
                        per_cycle)
        start, end = scalar_or_array(p.start, n), scalar_or_array(p.end, n)
        out[:, :n] = np.nan_to_num(start + (np.subtract(end, start)) * frac)

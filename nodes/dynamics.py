"""Dynamics and space: reverb and compressor (JUCE's, as pedalboard plays them, reproduced as
own kernels with bit-identical output), limiter, expander and transient shaper (own kernels).

Reverb and compressor keep their state across blocks (the output does not depend on the block
size). A parameter that arrives as an array is applied per segment: split where a pattern
steps, or every 64 samples for a modulating signal (see `phonon.plugins.segments`).
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from phonon.dsp import dynamics as dyn
from phonon.dsp.compressor import JuceCompressor, compress
from phonon.dsp.freeverb import Freeverb, freeverb
from phonon.dsp import limiter as lim
from phonon.dsp.direct import compiled
from phonon.plugins import (Block, Node, Param, ParamBuffers, Params, StateArrays, node, segments,
                            value_at)

from .common import FiniteInputs

__all__ = ['Reverb', 'Compressor', 'Limiter', 'Expander', 'TransientShaper']

MIN_SEGMENT = 4   # pattern steps closer than this are applied together (fewer parameter sets)


def parameter_spans(p: Params, n: int) -> list[tuple[int, int]]:
    """The spans of a block over which the parameters are applied as constants: split where a
    pattern steps or every 64 samples of a signal (`segments`), spans shorter than
    `MIN_SEGMENT` folded into their predecessor (fewer parameter changes)."""
    spans = segments([v for _, v in p.items()], n)
    if len(spans) > 1:
        merged = [spans[0]]
        for a, b in spans[1:]:
            if b - a < MIN_SEGMENT or merged[-1][1] - merged[-1][0] < MIN_SEGMENT:
                merged[-1] = (merged[-1][0], b)
            else:
                merged.append((a, b))
        spans = merged
    return spans


def level_to_db(value: float) -> float:
    """A threshold/ceiling: > 0 is a linear amplitude, <= 0 is already dB."""
    return 20.0 * math.log10(value) if value > 0.0 else float(value)


class _JuceKernel(StateArrays, Node):
    """An effect of JUCE's (as pedalboard plays it) reproduced as an own kernel: `self.fx`
    holds its state arrays and `args(x, out, start, stop)`, `kernel(*args)` runs it, and
    `configure(p, i)` sets the parameters at sample i. Constant parameters are set once per
    block; arrays are applied per span (`parameter_spans`)."""

    kernel: Callable[..., None]

    def prepare_kernel(self, fx, block: int) -> None:
        self.fx = fx
        for name in fx.state_arrays:                   # the arrays `StateArrays` hands over
            setattr(self, name, getattr(fx, name))
        self.buf = np.zeros((2, block), dtype=np.float32)    # input not usable as it is
        self._steady: tuple | None = None    # (input, output, frames, values) of the last block

    def configure(self, p: Params, i: int) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _input(self, x: np.ndarray, n: int) -> np.ndarray:
        """`x` as a C-contiguous float32 stereo block (copied into `buf` when it is not)."""
        if x.dtype == np.float32 and x.flags.c_contiguous and x.shape[0] == 2 \
                and x.shape[1] >= n:
            return x
        if self.buf.shape[1] < n:
            self.buf = np.zeros((2, n), dtype=np.float32)
        self.buf[:, :n] = x[:, :n]
        return self.buf

    def run_kernel(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        """The kernel over the block, the parameters set once or per span."""
        n = ctx.frames
        x = self._input(ins[0], n)
        values = tuple(p.__dict__.values())
        if any(type(v) is np.ndarray for v in values):
            self._steady = None
            for a, b in parameter_spans(p, n):
                self.configure(p, a)
                self.kernel(*self.fx.args(x, out, a, b))
            return
        self.configure(p, 0)
        self.kernel(*self.fx.args(x, out, 0, n))
        self._steady = (x, out, n, values) if x is ins[0] and out.shape[1] == n else None

    def steady_kernel_call(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> tuple | None:
        """The kernel on the same input and output with the same constant parameters."""
        last = self._steady
        if last is None or last[0] is not ins[0] or last[1] is not out \
                or last[2] != ctx.frames or last[3] != tuple(p.__dict__.values()):
            return None
        args = self.fx.args(ins[0], out, 0, ctx.frames)
        return compiled(self.kernel, args), args

    def load_state(self, state: dict) -> None:
        """The predecessor's state arrays; the parameters are set again on the next block
        (an unchanged value changes nothing, as in JUCE)."""
        super().load_state(state)
        self.fx.params = ()
        self._steady = None


@node("reverb", doc="Freeverb room reverb (JUCE's, as in pedalboard.Reverb: the same output); "
      "out = dry*(1-mix) + wet*mix.", inputs=1, category="fx")
class Reverb(_JuceKernel):
    """`phonon.dsp.freeverb`: pedalboard's reverb algorithm as an own kernel, bit-identical to
    `pedalboard.Reverb` and cheaper to call (docs/speed.md)."""

    room = Param(0.5, lo=0.0, hi=1.0, doc="room size")
    damp = Param(0.5, lo=0.0, hi=1.0, doc="high-frequency damping")
    mix = Param(0.33, lo=0.0, hi=1.0, doc="0 dry (bit-exact) .. 1 reverb only")
    state_arrays = Freeverb.state_arrays
    kernel = staticmethod(freeverb)

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.prepare_kernel(Freeverb(float(sr), block), block)
        self.tail = np.zeros((2, block), dtype=np.float32)  # the wet output of a dry block

    def configure(self, p: Params, i: int) -> None:
        """The parameters at sample `i` as pedalboard's Reverb had them."""
        mix = min(max(value_at(p.mix, i), 0.0), 1.0)
        room = min(max(value_at(p.room, i), 0.0), 1.0)
        damp = min(max(value_at(p.damp, i), 0.0), 1.0)
        # JUCE's Reverb scales dry_level by 2: half of it is (1 - mix)
        self.fx.set(room, damp, mix, (1.0 - mix) * 0.5, 1.0)

    def steady_call(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> tuple | None:
        """The kernel's steady state (not the dry path of mix 0)."""
        if type(p.mix) is not float or p.mix <= 0.0:
            return None
        return self.steady_kernel_call(ctx, ins, p, out)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        if not isinstance(p.mix, np.ndarray) and p.mix <= 0.0:
            out[:, :n] = ins[0][:, :n]          # bit-exact dry; keep the tail running
            self._steady = None
            self.configure(p, 0)
            if self.tail.shape[1] < n:
                self.tail = np.zeros((2, n), dtype=np.float32)
            freeverb(*self.fx.args(self._input(ins[0], n), self.tail, 0, n))
            return
        self.run_kernel(ctx, ins, p, out)


@node("compressor", doc="Feed-forward compressor (JUCE's, as in pedalboard.Compressor: the same "
      "output) with make-up gain; `compressor threshold ratio attack release makeup`.", inputs=1,
      aliases=("comp",), category="fx")
class Compressor(_JuceKernel):
    """`phonon.dsp.compressor`: pedalboard's compressor as an own kernel, bit-identical to
    `pedalboard.Compressor` and cheaper to call (docs/speed.md)."""

    threshold = Param(-12.0, unit="dB", doc="threshold: <= 0 in dB, > 0 a linear amplitude")
    ratio = Param(4.0, lo=1.0, doc="compression ratio above the threshold")
    attack = Param(0.01, unit="s", lo=0.0, doc="attack time")
    release = Param(0.1, unit="s", lo=0.0, doc="release time")
    makeup = Param(0.0, unit="dB", doc="gain added after compression")
    state_arrays = JuceCompressor.state_arrays
    kernel = staticmethod(compress)

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.prepare_kernel(JuceCompressor(float(sr), 2), block)

    def configure(self, p: Params, i: int) -> None:
        self.fx.set(level_to_db(value_at(p.threshold, i)), max(value_at(p.ratio, i), 1.0),
                    max(value_at(p.attack, i), 0.0) * 1000.0,
                    max(value_at(p.release, i), 0.0) * 1000.0)

    def steady_call(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> tuple | None:
        """The kernel's steady state, without make-up gain."""
        if type(p.makeup) is not float or p.makeup != 0.0:
            return None
        return self.steady_kernel_call(ctx, ins, p, out)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        self.run_kernel(ctx, ins, p, out)
        makeup = p.makeup
        if isinstance(makeup, np.ndarray) or makeup != 0.0:
            out[:, :n] *= np.power(10.0, np.asarray(makeup, dtype=np.float64)[..., :n] / 20.0) \
                if isinstance(makeup, np.ndarray) else 10.0 ** (makeup / 20.0)


@node("limiter", doc="Look-ahead brick-wall limiter: unity gain below the ceiling, no sample above it "
      "(1.5 ms latency).", inputs=1, category="fx")
class Limiter(StateArrays, Node):
    """Own numba kernel (`phonon.dsp.limiter`): JUCE's limiter in pedalboard adds 3.75 dB of
    make-up gain and hard-clips, so it is not a transparent ceiling."""

    ceiling = Param(0.95, doc="ceiling: > 0 a linear amplitude, <= 0 in dB")
    release = Param(0.1, unit="s", lo=0.0, doc="release time constant")
    state_arrays = ("audio", "envelope")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        la = lim.lookahead_samples(sr)
        self.audio = np.zeros((channels, la), dtype=np.float64)
        self.envelope = lim.new_state(la)     # need, env, st (phonon.dsp.limiter)
        self.bufs = ParamBuffers(block, "ceiling", "release")
        self._const: tuple | None = None           # ((ceiling, release, n), their arrays)
        self.gain = np.zeros(block, dtype=np.float64)   # scratch of the two-pass stereo kernel
        #: (input, output, (ceiling, release, n), their arrays) of the last stereo block
        self._last: tuple | None = None

    def steady_call(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> tuple | None:
        """The stereo kernel with the parameter arrays `process` filled."""
        last = self._last
        if last is None or last[0] is not ins[0] or last[1] is not out \
                or last[2][2] != ctx.frames:
            return None
        args = (ins[0], out, ctx.frames, last[3], last[4], self.audio, self.envelope, self.sr,
                self.gain)
        return compiled(lim.limiter_stereo, args), args

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        c, release = p.ceiling, p.release
        x = ins[0]
        last = self._last
        if last is not None and last[0] is x and last[1] is out and type(c) is float \
                and type(release) is float and last[2] == (c, release, n):
            lim.limiter_stereo(x, out, n, last[3], last[4], self.audio, self.envelope, self.sr,
                               self.gain)                      # the steady state
            return
        self._last = None
        constant = not isinstance(c, np.ndarray) and not isinstance(release, np.ndarray)
        if constant and self._const is not None and self._const[0] == (c, release, n):
            ceiling, rel = self._const[1]           # constant parameters: buffers still full
        else:
            ceiling, rel = self._param_arrays(c, release, n)
            self._const = ((c, release, n), (ceiling, rel)) if constant else None
        if x.shape[0] == 2 and out.shape[0] == 2 and self.audio.shape[0] == 2 \
                and n <= self.gain.shape[0]:
            if constant and type(c) is float and type(release) is float:
                self._last = (x, out, (c, release, n), ceiling, rel)
            lim.limiter_stereo(x, out, n, ceiling, rel, self.audio, self.envelope, self.sr,
                               self.gain)
            return
        lim.limiter(x, out, n, ceiling, rel, self.audio, self.envelope, self.sr)

    def _param_arrays(self, c, release, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Per-sample linear ceiling (>= 1e-6) and release time, float64."""
        if isinstance(c, np.ndarray):
            lin = np.where(c > 0.0, c, 10.0 ** (np.minimum(c, 0.0) / 20.0))
        else:
            lin = c if c > 0.0 else 10.0 ** (c / 20.0)
        ceiling = self.bufs.get("ceiling", lin, n)
        np.maximum(ceiling, 1e-6, out=ceiling)
        return ceiling, self.bufs.get("release", release, n)


class _GainComputer(FiniteInputs, StateArrays, Node):
    """A node whose output is its input times a per-sample gain from a `phonon.dsp.dynamics`
    kernel (`self.compute(ins, n, p)` fills `self.gain[:n]`)."""

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.bufs = ParamBuffers.for_spec(self.spec, block)
        self.gain = np.zeros(block)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        if self.gain.shape[0] < n:
            self.gain = np.zeros(n)
        self.compute(ins, n, p)
        np.multiply(ins[0][:, :n], self.gain[:n], out=out[:, :n], casting="unsafe")


@node("expander", inputs=1, aliases=("expand",), category="fx",
      doc="Upward expander: above the threshold the level rises `ratio` times as fast "
          "(`expander threshold ratio attack release`).")
class Expander(_GainComputer):
    """Gain = +(level - threshold)*(ratio - 1) dB above the threshold (at most +24 dB), 0 dB
    below; the level is a peak detector (max over channels) with one-pole attack/release.
    A -14 dBFS tone against -20 dB at ratio 2 comes out at -8 dBFS."""

    threshold = Param(-20.0, unit="dB", lo=-80.0, hi=2.0,
                      doc="level above which the signal is boosted (> 0: a linear amplitude)")
    ratio = Param(2.0, lo=1.0, hi=10.0, doc="expansion ratio above the threshold")
    attack = Param(0.005, unit="s", lo=0.0, hi=1.0, doc="detector attack time")
    release = Param(0.1, unit="s", lo=0.001, hi=5.0, doc="detector release time")
    state_arrays = ("env",)

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.env = np.zeros(1)
        self.thr = np.zeros(block)

    def compute(self, ins: list, n: int, p: Params) -> None:
        if self.thr.shape[0] < n:
            self.thr = np.zeros(n)
        t = self.bufs.get("threshold", p.threshold, n)
        np.copyto(self.thr[:n], np.where(t > 0.0, 20.0 * np.log10(np.maximum(t, 1e-9)), t))
        dyn.expander_gain(ins[0], self.gain, n, self.thr[:n],
                          *self.bufs.arrays(p, n, "ratio", "attack", "release"), self.env, self.sr)


@node("transient_shaper", inputs=1, aliases=("tshaper",), category="fx",
      doc="Transient shaper: `attack` dB on the onsets, `sustain` dB on the decays "
          "(`transient_shaper attack sustain`, +-40).")
class TransientShaper(_GainComputer):
    """Level-independent: gain = attack*a + sustain*s dB, where a is 1 at an onset and falls to
    0 as the level settles (a 20 ms follower catching up with a 0.5 ms one) and s grows towards
    1 while the level falls (the level against a copy that decays in 300 ms). A steady tone is
    left at 0 dB (within 0.03 dB at 1 kHz)."""

    attack = Param(0.0, unit="dB", lo=-40.0, hi=40.0, doc="gain on onsets (+ = punchier)")
    sustain = Param(0.0, unit="dB", lo=-40.0, hi=40.0, doc="gain on decays (+ = longer tails)")
    state_arrays = ("env",)

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.env = np.zeros(3)

    def compute(self, ins: list, n: int, p: Params) -> None:
        dyn.transient_gain(ins[0], self.gain, n, *self.bufs.arrays(p, n, "attack", "sustain"),
                           self.env, self.sr)

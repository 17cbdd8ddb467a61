"""Dynamics and space: compressor (pedalboard wrapper), reverb (JUCE's Freeverb as an own
kernel, bit-identical to pedalboard's), limiter, expander and transient shaper (own kernels).

The compressor owns one pedalboard plugin and calls it with `reset=False` on every block, so the
plugin keeps its state across blocks (the output does not depend on the block size). A
parameter that arrives as an array is applied per segment: split where a pattern steps, or
every 64 samples for a modulating signal (see `phonon.plugins.segments`).
"""
from __future__ import annotations

import math

import numpy as np
import pedalboard

from phonon.dsp import dynamics as dyn
from phonon.dsp.freeverb import Freeverb, freeverb
from phonon.dsp import pedal
from phonon.dsp import limiter as lim
from phonon.dsp.direct import compiled
from phonon.plugins import (Block, Node, Param, ParamBuffers, Params, StateArrays, node, segments,
                            value_at)

from .common import FiniteInputs

__all__ = ['Reverb', 'Compressor', 'Limiter', 'Expander', 'TransientShaper']

MIN_SEGMENT = 4   # pattern steps closer than this are applied together (fewer plugin calls)


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


class _Pedal(Node):
    """Runs `self.plugin` over the block, setting its parameters per segment via `configure`."""

    def make_plugin(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def configure(self, p: Params, i: int) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.plugin = self.make_plugin()
        pedal.prime(self.plugin, channels, self.sr, block)   # same output for any block size
        self.buf = np.zeros((channels, block), dtype=np.float32)
        self._configured: tuple | None = None     # the constant values the plugin has
        self._input_ok: np.ndarray | None = None  # an input array found usable without a copy
        self._frames_ok = -1                        # ... for blocks of this many frames
        self._size = pedal.prepared_frames(self.plugin)    # the plugin's largest call

    def run_plugin(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        x = ins[0]
        values = tuple(p.__dict__.values())
        try:
            constant = values == self._configured       # the common case: all as last block
        except ValueError:                              # an array where a float was
            constant = False
        if constant and x is self._input_ok and n == self._frames_ok:
            # the steady state: the plugin has played (a primed one's first call resets it,
            # see `pedal.process`) and the block fits one call
            out[...] = self.plugin.process(x, self.sr, self._size, False)
            return
        if not constant:
            constant = not any(type(v) is np.ndarray for v in values)
            if constant:
                self.configure(p, 0)                    # constant parameters: configure once
                self._configured = values
        if constant:
            # feed the input without a copy when it is a contiguous float32 (channels, n) block
            if x is not self._input_ok or x.shape[1] != n:
                if x.shape[1] != n or not x.flags.c_contiguous or x.dtype != np.float32 \
                        or x.shape[0] != self.buf.shape[0]:
                    x = self._copy_in(x, n)
                else:
                    self._input_ok = x
                    self._size = pedal.prepared_frames(self.plugin)
                    self._frames_ok = n if n == out.shape[1] and n <= self._size else -1
            y = pedal.process(self.plugin, x, self.sr)
            if n == out.shape[1]:
                out[...] = y                    # (cheaper than np.copyto for one block)
            else:
                out[:, :n] = y
            return
        self._configured = None
        buf = self._copy_in(x, n)
        for a, b in parameter_spans(p, n):
            self.configure(p, a)
            y = pedal.process(self.plugin, buf[:, a:b], self.sr)
            out[:, a:b] = y

    def steady_plugin_call(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> tuple | None:
        """`run_plugin`'s steady state as a call: the plugin (configured for these constant
        values) on the same input block, into `out`."""
        x = ins[0]
        if x is not self._input_ok or ctx.frames != self._frames_ok \
                or self._configured is None or tuple(p.__dict__.values()) != self._configured:
            return None
        plugin, sr, frames = self.plugin, self.sr, self._size

        def run() -> None:
            out[...] = plugin.process(x, sr, frames, False)
        return run, ()

    def _copy_in(self, x: np.ndarray, n: int) -> np.ndarray:
        """x[:, :n] as a contiguous float32 (channels, n) view of the node's buffer."""
        if self.buf.shape[1] < n:
            self.buf = np.zeros((self.buf.shape[0], n), dtype=np.float32)
        self.buf[:, :n] = x[:, :n]
        return self.buf[:, :n]

    def state(self) -> dict:
        return {"plugin": self.plugin}

    def load_state(self, state: dict) -> None:
        plugin = state.get("plugin")
        if isinstance(plugin, type(self.plugin)):
            self.plugin = plugin
            self._configured = None             # its settings are the predecessor's
            self._input_ok, self._frames_ok = None, -1      # ... and so is its prepared size


@node("reverb", doc="Freeverb room reverb (JUCE's, as in pedalboard.Reverb: the same output); "
      "out = dry*(1-mix) + wet*mix.", inputs=1, category="fx")
class Reverb(StateArrays, Node):
    """`phonon.dsp.freeverb`: pedalboard's reverb algorithm as an own kernel, bit-identical to
    `pedalboard.Reverb` and cheaper to call (docs/speed.md)."""

    room = Param(0.5, lo=0.0, hi=1.0, doc="room size")
    damp = Param(0.5, lo=0.0, hi=1.0, doc="high-frequency damping")
    mix = Param(0.33, lo=0.0, hi=1.0, doc="0 dry (bit-exact) .. 1 reverb only")
    state_arrays = Freeverb.state_arrays

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.reverb = Freeverb(float(sr), block)
        for name in self.state_arrays:                 # the arrays `StateArrays` hands over
            setattr(self, name, getattr(self.reverb, name))
        self.buf = np.zeros((2, block), dtype=np.float32)   # input not usable as it is
        self.tail = np.zeros((2, block), dtype=np.float32)  # the wet output of a dry block
        self._steady: tuple | None = None       # (input, output, frames, values) of the last block

    def configure(self, p: Params, i: int) -> None:
        """The parameters at sample `i` as pedalboard's Reverb node had them."""
        mix = min(max(value_at(p.mix, i), 0.0), 1.0)
        room = min(max(value_at(p.room, i), 0.0), 1.0)
        damp = min(max(value_at(p.damp, i), 0.0), 1.0)
        # JUCE's Reverb scales dry_level by 2: half of it is (1 - mix)
        self.reverb.set(room, damp, mix, (1.0 - mix) * 0.5, 1.0)

    def _input(self, x: np.ndarray, n: int) -> np.ndarray:
        """`x` as a C-contiguous float32 stereo block (copied into `buf` when it is not)."""
        if x.dtype == np.float32 and x.flags.c_contiguous and x.shape[0] == 2 \
                and x.shape[1] >= n:
            return x
        if self.buf.shape[1] < n:
            self.buf = np.zeros((2, n), dtype=np.float32)
        self.buf[:, :n] = x[:, :n]
        return self.buf

    def steady_call(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> tuple | None:
        """The kernel on the same input and output (not the dry path of mix 0)."""
        last = self._steady
        if last is None or last[0] is not ins[0] or last[1] is not out \
                or last[2] != ctx.frames or last[3] != tuple(p.__dict__.values()):
            return None
        args = self.reverb.args(ins[0], out, 0, ctx.frames)
        return compiled(freeverb, args), args

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        x = self._input(ins[0], n)
        self._steady = None
        values = tuple(p.__dict__.values())
        if not any(type(v) is np.ndarray for v in values):
            self.configure(p, 0)
            if p.mix <= 0.0:
                out[:, :n] = ins[0][:, :n]          # bit-exact dry; keep the tail running
                self.reverb.process(x, self._tail(n), 0, n)
                return
            self.reverb.process(x, out, 0, n)
            if x is ins[0] and out.shape[1] == n:
                self._steady = (x, out, n, values)
            return
        for a, b in parameter_spans(p, n):
            self.configure(p, a)
            self.reverb.process(x, out, a, b)

    def load_state(self, state: dict) -> None:
        """The predecessor's delay lines and ramps; its parameters are set again on the next
        block (an unchanged value does not ramp, as in JUCE)."""
        super().load_state(state)
        self.reverb.params = ()
        self._steady = None

    def _tail(self, n: int) -> np.ndarray:
        if self.tail.shape[1] < n:
            self.tail = np.zeros((2, n), dtype=np.float32)
        return self.tail


@node("compressor", doc="Feed-forward compressor (pedalboard.Compressor) with make-up gain; "
      "`compressor threshold ratio attack release makeup`.", inputs=1, aliases=("comp",),
      category="fx")
class Compressor(_Pedal):
    threshold = Param(-12.0, unit="dB", doc="threshold: <= 0 in dB, > 0 a linear amplitude")
    ratio = Param(4.0, lo=1.0, doc="compression ratio above the threshold")
    attack = Param(0.01, unit="s", lo=0.0, doc="attack time")
    release = Param(0.1, unit="s", lo=0.0, doc="release time")
    makeup = Param(0.0, unit="dB", doc="gain added after compression")

    def make_plugin(self):
        return pedalboard.Compressor()

    def configure(self, p: Params, i: int) -> None:
        self.plugin.threshold_db = level_to_db(value_at(p.threshold, i))
        self.plugin.ratio = max(value_at(p.ratio, i), 1.0)
        self.plugin.attack_ms = max(value_at(p.attack, i), 0.0) * 1000.0
        self.plugin.release_ms = max(value_at(p.release, i), 0.0) * 1000.0

    def steady_call(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> tuple | None:
        """The plugin's steady state, without make-up gain."""
        if type(p.makeup) is not float or p.makeup != 0.0:
            return None
        return self.steady_plugin_call(ctx, ins, p, out)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        self.run_plugin(ctx, ins, p, out)
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
    state_arrays = ("audio", "need", "env", "st")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        la = lim.lookahead_samples(sr)
        self.audio = np.zeros((channels, la), dtype=np.float64)
        self.need = np.ones(la + 1, dtype=np.float64)
        self.env = np.ones(la, dtype=np.float64)
        self.st = np.array([0.0, float(la), 1.0, 1.0])
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
        args = (ins[0], out, ctx.frames, last[3], last[4], self.audio, self.need, self.env,
                self.st, self.sr, self.gain)
        return compiled(lim.limiter_stereo, args), args

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        c, release = p.ceiling, p.release
        x = ins[0]
        last = self._last
        if last is not None and last[0] is x and last[1] is out and type(c) is float \
                and type(release) is float and last[2] == (c, release, n):
            lim.limiter_stereo(x, out, n, last[3], last[4], self.audio, self.need, self.env,
                               self.st, self.sr, self.gain)     # the steady state
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
            lim.limiter_stereo(x, out, n, ceiling, rel, self.audio, self.need, self.env,
                               self.st, self.sr, self.gain)
            return
        lim.limiter(x, out, n, ceiling, rel, self.audio, self.need, self.env, self.st, self.sr)

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

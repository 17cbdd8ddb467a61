"""Effects on the project's own numba kernels: `pitch`, `bitcrush`, `flanger`, `pingpong`,
`tremolo`, `sidechain`. Every parameter is read per sample (patterns and signals are exact).
"""
from __future__ import annotations

import numpy as np

from phonon.dsp import fx_kernels as k
from phonon.plugins import Block, Node, Param, ParamBuffers, Params, StateArrays, mix_into, node

__all__ = ["Pitch", "Bitcrush", "Flanger", "PingPong", "Tremolo", "Sidechain"]

PITCH_WINDOW = 0.05      # seconds: the pitch shifter's grain (delay sweep) length
PINGPONG_MAX = 4.0       # seconds: longest ping-pong delay time


class _KernelEffect(StateArrays, Node):
    """Shared plumbing: float64 parameter buffers, a float32 wet buffer, state arrays."""

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.channels = channels
        self.bufs = ParamBuffers.for_spec(self.spec, block)
        self.wet = np.zeros((channels, block), dtype=np.float32)

    def wet_buffer(self, n: int) -> np.ndarray:
        if self.wet.shape[1] < n:
            self.wet = np.zeros((self.wet.shape[0], n), dtype=np.float32)
        return self.wet


@node("pitch", inputs=1, aliases=("pitch_shift",), category="effect",
      doc="Pitch shift by `semitones` (delay-line grains of 50 ms, no tempo change).")
class Pitch(_KernelEffect):
    semitones = Param(0.0, unit="semitones", lo=-24.0, hi=24.0, doc="shift (+12 = an octave up)")
    mix = Param(1.0, lo=0.0, hi=1.0, doc="dry/wet (1 = pure wet)")
    state_arrays = ("line", "pos")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.window = PITCH_WINDOW * sr
        self.line = np.zeros((channels, int(self.window) + 4), dtype=np.float64)
        self.pos = np.zeros(2)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        x = ins[0]
        wet = self.wet_buffer(n)
        k.pitch_shift(x, wet, n, *self.bufs.arrays(p, n, "semitones"), self.line, self.pos, self.window)
        mix_into(out, x, wet, p.mix, n)


@node("bitcrush", inputs=1, aliases=("crush",), category="effect",
      doc="Bit crusher: quantise to 2**bits levels and hold each sample `rate` samples.")
class Bitcrush(_KernelEffect):
    bits = Param(8.0, unit="bits", lo=1.0, hi=24.0, doc="resolution (fractional allowed)")
    rate = Param(1.0, unit="x", lo=1.0, hi=256.0,
                 doc="sample-rate reduction factor (4 = a quarter of the sample rate)")
    mix = Param(1.0, lo=0.0, hi=1.0, doc="dry/wet (1 = pure wet)")
    state_arrays = ("hold",)

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.hold = np.zeros(1 + channels)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        x = ins[0]
        wet = self.wet_buffer(n)
        k.bitcrush(x, wet, n, *self.bufs.arrays(p, n, "bits", "rate"), self.hold)
        mix_into(out, x, wet, p.mix, n)


@node("flanger", inputs=1, category="effect",
      doc="Flanger: 3 ms delay swept +-2 ms*depth by a sine LFO, with feedback.")
class Flanger(_KernelEffect):
    rate = Param(0.5, unit="Hz", lo=0.0, hi=20.0, doc="LFO rate")
    depth = Param(0.7, lo=0.0, hi=1.0, doc="sweep depth (1 = 1..5 ms)")
    feedback = Param(0.5, lo=-0.95, hi=0.95, doc="feedback")
    mix = Param(0.5, lo=0.0, hi=1.0, doc="dry/wet (0.5 = classic flanging notches)")
    state_arrays = ("line", "pos")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.line = np.zeros((channels, int(0.006 * sr) + 4), dtype=np.float64)
        self.pos = np.zeros(2)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        x = ins[0]
        wet = self.wet_buffer(n)
        k.flanger(x, wet, n, *self.bufs.arrays(p, n, "rate", "depth", "feedback"), self.line, self.pos,
                  self.sr)
        mix_into(out, x, wet, p.mix, n)


@node("pingpong", inputs=1, category="effect",
      doc="Ping-pong delay: echoes alternate left/right every `time` seconds.")
class PingPong(_KernelEffect):
    time = Param(0.25, unit="s", lo=0.001, hi=PINGPONG_MAX, doc="time between echoes")
    feedback = Param(0.5, lo=0.0, hi=0.99, doc="gain from one echo to the next")
    mix = Param(0.5, lo=0.0, hi=1.0, doc="dry/wet (1 = pure echoes)")
    state_arrays = ("line", "pos")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.line = np.zeros((2, int(PINGPONG_MAX * sr) + 4), dtype=np.float64)
        self.pos = np.zeros(1)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        x = ins[0]
        wet = self.wet_buffer(n)
        k.pingpong(x, wet, n, *self.bufs.arrays(p, n, "time", "feedback"), self.line, self.pos, self.sr)
        mix_into(out, x, wet, p.mix, n)


@node("tremolo", inputs=1, aliases=("trem",), category="effect",
      doc="Tremolo: gain 1 - depth*(1 - cos(2 pi rate t))/2 (full level at the LFO's start).")
class Tremolo(_KernelEffect):
    rate = Param(4.0, unit="Hz", lo=0.0, hi=50.0, doc="LFO rate")
    depth = Param(0.5, lo=0.0, hi=1.0, doc="1 = gain swings down to 0")
    state_arrays = ("phase",)

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.gain = np.zeros(block)
        self.phase = np.zeros(1)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        if self.gain.shape[0] < n:
            self.gain = np.zeros(n)
        k.tremolo_gain(self.gain, n, *self.bufs.arrays(p, n, "rate", "depth"), self.phase, self.sr)
        np.multiply(ins[0][:, :n], self.gain[:n], out=out[:, :n], casting="unsafe")


@node("sidechain", inputs=2, aliases=("sidechain_comp", "sc_comp"), category="dynamics",
      doc="Compressor ducking its input by a key bus (last argument): `~bass # sidechain ~kick :ratio 8`.")
class Sidechain(_KernelEffect):
    threshold = Param(-24.0, unit="dB", lo=-80.0, hi=2.0,
                      doc="level above which the key ducks the signal (> 0: linear amplitude)")
    ratio = Param(4.0, lo=1.0, hi=100.0, doc="compression ratio")
    attack = Param(0.005, unit="s", lo=0.0, hi=1.0, doc="detector attack time")
    release = Param(0.1, unit="s", lo=0.001, hi=5.0, doc="detector release time")
    state_arrays = ("env",)

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.gain = np.zeros(block)
        self.env = np.zeros(1)
        self.thr = np.zeros(block)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        if self.gain.shape[0] < n:
            self.gain = np.zeros(n)
            self.thr = np.zeros(n)
        thr = self.thr[:n]
        t = self.bufs.get("threshold", p.threshold, n)
        # the language's convention: a threshold > 0 is a linear amplitude, <= 0 is dB
        np.copyto(thr, np.where(t > 0.0, 20.0 * np.log10(np.maximum(t, 1e-9)), t))
        ratio, attack, release = self.bufs.arrays(p, n, "ratio", "attack", "release")
        k.sidechain_gain(ins[1], self.gain, n, thr, ratio, attack, release, self.env, self.sr)
        np.multiply(ins[0][:, :n], self.gain[:n], out=out[:, :n], casting="unsafe")

"""Effects on the project's own numba kernels: `pitch`, `bitcrush`, `coarse`, `decimator`,
`flanger`, `phaser`, `pingpong`, `tremolo`, `vibrato`, `fchorus`, `sidechain`. Every parameter
is read per sample (patterns and signals are exact).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from phonon.dsp import echo
from phonon.dsp import fx_kernels as k
from phonon.dsp import modulation
from phonon.plugins import (Block, Node, Param, ParamBuffers, Params, StateArrays, control_number,
                            mix_into, node)

from .common import FiniteInputs

__all__ = ["Pitch", "Bitcrush", "Coarse", "Decimator", "Flanger", "Phaser", "PingPong", "Tremolo",
           "Vibrato", "FChorus", "Sidechain"]

PITCH_WINDOW = 0.05      # seconds: the pitch shifter's grain (delay sweep) length
PINGPONG_MAX = 4.0       # seconds: longest ping-pong delay time


class _KernelEffect(FiniteInputs, StateArrays, Node):
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

    def render_wet(self, ctx: Block, ins: list, p: Params, kernel: Any, params: tuple,
                   *state: Any) -> tuple[np.ndarray, np.ndarray, int]:
        """(input, wet signal, frames): `kernel(x, wet, n, *params per sample, *state)`."""
        n = ctx.frames
        x = self.finite(ins, n)[0]
        wet = self.wet_buffer(n)
        kernel(x, wet, n, *self.bufs.arrays(p, n, *params), *state)
        return x, wet, n


@node("pitch", inputs=1, category="effect",
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
        x, wet, n = self.render_wet(ctx, ins, p, k.pitch_shift, ("semitones",), self.line,
                                    self.pos, self.window)
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
        x, wet, n = self.render_wet(ctx, ins, p, k.bitcrush, ("bits", "rate"), self.hold)
        mix_into(out, x, wet, p.mix, n)


@node("coarse", inputs=1, category="effect",
      doc="Sample-rate reduction: hold each sample `n` samples (bitcrush at 16 bits, rate n).")
class Coarse(_KernelEffect):
    n = Param(1.0, unit="x", lo=1.0, hi=256.0, doc="reduction factor (4 = a quarter of the rate)")
    state_arrays = ("hold",)

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.hold = np.zeros(1 + channels)
        self.bits = np.full(block, 16.0)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        if self.bits.shape[0] < n:
            self.bits = np.full(n, 16.0)
        factor = np.nan_to_num(self.bufs.get("n", p.n, n), nan=1.0)
        k.bitcrush(ins[0], out, n, self.bits[:n], factor, self.hold)


@node("decimator", inputs=1, input_first=True, category="effect",
      doc="Decimator: hold every `factor`-th sample, then smooth the steps (`decimator ~x 8 0.5`).")
class Decimator(_KernelEffect):
    """Sample-and-hold at sr/factor (fractional factors alternate hold lengths), followed by a
    one-pole smoother y += (held - y)*(1 - smooth): smooth 0 keeps the raw steps."""

    factor = Param(4.0, unit="x", lo=1.0, hi=4096.0, doc="hold length in samples")
    smooth = Param(0.0, lo=0.0, hi=0.999, doc="0 = raw steps .. 0.999 = heavily smoothed")
    state_arrays = ("hold",)

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.hold = np.zeros(1 + 2 * channels)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        modulation.decimate(ins[0], out, n, *self.bufs.arrays(p, n, "factor", "smooth"), self.hold)


@node("flanger", inputs=1, category="effect",
      doc="Flanger: 3 ms delay swept +-2 ms*depth by a sine LFO, with feedback; "
          "`flanger depth rate feedback [mix]`.")
class Flanger(_KernelEffect):
    depth = Param(0.7, lo=0.0, hi=1.0, doc="sweep depth (1 = 1..5 ms)")
    rate = Param(0.5, unit="Hz", lo=0.0, hi=20.0, doc="LFO rate")
    feedback = Param(0.5, lo=-0.95, hi=0.95, doc="feedback")
    mix = Param(0.5, lo=0.0, hi=1.0, doc="dry/wet (0.5 = classic flanging notches)")
    state_arrays = ("line", "pos")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.line = np.zeros((channels, int(0.006 * sr) + 4), dtype=np.float64)
        self.pos = np.zeros(2)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        x, wet, n = self.render_wet(ctx, ins, p, k.flanger, ("rate", "depth", "feedback"),
                                    self.line, self.pos, self.sr)
        mix_into(out, x, wet, p.mix, n)


@node("phaser", inputs=1, aliases=("ph",), category="effect",
      doc="Phaser: all-pass stages swept by a sine LFO, with feedback; "
          "`phaser rate depth feedback stages [mix]`.")
class Phaser(_KernelEffect):
    """`stages` first-order all-passes share the break frequency centre * 4**(depth*lfo)
    (+-2 octaves at depth 1); mixed 50/50 with the dry signal they notch where the stages'
    phase reaches 180 + k*360 degrees: for 6 stages at centre*tan(15), centre and
    centre*tan(75 degrees)."""

    rate = Param(0.5, unit="Hz", lo=0.0, hi=20.0, doc="LFO rate")
    depth = Param(0.5, lo=0.0, hi=1.0, doc="sweep: +-2*depth octaves around the centre")
    feedback = Param(0.0, lo=-0.95, hi=0.95, doc="output fed back into the first stage")
    stages = Param(6, kind="any", lo=1, hi=24, doc="all-pass stages (a constant; 2 per notch)")
    mix = Param(0.5, lo=0.0, hi=1.0, doc="dry/wet (0.5 = deepest notches)")
    centre = Param(1300.0, unit="Hz", lo=20.0, hi=20000.0, doc="centre of the sweep")
    state_arrays = ("z", "phase")

    def __init__(self, **static: Any) -> None:
        super().__init__(**static)
        stages = control_number(static.get("stages"), 6.0)
        self.stages = int(min(max(round(stages), 1), 24))

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.z = np.zeros((channels, 2 * self.stages + 1))
        self.phase = np.zeros(1)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        x, wet, n = self.render_wet(ctx, ins, p, echo.phaser,
                                    ("rate", "depth", "feedback", "centre"), self.stages, self.z,
                                    self.phase, self.sr)
        mix_into(out, x, wet, p.mix, n)


@node("pingpong", inputs=1, category="effect",
      doc="Ping-pong delay: echoes alternate left/right every `time` seconds; "
          "`pingpong time feedback [width] [channel] [mix]`.")
class PingPong(_KernelEffect):
    """Echo k sounds k*time after the input with gain feedback**(k-1); odd echoes on the first
    side (`channel` 0: left, 1: right), even ones on the other. `width` places them: an echo
    gives (1+width)/2 to its side and (1-width)/2 to the other (1 = hard, 0 = centre)."""

    time = Param(0.25, unit="s", lo=0.001, hi=PINGPONG_MAX, doc="time between echoes")
    feedback = Param(0.5, lo=0.0, hi=0.99, doc="gain from one echo to the next")
    width = Param(0.8, lo=0.0, hi=1.0, doc="stereo spread of the echoes (1 = hard left/right)")
    channel = Param(0.0, lo=0.0, hi=1.0, doc="side of the first echo: 0 = left, 1 = right")
    mix = Param(0.7, lo=0.0, hi=1.0, doc="dry/wet (1 = pure echoes)")
    state_arrays = ("line", "pos")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.line = np.zeros((2, int(PINGPONG_MAX * sr) + 4), dtype=np.float64)
        self.pos = np.zeros(1)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        x, wet, n = self.render_wet(ctx, ins, p, k.pingpong, ("time", "feedback"), self.line,
                                    self.pos, self.sr)
        self._place(wet, p, n)
        mix_into(out, x, wet, p.mix, n)

    def _place(self, wet: np.ndarray, p: Params, n: int) -> None:
        """Width and first side: L' = a*L + b*R, R' = b*L + a*R, a = (1+w)/2, b = (1-w)/2,
        then the sides swapped where `channel` >= 0.5."""
        w = np.clip(np.nan_to_num(self.bufs.get("width", p.width, n)), 0.0, 1.0)
        swap = self.bufs.get("channel", p.channel, n) >= 0.5
        left, right = wet[0, :n].astype(np.float64), wet[1, :n].astype(np.float64)
        a, b = 0.5 * (1.0 + w), 0.5 * (1.0 - w)
        first, second = a * left + b * right, b * left + a * right
        wet[0, :n] = np.where(swap, second, first)
        wet[1, :n] = np.where(swap, first, second)


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
        ins = self.finite(ins, n)
        if self.gain.shape[0] < n:
            self.gain = np.zeros(n)
        k.tremolo_gain(self.gain, n, *self.bufs.arrays(p, n, "rate", "depth"), self.phase, self.sr)
        np.multiply(ins[0][:, :n], self.gain[:n], out=out[:, :n], casting="unsafe")


@node("vibrato", inputs=1, aliases=("vib",), category="effect",
      doc="Vibrato: pitch swings up to `depth` semitones `rate` times a second (a swept delay).")
class Vibrato(_KernelEffect):
    """A delay of 1 + A*(1 - cos(2 pi rate t)) samples, A set so the pitch peaks exactly
    `depth` semitones up (and as far below in Hz). Starts unmodulated at the LFO's phase 0;
    the average delay (latency) is A samples, 2.8 ms at 5 Hz and 0.5 semitone."""

    rate = Param(5.0, unit="Hz", lo=0.1, hi=20.0, doc="vibrato rate")
    depth = Param(0.5, unit="semitones", lo=0.0, hi=2.0, doc="peak pitch deviation")
    state_arrays = ("line", "pos")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        longest = 2 * (2.0 ** (2.0 / 12.0) - 1.0) / (2 * np.pi * 0.1) + 0.001   # seconds
        self.line = np.zeros((channels, int(longest * sr) + 4))
        self.pos = np.zeros(2)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        echo.vibrato(ins[0], out, n, *self.bufs.arrays(p, n, "rate", "depth"), self.line, self.pos,
                     self.sr)


@node("fchorus", inputs=1, category="effect",
      doc="Multi-voice chorus: 5 voices `separation` apart, each swept by `variation`.")
class FChorus(_KernelEffect):
    """`fchorus separation variation mod_freq [mix]`: the mean of 5 delayed copies, voice k
    (0-4) delayed k*separation + variation*(1 + sin(2 pi (mod_freq t + k/5)))/2 (+1 sample);
    the right channel's LFOs run half a voice spacing later."""

    separation = Param(0.015, unit="s", lo=0.0, hi=0.1, doc="delay step between voices")
    variation = Param(0.005, unit="s", lo=0.0, hi=0.1, doc="sweep of each voice's delay")
    mod_freq = Param(0.2, unit="Hz", lo=0.0, hi=20.0, doc="sweep rate")
    mix = Param(1.0, lo=0.0, hi=1.0, doc="dry/wet (1 = the voices only)")
    voices = 5
    state_arrays = ("line", "pos")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.line = np.zeros((channels, int((self.voices * 0.1 + 0.1) * sr) + 4))
        self.pos = np.zeros(2)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        x, wet, n = self.render_wet(ctx, ins, p, echo.chorus_voices,
                                    ("separation", "variation", "mod_freq"), self.voices,
                                    self.line, self.pos, self.sr)
        mix_into(out, x, wet, p.mix, n)


@node("sidechain", inputs=2, aliases=("sidechain_compressor", "sidechain_comp", "sc_comp"), category="dynamics",
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
        ins = self.finite(ins, n)
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

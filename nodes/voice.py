"""Voice and texture processors of the original's library, input first: vocoder, formant,
granular and pitch_shift (`vocoder ~mod ~car 16`, `formant x 800 1150 2900 80 90 120`,
`granular x 50 20 1`, `pitch_shift x 12`); each also works after `#`.
"""
from __future__ import annotations

import zlib

import numpy as np

from phonon.dsp import biquad
from phonon.dsp import grains as gk
from phonon.dsp import vocoder as vk
from phonon.plugins import (Block, Node, Param, ParamBuffers, Params, PhononError, StateArrays,
                            node)

from .modfx import Pitch

__all__ = ["Vocoder", "Formant", "Granular", "PitchShift"]


@node("vocoder", inputs=2, input_first=True, category="effect",
      doc="Channel vocoder: `vocoder ~modulator ~carrier [bands]`; each carrier band follows the modulator's.")
class Vocoder(StateArrays, Node):
    """`bands` band-pass pairs (24 dB/octave) log-spaced from 100 Hz to 8 kHz; each carrier
    band, divided by its own envelope, is scaled by the envelope of the same modulator band
    (rectified, `attack`/`release` followers): the output band has the modulator band's level
    (a sine of amplitude A in a modulator band gives that carrier band at amplitude A)."""

    state_arrays = ("mod_z", "car_z", "env", "car_env")
    bands = Param(16, kind="any", lo=2, hi=32, doc="number of bands (constant, 2..32)")
    attack = Param(0.005, unit="s", lo=0.0005, hi=1.0, doc="envelope follower attack")
    release = Param(0.05, unit="s", lo=0.001, hi=2.0, doc="envelope follower release")

    def __init__(self, **static) -> None:
        super().__init__(**static)
        try:
            self.count = int(static.get("bands", 16))
        except (TypeError, ValueError):
            raise PhononError(f"vocoder: bands must be a whole number, got {static.get('bands')!r}",
                              hint="vocoder ~mod ~car 16") from None
        if not 2 <= self.count <= 32:
            raise PhononError(f"vocoder: bands must be 2..32, got {self.count}", hint="vocoder ~mod ~car 16")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.coefs = vk.band_coefficients(self.count, sr)
        self.mod_z = np.zeros((self.count, 2, 2))
        self.car_z = np.zeros((channels, self.count, 2, 2))
        self.env = np.zeros(self.count)
        self.car_env = np.zeros((channels, self.count))
        self.bufs = ParamBuffers(block, "attack", "release")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        vk.vocoder(ins[0], ins[1], out, n, self.coefs, self.mod_z, self.car_z, self.env,
                   self.car_env, *self.bufs.arrays(p, n, "attack", "release"), self.sr)


@node("formant", inputs=1, input_first=True, category="filter",
      doc="Three parallel formant band-passes: `formant x f1 f2 f3 bw1 bw2 bw3` (Hz), 0 dB at each centre.")
class Formant(StateArrays, Node):
    """The sum of three RBJ band-passes (0 dB at each centre, q = f/bw): a vowel on any source.
    Defaults: the vowel "a" (800, 1150, 2900 Hz; bandwidths 80, 90, 120 Hz)."""

    state_arrays = ("z",)
    f1 = Param(800.0, unit="Hz", lo=20.0, hi=20000.0, doc="first formant")
    f2 = Param(1150.0, unit="Hz", lo=20.0, hi=20000.0, doc="second formant")
    f3 = Param(2900.0, unit="Hz", lo=20.0, hi=20000.0, doc="third formant")
    bw1 = Param(80.0, unit="Hz", lo=1.0, hi=10000.0, doc="first bandwidth (-3 dB)")
    bw2 = Param(90.0, unit="Hz", lo=1.0, hi=10000.0, doc="second bandwidth (-3 dB)")
    bw3 = Param(120.0, unit="Hz", lo=1.0, hi=10000.0, doc="third bandwidth (-3 dB)")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.z = np.zeros((3, channels, 2))
        self.limits = np.array([10.0, 0.45 * sr, 0.05, 1000.0])
        self.band = np.zeros((channels, block), dtype=np.float32)
        self.q = np.zeros(block)
        self.zero = np.zeros(block)
        self.bufs = ParamBuffers.for_spec(self.spec, block)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        out[:, :n] = 0.0
        for i in range(3):
            f, bw = self.bufs.arrays(p, n, f"f{i + 1}", f"bw{i + 1}")
            q = self.q[:n]
            np.divide(f, np.maximum(bw, 1e-3), out=q)
            biquad.biquad(ins[0], self.band, n, f, q, self.zero[:n], self.z[i], biquad.BAND,
                          self.limits, self.sr)
            out[:, :n] += self.band[:, :n]


@node("granular", inputs=1, input_first=True, category="effect",
      doc="Granular: `granular x grain_ms density pitch` — grains/s of the live input, Hann-windowed.")
class Granular(StateArrays, Node):
    """Grains start `density` times a second exactly (a fractional countdown), last `grain_ms`
    with a Hann window and read the input's last seconds at `pitch` times the speed from a
    random point up to `spray` s back. Level kept near the input's (sum scaled by
    1/max(1, overlap/2)); at most 64 grains at once."""

    state_arrays = ("history", "grains", "gstate")
    grain_ms = Param(50.0, unit="ms", lo=5.0, hi=500.0, aliases=("size",), doc="grain length")
    density = Param(20.0, unit="grains/s", lo=0.1, hi=200.0, doc="grains started per second")
    pitch = Param(1.0, lo=0.25, hi=4.0, aliases=("rate",), doc="playback rate of a grain (2 = an octave up)")
    spray = Param(0.05, unit="s", lo=0.0, hi=1.0, doc="how far back (random) a grain starts reading")
    #: the session's random seed (a `phonon batch` job's seed; 0: none), set by the runtime
    resources = ("random_seed",)
    random_seed: int | None = 0

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.history = np.zeros((channels, gk.history_length(sr)))
        base = zlib.crc32(self.node_id.encode()) if self.node_id else 67890
        self.grains, self.gstate = gk.new_state(base + 7919 * int(self.random_seed or 0))
        self.bufs = ParamBuffers.for_spec(self.spec, block)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        gk.granular(ins[0], out, n, *self.bufs.arrays(p, n, "grain_ms", "density", "pitch", "spray"),
                    self.history, self.grains, self.gstate, self.sr)

    def active_voices(self) -> int:
        return gk.active_grains(self.grains)


@node("pitch_shift", inputs=1, input_first=True, category="effect",
      doc="Pitch shift: `pitch_shift x semitones` (input first, as the original; `pitch` after #).")
class PitchShift(Pitch):
    """`pitch` taking its input first: two delay-line taps half a 50 ms grain apart, sin^2
    crossfaded, sweep at (1 - ratio); +12 moves a 440 Hz sine to 880 Hz."""

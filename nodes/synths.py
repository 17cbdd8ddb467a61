"""Built-in synths (sources): `fm`, `superfm`, `supersaw`, `superpwm` play continuously;
`superkick`, `supersnare`, `superhat` are percussive voices.

Triggering the percussive voices: with no `:trig` pattern (`superkick 55`) the voice hits once
when it starts (after `prepare`, i.e. at graph start or when a bus is started as an instrument);
with `:trig "x*4"` it hits at every onset of the pattern (sample-accurate). The runtime tells the
node that a trigger pattern is connected by a true `trig` value (e.g. the pattern's source text),
among the static arguments or in `p.trig`; then the start hit is left out.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from phonon.dsp import oscillators as osc
from phonon.dsp import synth_kernels as k
from phonon.plugins import Block, Node, Param, ParamBuffers, Params, StateArrays, node, value_at

__all__ = ["FM", "SuperFM", "SuperSaw", "SuperPWM", "SuperChip", "SuperKick", "SuperSnare", "SuperHat"]


class _Synth(StateArrays, Node):
    """A continuous synth: float64 buffers for its number parameters, its oscillator phases
    (`phases`) as the state handed over on hot swap."""

    state_arrays = ("phases",)

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.phases = np.zeros(2)
        self.bufs = ParamBuffers.for_spec(self.spec, block)


@node("fm", doc="Two-operator FM: sin(carrier phase + index * sin(modulator phase)).",
      category="source")
class FM(_Synth):
    carrier = Param(440.0, unit="Hz", lo=0.0, hi=20000.0, doc="carrier frequency")
    modulator = Param(220.0, unit="Hz", lo=0.0, hi=20000.0, doc="modulator frequency")
    index = Param(1.0, lo=0.0, hi=100.0, doc="modulation index (radians of phase deviation)")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        k.fm(out, n, *self.bufs.arrays(p, n, "carrier", "modulator", "index"), self.phases, self.sr)


@node("superfm", doc="FM voice: carrier `freq`, modulator freq*ratio, modulation `index`.",
      category="synth")
class SuperFM(_Synth):
    freq = Param(440.0, unit="Hz", lo=0.0, hi=20000.0, doc="carrier frequency")
    ratio = Param(2.0, lo=0.0, hi=32.0, doc="modulator frequency / carrier frequency")
    index = Param(1.0, lo=0.0, hi=100.0, doc="modulation index")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.modulator = np.zeros(block)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        freq, ratio, index = self.bufs.arrays(p, n, "freq", "ratio", "index")
        np.multiply(freq, ratio, out=self.modulator[:n])
        k.fm(out, n, freq, self.modulator[:n], index, self.phases, self.sr)


@node("supersaw", doc="Detuned saws: `voices` polyBLEP saws spread over +-`detune` semitones.",
      category="synth")
class SuperSaw(_Synth):
    freq = Param(110.0, unit="Hz", lo=0.0, hi=20000.0, doc="centre frequency")
    detune = Param(0.3, unit="semitones", lo=0.0, hi=12.0, doc="outer voices' offset")
    voices = Param(7.0, lo=1, hi=16, doc="number of saws (constant, 1-16)")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        # fixed, evenly spread start phases so the voices do not start in phase
        self.phases = (np.arange(16) * 0.618034) % 1.0

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        voices = int(min(16, max(1, round(value_at(p.voices, 0)))))
        k.supersaw(out, n, *self.bufs.arrays(p, n, "freq", "detune"), voices, self.phases, self.sr)


@node("superpwm", doc="Pulse-width-modulated square: width 0.5 +- 0.45*depth at `pwm_rate` Hz.",
      category="synth")
class SuperPWM(_Synth):
    freq = Param(110.0, unit="Hz", lo=0.0, hi=20000.0, doc="frequency")
    pwm_rate = Param(0.5, unit="Hz", lo=0.0, hi=50.0, doc="width LFO rate")
    pwm_depth = Param(0.8, lo=0.0, hi=1.0, doc="width LFO depth (1: width 0.05..0.95)")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        k.superpwm(out, n, *self.bufs.arrays(p, n, "freq", "pwm_rate", "pwm_depth"), self.phases,
                   self.sr)


@node("superchip", doc="Chip square: a band-limited square with vibrato, freq*(1 + depth*sin(2 pi rate t)).",
      category="synth")
class SuperChip(_Synth):
    """A 50 % pulse (the `square` oscillator) whose frequency swings by +-`vib_depth` (a
    fraction: 0.05 = 5 %, about 0.85 semitone) `vib_rate` times a second, as the original."""

    state_arrays = ("phases", "ring")
    freq = Param(440.0, unit="Hz", lo=0.0, hi=20000.0, doc="centre frequency")
    vib_rate = Param(5.0, unit="Hz", lo=0.0, hi=50.0, doc="vibrato rate")
    vib_depth = Param(0.05, lo=0.0, hi=1.0, doc="vibrato depth, a fraction of freq (0.05 = +-5 %)")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.phases = np.zeros(3)              # oscillator phase, its ring index, vibrato phase
        self.ring = np.zeros(osc.RING)
        self.freqs = np.zeros(block)
        self.width = np.full(block, 0.5)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        k.vibrato(self.freqs, n, *self.bufs.arrays(p, n, "freq", "vib_rate", "vib_depth"),
                  self.phases[2:], self.sr)
        osc.oscillator(out, n, self.freqs[:n], self.width[:n], self.phases, self.ring, osc.PULSE,
                       self.sr, osc.RESIDUAL, osc.RAMP_RESIDUAL)


class _Percussion(StateArrays, Node):
    """A one-voice drum: hits at its start (no `:trig`) or at every `trig` onset, played by
    `kernel(out, n, hits, *kernel_params per sample, voice, rng, sr)`."""

    kernel: Any
    kernel_params: tuple[str, ...] = ()
    state_arrays = ("voice", "rng")
    voice_size = 4
    seed = 12345
    #: the session's random seed (a `phonon batch` job's seed; 0: none), set by the runtime
    resources = ("random_seed",)
    random_seed: int | None = 0

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.voice = np.zeros(self.voice_size)
        self.voice[0] = -1.0
        session = int(self.random_seed or 0)
        self.rng = np.array([(self.seed + 7919 * session) & 0x7FFFFFFF], dtype=np.int64)
        self.bufs = ParamBuffers.for_spec(self.spec, block)
        self.start_pending = not self.static.get("trig")

    def hits(self, ctx: Block, p: Params) -> np.ndarray:
        offsets = sorted({e.offset for e in ctx.events if 0 <= e.offset < ctx.frames})
        if self.start_pending:
            self.start_pending = False
            triggered = bool(p.get("trig"))
            if not triggered and (not offsets or offsets[0] != 0):
                offsets.insert(0, 0)
        return np.asarray(offsets, dtype=np.int64)

    def load_state(self, state: dict) -> None:
        """Take over the predecessor's voice (after `prepare`); no extra start hit then."""
        super().load_state(state)
        self.start_pending = False

    def active_voices(self) -> int:
        return int(self.voice[0] >= 0.0)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        self.kernel(out, n, self.hits(ctx, p), *self.bufs.arrays(p, n, *self.kernel_params),
                    self.voice, self.rng, self.sr)


@node("superkick", doc="Kick drum: sine swept down to `freq`, click of noise; hits at start or on :trig.",
      category="synth")
class SuperKick(_Percussion):
    freq = Param(55.0, unit="Hz", lo=10.0, hi=1000.0, doc="final pitch")
    pitch_env = Param(0.5, lo=0.0, hi=4.0, doc="sweep depth: starts at (1 + 2*pitch_env)*freq")
    sustain = Param(0.3, unit="s", lo=0.01, hi=4.0, doc="length of the hit")
    noise = Param(0.1, lo=0.0, hi=1.0, doc="click level")
    trig = Param("", kind="events", doc="trigger pattern (hit at every onset); none: one hit at start")
    kernel = staticmethod(k.superkick)
    kernel_params = ("freq", "pitch_env", "sustain", "noise")


@node("supersnare", doc="Snare: sine body at `freq` plus high-passed noise; hits at start or on :trig.",
      category="synth")
class SuperSnare(_Percussion):
    freq = Param(180.0, unit="Hz", lo=20.0, hi=2000.0, doc="body pitch")
    snappy = Param(0.8, lo=0.0, hi=2.0, doc="noise level")
    sustain = Param(0.08, unit="s", lo=0.01, hi=4.0, doc="time for the noise to fall 60 dB")
    trig = Param("", kind="events", doc="trigger pattern (hit at every onset); none: one hit at start")
    seed = 23456
    kernel = staticmethod(k.supersnare)
    kernel_params = ("freq", "snappy", "sustain")


@node("superhat", doc="Hi-hat: high-passed noise; hits at start or on :trig.", category="synth")
class SuperHat(_Percussion):
    bright = Param(0.7, lo=0.0, hi=1.0, doc="high-pass corner 2 kHz + 8 kHz*bright")
    sustain = Param(0.05, unit="s", lo=0.005, hi=4.0, doc="time to fall 60 dB")
    trig = Param("", kind="events", doc="trigger pattern (hit at every onset); none: one hit at start")
    voice_size = 5
    seed = 34567
    kernel = staticmethod(k.superhat)
    kernel_params = ("bright", "sustain")

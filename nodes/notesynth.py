"""Note-triggered polyphonic synths: `synth "c4 e4" "saw" a d s r` and `sine_trig saw_trig
square_trig tri_trig "notes" [a d s r]`.

Each event starts a voice: a band-limited oscillator (the `oscillator` kernel of `saw`
`square` `tri` `sine`) at the event's pitch times an ADSR envelope (the `envelope` kernel,
gated by the event's duration times `legato`). Pitch: `freq` (Hz) if the event has it, else
`note`, `n` or the pattern's own value, in semitones from middle C (0 = c4 = 261.63 Hz) or a
note name (`"a4"` = 440 Hz). Per-event `gain` and `pan` (equal power, centre at unity).

Levels: a voice peaks at 0.5 (half scale); the voices that start on the same sample (a chord,
`synth "[c4,e4,g4]"` or stacked patterns) are each scaled by 1/sqrt(count), as the original
scales chord notes: a 3-note chord peaks at most 0.87, a 4-note chord at most 1.
At most `voices` sound; a new note takes a free voice (its phase starts at 0) or the oldest one
(its envelope restarts from its current level: no click).
"""
from __future__ import annotations

import math

import numpy as np

from phonon.dsp import envelopes as env_k
from phonon.dsp import oscillators as osc
from phonon.plugins import (Block, Node, Param, ParamBuffers, Params, PhononError, StateArrays,
                            Trigger, control_number, event_spans, node, note_to_freq, note_value)

__all__ = ["Synth", "SineTrig", "SawTrig", "SquareTrig", "TriTrig"]

WAVES = {"sine": osc.SINE, "saw": osc.SAW, "sawtooth": osc.SAW, "square": osc.PULSE,
         "pulse": osc.PULSE, "tri": osc.TRI, "triangle": osc.TRI}
ENV_PARAMS = ("attack", "decay", "sustain", "release")
#: one voice's peak: half scale, so that a chord of up to 4 notes (each times 1/sqrt(4)) stays
#: within +-1 and a 3-note chord peaks at most 0.87
VOICE_LEVEL = 0.5


class _NoteSynth(StateArrays, Node):
    """The voice pool; subclasses fix the waveform (`shape`) or read it from `wave`."""

    shape = osc.SAW
    state_arrays = ("phase", "ring", "env", "vfreq", "vgain", "serial")
    notes = Param(None, kind="events", doc="note pattern (names like \"c4 e4\" or semitones from c4)")
    attack = Param(0.001, unit="s", lo=0.0, hi=10.0, doc="attack time")
    decay = Param(0.1, unit="s", lo=0.0, hi=10.0, doc="decay time to the sustain level")
    sustain = Param(0.0, lo=0.0, hi=1.0, doc="sustain level (0 = a pluck)")
    release = Param(0.1, unit="s", lo=0.0, hi=10.0, doc="release after the event ends")
    voices = Param(16, kind="any", lo=1, hi=64, doc="most notes sounding at once (constant)")

    def __init__(self, **static) -> None:
        super().__init__(**static)
        self.max_voices = int(min(max(int(static.get("voices", 16)), 1), 64))

    def prepare(self, sr: int, block: int, channels: int) -> None:
        v = self.max_voices
        self.sr = float(sr)
        self.block = block
        self.phase = np.zeros((v, 2))
        self.ring = np.zeros((v, osc.RING))
        self.env = np.zeros((v, 5))
        self.vfreq = np.zeros(v)
        self.vgain = np.zeros((v, 2))
        self.serial = np.full(v, -1.0)          # -1: never used; the oldest voice is stolen first
        self.osc_out = np.zeros((2, block), dtype=np.float32)
        self.env_out = np.zeros((2, block), dtype=np.float32)
        self.freq_buf = np.zeros(block)
        self.width = np.full(block, 0.5)
        self.params = {name: np.zeros(block) for name in ENV_PARAMS}
        self.bufs = ParamBuffers(block, *ENV_PARAMS)
        self.onsets = np.zeros(1, dtype=np.int64)        # a started voice's onset: its span's start
        self.gates = np.zeros(1)
        self.pending = np.zeros(v)                        # gate (samples) of a note just started

    # ------------------------------------------------------------------ events -> voices
    def _freq(self, value: object) -> float | None:
        c = value if isinstance(value, dict) else {self.spec.name: value}
        freq = control_number(c.get("freq"))
        if freq is not None and freq > 0.0:
            return freq
        for key in ("note", "n", self.spec.name):
            if key in c:
                semis = note_value(c[key])
                if semis is not None:
                    return note_to_freq(semis)
        return None

    def _start(self, trig: Trigger, chord: int) -> None:
        """Start a note now (between two spans): a free voice, else the oldest one."""
        freq = self._freq(trig.value)
        if freq is None:
            return
        c = trig.value if isinstance(trig.value, dict) else {}
        gain = VOICE_LEVEL * control_number(c.get("gain"), 1.0) / math.sqrt(chord)
        pan = min(max(control_number(c.get("pan"), 0.0), -1.0), 1.0)
        angle = (pan + 1.0) * math.pi / 4.0
        left, right = math.cos(angle), math.sin(angle)
        gate = control_number(c.get("legato"), 1.0) * float(trig.duration) * self.sr
        idle = [v for v in range(self.max_voices) if self.env[v, 0] == env_k.IDLE]
        v = min(idle, key=lambda i: self.serial[i]) if idle else int(np.argmin(self.serial))
        if idle:                                     # a free voice starts in phase
            self.phase[v, :] = 0.0
            self.ring[v, :] = 0.0
        self.serial[v] = float(self.serial.max() + 1.0)
        self.vfreq[v] = freq
        self.vgain[v, 0] = gain * math.sqrt(2.0) * (left if left > 1e-12 else 0.0)
        self.vgain[v, 1] = gain * math.sqrt(2.0) * (right if right > 1e-12 else 0.0)
        self.pending[v] = max(round(gate), 1) if math.isfinite(gate) else 1e18

    # ------------------------------------------------------------------ rendering
    def _env_params(self, p: Params, n: int) -> list[np.ndarray]:
        arrays = []
        for name in ENV_PARAMS:
            buf = self.params[name][:n]
            np.copyto(buf, self.bufs.get(name, p[name], n))
            np.nan_to_num(buf, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
            arrays.append(buf)
        return arrays

    def _render(self, a: int, b: int, env_params: list, out: np.ndarray, shape: int) -> None:
        """Every sounding voice (and each just started) from block offset a to b, into out."""
        n = b - a
        env, o = self.env_out[:, a:b], self.osc_out[:, a:b]
        ap = [x[a:b] for x in env_params]
        for v in range(self.max_voices):
            gate = self.pending[v]
            if gate <= 0.0 and self.env[v, 0] == env_k.IDLE:
                continue
            self.gates[0] = gate
            env_k.envelope(env, n, self.onsets, self.gates, 1 if gate > 0.0 else 0, *ap, self.env[v],
                           env_k.ADSR, self.sr)
            self.pending[v] = 0.0
            self.freq_buf[a:b] = self.vfreq[v]
            osc.oscillator(o, n, self.freq_buf[a:b], self.width[a:b], self.phase[v], self.ring[v],
                           shape, self.sr, osc.RESIDUAL, osc.RAMP_RESIDUAL)
            out[0, a:b] += o[0] * env[0] * np.float32(self.vgain[v, 0])
            out[1, a:b] += o[1] * env[1] * np.float32(self.vgain[v, 1])

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        out[:, :n] = 0.0
        env_params = self._env_params(p, n)
        shape = self.wave_shape(p)
        chords: dict[int, int] = {}
        for e in ctx.events:
            at = min(max(int(e.offset), 0), n - 1)
            chords[at] = chords.get(at, 0) + (self._freq(e.value) is not None)
        for a, b, trig in event_spans(ctx):
            if b > a:
                self._render(a, b, env_params, out, shape)
            if trig is not None:
                self._start(trig, max(chords.get(b, 1), 1))

    def wave_shape(self, p: Params) -> int:
        return self.shape

    def active_voices(self) -> int:
        return int((self.env[:, 0] != env_k.IDLE).sum())


@node("synth", category="instrument",
      doc='Polyphonic note synth: `synth "c4 e4" "saw" [a d s r]`, one voice per note, ADSR per voice.')
class Synth(_NoteSynth):
    """The waveform is `wave`: sine, saw, square (pulse), tri (triangle). (The parameters are
    declared again here so that `wave` comes second: `synth "c4 e4" "saw" a d s r`.)"""

    notes = Param(None, kind="events", doc="note pattern (names like \"c4 e4\" or semitones from c4)")
    wave = Param("saw", kind="text", doc="sine, saw, square or tri")
    attack = Param(0.001, unit="s", lo=0.0, hi=10.0, doc="attack time")
    decay = Param(0.1, unit="s", lo=0.0, hi=10.0, doc="decay time to the sustain level")
    sustain = Param(0.0, lo=0.0, hi=1.0, doc="sustain level (0 = a pluck)")
    release = Param(0.1, unit="s", lo=0.0, hi=10.0, doc="release after the event ends")
    voices = Param(16, kind="any", lo=1, hi=64, doc="most notes sounding at once (constant)")

    def __init__(self, **static) -> None:
        super().__init__(**static)
        name = str(static.get("wave", "saw")).strip().lower()
        if name not in WAVES:
            raise PhononError(f"synth: unknown wave {name!r}",
                              hint='one of "sine", "saw", "square", "tri": synth "c4 e4" "saw"')
        self.shape = WAVES[name]


@node("sine_trig", category="instrument",
      doc='Sine notes from a pattern, an ADSR each: `sine_trig "c4 e4 g4" [a d s r]` (defaults: a pluck).')
class SineTrig(_NoteSynth):
    shape = osc.SINE


@node("saw_trig", category="instrument",
      doc='Saw notes from a pattern, an ADSR each: `saw_trig "c3 e3 g3" [a d s r]` (band-limited).')
class SawTrig(_NoteSynth):
    shape = osc.SAW


@node("square_trig", category="instrument",
      doc='Square notes from a pattern, an ADSR each: `square_trig "c3 e3" [a d s r]` (band-limited).')
class SquareTrig(_NoteSynth):
    shape = osc.PULSE


@node("tri_trig", category="instrument",
      doc='Triangle notes from a pattern, an ADSR each: `tri_trig "c4 e4" [a d s r]` (band-limited).')
class TriTrig(_NoteSynth):
    shape = osc.TRI

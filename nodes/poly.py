"""`poly`: a polyphonic instrument that plays a chain of nodes once per event.

The compiler creates it (users do not write `poly`): for `s "~lead*4" # note "0 3 7 12"` with
`~lead: saw 220 # lpf 2000 0.7`, and for `saw "c3 e3 g3"`. Its `template` gives the chain as a
`phonon.plugins.Chain` (through `voice_chain()`); each voice owns fresh instances of its nodes,
rendered sample-accurately from the event's onset. Per-event controls:

    note     a number: semitones relative to the chain's pitch (frequency x 2**(note/12));
             a note name: absolute pitch, c4 = 0 = 261.63 Hz (sets the source frequency)
    freq     absolute pitch in Hz (overrides note)
    gain     linear amplitude (default 1); notes starting on the same sample (a chord:
             `saw "[c3,e3,g3]"`) are each scaled by 1/sqrt(notes), as the original does
    pan      -1..1, equal power with the centre at unity: L = sqrt2*cos, R = sqrt2*sin of
             (pan+1)*pi/4
    attack   seconds of the linear rise from 0 to 1 (default: the node's `attack`, 10 ms)
    release  seconds of the linear fall to 0 after the gate (default: `release`, 300 ms)
    legato   the gate lasts legato x the event's duration (default 1)
    hold     a played key still down (`midinote`, docs/sync.md): the gate stays open until
             `hold.release`, the stream sample of its note-off

    vowel shape hcutoff bandf crush coarse cutoff tremolorate phaserrate waveloss squiz
    fshift triode krush octer ring distort djf (and their second controls): SuperDirt's
             per-event effects (docs/samples.md), in SuperDirt's order, on the voice's panned
             output before its gain and envelope; `attack`/`release` stay the AR envelope above

An event-driven node of the chain without a pattern of its own (a chained `# adsr 0.01 0.1
0.5 0.2`) is triggered by the voice's note: onset at the voice's first sample, gate = legato x
the event's duration.

At most `voices` (default 16) sound at once; a new voice beyond that steals the oldest, which
fades out over 5 ms. Output does not depend on the block size: voices are rendered in segments
that end at block boundaries and event onsets, and every chain node is block-size independent.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from phonon.dsp import voice_fx
from phonon.plugins import (MIDDLE_C_HZ, Block, Chain, Node, Param, Params, Trigger,
                            control_number, event_spans, node, note_to_freq, note_value, value_at)
from phonon.samples import OrbitEffects, drive_orbit, effect_row, voice_controls

__all__ = ["Poly"]

STEAL_FADE_S = 0.005
HOLD_MAX_S = 60.0           # a held live note whose note-off never comes ends after this
SPARE_VOICES = 4            # instances beyond `voices` that let stolen voices fade out
MAX_VOICES = 256
#: the instrument's own AR envelope reads attack/release: SuperDirt's envelope module is left out
NO_ENVELOPE = ~(1 << voice_fx.ENVELOPE)
#: the controls a poly voice reads: its own, and SuperDirt's effect and orbit controls
POLY_CONTROLS = ("note", "freq", "gain", "pan", "attack", "release", "legato") + tuple(
    c for c in voice_controls() if c not in ("s", "n", "speed", "accelerate", "unit", "begin",
                                             "end", "loop", "sustain", "fadeTime", "cut", "hold",
                                             "nudge", "octave", "midinote"))


def _every_event(c: dict) -> bool:
    return True


class _Step:
    """One chain node of one voice: the instance, its params and where its inputs come from."""

    __slots__ = ("node", "params", "out", "inputs", "mods", "scale", "channels", "voice_events")

    def __init__(self, node: Node, params: Params, out: np.ndarray, inputs: list[int],
                 mods: list[tuple[str, int, np.ndarray, bool]], channels: int,
                 voice_events: bool = False) -> None:
        self.node = node
        # an event-driven node of the chain without a pattern of its own (`# adsr 0.01 0.1
        # 0.5 0.2`): it is triggered by the voice's note instead (onset, duration)
        self.voice_events = voice_events
        self.params = params
        self.out = out
        self.inputs = inputs
        self.mods = mods          # (param, producer, float64 buffer, transposed by the note)
        # a producer >= 0 is a step of the voice, -1-k is the poly node's input k (shared)
        self.channels = channels


class _Voice:
    """One sounding note: its chain instances and its AR envelope (in samples since onset)."""

    def __init__(self, steps: list[_Step], out_index: int) -> None:
        self.steps = steps
        self.out_index = out_index
        self.active = False
        self.serial = 0
        self.age = 0
        self.attack = 1.0
        self.rel_start = 0.0      # sample (since onset) where the release starts
        self.rel_level = 1.0      # envelope level there
        self.rel_len = 1.0
        self.stolen = False
        self.inherited = False    # handed over by a hot swap: plays out, then leaves the pool
        self.gl = self.gr = 1.0
        self.ratio = 1.0          # frequency factor of this note
        self.base: dict[int, dict[str, float]] = {}   # step -> constant frequency params
        self.note: Trigger | None = None  # the note's trigger, for the chain's own envelopes
        # SuperDirt's per-event effects: module mask (0: none), parameter and state rows, tape
        self.fx_mask = 0
        self.fx_params: np.ndarray | None = None
        self.fx_state = np.zeros(voice_fx.N_STATE)
        self.fx_tape: np.ndarray | None = None
        self.gain = 1.0
        self.pl = self.pr = 1.0   # the pan gains alone (the effects run before the gain)
        self.hold: Any = None     # a played key still down (live MIDI): released at its note-off
        self.onset = 0            # the stream sample the voice started on

    def envelope(self, n: int, ramp: np.ndarray, buf: np.ndarray) -> np.ndarray:
        t = buf[:n]
        np.add(ramp[:n], float(self.age), out=t)
        rise = np.minimum(t / self.attack, 1.0)
        fall = np.maximum(self.rel_level * (1.0 - (t - self.rel_start) / self.rel_len), 0.0)
        return np.where(t < self.rel_start, rise, fall)

    def level_at(self, t: float) -> float:
        if t < self.rel_start:
            return min(t / self.attack, 1.0)
        return max(self.rel_level * (1.0 - (t - self.rel_start) / self.rel_len), 0.0)

    @property
    def end(self) -> float:
        return self.rel_start + self.rel_len


@node("poly", category="instrument", inputs=-1, controls=POLY_CONTROLS,
      doc="Polyphonic instrument: plays a bus's chain once per event (made by s \"~bus\" and saw \"c3 e3\").")
class Poly(Node):
    """Voices of a chain template, transposed per event, with an AR envelope and stealing."""

    notes = Param(None, kind="events", doc="the events (from s \"~bus ...\" or a note pattern)")
    template = Param(None, kind="any", doc="the chain played per voice (set by the compiler)")
    voices = Param(16, kind="any", lo=1, hi=MAX_VOICES, doc="most voices sounding at once")
    attack = Param(0.01, unit="s", lo=0.0, doc="default attack time")
    release = Param(0.3, unit="s", lo=0.0, doc="default release time after the gate")
    on_orbit = Param(-1, kind="any", doc="the orbit whose node runs the global effects (set by "
                                         "the compiler; -1: the instrument's own)")

    def __init__(self, **static: Any) -> None:
        super().__init__(**static)
        self.template = static.get("template")
        on_orbit = control_number(static.get("on_orbit"))
        self.on_orbit = int(on_orbit) if on_orbit is not None else -1
        v = control_number(static.get("voices"))
        self.max_voices = int(min(max(1, v if v is not None else 16), MAX_VOICES))

    # ------------------------------------------------------------------ building voices
    def prepare(self, sr: int, block: int, channels: int) -> None:
        if self.template is None:
            raise ValueError("poly needs a template (the compiler supplies it)")
        self.chain: Chain = self.template.voice_chain()
        self.sr = sr
        self.block = block
        self.ramp = np.arange(block, dtype=np.float64)
        self.tbuf = np.zeros(block, dtype=np.float64)
        self.fx_buf = np.zeros((2, block), dtype=np.float64)
        self.tape_frames = voice_fx.tape_frames(sr)
        self.orbit: OrbitEffects | None = None      # the instrument's own orbit (on first use)
        self.pool = [self._make_voice() for _ in range(self.max_voices + SPARE_VOICES)]
        self.serial = 0

    def _make_voice(self) -> _Voice:
        chain = self.chain
        index = {n.id: i for i, n in enumerate(chain.nodes)}
        index.update({x: -1 - k for k, x in enumerate(chain.external)})  # shared: the poly's inputs
        steps: list[_Step] = []
        for n in chain.nodes:
            values = dict(n.values)
            mods = []
            for name, producer in n.modulations:
                buf = values[name] = np.zeros(self.block, dtype=np.float64)
                mods.append((name, index[producer], buf, name in n.transpose))
            inst = n.cls(**n.static)
            for res in n.cls.resources:
                setattr(inst, res, None)
            channels = n.cls.spec.channels
            ev = n.cls.spec.event_param
            by_note = ev is not None and ev.default is not None and values.get(ev.name) in (None, "")
            if by_note:
                values[ev.name] = "voice"            # connected: the voice sends its note
            steps.append(_Step(inst, Params(**values), np.zeros((channels, self.block), np.float32),
                               [index[x] for x in n.inputs], mods, channels, by_note))
        voice = _Voice(steps, index[chain.output])
        for i, n in enumerate(chain.nodes):
            voice.base[i] = {k: steps[i].params[k] for k in n.transpose
                             if not isinstance(steps[i].params[k], np.ndarray)}
        return voice

    # ------------------------------------------------------------------ events
    def _ratio(self, c: dict) -> float:
        freq = control_number(c.get("freq"))
        base = self.chain.base_freq
        if freq is not None and base:
            return freq / base
        note = c.get("note", c.get(self.spec.name))
        semis = note_value(note)
        if semis is None:
            return 1.0
        if isinstance(note, str) and base:           # a note name: absolute pitch
            return note_to_freq(semis) / base
        return 2.0 ** (semis / 12.0)

    def _start(self, trig: Trigger, offset: int, p: Params, chord: int = 1,
               onset: int = 0) -> None:
        """Start a voice for `trig` at block offset `offset` (stream sample `onset`)."""
        c = trig.value if isinstance(trig.value, dict) else {self.spec.name: trig.value}
        playing = sorted((v for v in self.pool if v.active and not v.stolen), key=lambda v: v.serial)
        if len(playing) >= self.max_voices:
            self._steal(playing[0])
        own = [v for v in self.pool if not v.inherited]
        free = [v for v in own if not v.active]
        if not free:                                  # every spare is still fading: cut the oldest
            oldest = min(own, key=lambda v: v.serial)
            oldest.active = False
            free = [oldest]
        v = free[0]
        sr = self.sr
        v.ratio = ratio = self._ratio(c)
        for i, step in enumerate(v.steps):
            step.node.prepare(sr, self.block, step.channels)     # fresh state for the new note
            for k, base in v.base[i].items():
                step.params[k] = base * ratio
        gain = control_number(c.get("gain"), 1.0) / math.sqrt(max(chord, 1))   # chords: 1/sqrt(notes)
        pan = control_number(c.get("pan")) or 0.0
        angle = (min(max(pan, -1.0), 1.0) + 1.0) * math.pi / 4.0
        left, right = math.cos(angle), math.sin(angle)
        v.pl = math.sqrt(2.0) * (left if left > 1e-12 else 0.0)            # hard right: exactly 0
        v.pr = math.sqrt(2.0) * (right if right > 1e-12 else 0.0)
        v.gain = gain
        v.gl, v.gr = gain * v.pl, gain * v.pr
        attack = control_number(c.get("attack"))
        attack = value_at(p.attack, offset) if attack is None else attack
        release = control_number(c.get("release"))
        release = value_at(p.release, offset) if release is None else release
        legato = control_number(c.get("legato"), 1.0)
        v.attack = max(attack * sr, 1.0)
        v.rel_start = max(round(legato * float(trig.duration) * sr), 0)
        v.hold, v.onset = None, onset
        hold = c.get("hold")
        if getattr(hold, "release", 0) is None:       # a key still down (phonon.sync midinote)
            v.hold, v.rel_start = hold, round(HOLD_MAX_S * sr)
        v.rel_level = min(v.rel_start / v.attack, 1.0)
        v.rel_len = max(release * sr, 1.0)
        v.note = Trigger(offset=0, value=c, cycle=trig.cycle, duration=v.rel_start / sr)
        self._effects(v, c)
        v.age = 0
        v.stolen = False
        v.active = True
        v.serial = self.serial
        self.serial += 1

    def _effects(self, v: _Voice, c: dict) -> None:
        """The voice's SuperDirt effect modules for event `c` (fresh state for the note)."""
        freq = (self.chain.base_freq or MIDDLE_C_HZ) * v.ratio
        mask, params = effect_row(c, self.sr, freq, v.rel_start / self.sr)
        v.fx_mask, v.fx_params = mask & NO_ENVELOPE, params
        if not v.fx_mask:
            return
        v.fx_state[:] = 0.0
        if v.fx_mask & voice_fx.TAPE_MODULES:
            if v.fx_tape is None:
                v.fx_tape = np.zeros((2, self.tape_frames))
            v.fx_tape[:] = 0.0

    def _release(self, v: _Voice) -> None:
        """A held key came up: the release starts at its note-off (or now, if that passed)."""
        at = float(max(v.hold.release - v.onset, v.age))
        if at < v.rel_start:
            v.rel_level = v.level_at(at)
            v.rel_start = at
        v.hold = None

    def _steal(self, v: _Voice) -> None:
        level = v.level_at(float(v.age))
        v.rel_start, v.rel_level = float(v.age), level
        v.rel_len = max(STEAL_FADE_S * self.sr, 1.0)
        v.stolen = True

    # ------------------------------------------------------------------ rendering
    def _render(self, ctx: Block, ins: list, out: np.ndarray, a: int, b: int) -> None:
        """Every active voice from block offset a to b (exclusive), added into out."""
        n = b - a
        if n <= 0:
            return
        shared = [x[:, a:b] for x in ins]
        sub = Block(index=ctx.index, start=ctx.start + a, frames=n, sr=ctx.sr, cps=ctx.cps,
                    cycle=ctx.cycle + a * ctx.cps / ctx.sr)
        for v in list(self.pool):
            if not v.active:
                continue
            steps = v.steps
            note = None
            if v.note is not None:                   # the voice's first segment: its onset
                note = Block(index=sub.index, start=sub.start, frames=n, sr=sub.sr, cps=sub.cps,
                             cycle=sub.cycle, events=[v.note])
                v.note = None
            for step in steps:
                for name, src, buf, transposed in step.mods:
                    x = steps[src].out[:, :n] if src >= 0 else shared[-1 - src]
                    np.mean(x, axis=0, out=buf[:n])
                    if transposed:
                        buf[:n] *= v.ratio
                step_ins = [shared[-1 - i] if i < 0 else steps[i].out if steps[i].channels == 2 else
                            np.broadcast_to(steps[i].out[:1], (2, self.block)) for i in step.inputs]
                step.node.process(note if note is not None and step.voice_events else sub,
                                  step_ins, step.params, step.out)
            sig = steps[v.out_index].out
            if v.hold is not None and v.hold.release is not None:
                self._release(v)
            env = v.envelope(n, self.ramp, self.tbuf)
            right = sig[1, :n] if sig.shape[0] > 1 else sig[0, :n]
            if v.fx_mask:
                self._render_effects(v, sig[0, :n], right, env, out, a, b)
            else:
                out[0, a:b] += sig[0, :n] * (env * v.gl)
                out[1, a:b] += right * (env * v.gr)
            v.age += n
            if v.age >= v.end:
                v.active = False
                if v.inherited:
                    self.pool.remove(v)

    def _render_effects(self, v: _Voice, left: np.ndarray, right: np.ndarray, env: np.ndarray,
                        out: np.ndarray, a: int, b: int) -> None:
        """The voice's panned output through its effect chain, then gain and envelope."""
        n = b - a
        buf = self.fx_buf
        np.multiply(left, v.pl, out=buf[0, :n])
        np.multiply(right, v.pr, out=buf[1, :n])
        tape = v.fx_tape if v.fx_tape is not None else self.fx_buf
        voice_fx.apply_chain(buf, 0, n, 2, v.age, v.fx_mask, v.fx_params, v.fx_state, tape,
                             float(self.sr))
        env *= v.gain
        out[0, a:b] += buf[0, :n] * env
        out[1, a:b] += buf[1, :n] * env

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        out[:, :ctx.frames] = 0.0
        chords: dict[int, int] = {}                  # notes starting on each sample
        for e in ctx.events:
            at = min(max(int(e.offset), 0), ctx.frames - 1)
            chords[at] = chords.get(at, 0) + 1
        for a, b, trig in event_spans(ctx):
            self._render(ctx, ins, out, a, b)
            if trig is not None:
                self._start(trig, b, p, chords.get(b, 1), ctx.start + b)
        if self.on_orbit < 0:                        # else orbit n's node runs the effects
            events = sorted(ctx.events, key=lambda e: e.offset)
            self.orbit = drive_orbit(self.orbit, events, out, ctx.frames, ctx.cps,
                                     self._new_orbit, _every_event)

    def _new_orbit(self) -> OrbitEffects:
        return OrbitEffects(self.sr, self.block)

    def active_voices(self) -> int:
        return sum(1 for v in self.pool if v.active and not v.stolen)

    # ------------------------------------------------------------------ hot swap
    def state(self) -> dict:
        """The sounding voices (with their chain instances): they ring on in the successor,
        and the instrument's orbit effects (their tails too)."""
        return {"sr": self.sr, "block": self.block, "serial": self.serial,
                "voices": [v for v in self.pool if v.active],
                "orbit": self.orbit.state() if self.orbit is not None else None}

    def load_state(self, state: dict) -> None:
        """Adopt a predecessor's sounding voices; they finish with the sound they started with,
        new notes play the new chain."""
        if state.get("sr") != self.sr or state.get("block") != self.block:
            return
        if state.get("orbit"):
            self.orbit = self._new_orbit()
            self.orbit.load_state(state["orbit"])
        mine = {id(v) for v in self.pool}
        for v in state.get("voices", ()):
            if id(v) not in mine:
                v.inherited = True
                self.pool.append(v)
        self.serial = max(self.serial, int(state.get("serial", 0)))

"""`s` (alias `sound`): sample voices triggered by a pattern, with SuperDirt's per-event chain.

Each event starts a voice that plays `s` (`name` or `name:i`) from the session's `SampleBank`;
the sample's first frame lands exactly on the trigger's sample offset. The event's controls are
read at the onset, with SuperDirt's meaning (DirtEvent.sc, core-modules.scd; the table with
every formula is docs/samples.md):

    sound     n, note/up, octave, midinote, freq, speed (< 0: backwards), accelerate,
              unit ("r", "c": speed x cps x the sample's length, "s"), begin/end, loop,
              sustain, legato, fadeTime, cut (per node; < 0: same sample only), nudge
    level     gain (linear), amp, overgain, velocity, postgain; pan -1..1 (+ channel)
    effects   vowel resonance, shape, hcutoff hresonance, bandf bandq, crush, coarse, cutoff
              resonance, attack hold release, tremolorate tremolodepth, phaserrate
              phaserdepth, waveloss, squiz, fshift fshiftnote fshiftphase, triode, krush
              kcutoff, octer octersub octersubsub, ring ringf ringdf, distort, djf: in this
              order, on the panned source, before the level

The voices live in a `phonon.samples.voicepool.VoicePool`: ONE numba kernel call mixes every
voice of a block, oldest first, so the output never depends on the block size. A dry voice
(no effect control) costs what it did before effects existed; a voice pays for the modules its
event uses only. Speed +-1 copies sample values exactly (scaled by the gains); other rates
interpolate linearly. At most `voices` (default 256) sound at once: a new voice beyond that
steals the oldest, which fades out over 5 ms instead of clicking.
"""
from __future__ import annotations

import math

import numpy as np

from phonon.plugins import Block, Node, Param, Params, Trigger, control_number, node
from phonon.samples import (PHONON, OrbitEffects, SampleBank, default_roots, drive_orbit,
                            effect_row, event_freq, sound_plan, split_name, voice_controls)
from phonon.samples.voicepool import VoicePool

__all__ = ["SampleVoices"]

FADE_S = 0.005                 # fade of a voice stolen beyond the `voices` limit
MAX_VOICES = 4096              # hard cap of the `voices` argument


_UNSET = object()


def _offset(trig: Trigger) -> int:
    return trig.offset


def _every_event(c: dict) -> bool:
    """Every event an `s` node gets drives its orbit (those of `# orbit n` go to orbit n's)."""
    return True


def _voice_limit(value, default: int) -> int:
    """The `voices` argument as a pool size in 1..MAX_VOICES."""
    return min(max(1, int(control_number(value, default))), MAX_VOICES)


@node("s", aliases=("sound",), category="voices", controls=voice_controls(),
      doc="Play samples from a pattern: s \"bd*4 sn\" # gain 0.8 # pan \"-1 1\" # speed 2")
class SampleVoices(Node):
    """Sample voices triggered by a pattern's events, mixed in one numba kernel per block."""

    pattern = Param(None, kind="events", required=True,
                    doc="sample names (mini-notation: \"bd*2 [sn cp]\", \"bd:3\")")
    voices = Param(256, kind="any", lo=1, hi=MAX_VOICES,
                   doc="most voices sounding at once; a new one steals the oldest")

    resources = ("samples",)

    def __init__(self, **static) -> None:
        super().__init__(**static)
        self.samples: SampleBank | None = None
        self.max_voices = _voice_limit(static.get("voices"), 256)
        self.pool: VoicePool | None = None
        self._mix: np.ndarray | None = None
        self._pending: dict | None = None
        self._voices_seen: object = _UNSET          # the `voices` value last applied
        self._prepared: dict[int, tuple] = {}       # id(control map) -> `_prepare` result
        self.orbit: OrbitEffects | None = None      # the node's own orbit (made on first use)
        #: a subclass that sums audio inputs into the voices (`dirt_orbit`)
        self._adds_inputs = type(self).add_inputs is not SampleVoices.add_inputs

    def prepare(self, sr: int, block: int, channels: int) -> None:
        if self.samples is None:
            self.samples = SampleBank(default_roots(), sr=sr)
        if self.samples.sr != sr:
            raise ValueError(f"the sample bank runs at {self.samples.sr} Hz, the engine at {sr} Hz")
        self.pool = VoicePool(self.max_voices, sr, block, FADE_S)
        self._prepared = {}                         # voice rows depend on the pool's sr/fade
        self._mix = None if channels == 2 else np.zeros((2, block), np.float32)
        self._plain = self._mix is None and not self._adds_inputs   # writes `out` directly
        self.sr, self.block = sr, block
        self.orbit = None
        pending, self._pending = self._pending, None
        self.load_state(pending)

    def active_voices(self) -> int:
        """Voices sounding and not fading out after a cut or a steal (never above `voices`)."""
        return self.pool.active() if self.pool is not None else 0

    def start(self, trig: Trigger, cps: float = 0.5) -> int | None:
        """Start the voice of one trigger; its slot, or None (silent or unknown sample)."""
        c = trig.value if isinstance(trig.value, dict) else {"s": trig.value}
        # a periodic pattern hands the same control map every cycle: its voice is computed
        # once (the sample is looked up again, so a changed bank is seen)
        entry = self._prepared.get(id(c))
        if entry is None or entry[0] is not c \
                or (entry[1] is not None and entry[1] != (trig.duration, cps)) \
                or (entry[2] is not None and self.samples.lookup(*entry[2]) is not entry[3]):
            if len(self._prepared) >= 512:
                self._prepared.clear()
            entry = self._prepared[id(c)] = self._prepare(c, trig.duration, cps)
        voice, cut, ref = entry[4], entry[5], entry[3]
        return self.pool.start_prepared(int(trig.offset), voice, cut,
                                        ref.offset if ref is not None else -1)

    def _prepare(self, c: dict, duration: float, cps: float) -> tuple:
        """(c, (duration, cps) when the voice depends on them else None, (name, index) or
        None, sample ref, the pool's voice or None when silent, cut group)."""
        pool, sr = self.pool, self.pool.sr
        cut = int(control_number(c.get("cut"), 0.0))
        token = c.get("s", c.get("sound"))
        if token is None or str(token).startswith("~"):
            return c, None, None, None, None, cut
        name, colon_index = split_name(str(token))
        index = int(math.floor(control_number(c["n"], 0.0))) if "n" in c else (colon_index or 0)
        ref = self.samples.lookup(name, index)
        if ref is None:
            return c, None, (name, index), None, None, cut
        timing = (duration, cps) if ("legato" in c or c.get("unit") == "c") else None
        plan = sound_plan(c, ref.frames, sr, float(duration), cps)
        if plan is None:
            return c, timing, (name, index), ref, None, cut
        mask, params = effect_row(c, sr, event_freq(c), plan.sustain_s)
        delay = int(round(max(0.0, control_number(c.get("nudge"), 0.0)) * sr))
        voice = pool.voice(ref, plan, level=PHONON.level(c), pan=PHONON.pan(c), cut=cut,
                           mask=mask, params=params, delay=delay)
        return c, timing, (name, index), ref, voice, cut

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        voices = p.__dict__.get("voices") if p is not None else None
        if voices is not self._voices_seen:        # the same constant object every block
            self._voices_seen = voices
            wanted = _voice_limit(voices, self.max_voices)
            if wanted != self.max_voices:
                self.max_voices = wanted
                self.pool.resize(wanted)
        events = ctx.events
        if not events and self.pool.silent and self._plain and self.orbit is None \
                and ctx.frames == out.shape[1]:
            out.fill(0.0)                         # idle: no voice, no event, nothing to add
            return
        if events:
            if len(events) > 1:
                events = sorted(events, key=_offset)
            for trig in events:
                self.start(trig, ctx.cps)
        frames = ctx.frames
        mix = out if self._mix is None else self._mix
        pool = self.pool
        if pool.silent and mix is out and frames == out.shape[1]:
            out.fill(0.0)                         # what `pool.mix` writes, without the call
        else:
            pool.mix(self.samples.arena, mix, frames)
        if self._adds_inputs:
            self.add_inputs(ins, mix, frames)
        if events or self.orbit is not None:      # (no event, no orbit yet: nothing to run)
            self.orbit_effects(ctx, events, mix)
        if self._mix is not None:                 # mono (or >2 channels): centre = unity
            out[:, :frames] = (mix[0, :frames] + mix[1, :frames]) * np.float32(math.sqrt(0.5))

    def quiet_call(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> tuple | None:
        """Blocks without events, while the voices write `out` directly (stereo, no inputs, no
        orbit effects yet): the pool's dry mix kernel."""
        if not self._plain or self.orbit is not None or ctx.frames != out.shape[1]:
            return None
        return self.pool.quiet_call(self.samples.arena, out, ctx.frames)

    def add_inputs(self, ins: list, mix: np.ndarray, frames: int) -> None:
        """Audio inputs summed into the voices before the orbit's effects (`dirt_orbit`'s
        instruments; `s` has none)."""

    def orbit_effects(self, ctx: Block, events: list, mix: np.ndarray) -> None:
        """The orbit's global effects over the block, their values set at each event's onset."""
        self.orbit = drive_orbit(self.orbit, events, mix, ctx.frames, ctx.cps, self._new_orbit,
                                 _every_event)

    def _new_orbit(self) -> OrbitEffects:
        return OrbitEffects(self.sr, self.block)

    # -- hot swap
    def state(self) -> dict | None:
        """The sounding voices, tagged with the sample bank whose arena they play from, and
        the orbit's effects (their tails ring on)."""
        state = self.pool.state() if self.pool is not None else None
        if state is not None:
            state["bank"] = self.samples.token
        if self.orbit is not None:
            state = state or {}
            state["orbit"] = self.orbit.state()
        return state

    def load_state(self, state: dict | None) -> None:
        """Take over a predecessor's voices (before `prepare`: adopted by `prepare`). Voices
        of another sample bank are dropped: their arena offsets mean nothing here."""
        if not state:
            return
        if self.pool is None:
            self._pending = state
            return
        if state.get("orbit"):
            self.orbit = OrbitEffects(self.sr, self.block)
            self.orbit.load_state(state["orbit"])
        if "vi" in state and state.get("bank") == self.samples.token:
            self.pool.load_state(state)

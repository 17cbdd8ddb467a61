"""A bounded pool of sample voices, mixed block by block by numba kernels (`voicemix`).

Voice state lives in preallocated arrays: `vi` (int64 fields x slots) and `vf` (float64 fields
x slots), rows named in `voicemix`; for the voices whose events use per-event effects, `vp` and
`vs` (slots x `phonon.dsp.voice_fx.N_PARAMS` / `N_STATE`: their modules' parameters and state)
and, for squiz and the phaser, a tape from `tapes` (handed out at the onset, reused once the
voice has ended). Starting a voice (with its cut group and voice stealing) is one small kernel
call; mixing every sounding voice of a block is ONE kernel call (`mix_all`) that reads the
sample arena (`SampleBank.arena`) directly. A dry voice costs what it did before effects
existed: the effect path is a separate loop over the voices that have a module mask.

Cut groups follow SuperDirt: a voice of group g > 0 fades out (over its own fadeTime) every
sounding voice of group g; a negative group g only those of group g playing the same sample.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from ..dsp import voice_fx as fx
from ..dsp.direct import compiled
from .bank import SampleRef
from .voice_events import PHONON, SoundPlan, effect_row, envelope_end, event_freq, sound_plan
from .voicemix import (ACCEL, ACTIVE, ATT, CUT, FADE, FIRST_PASS, FX, GL, GR, KILL_AT, KILL_LEN,
                       LENGTH, LEVEL, LO, N_FLOAT, N_INT, NCH, NEVER, NFR, OFF, RAMP, RATE,
                       RATE_END, REL_END, REL_LEN, REV, SERIAL, SPAN, T, TAPE, first_pass_frames,
                       mix_all, mix_voices, position, stop_age)

__all__ = ["VoicePool", "Voice", "mix_all", "mix_voices", "first_pass_frames", "NEVER", "OFF",
           "REL_END", "LENGTH", "N_INT", "N_FLOAT"]


@njit(cache=True, nogil=True)
def _live(vi, v, offset):  # pragma: no cover - numba
    """Sounding at block offset `offset` and not already fading out."""
    return vi[ACTIVE, v] != 0 and vi[T, v] + offset < stop_age(vi, v) and vi[KILL_AT, v] == NEVER


@njit(cache=True, nogil=True)
def kill_group(vi, offset, group, sample):  # pragma: no cover - numba
    """Fade out (from `offset`, over each voice's own fade) every live voice of cut group
    `group`; a negative group only the voices playing `sample` (an arena offset)."""
    for v in range(vi.shape[1]):
        if vi[CUT, v] == group and (group > 0 or vi[OFF, v] == sample) and _live(vi, v, offset):
            vi[KILL_AT, v] = vi[T, v] + offset
            vi[KILL_LEN, v] = vi[FADE, v]


@njit(cache=True, nogil=True)
def steal_beyond(vi, offset, keep, fade):  # pragma: no cover - numba
    """Fade out the oldest live voices until at most `keep` remain live."""
    while True:
        live = 0
        oldest = 0
        first = NEVER                                # the oldest live voice's start serial
        for v in range(vi.shape[1]):
            if _live(vi, v, offset):
                live += 1
                if vi[SERIAL, v] < first:
                    first = vi[SERIAL, v]
                    oldest = v
        if live <= keep:
            return
        vi[KILL_AT, oldest] = vi[T, oldest] + offset
        vi[KILL_LEN, oldest] = fade


@njit(cache=True, nogil=True)
def start_voice(vi, vf, vp, vs, offset, keep, fade, ints, floats,
                params):  # pragma: no cover - numba
    """Cut group, steal down to `keep - 1` live voices, then start a voice in the first free
    slot with the given rows (`params` is copied, and the effect state zeroed, when the voice
    has effects). Returns the slot, or -1 when no slot is free (the caller grows the pool and
    calls again: the cut and the steal are idempotent)."""
    if ints[CUT] != 0:
        kill_group(vi, offset, ints[CUT], ints[OFF])
    steal_beyond(vi, offset, keep - 1, fade)
    for v in range(vi.shape[1]):
        if vi[ACTIVE, v] == 0:
            for f in range(N_INT):                   # element loops: no broadcast checks
                vi[f, v] = ints[f]
            for f in range(N_FLOAT):
                vf[f, v] = floats[f]
            if ints[FX] != 0:
                for f in range(params.shape[0]):
                    vp[v, f] = params[f]
                for f in range(vs.shape[1]):
                    vs[v, f] = 0.0
            return v
    return -1


@dataclass
class Voice:
    """A voice ready to start (reusable: equal events need it computed once): its `vi`/`vf`
    rows, its effect parameters (None: dry) and cut group."""

    ints: np.ndarray
    floats: np.ndarray
    params: np.ndarray | None = None
    delay: int = 0                  # frames between the event's onset and the voice's start

    @property
    def cut(self) -> int:
        return int(self.ints[CUT])


class VoicePool:
    """At most `max_voices` sounding sample voices (plus slots for voices fading out after a
    steal or a cut), mixed into a stereo block by `mix`."""

    def __init__(self, max_voices: int = 256, sr: int = 44100, block: int = 2048,
                 fade_s: float = 0.005) -> None:
        self.sr = int(sr)
        self.fade = max(1, int(round(fade_s * sr)))     # steal fade, frames
        self.max_voices = max(1, int(max_voices))
        cap = self.max_voices + max(64, self.max_voices // 4)      # + room for fading voices
        self.vi = np.zeros((N_INT, cap), np.int64)
        self.vf = np.zeros((N_FLOAT, cap), np.float64)
        #: the mix kernels' `order`: [reach (no voice at or beyond this slot), sorted slots]
        self.order = np.zeros(cap + 1, np.int64)
        # effect parameters and state, one row per slot, and the tapes: allocated by the
        # first voice with effects (`_fx_rows`), so a pool of dry voices starts without
        # 0.7 MB of zeros
        self.vp = np.zeros((0, fx.N_PARAMS), np.float64)
        self.vs = np.zeros((0, fx.N_STATE), np.float64)
        self.tape_frames = fx.tape_frames(self.sr)
        self.tapes = np.zeros((0, 2, self.tape_frames), np.float64)
        self.acc = np.zeros((2, block), np.float64)
        self.scratch = np.zeros((2, block), np.float64)
        self.no_params = np.zeros(fx.N_PARAMS, np.float64)
        self.serial = 0
        self.fx_live = False      # a voice with effects may sound: mix with `mix_all`
        self.silent = False       # no voice sounded in the last block nor started since
        self._dry: tuple | None = None    # (arena, out, compiled dry kernel) of the last block

    @property
    def capacity(self) -> int:
        return self.vi.shape[1]

    def _fx_rows(self) -> None:
        """The effect rows of every slot and a first tape (before the first voice with
        effects starts: `mix_all` hands every such voice a tape, used or not)."""
        if self.vp.shape[0] < self.capacity:
            self.vp = np.zeros((self.capacity, fx.N_PARAMS), np.float64)
            self.vs = np.zeros((self.capacity, fx.N_STATE), np.float64)
        if self.tapes.shape[0] == 0:
            self.tapes = np.zeros((1, 2, self.tape_frames), np.float64)

    def reset(self) -> None:
        """Silence every voice."""
        self.vi[:] = 0
        self.vf[:] = 0.0
        self.silent = False                   # (the next mix finds out)

    def grow(self) -> None:
        """Double the slots (only when every slot is taken within one block: rare)."""
        self.vi = np.concatenate([self.vi, np.zeros_like(self.vi)], axis=1)
        self.vf = np.concatenate([self.vf, np.zeros_like(self.vf)], axis=1)
        self.vp = np.concatenate([self.vp, np.zeros_like(self.vp)], axis=0)
        self.vs = np.concatenate([self.vs, np.zeros_like(self.vs)], axis=0)
        self.order = np.concatenate([self.order, np.zeros(self.capacity + 1 - self.order.size,
                                                          np.int64)])

    def resize(self, max_voices: int) -> None:
        """Change the voice limit; extra voices fade out at once (from the next block's start)."""
        self.max_voices = max(1, int(max_voices))
        while self.capacity < self.max_voices:
            self.grow()
        steal_beyond(self.vi, 0, self.max_voices, self.fade)

    def active(self) -> int:
        """Voices sounding and not fading out (never more than `max_voices`)."""
        vi = self.vi
        return int(np.count_nonzero((vi[ACTIVE] != 0) & (vi[KILL_AT] == NEVER)))

    def sounding(self) -> int:
        """Every active slot, fading voices included."""
        return int(np.count_nonzero(self.vi[ACTIVE]))

    def cut(self, offset: int, group: int, sample: int = -1) -> None:
        """Fade out the voices of cut group `group` from block offset `offset`."""
        if group != 0:
            kill_group(self.vi, int(offset), int(group), int(sample))

    # -- building voices
    def start(self, offset: int, ref: SampleRef, controls: dict | None = None, *,
              duration: float = 1.0, cps: float = 0.5, **kw) -> int | None:
        """Start a voice of `ref` at block offset `offset` for an event's controls (a dict
        and/or keywords: `pool.start(0, ref, gain=0.5, cutoff=800)`), read as the `s` node
        reads them (Phonon's conventions). Its slot, or None when it is silent."""
        c = {**(controls or {}), **kw}
        plan = sound_plan(c, ref.frames, self.sr, duration, cps)
        cut = int(c.get("cut", 0) or 0)
        if plan is None:
            return self.start_prepared(offset, None, cut, ref.offset)
        mask, params = effect_row(c, self.sr, event_freq(c), plan.sustain_s)
        voice = self.voice(ref, plan, level=PHONON.level(c), pan=PHONON.pan(c), cut=cut,
                           mask=mask, params=params)
        return self.start_prepared(offset, voice, cut, ref.offset)

    def voice(self, ref: SampleRef, plan: SoundPlan, *, level: float = 1.0, pan: float = 0.0,
              cut: int = 0, mask: int = 0, params: np.ndarray | None = None,
              delay: int = 0) -> Voice | None:
        """The voice playing `ref` by `plan`, at `level` and `pan` (-1..1, equal power), with
        the effect modules `mask` and their `params`; `delay` frames after its onset. None
        when it would be silent (level 0)."""
        if level == 0.0:
            return None
        lo = int(round(plan.begin * ref.frames))
        span = max(1, int(round(plan.end * ref.frames)) - lo)
        lo = min(lo, ref.frames - span)
        accel = (plan.rate_end - plan.rate) / (2.0 * plan.ramp) if plan.ramp > 0 else 0.0
        length = plan.length
        env_end = envelope_end(mask, params, self.sr)
        if env_end is not None:
            length = min(length, env_end)
        if accel == 0.0:
            first = first_pass_frames(plan.rate, span)
        else:
            first = 0                       # accelerating voices take the general path
        rel_end, rel_len = (length, plan.fade_out) if plan.fade_out else (NEVER, 1)
        # the rows as Python lists made into arrays once (indexing an array field by field,
        # or by index lists, costs several times more: a voice is made per distinct event)
        row = [0] * N_INT
        row[ACTIVE], row[REV], row[LO], row[SPAN], row[LENGTH], row[FIRST_PASS] = (
            1, plan.reverse, lo, span, length, first)
        row[OFF], row[NFR], row[NCH] = ref.offset, ref.frames, ref.channels
        row[ATT], row[REL_END], row[REL_LEN], row[KILL_AT], row[KILL_LEN] = (
            plan.fade_in, rel_end, rel_len, NEVER, 1)
        row[CUT], row[FX], row[FADE], row[TAPE] = cut, mask, plan.fade, -1
        ints = np.array(row, np.int64)
        pan = min(max(pan, -1.0), 1.0)
        angle = (pan + 1.0) * math.pi / 4.0
        gl = math.cos(angle) if pan < 1.0 else 0.0      # exact 0 when hard-panned
        gr = math.sin(angle) if pan > -1.0 else 0.0
        if mask and pan == 0.0:                         # equal: a mono sample is run once
            gl = gr = math.sqrt(0.5)
        row = [0.0] * N_FLOAT
        row[RATE], row[ACCEL], row[RAMP], row[RATE_END], row[LEVEL] = (
            plan.rate, accel, plan.ramp, plan.rate_end, level)
        row[GL], row[GR] = (gl, gr) if mask else (level * gl, level * gr)
        floats = np.array(row, np.float64)
        return Voice(ints, floats, params if mask else None, max(0, int(delay)))

    def start_prepared(self, offset: int, voice: Voice | None, cut: int = 0,
                       sample: int = -1) -> int | None:
        """Start `voice` (from `voice()`) at block offset `offset`: its slot, or None when it
        is silent (then only its cut group applies)."""
        if voice is None:
            self.cut(offset, cut, sample)
            return None
        self.silent = False
        ints = voice.ints
        self.serial += 1
        ints[T] = -int(offset) - voice.delay
        ints[SERIAL] = self.serial
        params = voice.params if voice.params is not None else self.no_params
        if ints[FX]:
            self._fx_rows()
            self.fx_live = True
        if ints[FX] & fx.TAPE_MODULES:
            ints[TAPE] = self._free_tape()
        while True:
            slot = start_voice(self.vi, self.vf, self.vp, self.vs, int(offset), self.max_voices,
                               self.fade, ints, voice.floats, params)
            if slot >= 0:
                if slot >= self.order[0]:
                    self.order[0] = slot + 1           # the mix scans the slots below this
                if ints[FX] & (1 << (fx.WAVELOSS)):
                    self.vp[slot, fx.N_CORE_PARAMS + 1] = (self.serial * 2654435761 + 1) % 2147483647
                return int(slot)
            self.grow()

    def _free_tape(self) -> int:
        """A zeroed tape no sounding voice uses (the tapes grow by doubling)."""
        used = set(self.vi[TAPE, self.vi[ACTIVE] != 0].tolist())
        for k in range(self.tapes.shape[0]):
            if k not in used:
                self.tapes[k] = 0.0
                return k
        k = self.tapes.shape[0]
        self.tapes = np.concatenate([self.tapes, np.zeros_like(self.tapes)], axis=0)
        return k

    def mix(self, arena: np.ndarray, out: np.ndarray, frames: int) -> None:
        """Write the block's mix of every voice into out[0:2, :frames] and advance them. While
        no voice with effects sounds, the dry kernel alone runs (and alone is compiled: a
        program without effects never compiles the effect chain). After a block in which no
        voice sounded, no kernel runs until a voice starts (`silent`): the block is zeros."""
        if self.silent:                       # what the kernel writes, without calling it
            if frames == out.shape[1]:
                out.fill(0.0)
            else:
                out[:, :frames] = 0.0
            return
        if not self.fx_live:
            dry = self._dry
            if dry is None or dry[0] is not arena or dry[1] is not out:
                # the kernel's compiled version for these arrays' types (the pool's own arrays
                # keep theirs: `grow` makes arrays of the same kind)
                args = self._dry_args(arena, out, frames)
                self.silent = mix_voices(*args) == 0      # (compiles or loads it if new)
                self._dry = (arena, out, compiled(mix_voices, args))
                return
            self.silent = dry[2](arena, self.acc, out, int(frames), self.vi, self.vf,
                                 self.order) == 0
            return
        self.silent = mix_all(arena, self.acc, self.scratch, out, int(frames), self.vi, self.vf,
                              self.order, self.vp, self.vs, self.tapes, float(self.sr)) == 0
        vi = self.vi
        self.fx_live = bool(np.any((vi[FX] != 0) & (vi[ACTIVE] != 0)))

    def quiet_call(self, arena: np.ndarray, out: np.ndarray, frames: int) -> tuple | None:
        """`(f, args)`: what `mix(arena, out, frames)` runs while no voice starts, as the dry
        kernel's direct call (`Node.quiet_call`); None while a voice with effects may sound or
        before `mix` ran the dry kernel for these arrays. (It runs the kernel where `mix`
        would skip it after a silent block: the same zeros.)"""
        dry = self._dry
        if self.fx_live or dry is None or dry[0] is not arena or dry[1] is not out:
            return None
        return dry[2], self._dry_args(arena, out, frames)

    def _dry_args(self, arena: np.ndarray, out: np.ndarray, frames: int) -> tuple:
        """The arguments of `mix_voices` for a block of `frames` into `out`."""
        return (arena, self.acc, out, int(frames), self.vi, self.vf, self.order)

    # -- hot swap
    def state(self) -> dict | None:
        """The active voices (they refer to offsets in the session's SampleBank arena)."""
        idx = np.flatnonzero(self.vi[ACTIVE])
        if idx.size == 0:
            return None
        return {"vi": self.vi[:, idx].copy(), "vf": self.vf[:, idx].copy(),
                "vp": self._rows(self.vp, idx), "vs": self._rows(self.vs, idx),
                "tapes": self.tapes.copy(),
                "serial": self.serial}

    @staticmethod
    def _rows(rows: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """Copies of the effect rows `idx` (zeros while no voice with effects ever started)."""
        return rows[idx].copy() if rows.shape[0] else np.zeros((idx.size, rows.shape[1]))

    def load_state(self, state: dict) -> None:
        """Replace the voices by those of `state` (from `state()` of another pool)."""
        n = state["vi"].shape[1]
        if state["vi"].shape[0] != N_INT or "vp" not in state:
            return                                      # another layout: start fresh
        while self.capacity < n:
            self.grow()
        self.reset()
        self.vi[:, :n] = state["vi"]
        self.vf[:, :n] = state["vf"]
        self.order[0] = n                               # the mix scans these slots
        self._fx_rows()
        self.vp[:n] = state["vp"]
        self.vs[:n] = state["vs"]
        if state["tapes"].shape[1:] == self.tapes.shape[1:]:
            if state["tapes"].shape[0]:          # (none: no voice there had effects)
                self.tapes = state["tapes"].copy()
        else:
            self.vi[FX, :n] &= ~fx.TAPE_MODULES
        self.serial = max(self.serial, int(state["serial"]))
        self.silent = False
        self.fx_live = bool(np.any(self.vi[FX, :n] != 0))
        steal_beyond(self.vi, 0, self.max_voices, self.fade)


def read_position(tt: float, voice_floats: np.ndarray) -> float:
    """The read position (sample frames) of a voice at age `tt` (tests, docs)."""
    f = voice_floats
    return position(tt, f[RATE], f[ACCEL], f[RAMP], f[RATE_END])

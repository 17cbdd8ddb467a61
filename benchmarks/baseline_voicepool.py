"""BASELINE for benchmarks/bench_voice_effects.py: the voice pool as it was before per-event
effects (phonon/core/samples/voicepool.py at commit cd5d82c, unchanged but for this note and
an absolute import), so a run can time the old dry mix against the new one on the same voices.

A bounded pool of sample voices, mixed block by block by numba kernels.

Voice state lives in two preallocated arrays, `vi` (int64 fields x slots) and `vf` (float64
fields x slots); the field rows are named by the constants below. Starting a voice (with its
cut group and voice stealing) is one small kernel call; mixing every sounding voice of a block
is ONE kernel call that reads the sample arena (`SampleBank.arena`) directly.

Timing is exact and independent of the block size:
- a voice's age `t` counts output frames (negative: it starts later in the current block);
- its read position is `rate * t` folded into the begin..end range (nothing accumulates);
- every end (natural, release, cut/steal fade) is a precomputed voice age, so whether a voice
  sounds at a given sample never depends on where blocks begin;
- voices are summed oldest first (by start serial), whatever slot they occupy.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from phonon.samples.bank import SampleRef

NEVER = 1 << 62                 # "no release / no kill scheduled"

# Rows of `vi` (int64): ACTIVE 1 while sounding; T age in frames at the block start; REV 1 =
# backwards; LO, SPAN the begin..end range in sample frames; LENGTH natural length in output
# frames (all loops); FIRST_PASS output frames before the first loop wrap; OFF, NFR, NCH where
# the sample is in the arena; ATT attack frames; REL_END, REL_LEN release end age and length
# (NEVER: none); KILL_AT, KILL_LEN cut/steal fade start age and length (NEVER: none); CUT group;
# SERIAL start order.
ACTIVE, T, REV, LO, SPAN, LENGTH, FIRST_PASS, OFF, NFR, NCH = range(10)
ATT, REL_END, REL_LEN, KILL_AT, KILL_LEN, CUT, SERIAL = range(10, 17)
N_INT = 17
# Rows of `vf` (float64): RATE |speed| in sample frames per output frame; GL, GR gain x pan.
RATE, GL, GR = range(3)
N_FLOAT = 3


@njit(cache=True, nogil=True)
def _stop(vi, v):  # pragma: no cover - numba
    return min(vi[LENGTH, v], vi[REL_END, v], vi[KILL_AT, v] + vi[KILL_LEN, v])


@njit(cache=True, nogil=True)
def _live(vi, v, offset):  # pragma: no cover - numba
    """Sounding at block offset `offset` and not already fading out."""
    return vi[ACTIVE, v] != 0 and vi[T, v] + offset < _stop(vi, v) and vi[KILL_AT, v] == NEVER


@njit(cache=True, nogil=True)
def _kill(vi, v, offset, fade):  # pragma: no cover - numba
    vi[KILL_AT, v] = vi[T, v] + offset
    vi[KILL_LEN, v] = fade


@njit(cache=True, nogil=True)
def kill_group(vi, offset, group, fade):  # pragma: no cover - numba
    """Fade out (from `offset`) every live voice of cut group `group`."""
    for v in range(vi.shape[1]):
        if vi[CUT, v] == group and _live(vi, v, offset):
            _kill(vi, v, offset, fade)


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
        vi[KILL_AT, oldest] = vi[T, oldest] + offset        # as _kill (a call here would be
        vi[KILL_LEN, oldest] = fade                         # typed twice: int and literal 0)


@njit(cache=True, nogil=True)
def start_voice(vi, vf, offset, keep, fade, group, ints, floats):  # pragma: no cover - numba
    """Cut group `group`, steal down to `keep - 1` live voices, then start a voice in the first
    free slot with the given `ints`/`floats` rows. Returns the slot, or -1 when no slot is free
    (the caller grows the pool and calls again: the cut and the steal are idempotent)."""
    if group > 0:
        kill_group(vi, offset, group, fade)
    steal_beyond(vi, offset, keep - 1, fade)
    for v in range(vi.shape[1]):
        if vi[ACTIVE, v] == 0:
            for f in range(N_INT):                   # element loops: no broadcast checks
                vi[f, v] = ints[f]
            for f in range(N_FLOAT):
                vf[f, v] = floats[f]
            return v
    return -1


@njit(cache=True, nogil=True)
def first_pass_frames(rate, span):  # pragma: no cover - numba
    """The least voice age tt with rate * tt >= span (the first loop wrap when span is the
    range's length)."""
    tt = max(0, int(math.ceil(span / rate)))
    while tt > 0 and rate * (tt - 1) >= span:
        tt -= 1
    while rate * tt < span:
        tt += 1
    return tt


@njit(cache=True, nogil=True)
def _interp_frames(arena, acc, i_from, i_to, tv, r, first, step, c0, c1, left,
                   right):  # pragma: no cover - numba
    """The hot loop: frames whose position and next frame both lie inside the range, no
    envelope. Same arithmetic as `_voice_frames`, without its branches."""
    if c0 == c1:                                     # mono sample: interpolate once
        for i in range(i_from, i_to):
            m = r * (tv + i)
            k = int(m)
            frac = m - k
            idx = c0 + first + step * k
            a0 = arena[idx]
            s = a0 + (arena[idx + step] - a0) * frac
            acc[0, i] += s * left
            acc[1, i] += s * right
        return
    for i in range(i_from, i_to):
        m = r * (tv + i)
        k = int(m)
        frac = m - k
        idx = first + step * k
        a0 = arena[c0 + idx]
        b0 = arena[c1 + idx]
        acc[0, i] += (a0 + (arena[c0 + idx + step] - a0) * frac) * left
        acc[1, i] += (b0 + (arena[c1 + idx + step] - b0) * frac) * right


@njit(cache=True, nogil=True)
def _voice_frames(arena, acc, i_from, i_to, tv, r, sp, first, step, c0, c1, left, right,
                  plain, a_len, r_start, r_end, r_len, k_at, k_len):  # pragma: no cover
    """Add one voice's frames i_from..i_to to acc. `plain`: no envelope, no loop wrap there."""
    if plain and r == 1.0:                           # speed 1 or -1: an exact copy
        if step == 1 and i_to > i_from:              # forwards: 1-D slices vectorise
            a0 = c0 + first + tv + i_from
            a1 = c1 + first + tv + i_from
            n = i_to - i_from
            src0, src1 = arena[a0:a0 + n], arena[a1:a1 + n]
            dst0, dst1 = acc[0, i_from:i_to], acc[1, i_from:i_to]
            for i in range(n):
                dst0[i] += src0[i] * left
            for i in range(n):
                dst1[i] += src1[i] * right
            return
        for i in range(i_from, i_to):
            idx = first + step * (tv + i)
            acc[0, i] += arena[c0 + idx] * left
            acc[1, i] += arena[c1 + idx] * right
        return
    for i in range(i_from, i_to):
        tt = tv + i
        m = r * tt
        if not plain and m >= sp:                    # a later pass of a loop
            m -= math.floor(m / sp) * sp
        k = int(m)
        if k >= sp:
            k = sp - 1
        frac = m - k                                 # 0 at integer positions: exact values
        idx = first + step * k
        nxt = idx + step if k + 1 < sp else idx
        a0 = arena[c0 + idx]
        b0 = arena[c1 + idx]
        sl = a0 + (arena[c0 + nxt] - a0) * frac
        sr_ = b0 + (arena[c1 + nxt] - b0) * frac
        if plain:
            acc[0, i] += sl * left
            acc[1, i] += sr_ * right
        else:
            env = 1.0
            if tt < a_len:
                env = tt / a_len
            if tt >= r_start:
                env *= (r_end - tt) / r_len
            if tt >= k_at:
                env *= 1.0 - (tt - k_at) / k_len
            acc[0, i] += sl * left * env
            acc[1, i] += sr_ * right * env


@njit(cache=True, nogil=True)
def _mix_into(arena, target, order, frames, vi, vf):  # pragma: no cover - numba
    """Add the voices `order` (slots, oldest first) to target[0:2, :frames] and advance them."""
    size = arena.shape[0]
    for v in order:
        tv = vi[T, v]
        stop = _stop(vi, v)
        sp = vi[SPAN, v]
        step = -1 if vi[REV, v] != 0 else 1
        first = vi[LO, v] + sp - 1 if step < 0 else vi[LO, v]
        c0 = vi[OFF, v]
        c1 = c0 + vi[NFR, v] if vi[NCH, v] == 2 else c0
        if c0 < 0 or c1 + vi[NFR, v] > size:         # not in this arena: never read outside it
            vi[ACTIVE, v] = 0
            continue
        a_len = vi[ATT, v]
        r_end = vi[REL_END, v]
        r_len = vi[REL_LEN, v]
        r_start = r_end - r_len
        k_at = vi[KILL_AT, v]
        k_len = vi[KILL_LEN, v]
        i0 = max(-tv, 0)
        i1 = min(stop - tv, frames)
        # frames free of envelopes and loop wraps take the plain path
        p0 = min(max(a_len - tv, i0), i1)
        p1 = max(min(r_start - tv, k_at - tv, vi[FIRST_PASS, v] - tv, i1), p0)
        r = vf[RATE, v]
        args = (tv, r, sp, first, step, c0, c1, vf[GL, v], vf[GR, v])
        env = (a_len, r_start, r_end, r_len, k_at, k_len)
        _voice_frames(arena, target, i0, p0, *args, False, *env)
        if r == 1.0:
            _voice_frames(arena, target, p0, p1, *args, True, *env)
        else:                                        # the next frame must exist too
            p2 = max(min(first_pass_frames(r, sp - 1) - tv, p1), p0)
            _interp_frames(arena, target, p0, p2, tv, r, first, step, c0, c1, vf[GL, v], vf[GR, v])
            _voice_frames(arena, target, p2, p1, *args, True, *env)
        _voice_frames(arena, target, p1, i1, *args, False, *env)
        if tv + frames >= stop:
            vi[ACTIVE, v] = 0
        else:
            vi[T, v] = tv + frames


@njit(cache=True, nogil=True)
def _oldest_first(vi):  # pragma: no cover - numba
    """The active slots ordered by start serial (an insertion sort: few voices, and no
    library sort to compile on the first run)."""
    order = np.empty(vi.shape[1], np.int64)
    n = 0
    for v in range(vi.shape[1]):
        if vi[ACTIVE, v] != 0:
            j = n
            while j > 0 and vi[SERIAL, order[j - 1]] > vi[SERIAL, v]:
                order[j] = order[j - 1]
                j -= 1
            order[j] = v
            n += 1
    return order[:n]


@njit(cache=True, nogil=True)
def mix_voices(arena, acc, out, frames, vi, vf):  # pragma: no cover - numba
    """Mix every active voice, oldest first, into out[0:2, :frames] (summed in the float64
    scratch `acc`) and advance the voices one block. Positions are linearly interpolated;
    integer positions (speed +-1, 2, ...) give the sample values exactly. A voice whose last
    frame has been played is marked inactive at once."""
    order = _oldest_first(vi)
    if order.shape[0] == 0:                          # nothing sounds: silence, no scratch
        out[:, :frames] = 0.0
        return
    acc[:, :frames] = 0.0
    _mix_into(arena, acc, order, frames, vi, vf)
    for c in range(2):                               # 1-D slices: the copy vectorises
        src, dst = acc[c, :frames], out[c, :frames]
        for i in range(frames):
            dst[i] = src[i]


class VoicePool:
    """At most `max_voices` sounding sample voices (plus slots for voices fading out after a
    steal or a cut), mixed into a stereo block by `mix`."""

    def __init__(self, max_voices: int = 256, sr: int = 44100, block: int = 2048,
                 fade_s: float = 0.005) -> None:
        self.sr = int(sr)
        self.fade = max(1, int(round(fade_s * sr)))     # cut / steal / legato fade, frames
        self.max_voices = max(1, int(max_voices))
        cap = self.max_voices + max(64, self.max_voices // 4)      # + room for fading voices
        self.vi = np.zeros((N_INT, cap), np.int64)
        self.vf = np.zeros((N_FLOAT, cap), np.float64)
        self.acc = np.zeros((2, block), np.float64)
        self.serial = 0

    @property
    def capacity(self) -> int:
        return self.vi.shape[1]

    def reset(self) -> None:
        """Silence every voice."""
        self.vi[:] = 0
        self.vf[:] = 0.0

    def grow(self) -> None:
        """Double the slots (only when every slot is taken within one block: rare)."""
        self.vi = np.concatenate([self.vi, np.zeros_like(self.vi)], axis=1)
        self.vf = np.concatenate([self.vf, np.zeros_like(self.vf)], axis=1)

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

    def cut(self, offset: int, group: int) -> None:
        """Fade out the voices of cut group `group` from block offset `offset`."""
        if group > 0:
            kill_group(self.vi, int(offset), int(group), self.fade)

    def start(self, offset: int, ref: SampleRef, *, gain: float = 1.0, pan: float = 0.0,
              speed: float = 1.0, begin: float = 0.0, end: float = 1.0, loops: int = 1,
              attack: int = 0, release: int = 0, hold: int | None = None,
              cut: int = 0) -> int | None:
        """Start a voice at block offset `offset` playing `ref` (from the pool's bank arena).

        `attack`/`release` are frames of linear fade; `hold` (frames) ends the voice early: it
        then fades out over `release` (or the pool's fade). Returns the slot, or None when the
        voice would be silent (speed 0, gain 0, empty range) — the cut group still applies."""
        voice = self.voice(ref, gain=gain, pan=pan, speed=speed, begin=begin, end=end,
                           loops=loops, attack=attack, release=release, hold=hold, cut=cut)
        return self.start_prepared(offset, voice, cut)

    def voice(self, ref: SampleRef, *, gain: float = 1.0, pan: float = 0.0,
              speed: float = 1.0, begin: float = 0.0, end: float = 1.0, loops: int = 1,
              attack: int = 0, release: int = 0, hold: int | None = None,
              cut: int = 0) -> tuple[np.ndarray, np.ndarray] | None:
        """The state rows (ints, floats) of a voice with these settings, to start with
        `start_prepared` (reusable: equal events need it computed once); None when silent."""
        begin, end = min(max(begin, 0.0), 1.0), min(max(end, 0.0), 1.0)
        lo, hi = int(round(begin * ref.frames)), int(round(end * ref.frames))
        if gain == 0.0 or speed == 0.0 or hi <= lo:
            return None
        rate, span = abs(speed), hi - lo
        length = math.ceil(max(1, int(loops)) * span / rate)
        if hold is not None:
            rel_len = release or self.fade
            rel_end = max(0, int(hold)) + rel_len
        elif release > 0:
            rel_len, rel_end = min(int(release), length), length
        else:
            rel_len, rel_end = 1, NEVER
        pan = min(max(pan, -1.0), 1.0)
        angle = (pan + 1.0) * math.pi / 4.0
        ints = np.array((1, 0, speed < 0, lo, span, length, first_pass_frames(rate, span),
                         ref.offset, ref.frames, ref.channels, max(0, int(attack)), rel_end,
                         rel_len, NEVER, 1, max(0, int(cut)), 0), dtype=np.int64)
        floats = np.zeros(N_FLOAT, np.float64)
        floats[RATE] = rate
        floats[GL] = gain * math.cos(angle) if pan < 1.0 else 0.0     # exact 0 when hard-panned
        floats[GR] = gain * math.sin(angle) if pan > -1.0 else 0.0
        return ints, floats

    def start_prepared(self, offset: int, voice: tuple[np.ndarray, np.ndarray] | None,
                    cut: int = 0) -> int | None:
        """Start `voice` (from `voice()`) at block offset `offset`: its slot, or None when it
        is silent (then only the cut group applies)."""
        if voice is None:
            self.cut(offset, cut)
            return None
        ints, floats = voice
        self.serial += 1
        ints[T] = -int(offset)
        ints[SERIAL] = self.serial
        while True:
            slot = start_voice(self.vi, self.vf, int(offset), self.max_voices, self.fade,
                               int(cut), ints, floats)
            if slot >= 0:
                return int(slot)
            self.grow()

    def mix(self, arena: np.ndarray, out: np.ndarray, frames: int) -> None:
        """Write the block's mix of every voice into out[0:2, :frames] and advance them."""
        mix_voices(arena, self.acc, out, int(frames), self.vi, self.vf)

    # -- hot swap
    def state(self) -> dict | None:
        """The active voices (they refer to offsets in the session's SampleBank arena)."""
        idx = np.flatnonzero(self.vi[ACTIVE])
        if idx.size == 0:
            return None
        return {"vi": self.vi[:, idx].copy(), "vf": self.vf[:, idx].copy(), "serial": self.serial}

    def load_state(self, state: dict) -> None:
        """Replace the voices by those of `state` (from `state()` of another pool)."""
        n = state["vi"].shape[1]
        while self.capacity < n:
            self.grow()
        self.reset()
        self.vi[:, :n] = state["vi"]
        self.vf[:, :n] = state["vf"]
        self.serial = max(self.serial, int(state["serial"]))
        steal_beyond(self.vi, 0, self.max_voices, self.fade)

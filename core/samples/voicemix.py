"""The numba kernels that mix a `VoicePool`'s voices into a block, and the rows of its state.

Voice state is two preallocated arrays, `vi` (int64 fields x slots) and `vf` (float64 fields x
slots), rows named by the constants below; a voice with per-event effects also has a row of
`vp` (parameters) and `vs` (state) in the pool (slot-major, `phonon.dsp.voice_fx` layout) and
maybe a tape. `mix_all` mixes a block: the dry voices first (oldest first), straight into the
float64 accumulator; then each voice with effects (oldest first): its source rendered into a
scratch buffer, its effect chain run there, its gate applied, and the result added. (numba's
cache of `mix_all` does not notice edits to the kernels it calls in `voice_fx`: touch this
module when those change, or clear `__pycache__`.)

Timing is exact and independent of the block size:
- a voice's age `t` counts output frames (negative: it starts later, maybe blocks later);
- its read position is a function of its age (`rate t`, or `rate t + accel t^2` while it
  accelerates) folded into the begin..end range (nothing accumulates);
- every end (natural, sustain, cut/steal fade) is a precomputed voice age, so whether a voice
  sounds at a given sample never depends on where blocks begin.
"""
from __future__ import annotations

import math

from numba import njit

from ..dsp.voice_fx import apply_chain

NEVER = 1 << 62                 # "no release / no kill scheduled"

# Rows of `vi` (int64): ACTIVE 1 while sounding; T age in frames at the block start; REV 1 =
# backwards; LO, SPAN the begin..end range in sample frames; LENGTH the age at which the voice
# ends; FIRST_PASS output frames before the first loop wrap; OFF, NFR, NCH where the sample is
# in the arena; ATT fade-in frames; REL_END, REL_LEN fade-out end age and length (NEVER: none);
# KILL_AT, KILL_LEN cut/steal fade start age and length (NEVER: none); CUT group (signed);
# SERIAL start order; FX module mask (0: dry); TAPE the voice's tape (-1: none); FADE the
# voice's own fade for a cut (SuperDirt's fadeTime).
ACTIVE, T, REV, LO, SPAN, LENGTH, FIRST_PASS, OFF, NFR, NCH = range(10)
ATT, REL_END, REL_LEN, KILL_AT, KILL_LEN, CUT, SERIAL, FX, TAPE, FADE = range(10, 20)
N_INT = 20
# Rows of `vf` (float64): RATE |rate| at the onset in sample frames per output frame; GL, GR
# the channel gains (a dry voice: level x pan; with effects: pan only); ACCEL the position's
# t^2 coefficient while accelerating, RAMP the frames it accelerates, RATE_END the rate after;
# LEVEL the gate's level (voices with effects).
RATE, GL, GR, ACCEL, RAMP, RATE_END, LEVEL = range(7)
N_FLOAT = 7


@njit(cache=True, nogil=True)
def stop_age(vi, v):  # pragma: no cover - numba
    return min(vi[LENGTH, v], vi[REL_END, v], vi[KILL_AT, v] + vi[KILL_LEN, v])


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
def position(tt, r, acc, ramp, r_end):  # pragma: no cover - numba
    """Read position (sample frames) at voice age tt: constant rate, or a rate ramping linearly
    from r to r_end over `ramp` frames (SuperDirt's Line.kr(speed, endSpeed, sustain))."""
    if acc == 0.0:
        return r * tt
    if tt <= ramp:
        return r * tt + acc * tt * tt
    return r * ramp + acc * ramp * ramp + r_end * (tt - ramp)


@njit(cache=True, nogil=True)
def gate(tt, a_len, r_start, r_end, r_len, k_at, k_len):  # pragma: no cover - numba
    """SuperDirt's gate at age tt: sine-shaped fade-in over a_len and fade-out ending at r_end,
    times a linear cut/steal fade from k_at."""
    env = 1.0
    if tt < a_len:
        env = 0.5 - 0.5 * math.cos(math.pi * tt / a_len)
    if tt >= r_start:
        env *= 0.5 - 0.5 * math.cos(math.pi * (r_end - tt) / r_len)
    if tt >= k_at:
        env *= 1.0 - (tt - k_at) / k_len
    return env


@njit(cache=True, nogil=True)
def _interp_frames(arena, acc, i_from, i_to, tv, r, first, step, c0, c1, left,
                   right):  # pragma: no cover - numba
    """The hot loop: frames whose position and next frame both lie inside the range, no
    envelope, constant rate. Same arithmetic as `_voice_frames`, without its branches."""
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
                  plain, accel, ramp, r_end, a_len, r_start, r_end_age, r_len, k_at,
                  k_len):  # pragma: no cover - numba
    """Add one voice's frames i_from..i_to to acc. `plain`: constant rate, no envelope, no
    loop wrap there."""
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
        m = position(tt, r, accel, ramp, r_end)
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
            env = gate(tt, a_len, r_start, r_end_age, r_len, k_at, k_len)
            acc[0, i] += sl * left * env
            acc[1, i] += sr_ * right * env


@njit(cache=True, nogil=True)
def _render(arena, target, v, frames, vi, vf, with_gate):  # pragma: no cover - numba
    """Add voice v's frames of this block to target (with its gate, or raw for a voice whose
    effects come first); returns (i0, i1), the frames it sounds in, or (0, 0) if it is not in
    this arena."""
    tv = vi[T, v]
    stop = stop_age(vi, v)
    sp = vi[SPAN, v]
    step = -1 if vi[REV, v] != 0 else 1
    first = vi[LO, v] + sp - 1 if step < 0 else vi[LO, v]
    c0 = vi[OFF, v]
    c1 = c0 + vi[NFR, v] if vi[NCH, v] == 2 else c0
    if c0 < 0 or c1 + vi[NFR, v] > arena.shape[0]:   # not in this arena: never read outside it
        vi[ACTIVE, v] = 0
        return 0, 0
    a_len, r_end, r_len = vi[ATT, v], vi[REL_END, v], vi[REL_LEN, v]
    k_at, k_len = vi[KILL_AT, v], vi[KILL_LEN, v]
    if not with_gate:                                # effects first: the gate comes last
        a_len, r_end, r_len, k_at, k_len = 0, NEVER, 1, NEVER, 1
    r_start = r_end - r_len
    i0 = max(-tv, 0)
    i1 = max(min(stop - tv, frames), i0)
    r, accel = vf[RATE, v], vf[ACCEL, v]
    ramp, r_end_rate = vf[RAMP, v], vf[RATE_END, v]
    # frames free of envelopes, loop wraps and acceleration take the plain path
    p0 = min(max(a_len - tv, i0), i1)
    p1 = max(min(r_start - tv, k_at - tv, vi[FIRST_PASS, v] - tv, i1), p0)
    if accel != 0.0:
        p0 = p1 = i0
    left, right = vf[GL, v], vf[GR, v]
    env = (a_len, r_start, r_end, r_len, k_at, k_len)
    _voice_frames(arena, target, i0, p0, tv, r, sp, first, step, c0, c1, left, right, False,
                  accel, ramp, r_end_rate, *env)
    if r == 1.0:
        _voice_frames(arena, target, p0, p1, tv, r, sp, first, step, c0, c1, left, right, True,
                      accel, ramp, r_end_rate, *env)
    else:                                            # the next frame must exist too
        p2 = max(min(first_pass_frames(r, sp - 1) - tv, p1), p0)
        _interp_frames(arena, target, p0, p2, tv, r, first, step, c0, c1, left, right)
        _voice_frames(arena, target, p2, p1, tv, r, sp, first, step, c0, c1, left, right, True,
                      accel, ramp, r_end_rate, *env)
    _voice_frames(arena, target, p1, i1, tv, r, sp, first, step, c0, c1, left, right, False,
                  accel, ramp, r_end_rate, *env)
    return i0, i1


@njit(cache=True, nogil=True)
def _advance(vi, v, frames):  # pragma: no cover - numba
    tv = vi[T, v]
    if tv + frames >= stop_age(vi, v):
        vi[ACTIVE, v] = 0
    else:
        vi[T, v] = tv + frames


@njit(cache=True, nogil=True)
def _mix_into(arena, target, order, frames, vi, vf):  # pragma: no cover - numba
    """Add the dry voices of `order` (slots, oldest first) to target[0:2, :frames] and advance
    them; voices with effects are left to `_mix_fx_into`."""
    for v in order:
        if vi[FX, v] != 0:
            continue
        _render(arena, target, v, frames, vi, vf, True)
        _advance(vi, v, frames)


@njit(cache=True, nogil=True)
def _mix_fx_into(arena, target, scratch, order, frames, vi, vf, vp, vs, tapes,
                 sr):  # pragma: no cover - numba
    """Each voice with effects (oldest first): source into `scratch`, its chain, its gate,
    added to target; then advanced."""
    for v in order:
        mask = vi[FX, v]
        if mask == 0:
            continue
        tv = vi[T, v]
        i0 = max(-tv, 0)
        i1 = max(min(stop_age(vi, v) - tv, frames), i0)
        for c in range(2):
            for i in range(i0, i1):
                scratch[c, i] = 0.0
        i0, i1 = _render(arena, scratch, v, frames, vi, vf, False)
        if i1 > i0:
            nch = 1 if vi[NCH, v] == 1 and vf[GL, v] == vf[GR, v] else 2
            tape = tapes[max(vi[TAPE, v], 0)]
            apply_chain(scratch, i0, i1, nch, tv + i0, mask, vp[v], vs[v], tape, sr)
            a_len, r_end, r_len = vi[ATT, v], vi[REL_END, v], vi[REL_LEN, v]
            k_at, k_len = vi[KILL_AT, v], vi[KILL_LEN, v]
            level = vf[LEVEL, v]
            r_start = r_end - r_len
            src1 = 0 if nch == 1 else 1
            # frames without a fade take the level alone
            p0 = min(max(a_len - tv, i0), i1)
            p1 = max(min(r_start - tv, k_at - tv, i1), p0)
            for i in range(i0, p0):
                g = level * gate(tv + i, a_len, r_start, r_end, r_len, k_at, k_len)
                target[0, i] += scratch[0, i] * g
                target[1, i] += scratch[src1, i] * g
            for i in range(p0, p1):
                target[0, i] += scratch[0, i] * level
                target[1, i] += scratch[src1, i] * level
            for i in range(p1, i1):
                g = level * gate(tv + i, a_len, r_start, r_end, r_len, k_at, k_len)
                target[0, i] += scratch[0, i] * g
                target[1, i] += scratch[src1, i] * g
        _advance(vi, v, frames)


@njit(cache=True, nogil=True)
def oldest_first(vi, order):  # pragma: no cover - numba
    """The active slots ordered by start serial, written to order[1:1 + n]; returns n (an
    insertion sort: few voices, and no library sort to compile on the first run).

    order[0] is the pool's reach: no slot at or beyond it holds a voice, so the scan stops
    there (voices take the first free slot: a few leading slots of the pool), and it is set
    to one past the last active slot found. The pool raises it when a voice starts beyond."""
    reach = min(order[0], vi.shape[1])
    n = 0
    last = 0
    for v in range(reach):
        if vi[ACTIVE, v] != 0:
            j = n + 1
            while j > 1 and vi[SERIAL, order[j - 1]] > vi[SERIAL, v]:
                order[j] = order[j - 1]
                j -= 1
            order[j] = v
            n += 1
            last = v + 1
    order[0] = last
    return n


@njit(cache=True, nogil=True)
def _copy_out(acc, out, frames):  # pragma: no cover - numba
    for c in range(2):                               # 1-D slices: the copy vectorises
        src, dst = acc[c, :frames], out[c, :frames]
        for i in range(frames):
            dst[i] = src[i]


@njit(cache=True, nogil=True)
def mix_voices(arena, acc, out, frames, vi, vf, order):  # pragma: no cover - numba
    """Mix every active dry voice, oldest first, into out[0:2, :frames] (summed in the float64
    scratch `acc`) and advance them one block. Positions are linearly interpolated; integer
    positions (speed +-1, 2, ...) give the sample values exactly. A voice whose last frame has
    been played is marked inactive at once. Returns how many voices sounded (0: the block
    is silence, and so is every block until a voice starts). `order`: `oldest_first`'s."""
    n = oldest_first(vi, order)
    if n == 0:                                       # nothing sounds: silence, no scratch
        out[:, :frames] = 0.0
        return 0
    acc[:, :frames] = 0.0
    _mix_into(arena, acc, order[1:n + 1], frames, vi, vf)
    _copy_out(acc, out, frames)
    return n


@njit(cache=True, nogil=True)
def mix_all(arena, acc, scratch, out, frames, vi, vf, order, vp, vs, tapes,
            sr):  # pragma: no cover - numba
    """`mix_voices`, then every voice with per-event effects (see the module doc)."""
    n = oldest_first(vi, order)
    if n == 0:
        out[:, :frames] = 0.0
        return 0
    acc[:, :frames] = 0.0
    live = order[1:n + 1]
    _mix_into(arena, acc, live, frames, vi, vf)
    _mix_fx_into(arena, acc, scratch, live, frames, vi, vf, vp, vs, tapes, sr)
    _copy_out(acc, out, frames)
    return n

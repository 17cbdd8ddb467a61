"""Per-voice effect modules of SuperDirt's event chain, as numba kernels (core modules).

SuperDirt runs, for every event, a chain of effect synths after the sound source, each only when
its control is given (synths/core-modules.scd, core-synths.scd). Here a voice carries that chain
as data: a bit mask of the modules its event uses (bit k = `MODULES[k]`), a row of parameters
fixed at the onset (`N_PARAMS` float64: coefficients, gains) and a row of state (`N_STATE`
float64: filter memories, phases), plus a tape (`TAPE_LEN` frames per channel) for the modules
that need a delay line. `apply_chain` runs the modules in SuperDirt's order over one block
segment of one voice, in place on a float64 `(2, block)` buffer; modules read time as the
voice's age (frames since its onset), so the result never depends on where blocks begin.

Each module is a small kernel `(buf, i0, i1, nch, p, s, ...)` over `buf[:nch, i0:i1]`; `nch` is
1 when both channels are identical (a mono sample at the centre): channel 0 is computed and
the caller copies it. The extra modules (squiz, djf, ring, ...) are in `voice_fx_extra`. The
coefficients are computed at the onset by the `*_coefficients` helpers (plain Python), with
SuperCollider's formulas (RLPF/RHPF/BPF from FilterUGens.cpp), so the response of a voice's
filter is the one SuperDirt's synth has.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from . import voice_fx_extra as xf

#: the modules in SuperDirt's order: the core modules, then library/default-effects-extra.scd
MODULES = ("vowel", "shape", "hpf", "bpf", "crush", "coarse", "lpf", "envelope", "tremolo",
           "phaser", "waveloss", "squiz", "fshift", "triode", "krush", "octer", "ring",
           "distort", "djf")
(VOWEL, SHAPE, HPF, BPF, CRUSH, COARSE, LPF, ENVELOPE, TREMOLO, PHASER, WAVELOSS, SQUIZ, FSHIFT,
 TRIODE, KRUSH, OCTER, RING, DISTORT, DJF) = range(len(MODULES))

# ---------------------------------------------------------------- parameter row (per voice)
P_VOWEL = 0          # 5 x (a0, b1, b2, amp), then the dry and wet gains of the cross-fade
P_SHAPE = 22         # k = 2s / (1 - s)
P_HPF = 23           # a0, b1, b2 (RHPF)
P_BPF = 26           # a0, b1, b2, gain (BPF * max(q, 1))
P_CRUSH = 30         # quantisation step 0.5 ** (crush - 1)
P_COARSE = 31        # phase increment 1 / coarse
P_LPF = 32           # a0, b1, b2 (RLPF)
P_ENV = 35           # attack, hold, release in frames (release < 0: infinite)
P_TREMOLO = 38       # angular rate (rad/frame), depth (0..0.5)
P_PHASER = 40        # LFPar phase increment (per frame), depth, longest delay (frames)
N_CORE_PARAMS = 43
N_PARAMS = N_CORE_PARAMS + xf.N_PARAMS      # the extra modules' rows follow

# ---------------------------------------------------------------- state row (per voice)
S_VOWEL = 0          # 5 bands x 2 channels x (y1, y2)
S_HPF = 20           # 2 channels x (y1, y2)
S_BPF = 24
S_LPF = 28
S_COARSE = 32        # phase, held left, held right
N_CORE_STATE = 35
N_STATE = N_CORE_STATE + xf.N_STATE

# ---------------------------------------------------------------- tape (per voice, on demand)
TAPE_PHASER = 0                              # the phaser's delay line, then squiz's buffer
TAPE_MODULES = (1 << SQUIZ) | (1 << PHASER)

ENV_CURVE = -3.0                             # Env.linen(attack, hold, release, 1, -3)
LOG001 = math.log(0.001)


def tape_frames(sr: float) -> int:
    """Frames per channel of a voice's tape at `sr`: the phaser's delay line, then squiz's
    0.1 s buffer."""
    return xf.phaser_frames(sr) + xf.squiz_frames(sr)


# ---------------------------------------------------------------- coefficients (at the onset)
def rq_of(resonance: float) -> float:
    """SuperDirt's `resonance.linexp(0, 1, 1, 0.001)`: 0 -> rq 1, 1 -> rq 0.001 (clipped)."""
    r = min(max(resonance, 0.0), 1.0)
    return 0.001 ** r


def clip_cutoff(freq: float, sr: float) -> float:
    """A cutoff in 20 Hz .. 0.49 sr: the two-pole filters stay stable up to Nyquist."""
    f = abs(freq)
    return min(max(f if f == f else 20.0, 20.0), 0.49 * sr)


def _resonant_poles(freq: float, rq: float, sr: float) -> tuple[float, float]:
    """(C, b1) of SuperCollider's RLPF and RHPF, which share their poles."""
    qres = max(0.001, rq)
    pfreq = clip_cutoff(freq, sr) * 2.0 * math.pi / sr
    d = math.tan(pfreq * qres * 0.5)
    c = (1.0 - d) / (1.0 + d)
    return c, (1.0 + c) * math.cos(pfreq)


def rlpf_coefficients(freq: float, rq: float, sr: float) -> tuple[float, float, float]:
    """SuperCollider's RLPF: (a0, b1, b2) of y0 = a0 x + b1 y1 + b2 y2, out = y0 + 2 y1 + y2."""
    c, b1 = _resonant_poles(freq, rq, sr)
    return (1.0 + c - b1) * 0.25, b1, -c


def rhpf_coefficients(freq: float, rq: float, sr: float) -> tuple[float, float, float]:
    """SuperCollider's RHPF: as RLPF with a0 = (1 + C + b1) / 4 and out = y0 - 2 y1 + y2."""
    c, b1 = _resonant_poles(freq, rq, sr)
    return (1.0 + c + b1) * 0.25, b1, -c


def bpf_coefficients(freq: float, rq: float, sr: float) -> tuple[float, float, float]:
    """SuperCollider's BPF (bandwidth `rq` in octaves-ish: bw = rq * freq): y0 = x + b1 y1 +
    b2 y2, out = a0 (y0 - y2)."""
    pfreq = clip_cutoff(freq, sr) * 2.0 * math.pi / sr
    pbw = min(rq * pfreq * 0.5, 0.5 * math.pi - 1e-9)
    c = 1.0 / math.tan(max(pbw, 1e-9))
    d = 2.0 * math.cos(pfreq)
    a0 = 1.0 / (1.0 + c)
    return a0, c * d * a0, (1.0 - c) * a0


# ---------------------------------------------------------------- kernels
@njit(cache=True, nogil=True)
def _rfilter(buf, i0, i1, nch, a0, b1, b2, sign, s, so):  # pragma: no cover - numba
    """RLPF (sign 1) / RHPF (sign -1): y0 = a0 x + b2 y2 + b1 y1, out = y0 + 2 sign y1 + y2.
    Speed (the recursion is latency-bound): two channels run in one loop, so their recursions
    overlap, and b1 y1 is added last, so one multiply and one add wait for y1."""
    two = 2.0 * sign
    if nch == 2:
        l1, l2, r1, r2 = s[so], s[so + 1], s[so + 2], s[so + 3]
        for i in range(i0, i1):
            l0 = (a0 * buf[0, i] + b2 * l2) + b1 * l1
            r0 = (a0 * buf[1, i] + b2 * r2) + b1 * r1
            buf[0, i] = l0 + two * l1 + l2
            buf[1, i] = r0 + two * r1 + r2
            l2 = l1
            l1 = l0
            r2 = r1
            r1 = r0
        s[so], s[so + 1], s[so + 2], s[so + 3] = l1, l2, r1, r2
        return
    for c in range(nch):
        y1 = s[so + 2 * c]
        y2 = s[so + 2 * c + 1]
        for i in range(i0, i1):
            y0 = (a0 * buf[c, i] + b2 * y2) + b1 * y1
            buf[c, i] = y0 + two * y1 + y2
            y2 = y1
            y1 = y0
        s[so + 2 * c] = y1
        s[so + 2 * c + 1] = y2


@njit(cache=True, nogil=True)
def _bpf(buf, i0, i1, nch, a0, b1, b2, gain, s, so):  # pragma: no cover - numba
    """SuperCollider's BPF times `gain`."""
    g = a0 * gain
    for c in range(nch):
        y1 = s[so + 2 * c]
        y2 = s[so + 2 * c + 1]
        for i in range(i0, i1):
            y0 = buf[c, i] + b1 * y1 + b2 * y2
            buf[c, i] = g * (y0 - y2)
            y2 = y1
            y1 = y0
        s[so + 2 * c] = y1
        s[so + 2 * c + 1] = y2


@njit(cache=True, nogil=True)
def _vowel(buf, i0, i1, nch, p, s):  # pragma: no cover - numba
    """Five BPF formants summed (amps scaled by resonance), cross-faded with the dry signal."""
    dry = p[P_VOWEL + 20]
    wet = p[P_VOWEL + 21]
    for c in range(nch):
        for i in range(i0, i1):
            x = buf[c, i]
            acc = 0.0
            for k in range(5):
                q = P_VOWEL + 4 * k
                so = S_VOWEL + 4 * k + 2 * c
                y0 = x + p[q + 1] * s[so] + p[q + 2] * s[so + 1]
                acc += p[q + 3] * p[q] * (y0 - s[so + 1])
                s[so + 1] = s[so]
                s[so] = y0
            buf[c, i] = dry * x + wet * acc


@njit(cache=True, nogil=True)
def _shape(buf, i0, i1, nch, k):  # pragma: no cover - numba
    """SuperDirt's waveshaper: (1 + k) x / (1 + k |x|)."""
    g = 1.0 + k
    for c in range(nch):
        for i in range(i0, i1):
            x = buf[c, i]
            buf[c, i] = g * x / (1.0 + k * abs(x))


@njit(cache=True, nogil=True)
def _crush(buf, i0, i1, nch, step):  # pragma: no cover - numba
    """`signal.round(step)`: the nearest multiple of `step` (halves round up)."""
    inv = 1.0 / step
    for c in range(nch):
        for i in range(i0, i1):
            buf[c, i] = math.floor(buf[c, i] * inv + 0.5) * step


@njit(cache=True, nogil=True)
def _coarse(buf, i0, i1, nch, inc, s):  # pragma: no cover - numba
    """Latch.ar(signal, Impulse.ar(sr / coarse)): the value at each impulse, held; the first
    impulse is on the voice's first frame (the state holds 1 - phase: zero at the onset)."""
    phase = 1.0 - s[S_COARSE]
    for i in range(i0, i1):
        if phase >= 1.0 - 1e-9:                  # 1/coarse summed coarse times: exactly 1
            phase -= 1.0
            for c in range(nch):
                s[S_COARSE + 1 + c] = buf[c, i]
        for c in range(nch):
            buf[c, i] = s[S_COARSE + 1 + c]
        phase += inc
    s[S_COARSE] = 1.0 - phase


@njit(cache=True, nogil=True)
def _curve(t, length, start, end):  # pragma: no cover - numba
    """An Env segment of curve -3 from `start` to `end` over `length` frames, at frame t."""
    return start + (end - start) * (1.0 - math.exp(ENV_CURVE * t / length)) \
        / (1.0 - math.exp(ENV_CURVE))


@njit(cache=True, nogil=True)
def envelope_level(t, attack, hold, release):  # pragma: no cover - numba
    """Env.linen(attack, hold, release, 1, -3) at age t (frames); release < 0: infinite."""
    if t < attack:
        return _curve(t, attack, 0.0, 1.0)
    t -= attack
    if t < hold:
        return 1.0
    t -= hold
    if release < 0.0:
        return 1.0
    if t < release:
        return _curve(t, release, 1.0, 0.0)
    return 0.0


@njit(cache=True, nogil=True)
def _envelope(buf, i0, i1, nch, age0, p):  # pragma: no cover - numba
    a, h, r = p[P_ENV], p[P_ENV + 1], p[P_ENV + 2]
    for i in range(i0, i1):
        g = envelope_level(float(age0 + i - i0), a, h, r)
        for c in range(nch):
            buf[c, i] *= g


@njit(cache=True, nogil=True)
def _tremolo(buf, i0, i1, nch, age0, p):  # pragma: no cover - numba
    """(1 - d) + d SinOsc(rate, pi/2), d = depth / 2 (clipped to 0..1 first)."""
    w, d = p[P_TREMOLO], p[P_TREMOLO + 1]
    for i in range(i0, i1):
        g = (1.0 - d) + d * math.cos(w * (age0 + i - i0))
        for c in range(nch):
            buf[c, i] *= g


@njit(cache=True, nogil=True)
def lfpar(phase):  # pragma: no cover - numba
    """SuperCollider's LFPar at `phase` (0..4 per cycle): parabolic, 1 at phase 0."""
    phase = phase - 4.0 * math.floor(phase / 4.0)
    if phase < 1.0:
        return 1.0 - phase * phase
    if phase < 3.0:
        z = phase - 2.0
        return z * z - 1.0
    z = phase - 4.0
    return 1.0 - z * z


@njit(cache=True, nogil=True)
def _phaser(buf, i0, i1, nch, age0, p, tape, sr):  # pragma: no cover - numba
    """signal + depth * signal delayed by LFPar(rate).range(8.8 ms, 10 ms) (AllpassL with decay
    0: a pure delay, linearly interpolated; the delay line is the tape after squiz's part)."""
    inc, depth, longest = p[P_PHASER], p[P_PHASER + 1], p[P_PHASER + 2]
    size = xf.phaser_frames(sr)
    for i in range(i0, i1):
        t = age0 + i - i0
        d = (0.0094 + 0.0006 * lfpar(inc * t)) * sr
        if d > longest:
            d = longest
        pos = t - d                              # d >= 1 frame: both taps already written
        k = int(math.floor(pos))
        frac = pos - k
        w, k0, k1 = t % size, k % size, (k + 1) % size
        for c in range(nch):
            x = buf[c, i]
            tape[c, TAPE_PHASER + w] = x
            a = tape[c, TAPE_PHASER + k0]            # the tape is zero before the voice began
            delayed = a + (tape[c, TAPE_PHASER + k1] - a) * frac
            buf[c, i] = x + depth * delayed


@njit(cache=True, nogil=True)
def apply_chain(buf, i0, i1, nch, age0, mask, p, s, tape, sr):  # pragma: no cover - numba
    """Run the modules of `mask` in SuperDirt's order over buf[:nch, i0:i1] of one voice whose
    age at frame i0 is `age0`; `p`/`s` are the voice's parameter and state rows, `tape` its
    `(2, tape_frames)` delay memory (any array when the voice uses no taped module)."""
    if mask & (1 << VOWEL):
        _vowel(buf, i0, i1, nch, p, s)
    if mask & (1 << SHAPE):
        _shape(buf, i0, i1, nch, p[P_SHAPE])
    if mask & (1 << HPF):
        _rfilter(buf, i0, i1, nch, p[P_HPF], p[P_HPF + 1], p[P_HPF + 2], -1.0, s, S_HPF)
    if mask & (1 << BPF):
        _bpf(buf, i0, i1, nch, p[P_BPF], p[P_BPF + 1], p[P_BPF + 2], p[P_BPF + 3], s, S_BPF)
    if mask & (1 << CRUSH):
        _crush(buf, i0, i1, nch, p[P_CRUSH])
    if mask & (1 << COARSE):
        _coarse(buf, i0, i1, nch, p[P_COARSE], s)
    if mask & (1 << LPF):
        _rfilter(buf, i0, i1, nch, p[P_LPF], p[P_LPF + 1], p[P_LPF + 2], 1.0, s, S_LPF)
    if mask & (1 << ENVELOPE):
        _envelope(buf, i0, i1, nch, age0, p)
    if mask & (1 << TREMOLO):
        _tremolo(buf, i0, i1, nch, age0, p)
    if mask & (1 << PHASER):
        _phaser(buf, i0, i1, nch, age0, p, tape, sr)
    if mask >> WAVELOSS:
        xf.apply_extra(buf, i0, i1, nch, age0, mask >> WAVELOSS, p[N_CORE_PARAMS:],
                       s[N_CORE_STATE:], tape, sr)

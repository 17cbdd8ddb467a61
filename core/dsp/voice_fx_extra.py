"""Per-voice effect modules of SuperDirt's library/default-effects-extra.scd, as numba kernels.

The layout and calling convention are those of `voice_fx` (which runs these after its core
modules): `apply_extra` gets the voice's mask shifted so that bit 0 is `waveloss`, and the
extra parts of its parameter and state rows (offsets `X_*` and `Z_*` below). Formulas follow
the SuperCollider UGens SuperDirt uses: WaveLoss and Squiz (MCLDDistortion), FreqShift (here
with a 2 x 4-section IIR Hilbert pair), CrossoverDistortion (sc3-plugins), Ringz, LPF, LeakDC,
ToggleFF, SelectX.
"""
from __future__ import annotations

import math

from numba import njit

EXTRA = ("waveloss", "squiz", "fshift", "triode", "krush", "octer", "ring", "distort", "djf")
WAVELOSS, SQUIZ, FSHIFT, TRIODE, KRUSH, OCTER, RING, DISTORT, DJF = range(len(EXTRA))

# parameter offsets (inside the extra part of a voice's parameter row)
X_WAVELOSS = 0       # drop probability (int(drop) / 100), seed
X_SQUIZ = 2          # pitch ratio (1 .. buffer length)
X_FSHIFT = 3         # angular shift (rad/frame), start phase
X_TRIODE = 5         # sc = triode * 10 + 1e-3
X_KRUSH = 6          # krush, RLPF a0 b1 b2, gain of the dry and of the shaped signal
X_OCTER = 12         # gain of x, gain of oct1 (octer included), octersub, octersubsub, LPF a0 b1 b2
X_RING = 19          # ring, f0, f1, frames of the 1 s XLine (sr)
X_DISTORT = 23       # gain of x, gain of mod, 0.1 distort, 4 x (twoR, R2), 3 fixed b1
X_DJF = 37           # RLPF a0 b1 b2, RHPF a0 b1 b2
N_PARAMS = 43

# state offsets (inside the extra part of a voice's state row)
Z_WAVELOSS = 0       # per channel: prev, segment count, on; then 2 random states
Z_SQUIZ = 8          # per channel: write position, read position, prev, zero crossings
Z_FSHIFT = 16        # per channel: 8 sections x (x1, x2, y1, y2), the delayed b output
Z_TRIODE = 82        # per channel: LeakDC x1, y1
Z_KRUSH = 86         # per channel: RLPF y1, y2
Z_OCTER = 90         # per channel: LeakDC x1 y1, LPF y1 y2, toggle2, prev sub, toggle3, prev oct2
Z_RING = 106         # oscillator phase (radians)
Z_DISTORT = 107      # 4 Ringz x 2 channels x (y1, y2)
Z_DJF = 123          # per channel RLPF y1 y2, then per channel RHPF y1 y2
N_STATE = 131

SQUIZ_MEMORY_S = 0.1     # Squiz's memlen
PHASER_MAX_S = 0.0105    # the phaser's longest delay is 10 ms (voice_fx)
WAVELOSS_OUTOF = 100
LEAK = 0.995             # LeakDC's coefficient
DISTORT_FREQS = (60.0, 61.0, 240.0)     # the fixed Ringz of `distort`; the 4th is 3 kHz +- 100
DISTORT_TIMES = (0.1, 0.1, 0.05, 0.01)
HILBERT_A = (0.6923878, 0.9360654322959, 0.9882295226860, 0.9987488452737)
HILBERT_B = (0.4021921162426, 0.8561710882420, 0.9722909545651, 0.9952884791278)
HALF_PI = 0.5 * math.pi
TWO_PI = 2.0 * math.pi
LOG001 = math.log(0.001)


def squiz_frames(sr: float) -> int:
    """Squiz's buffer: `memlen` (0.1 s) in frames."""
    return int(SQUIZ_MEMORY_S * sr)


@njit(cache=True, nogil=True)
def phaser_frames(sr):  # pragma: no cover - numba
    """The phaser's delay line in frames (the first part of a voice's tape)."""
    return int(math.ceil(PHASER_MAX_S * sr)) + 4


def select_x(which: float, n: int) -> tuple[float, ...]:
    """SelectX.ar(which, array of n): the gain of each element (equal-power cross-fade between
    the neighbours of `which`, clipped to the array)."""
    w = min(max(which if which == which else 0.0, 0.0), n - 1.0)
    j = min(int(math.floor(w)), n - 2)
    frac = w - j
    gains = [0.0] * n
    gains[j] = math.cos(frac * HALF_PI)
    gains[j + 1] = math.sin(frac * HALF_PI)
    return tuple(gains)


def lpf_coefficients(freq: float, sr: float) -> tuple[float, float, float]:
    """SuperCollider's LPF (2nd-order Butterworth): y0 = x + b1 y1 + b2 y2, out = a0 (y0 + 2 y1
    + y2)."""
    pfreq = min(freq, 0.49 * sr) * math.pi / sr
    c = 1.0 / math.tan(pfreq)
    c2 = c * c
    s2c = c * math.sqrt(2.0)
    a0 = 1.0 / (1.0 + s2c + c2)
    return a0, -2.0 * (1.0 - c2) * a0, -(1.0 - s2c + c2) * a0


def ringz_coefficients(decay: float, sr: float) -> tuple[float, float]:
    """(2R, R^2) of SuperCollider's Ringz with this decay time (the frequency term is per
    sample)."""
    r = math.exp(LOG001 / (decay * sr))
    return 2.0 * r, r * r


# ---------------------------------------------------------------- kernels
@njit(cache=True, nogil=True)
def _lcg(state):  # pragma: no cover - numba
    """A 31-bit linear congruential step (exact in a float64 slot)."""
    return float((int(state) * 1103515245 + 12345) % 2147483648)


@njit(cache=True, nogil=True)
def _waveloss(buf, i0, i1, nch, p, s):  # pragma: no cover - numba
    """WaveLoss mode 2: at each upward zero crossing a new segment starts, kept with
    probability 1 - drop/100 (each channel draws from its own stream, seeded alike)."""
    drop = p[X_WAVELOSS]
    for c in range(nch):
        z = Z_WAVELOSS + 3 * c
        rz = Z_WAVELOSS + 6 + c
        if s[rz] == 0.0:
            s[rz] = p[X_WAVELOSS + 1]
        prev, count, on = s[z], s[z + 1], s[z + 2]        # on: -1 dropping, else playing
        for i in range(i0, i1):
            x = buf[c, i]
            if prev < 0.0 and x >= 0.0:
                count += 1.0
                if count >= WAVELOSS_OUTOF:
                    count = 0.0
                s[rz] = _lcg(s[rz])
                on = 1.0 if s[rz] / 2147483648.0 >= drop else -1.0
            if on < 0.0:
                buf[c, i] = 0.0
            prev = x
        s[z], s[z + 1], s[z + 2] = prev, count, on


@njit(cache=True, nogil=True)
def _squiz(buf, i0, i1, nch, p, s, tape, sr):  # pragma: no cover - numba
    """Squiz (zcperchunk 1, memlen 0.1 s): each fragment between upward zero crossings is
    played back `ratio` times faster from the fragment buffer, uninterpolated."""
    ratio = p[X_SQUIZ]
    base = phaser_frames(sr)
    buflen = int(SQUIZ_MEMORY_S * sr)
    for c in range(nch):
        z = Z_SQUIZ + 4 * c
        write, read, prev, zc = int(s[z]), s[z + 1], s[z + 2], s[z + 3]
        for i in range(i0, i1):
            k = int(read)
            if k >= buflen:
                out = 0.0
            else:
                out = tape[c, base + k]
                read += ratio
            x = buf[c, i]
            write += 1
            boundary = write == buflen
            if not boundary and prev < 0.0 and x >= 0.0:
                zc += 1.0
                boundary = zc >= 1.0
            if boundary:
                write = 0
                read = 0.0
                zc = 0.0
            tape[c, base + write] = x
            buf[c, i] = out
            prev = x
        s[z], s[z + 1], s[z + 2], s[z + 3] = float(write), read, prev, zc


@njit(cache=True, nogil=True)
def _allpass_chain(x, coefs, s, z):  # pragma: no cover - numba
    """Four sections y = a^2 (x + y[n-2]) - x[n-2]; state (x1, x2, y1, y2) each at s[z...]."""
    for k in range(4):
        a2 = coefs[k] * coefs[k]
        q = z + 4 * k
        y = a2 * (x + s[q + 3]) - s[q + 1]
        s[q + 1] = s[q]
        s[q] = x
        s[q + 3] = s[q + 2]
        s[q + 2] = y
        x = y
    return x


@njit(cache=True, nogil=True)
def _fshift(buf, i0, i1, nch, age0, p, s):  # pragma: no cover - numba
    """FreqShift: the analytic signal (re: the a path one sample later, im: the b path, 90
    degrees apart over 20 Hz .. 20 kHz) times e^(i (w t + phase)): a positive shift moves
    partials up, the image suppressed."""
    w, ph = p[X_FSHIFT], p[X_FSHIFT + 1]
    ca = HILBERT_A
    cb = HILBERT_B
    for c in range(nch):
        z = Z_FSHIFT + 33 * c
        for i in range(i0, i1):
            x = buf[c, i]
            re = s[z + 32]                              # path a, one sample later
            s[z + 32] = _allpass_chain(x, ca, s, z)
            im = _allpass_chain(x, cb, s, z + 16)
            a = w * (age0 + i - i0) + ph
            buf[c, i] = re * math.cos(a) + im * math.sin(a)


@njit(cache=True, nogil=True)
def _triode(buf, i0, i1, nch, p, s):  # pragma: no cover - numba
    """x for x > 0, tanh(x sc) / sc below, then LeakDC."""
    sc = p[X_TRIODE]
    for c in range(nch):
        z = Z_TRIODE + 2 * c
        x1, y1 = s[z], s[z + 1]
        for i in range(i0, i1):
            x = buf[c, i]
            if x < 0.0:
                x = math.tanh(x * sc) / sc
            y1 = x - x1 + LEAK * y1
            x1 = x
            buf[c, i] = y1
        s[z], s[z + 1] = x1, y1


@njit(cache=True, nogil=True)
def _krush(buf, i0, i1, nch, p, s):  # pragma: no cover - numba
    """Sonic Pi's krush: (x^2 + k x) / (x^2 + |x| (k - 1) + 1), RLPF at kcutoff (rq 1),
    cross-faded from the dry signal by SelectX(2 krush)."""
    k, a0, b1, b2 = p[X_KRUSH], p[X_KRUSH + 1], p[X_KRUSH + 2], p[X_KRUSH + 3]
    gd, gw = p[X_KRUSH + 4], p[X_KRUSH + 5]
    for c in range(nch):
        z = Z_KRUSH + 2 * c
        y1, y2 = s[z], s[z + 1]
        for i in range(i0, i1):
            x = buf[c, i]
            sh = (x * x + k * x) / (x * x + abs(x) * (k - 1.0) + 1.0)
            y0 = a0 * sh + b1 * y1 + b2 * y2
            buf[c, i] = gd * x + gw * (y0 + 2.0 * y1 + y2)
            y2 = y1
            y1 = y0
        s[z], s[z + 1] = y1, y2


@njit(cache=True, nogil=True)
def _octer(buf, i0, i1, nch, p, s):  # pragma: no cover - numba
    """Sonic Pi's octaver: SelectX(octer, [x, octer 2 LeakDC(|x|), 0]) + octersub ToggleFF(sub)
    sub + octersubsub ToggleFF(ToggleFF(sub)) sub, sub = LPF(x, 440)."""
    gx, g1, osub, osubsub = p[X_OCTER], p[X_OCTER + 1], p[X_OCTER + 2], p[X_OCTER + 3]
    a0, b1, b2 = p[X_OCTER + 4], p[X_OCTER + 5], p[X_OCTER + 6]
    for c in range(nch):
        z = Z_OCTER + 8 * c
        lx1, ly1, fy1, fy2, t2, psub, t3, p2 = (s[z], s[z + 1], s[z + 2], s[z + 3], s[z + 4],
                                                s[z + 5], s[z + 6], s[z + 7])
        for i in range(i0, i1):
            x = buf[c, i]
            r = abs(x)
            ly1 = r - lx1 + LEAK * ly1
            lx1 = r
            y0 = x + b1 * fy1 + b2 * fy2
            sub = a0 * (y0 + 2.0 * fy1 + fy2)
            fy2 = fy1
            fy1 = y0
            if sub > 0.0 and psub <= 0.0:
                t2 = 1.0 - t2
            psub = sub
            if t2 > 0.0 and p2 <= 0.0:
                t3 = 1.0 - t3
            p2 = t2
            buf[c, i] = gx * x + g1 * 2.0 * ly1 + (osub * t2 + osubsub * t3) * sub
        s[z], s[z + 1], s[z + 2], s[z + 3] = lx1, ly1, fy1, fy2
        s[z + 4], s[z + 5], s[z + 6], s[z + 7] = t2, psub, t3, p2


@njit(cache=True, nogil=True)
def _ring(buf, i0, i1, nch, age0, p, s, sr):  # pragma: no cover - numba
    """x (1 + ring SinOsc(f)), f = XLine(ringf, ringf + ringdf, 1 s) clipped to 20..20000 Hz."""
    amount, f0, f1, dur = p[X_RING], p[X_RING + 1], p[X_RING + 2], p[X_RING + 3]
    sweep = f1 != f0 and f0 > 0.0 and f1 > 0.0
    phase = s[Z_RING]
    for i in range(i0, i1):
        f = f0
        if sweep:
            t = age0 + i - i0
            f = f1 if t >= dur else f0 * (f1 / f0) ** (t / dur)
        f = min(max(f, 20.0), 20000.0)
        g = 1.0 + amount * math.sin(phase)
        for c in range(nch):
            buf[c, i] *= g
        phase += TWO_PI * f / sr
        if phase > TWO_PI:
            phase -= TWO_PI
    s[Z_RING] = phase


@njit(cache=True, nogil=True)
def _crossover(x):  # pragma: no cover - numba
    """CrossoverDistortion.ar(x, amp 0.2, smooth 0.01)."""
    sig = abs(x) - 0.2
    if sig < 0.0:
        sig *= (1.0 + sig * 500.0) * 0.01           # rfade = 1 / |amp * smooth|
    return -sig if x < 0.0 else sig


@njit(cache=True, nogil=True)
def _softclip(x):  # pragma: no cover - numba
    a = abs(x)
    return x if a <= 0.5 else (a - 0.25) / x


@njit(cache=True, nogil=True)
def _distort(buf, i0, i1, nch, age0, p, s, sr):  # pragma: no cover - numba
    """SelectX(distort, [x, softclip((cross(x) + 0.1 distort Klank(x))^3 * 8) * 0.5]), Klank
    = four Ringz at 60, 61, 240 and 3000 + 100 SinOsc(62) Hz."""
    gx, gm, kamt = p[X_DISTORT], p[X_DISTORT + 1], p[X_DISTORT + 2]
    q = X_DISTORT + 3
    w4 = TWO_PI * 62.0 / sr
    for i in range(i0, i1):
        f4 = 3000.0 + 100.0 * math.sin(w4 * (age0 + i - i0))
        c4 = p[q + 6] * math.cos(f4 * TWO_PI / sr) / (1.0 + p[q + 7])
        for c in range(nch):
            x = buf[c, i]
            klank = 0.0
            for k in range(4):
                z = Z_DISTORT + 4 * k + 2 * c
                b1 = p[q + 8 + k] if k < 3 else p[q + 6] * c4
                y0 = x + b1 * s[z] - p[q + 2 * k + 1] * s[z + 1]
                klank += 0.5 * (y0 - s[z + 1])
                s[z + 1] = s[z]
                s[z] = y0
            m = _crossover(x) + kamt * klank
            buf[c, i] = gx * x + gm * _softclip(m * m * m * 8.0) * 0.5


@njit(cache=True, nogil=True)
def _djf(buf, i0, i1, nch, p, s):  # pragma: no cover - numba
    """RHPF(RLPF(x, djf.linexp(0, 0.5, 20, 10000)), djf.linexp(0.5, 1, 20, 10000)), rq 1."""
    for c in range(nch):
        z = Z_DJF + 2 * c
        h = Z_DJF + 4 + 2 * c
        ly1, ly2, hy1, hy2 = s[z], s[z + 1], s[h], s[h + 1]
        for i in range(i0, i1):
            y0 = p[X_DJF] * buf[c, i] + p[X_DJF + 1] * ly1 + p[X_DJF + 2] * ly2
            lp = y0 + 2.0 * ly1 + ly2
            ly2 = ly1
            ly1 = y0
            h0 = p[X_DJF + 3] * lp + p[X_DJF + 4] * hy1 + p[X_DJF + 5] * hy2
            buf[c, i] = h0 - 2.0 * hy1 + hy2
            hy2 = hy1
            hy1 = h0
        s[z], s[z + 1], s[h], s[h + 1] = ly1, ly2, hy1, hy2


@njit(cache=True, nogil=True)
def apply_extra(buf, i0, i1, nch, age0, mask, p, s, tape, sr):  # pragma: no cover - numba
    """The extra modules of `mask` (bit 0 = waveloss) in SuperDirt's order."""
    if mask & (1 << WAVELOSS):
        _waveloss(buf, i0, i1, nch, p, s)
    if mask & (1 << SQUIZ):
        _squiz(buf, i0, i1, nch, p, s, tape, sr)
    if mask & (1 << FSHIFT):
        _fshift(buf, i0, i1, nch, age0, p, s)
    if mask & (1 << TRIODE):
        _triode(buf, i0, i1, nch, p, s)
    if mask & (1 << KRUSH):
        _krush(buf, i0, i1, nch, p, s)
    if mask & (1 << OCTER):
        _octer(buf, i0, i1, nch, p, s)
    if mask & (1 << RING):
        _ring(buf, i0, i1, nch, age0, p, s, sr)
    if mask & (1 << DISTORT):
        _distort(buf, i0, i1, nch, age0, p, s, sr)
    if mask & (1 << DJF):
        _djf(buf, i0, i1, nch, p, s)

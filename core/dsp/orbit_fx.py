"""SuperDirt's global effects of an orbit (synths/core-synths-global.scd), as numba kernels.

Each kernel reads the orbit's dry signal `x[:, :n]` (float64 stereo) and ADDS its wet signal
to `out[:, :n]`; the orbit's parameters are targets the kernel glides to with SuperCollider's
`Lag` (y = target + b (y - target), b = 0.001^(1 / (lag * sr)): 60 dB in `lag` seconds), so a
change at an event never clicks. All state lives in small arrays the caller keeps
(`phonon.samples.orbit.OrbitEffects`): the output never depends on the block size.

- `dirt_delay`: CombL(x, delaytime, decay time log2(0.001)/log2(feedback) * delaytime)
  (feedback coefficient = delayfeedback), LeakDC, times the `delay` level (lag 10 ms);
  delaytime glides with a 1 s lag (SuperDirt's `delaytime.lag(1)`).
- `dirt_reverb`: the Jost Muxfeld / James McCartney room: the mono sum times `room` through
  four all-passes per channel, into a loop of OnePole, all-pass, delay (0.19 s left, 0.26 s
  right), all-pass, LeakDC, fed back through a 64-frame block (SuperCollider's LocalIn/LocalOut)
  at depth = size.linexp(0, 1, 0.01, 0.98); out = loop x (1 - dry). SuperDirt draws the
  delays with Rand when the synth starts; here they are fixed (`REVERB_*`).
- `dirt_leslie`: the rotary speaker: below 800 Hz amplitude-modulated by a "throb" at
  0.8 lrate, above it Doppler-delayed by distance/343 s at lrate, each balanced by a slow
  sine, times 1.2 leslie (the caller keeps (1 - leslie) of the dry signal).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

LOG001 = math.log(0.001)
TWO_PI = 2.0 * math.pi
LEAK = 0.995
MAX_DELAY_S = 4.0
FEEDBACK_BLOCK = 64                 # SuperCollider's LocalIn/LocalOut: one control block later

# the reverb's Rand draws, fixed: 4 input all-passes per channel, loop all-pass, loop delay
# offset, output all-pass (seconds) and the depth offsets (SuperDirt: Rand(0, 0.05))
REVERB_INPUT_AP = ((0.0113, 0.0067, 0.0152, 0.0089), (0.0081, 0.0137, 0.0059, 0.0178))
REVERB_LOOP_AP = (0.0273, 0.0411)
REVERB_LOOP_DELAY = (0.19 + 0.0012, 0.26 - 0.0021)
REVERB_OUT_AP = (0.05, 0.05)        # Rand(0.03, 0.15) in an AllpassN of at most 0.05 s
REVERB_DEPTH_RAND = (0.021, 0.034)

# layout of the reverb's state vector
RV_LAGS = 0                         # room, size, (1 - dry): lagged values
RV_POS = 3                          # write position of every delay line (frames)
RV_ONEPOLE = 4                      # per channel
RV_LEAK = 6                         # per channel: x1, y1
RV_N = 10


def lag_coefficient(seconds: float, sr: float) -> float:
    """SuperCollider's Lag coefficient: 60 dB of the way in `seconds`."""
    return math.exp(LOG001 / (seconds * sr)) if seconds > 0 else 0.0


def reverb_line_lengths(sr: float) -> np.ndarray:
    """Frames of each reverb delay line, per channel: 4 input all-passes, loop all-pass, loop
    delay, output all-pass, the feedback block (8 x 2), as int64."""
    lines = []
    for c in range(2):
        lines += [max(1, int(d * sr)) for d in REVERB_INPUT_AP[c]]
        lines += [max(1, int(REVERB_LOOP_AP[c] * sr)), max(1, int(REVERB_LOOP_DELAY[c] * sr)),
                  max(1, int(REVERB_OUT_AP[c] * sr)), FEEDBACK_BLOCK]
    return np.asarray(lines, np.int64)


@njit(cache=True, nogil=True)
def _allpass_n(buf, base, length, pos, x, g):  # pragma: no cover - numba
    """AllpassN with an integer delay of `length` frames and feedback g (SuperCollider)."""
    k = base + pos % length
    value = buf[k]
    dwr = value * g + x
    buf[k] = dwr
    return value - g * dwr


@njit(cache=True, nogil=True)
def dirt_reverb(x, out, n, room, size, dry, lines, offsets, buf, state,
                sr):  # pragma: no cover - numba
    """Add dirt_reverb's output for x[:, :n] to out (see the module doc). `lines`/`offsets`:
    each delay line's length and start in `buf` (`reverb_line_lengths`)."""
    b_room = math.exp(LOG001 / (0.015 * sr))         # room.lag(LFNoise1.range(0.01, 0.02))
    b_size = math.exp(LOG001 / (0.02 * sr))
    b_dry = b_room
    g1 = np.empty(8)
    for k in range(8):                               # input all-passes: decay 1 s, loop: 2 s
        g1[k] = math.exp(LOG001 * lines[(k // 4) * 8 + k % 4] / sr / 1.0)
    pos = int(state[RV_POS])
    for i in range(n):
        r = room + b_room * (state[RV_LAGS] - room)
        sz = size + b_size * (state[RV_LAGS + 1] - size)
        wet_gain = (1.0 - dry) + b_dry * (state[RV_LAGS + 2] - (1.0 - dry))
        state[RV_LAGS], state[RV_LAGS + 1], state[RV_LAGS + 2] = r, sz, wet_gain
        depth = 0.01 * (0.98 / 0.01) ** min(max(sz, 0.0), 1.0)
        mono = (x[0, i] + x[1, i]) * r
        for c in range(2):
            L = c * 8
            v = mono
            for k in range(4):
                v = _allpass_n(buf, offsets[L + k], lines[L + k], pos, v, g1[c * 4 + k])
            fbk = offsets[L + 7] + pos % lines[L + 7]
            loop = buf[fbk] * (depth + REVERB_DEPTH_RAND[c])         # LocalIn: 64 frames ago
            op = RV_ONEPOLE + c
            loop = 0.5 * loop + 0.5 * state[op]                     # OnePole(loop, 0.5)
            state[op] = loop
            g_ap = math.exp(LOG001 * lines[L + 4] / sr / 2.0)
            loop = _allpass_n(buf, offsets[L + 4], lines[L + 4], pos, loop, g_ap)
            d = offsets[L + 5] + pos % lines[L + 5]                 # DelayN
            delayed = buf[d]
            buf[d] = loop
            g_out = math.exp(LOG001 * lines[L + 6] / sr / 2.0)
            loop = _allpass_n(buf, offsets[L + 6], lines[L + 6], pos, delayed, g_out)
            loop = loop + v
            lk = RV_LEAK + 2 * c                                    # LeakDC
            y = loop - state[lk] + LEAK * state[lk + 1]
            state[lk], state[lk + 1] = loop, y
            buf[fbk] = y                                            # LocalOut
            out[c, i] += y * wet_gain
        pos += 1
    state[RV_POS] = pos


# layout of the delay's state vector
DL_TIME, DL_AMP, DL_POS, DL_X1, DL_Y1 = 0, 1, 2, 3, 5       # DL_X1/DL_Y1: per channel


@njit(cache=True, nogil=True)
def dirt_delay(x, out, n, level, delaytime, feedback, line, state,
               sr):  # pragma: no cover - numba
    """Add dirt_delay's output for x[:, :n] to out: CombL(x, delaytime (lag 1 s), decay from
    feedback), LeakDC, times `level` (lag 10 ms). `line` is (2, frames) of at least 4 s."""
    size = line.shape[1]
    b_time = math.exp(LOG001 / (1.0 * sr))
    b_amp = math.exp(LOG001 / (0.01 * sr))
    fb = min(max(feedback, 0.0), 0.99)
    target = min(max(delaytime, 0.0), MAX_DELAY_S)
    pos = int(state[DL_POS])
    for i in range(n):
        dt = target + b_time * (state[DL_TIME] - target)
        amp = level + b_amp * (state[DL_AMP] - level)
        state[DL_TIME], state[DL_AMP] = dt, amp
        if fb > 0.0 and dt > 0.0:                    # decay = log2(0.001)/log2(fb) dt, <= 20 s
            decay = min(math.log(0.001) / math.log(fb) * dt, 20.0)
            g = math.exp(LOG001 * dt / decay)
        else:
            g = 0.0
        d = max(dt * sr, 1.0)
        rp = pos - d
        k = int(math.floor(rp))
        frac = rp - k
        w = pos % size
        for c in range(2):
            a = line[c, k % size]
            value = a + (line[c, (k + 1) % size] - a) * frac
            line[c, w] = x[c, i] + g * value
            y = value - state[DL_X1 + c] + LEAK * state[DL_Y1 + c]
            state[DL_X1 + c], state[DL_Y1 + c] = value, y
            out[c, i] += y * amp
        pos += 1
    state[DL_POS] = pos % (size * 1000)


# layout of the leslie's state vector
LS_RATES = 0          # 4 lagged rates: distance (lrate, lag 10), throb (0.8 lrate, lag 20),
                      # bal1 (0.8 lrate, lag 4), bal2 (lrate, lag 2)
LS_PHASES = 4         # their 4 phases (radians)
LS_HPF = 8            # per channel y1, y2 of HPF(800)
LS_POS = 12
LS_N = 13


@njit(cache=True, nogil=True)
def _cubic(line, c, rp, size):  # pragma: no cover - numba
    """SuperCollider's cubicinterp of line[c] at the fractional position rp."""
    k = int(math.floor(rp))
    f = rp - k
    ym1 = line[c, (k - 1) % size]
    y0 = line[c, k % size]
    y1 = line[c, (k + 1) % size]
    y2 = line[c, (k + 2) % size]
    c1 = 0.5 * (y1 - ym1)
    c2 = ym1 - 2.5 * y0 + 2.0 * y1 - 0.5 * y2
    c3 = 0.5 * (y2 - ym1) + 1.5 * (y0 - y1)
    return ((c3 * f + c2) * f + c1) * f + y0


@njit(cache=True, nogil=True)
def dirt_leslie(x, out, n, leslie, lrate, lsize, hp, line, state,
                sr):  # pragma: no cover - numba
    """Add dirt_leslie's wet output for x[:, :n] to out (the dry part is the caller's).
    `hp` = (a0, b1, b2) of SuperCollider's HPF at 800 Hz; `line` (2, >= 1 s) the Doppler
    delay."""
    targets = (lrate, 0.8 * lrate, 0.8 * lrate, lrate)
    lags = (10.0, 20.0, 4.0, 2.0)
    size = line.shape[1]
    a0, b1, b2 = hp[0], hp[1], hp[2]
    pos = int(state[LS_POS])
    for i in range(n):
        for k in range(4):
            b = math.exp(LOG001 / (lags[k] * sr))
            state[LS_RATES + k] = targets[k] + b * (state[LS_RATES + k] - targets[k])
        distance = lsize * (math.sin(state[LS_PHASES]) + 1.0) * 0.5
        throb = 1.3 * lsize * (math.sin(state[LS_PHASES + 1]) + 1.0) * 0.5
        bal1 = 0.2 * math.cos(state[LS_PHASES + 2])
        bal2 = 0.4 * math.cos(state[LS_PHASES + 3])
        for k in range(4):
            ph = state[LS_PHASES + k] + TWO_PI * state[LS_RATES + k] / sr
            state[LS_PHASES + k] = ph - TWO_PI if ph > TWO_PI else ph
        w = pos % size
        rp = pos - distance / 343.0 * sr
        for c in range(2):
            h = LS_HPF + 2 * c
            y0 = x[c, i] + b1 * state[h] + b2 * state[h + 1]
            high = a0 * (y0 - 2.0 * state[h] + state[h + 1])
            state[h + 1] = state[h]
            state[h] = y0
            low = x[c, i] - high
            line[c, w] = high
            doppler = _cubic(line, c, rp, size)     # the line is zero before the start
            # Balance2: channel c times cos / sin of (pos + 1) pi / 4
            g1 = math.cos((bal1 + 1.0) * math.pi / 4.0) if c == 0 else math.sin((bal1 + 1.0) * math.pi / 4.0)
            g2 = math.cos((bal2 + 1.0) * math.pi / 4.0) if c == 0 else math.sin((bal2 + 1.0) * math.pi / 4.0)
            s1 = leslie * (1.0 - throb) * low * g1
            s2 = leslie * (1.0 - distance) * doppler * g2
            out[c, i] += 1.2 * (s1 + s2)
        pos += 1
    state[LS_POS] = pos % (size * 1000)

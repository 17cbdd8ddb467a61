"""Numba kernels for level-dependent gain: the upward expander, the transient shaper and the
envelope followers of the analysis nodes (peak, RMS, attack/release amplitude).

Conventions of the kernel library (see `phonon.dsp`): per-sample float64 parameter arrays,
state in small arrays the node owns, NaN parameters clamped like out-of-range ones.
"""
from __future__ import annotations

import numpy as np
from numba import njit

#: the expander's largest boost (dB): keeps a wrong threshold from blowing up the level
MAX_BOOST_DB = 24.0

# transient shaper time constants (seconds)
TS_ATTACK = 0.0005       # level follower: attack
TS_RELEASE = 0.05        # level follower: release
TS_SLOW = 0.02           # the slowed copy of the level that marks an attack
TS_HOLD = 0.3            # the held copy of the level that marks a decay


@njit(cache=True, inline="always")
def _coef(seconds: float, sr: float) -> float:
    """One-pole coefficient exp(-1/(seconds*sr)); 0 (instant) for seconds <= 0 or NaN."""
    if not (seconds > 0.0):
        return 0.0
    return np.exp(-1.0 / (seconds * sr))


@njit(cache=True, inline="always")
def _peak(x: np.ndarray, i: int) -> float:
    """max |x[c, i]| over the channels; NaN counts as 0."""
    level = 0.0
    for c in range(x.shape[0]):
        a = abs(x[c, i])
        if a > level:
            level = a
    return level


@njit(cache=True)
def expander_gain(x: np.ndarray, gain: np.ndarray, n: int, threshold_db: np.ndarray,
                  ratio: np.ndarray, attack: np.ndarray, release: np.ndarray,
                  state: np.ndarray, sr: float) -> None:
    """Upward expander gain: above the threshold the level moves away from it `ratio` times
    as fast, i.e. + (level - threshold)*(ratio - 1) dB (at most MAX_BOOST_DB); below it, 1.

    The level is a peak detector (max over channels, one-pole attack/release in seconds).
    `state` = [envelope].
    """
    env = state[0]
    for i in range(n):
        level = _peak(x, i)
        t = attack[i] if level > env else release[i]
        c = _coef(t, sr)
        env = level + c * (env - level)
        if not (env == env):
            env = 0.0
        g = 1.0
        if env > 1e-9:
            over = 20.0 * np.log10(env) - threshold_db[i]
            r = ratio[i]
            if over > 0.0 and r > 1.0:
                boost = over * (r - 1.0)
                if boost > MAX_BOOST_DB:
                    boost = MAX_BOOST_DB
                g = 10.0 ** (boost / 20.0)
        gain[i] = g
    state[0] = env


@njit(cache=True)
def transient_gain(x: np.ndarray, gain: np.ndarray, n: int, attack_db: np.ndarray,
                   sustain_db: np.ndarray, state: np.ndarray, sr: float) -> None:
    """Transient shaper gain: 10**((attack_db*a + sustain_db*s)/20) with
    a = (e - slow)/e (how fast the level is rising: 1 at an onset, 0 when steady) and
    s = (hold - e)/hold (how far it has fallen: 0 when steady, towards 1 in a decay).

    e is a peak follower (TS_ATTACK/TS_RELEASE), slow a copy of e rising with TS_SLOW and
    falling with it at once, hold a copy rising with e at once and falling with TS_HOLD.
    Both dB amounts are clamped to +-40. `state` = [e, slow, hold].
    """
    e = state[0]
    slow = state[1]
    hold = state[2]
    ca = _coef(TS_ATTACK, sr)
    cr = _coef(TS_RELEASE, sr)
    cs = _coef(TS_SLOW, sr)
    ch = _coef(TS_HOLD, sr)
    for i in range(n):
        level = _peak(x, i)
        c = ca if level > e else cr
        e = level + c * (e - level)
        if not (e == e):
            e = 0.0
            slow = 0.0
            hold = 0.0
        slow = e + cs * (slow - e)
        if slow > e:
            slow = e
        hold = e + ch * (hold - e)
        if hold < e:
            hold = e
        a = (e - slow) / e if e > 1e-9 else 0.0
        s = (hold - e) / hold if hold > 1e-9 else 0.0
        ad = attack_db[i]
        sd = sustain_db[i]
        ad = 0.0 if not (ad == ad) else (40.0 if ad > 40.0 else (-40.0 if ad < -40.0 else ad))
        sd = 0.0 if not (sd == sd) else (40.0 if sd > 40.0 else (-40.0 if sd < -40.0 else sd))
        gain[i] = 10.0 ** ((ad * a + sd * s) / 20.0)
    state[0] = e
    state[1] = slow
    state[2] = hold


@njit(cache=True)
def follower(x: np.ndarray, out: np.ndarray, n: int, attack: np.ndarray, release: np.ndarray,
             state: np.ndarray, sr: float) -> None:
    """Peak follower per channel: e += (|x| - e)*(1 - c), c = exp(-1/(t*sr)) with t the attack
    time while |x| > e, else the release time (0 = instant). `state` = [e per channel]."""
    channels = x.shape[0]
    for ch in range(channels):
        e = state[ch]
        for i in range(n):
            level = abs(x[ch, i])
            if not (level == level):
                level = 0.0
            t = attack[i] if level > e else release[i]
            c = _coef(t, sr)
            e = level + c * (e - level)
            out[ch, i] = e
        state[ch] = e


@njit(cache=True)
def moving_rms(x: np.ndarray, out: np.ndarray, n: int, window: np.ndarray, ring: np.ndarray,
               state: np.ndarray, sr: float) -> None:
    """RMS over the last `window` seconds per channel: sqrt(mean of the last m squares),
    m = round(window*sr) clamped to 1 .. size - 1.

    `ring` is (channels, size) holding the last squares; `state` = [write index, m of the
    previous sample, running sum per channel...]. The running sum adds the new square and drops
    the oldest; a changed window adds or drops the difference; it is recomputed exactly each
    time the write index wraps, so rounding never accumulates.
    """
    channels = x.shape[0]
    size = ring.shape[1]
    w = int(state[0])
    m_prev = int(state[1])
    for i in range(n):
        length = window[i] * sr
        if not (length >= 1.0):
            length = 1.0
        elif length > size - 1.0:
            length = size - 1.0
        m = int(length + 0.5)
        for c in range(channels):
            v = x[c, i]
            if not (v == v) or abs(v) > 1e15:
                v = 0.0
            sq = v * v
            total = state[2 + c]
            old = w - m_prev
            if old < 0:
                old += size
            total += sq - ring[c, old]
            ring[c, w] = sq
            if m > m_prev:                      # the window grew: add the older squares
                for k in range(m_prev, m):
                    j = w - k
                    if j < 0:
                        j += size
                    total += ring[c, j]
            elif m < m_prev:                    # it shrank: drop them
                for k in range(m, m_prev):
                    j = w - k
                    if j < 0:
                        j += size
                    total -= ring[c, j]
            if w == size - 1:                   # exact sum once per lap of the ring
                total = 0.0
                for k in range(m):
                    total += ring[c, w - k]
            if total < 0.0:
                total = 0.0
            state[2 + c] = total
            out[c, i] = np.sqrt(total / m)
        m_prev = m
        w += 1
        if w >= size:
            w = 0
    state[0] = w
    state[1] = m_prev

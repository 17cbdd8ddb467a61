"""Look-ahead brick-wall limiter kernel (numba): unity gain below the ceiling, never above it.

Per sample the required gain is r = min(1, ceiling / peak over channels). The gain envelope is
the minimum of r over the last L+1 samples, released exponentially upwards, then averaged over
L samples; the audio is delayed by L samples. Every averaged value is <= r of the sample it
multiplies, so no output sample exceeds the ceiling (a final clamp guards float rounding).
Latency: L = LOOKAHEAD seconds (1.5 ms).
"""
from __future__ import annotations

import numpy as np
from numba import njit

LOOKAHEAD = 0.0015


def lookahead_samples(sr: float) -> int:
    """The look-ahead (and latency) L in samples at sample rate `sr`; the state arrays are
    `audio` (channels, L) and `new_state(L)`."""
    return max(1, int(round(LOOKAHEAD * sr)))


def new_state(lookahead: int) -> np.ndarray:
    """A fresh limiter state for look-ahead L, one float64 array (a kernel call unboxes one
    array, not three): `need` (L+1 required gains), `env` (L smoothed gains), then `st` =
    (write index, running sum of env, last envelope value, minimum of `need`)."""
    L = lookahead
    state = np.ones(2 * L + 5, dtype=np.float64)
    state[2 * L + 1:] = (0.0, float(L), 1.0, 1.0)
    return state


@njit(cache=True, inline="always")
def state_parts(state: np.ndarray, lookahead: int) -> tuple:
    """Views (need, env, st) of a `new_state` array."""
    L = lookahead
    return state[:L + 1], state[L + 1:2 * L + 1], state[2 * L + 1:]


@njit(cache=True)
def limiter(x: np.ndarray, out: np.ndarray, n: int, ceiling: np.ndarray, release: np.ndarray,
            audio: np.ndarray, state: np.ndarray, sr: float) -> None:
    """Limit `n` samples of `x` into `out`.

    State: `audio` (channels, L) delay line and `state` (`new_state`): `need` (L+1) required
    gains, `env` (L) smoothed gains, `st` = (write index, running sum of env, last envelope
    value, minimum of `need`).
    """
    channels = x.shape[0]
    stereo = channels == 2
    x0, x1 = x[0], x[channels - 1]           # row views: simpler indexing, vectorisable loads
    o0, o1 = out[0], out[channels - 1]
    a_0, a_1 = audio[0], audio[channels - 1]
    L = audio.shape[1]
    need, env, st = state_parts(state, L)
    pos = int(st[0])
    total = st[1]
    last = st[2]
    m = st[3]
    slot = pos % (L + 1)                      # pos % (L + 1) and pos % L, kept incrementally
    k = pos % L                               # (an integer division per sample is costly)
    rel_seen = -1.0                           # the release time `coef` was computed for
    coef = 0.0
    for i in range(n):
        c = ceiling[i]
        if stereo:                            # the common case, without the channel loop
            a0 = abs(x0[i])
            a1 = abs(x1[i])
            peak = a0 if a0 > a1 else a1
        else:
            peak = 0.0
            for ch in range(channels):
                a = abs(x[ch, i])
                if a > peak:
                    peak = a
        r = 1.0 if peak <= c else c / peak
        leaving = need[slot]
        need[slot] = r
        if r <= m:
            m = r
        elif leaving <= m:                    # the minimum left the window: rescan
            m = 1.0
            for j in range(L + 1):
                if need[j] < m:
                    m = need[j]
        if m == 1.0 and last == 1.0:
            e = 1.0                           # below the ceiling: what the formula gives
        else:
            rel = release[i] * sr
            if rel != rel_seen:               # exp only when the release time changes
                rel_seen = rel
                coef = 1.0 - np.exp(-1.0 / rel) if rel > 0.0 else 0.0
            up = last + (1.0 - last) * coef if rel > 0.0 else 1.0
            e = m if m < up else up
        last = e
        total += e - env[k]
        env[k] = e
        g = total / L
        if g > 1.0:
            g = 1.0
        if stereo:
            y0 = a_0[k] * g
            y1 = a_1[k] * g
            a_0[k] = x0[i]
            a_1[k] = x1[i]
            if y0 > c:
                y0 = c
            elif y0 < -c:
                y0 = -c
            if y1 > c:
                y1 = c
            elif y1 < -c:
                y1 = -c
            o0[i] = y0
            o1[i] = y1
        else:
            for ch in range(channels):
                delayed = audio[ch, k]
                audio[ch, k] = x[ch, i]
                y = delayed * g
                if y > c:
                    y = c
                elif y < -c:
                    y = -c
                out[ch, i] = y
        pos += 1
        slot += 1
        if slot > L:
            slot = 0
        k += 1
        if k >= L:
            k = 0
        if pos >= L * (L + 1):
            pos = 0
            total = 0.0                      # re-sum now and then: no drift in the running sum
            for j in range(L):
                total += env[j]
    st[0] = pos
    st[1] = total
    st[2] = last
    st[3] = m


@njit(cache=True)
def limiter_stereo(x: np.ndarray, out: np.ndarray, n: int, ceiling: np.ndarray,
                   release: np.ndarray, audio: np.ndarray, state: np.ndarray, sr: float,
                   gain: np.ndarray) -> None:
    """`limiter` for two channels, bit-identical, in two passes: the serial gain envelope
    into the float64 scratch `gain` (n,), then the delayed audio times the gain, clamped,
    in loops over slices (no per-sample ring indexing: they vectorise)."""
    x0, x1 = x[0], x[1]
    o0, o1 = out[0], out[1]
    a_0, a_1 = audio[0], audio[1]
    L = audio.shape[1]
    need, env, st = state_parts(state, L)
    pos = int(st[0])
    total = st[1]
    last = st[2]
    m = st[3]
    slot = pos % (L + 1)
    k0 = pos % L
    k = k0
    rel_seen = -1.0
    coef = 0.0
    for i in range(n):                        # pass 1: the envelope (as in `limiter`)
        c = ceiling[i]
        a0 = abs(x0[i])
        a1 = abs(x1[i])
        peak = a0 if a0 > a1 else a1
        r = 1.0 if peak <= c else c / peak
        leaving = need[slot]
        need[slot] = r
        if r <= m:
            m = r
        elif leaving <= m:
            m = 1.0
            for j in range(L + 1):
                if need[j] < m:
                    m = need[j]
        if m == 1.0 and last == 1.0:
            e = 1.0
        else:
            rel = release[i] * sr
            if rel != rel_seen:
                rel_seen = rel
                coef = 1.0 - np.exp(-1.0 / rel) if rel > 0.0 else 0.0
            up = last + (1.0 - last) * coef if rel > 0.0 else 1.0
            e = m if m < up else up
        last = e
        total += e - env[k]
        env[k] = e
        g = total / L
        if g > 1.0:
            g = 1.0
        gain[i] = g
        pos += 1
        slot += 1
        if slot > L:
            slot = 0
        k += 1
        if k >= L:
            k = 0
        if pos >= L * (L + 1):
            pos = 0
            total = 0.0
            for j in range(L):
                total += env[j]
    # pass 2: out[i] = clamp(delayed[i] * gain[i]); delayed = the ring for i < L, else x[i - L]
    i = 0
    kk = k0
    head = min(n, L)
    while i < head:                           # from the ring, in runs without wrap
        run = min(head - i, L - kk)
        _apply(a_0[kk:kk + run], a_1[kk:kk + run], gain[i:i + run], ceiling[i:i + run],
               o0[i:i + run], o1[i:i + run])
        i += run
        kk += run
        if kk >= L:
            kk = 0
    if n > L:                                 # from this block's input
        _apply(x0[:n - L], x1[:n - L], gain[L:n], ceiling[L:n], o0[L:n], o1[L:n])
    i = max(0, n - L)                         # the ring keeps the last L input samples
    kk = (k0 + i) % L
    while i < n:
        run = min(n - i, L - kk)
        d0, d1, s0, s1 = a_0[kk:kk + run], a_1[kk:kk + run], x0[i:i + run], x1[i:i + run]
        for j in range(run):
            d0[j] = s0[j]
            d1[j] = s1[j]
        i += run
        kk += run
        if kk >= L:
            kk = 0
    st[0] = pos
    st[1] = total
    st[2] = last
    st[3] = m


@njit(cache=True, inline="always")
def _apply(s0, s1, gain, ceiling, o0, o1) -> None:
    """o = s * gain, clamped to +-ceiling (float64 arithmetic, as `limiter`)."""
    for j in range(gain.shape[0]):
        g = gain[j]
        c = ceiling[j]
        y0 = s0[j] * g
        y1 = s1[j] * g
        if y0 > c:
            y0 = c
        elif y0 < -c:
            y0 = -c
        if y1 > c:
            y1 = c
        elif y1 < -c:
            y1 = -c
        o0[j] = y0
        o1[j] = y1

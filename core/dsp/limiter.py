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
    return max(1, int(round(LOOKAHEAD * sr)))


@njit(cache=True)
def limiter(x: np.ndarray, out: np.ndarray, n: int, ceiling: np.ndarray, release: np.ndarray,
            audio: np.ndarray, need: np.ndarray, env: np.ndarray, st: np.ndarray, sr: float) -> None:
    """Limit `n` samples of `x` into `out`.

    State: `audio` (channels, L) delay line, `need` (L+1) required gains, `env` (L) smoothed
    gains; `st` = (write index, running sum of env, last envelope value, minimum of `need`).
    """
    channels = x.shape[0]
    stereo = channels == 2
    x0, x1 = x[0], x[channels - 1]           # row views: simpler indexing, vectorisable loads
    o0, o1 = out[0], out[channels - 1]
    a_0, a_1 = audio[0], audio[channels - 1]
    L = audio.shape[1]
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

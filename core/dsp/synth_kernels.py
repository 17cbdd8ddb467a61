"""Numba kernels for the built-in synths: two-operator FM, detuned saws, PWM, and the
percussive `superkick`, `supersnare` and `superhat` voices.

Percussive kernels take the sample offsets of this block's hits (`hits`, sorted int64) and keep
their voice in `state` (time since the hit in samples, phases, filter memory) and `rng` (a
deterministic noise generator), so a render does not depend on its block size. A voice that has
never been hit, or has finished, is silent (`state[0] < 0`).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .primitives import fan_out, wrap

TWO_PI = 2.0 * np.pi


@njit(cache=True, inline="always")
def _noise(rng: np.ndarray) -> float:
    """White noise in -1..1 from a 31-bit linear congruential generator kept in `rng[0]`."""
    rng[0] = (rng[0] * 1103515245 + 12345) & 0x7FFFFFFF
    return rng[0] / 1073741823.5 - 1.0


@njit(cache=True, inline="always")
def _polyblep(t: float, dt: float) -> float:
    """Two-sample polynomial band-limited step residual at phase `t` (0..1) for increment `dt`."""
    if t < dt:
        x = t / dt
        return x + x - x * x - 1.0
    if t > 1.0 - dt:
        x = (t - 1.0) / dt
        return x * x + x + x + 1.0
    return 0.0


@njit(cache=True, inline="always")
def _hits_at(hits: np.ndarray, j: int, i: int) -> tuple:
    """Past the hits at sample `i` from index `j` of the sorted `hits`: (next index, whether
    there was one)."""
    hit = False
    while j < hits.shape[0] and hits[j] == i:
        hit = True
        j += 1
    return j, hit


@njit(cache=True, inline="always")
def _age(t: float, sustain: float, sr: float) -> tuple:
    """(seconds since the hit, sustain of at least 1 ms, t) of a voice `t` samples after its
    hit: t becomes -1 (idle) once the sustain is over; an idle voice (t < 0) stays idle."""
    sec = t / sr
    sus = max(sustain, 1e-3)
    if sec >= sus:
        t = -1.0
    return sec, sus, t


@njit(cache=True)
def fm(out: np.ndarray, n: int, carrier: np.ndarray, modulator: np.ndarray, index: np.ndarray,
       state: np.ndarray, sr: float) -> None:
    """Two-operator FM: sin(2 pi phase_c + index * sin(2 pi phase_m)) into every row of `out`.

    `state` = [carrier phase, modulator phase] (0..1, carried across blocks).
    """
    pc = state[0]
    pm = state[1]
    for i in range(n):
        y = np.sin(TWO_PI * pc + index[i] * np.sin(TWO_PI * pm))
        fan_out(out, i, y)
        pc = wrap(pc + carrier[i] / sr)
        pm = wrap(pm + modulator[i] / sr)
    state[0] = pc
    state[1] = pm


@njit(cache=True)
def supersaw(out: np.ndarray, n: int, freq: np.ndarray, detune: np.ndarray, voices: int,
             phases: np.ndarray, sr: float) -> None:
    """`voices` polyBLEP saws spread evenly over +-detune semitones, averaged.

    Voice k of v plays freq * 2**(detune * (2k/(v-1) - 1) / 12); one voice plays freq itself.
    """
    norm = 1.0 / voices
    for i in range(n):
        y = 0.0
        for k in range(voices):
            spread = 0.0 if voices == 1 else 2.0 * k / (voices - 1) - 1.0
            inc = freq[i] * 2.0 ** (detune[i] * spread / 12.0) / sr
            ph = phases[k]
            dt = min(abs(inc), 0.5)
            y += 2.0 * ph - 1.0 - _polyblep(ph, dt)
            phases[k] = wrap(ph + inc)
        y *= norm
        fan_out(out, i, y)
    return


@njit(cache=True)
def superpwm(out: np.ndarray, n: int, freq: np.ndarray, rate: np.ndarray, depth: np.ndarray,
             state: np.ndarray, sr: float) -> None:
    """PolyBLEP pulse whose width is 0.5 + 0.45 * depth * sin(2 pi lfo); `state` = [phase, lfo]."""
    ph = state[0]
    lfo = state[1]
    for i in range(n):
        width = 0.5 + 0.45 * depth[i] * np.sin(TWO_PI * lfo)
        inc = freq[i] / sr
        dt = min(abs(inc), 0.5)
        y = 1.0 if ph < width else -1.0
        y += _polyblep(ph, dt)
        fall = ph - width
        if fall < 0.0:
            fall += 1.0
        y -= _polyblep(fall, dt)
        fan_out(out, i, y)
        ph = wrap(ph + inc)
        lfo = wrap(lfo + rate[i] / sr)
    state[0] = ph
    state[1] = lfo


@njit(cache=True)
def superkick(out: np.ndarray, n: int, hits: np.ndarray, freq: np.ndarray, pitch_env: np.ndarray,
              sustain: np.ndarray, noise: np.ndarray, state: np.ndarray, rng: np.ndarray,
              sr: float) -> None:
    """Kick: a sine swept from (1 + 2*pitch_env)*freq down to freq (time constant 12 ms),
    1 ms attack, decay to 0.3 over 0.7*sustain, linear release to 0 over 0.3*sustain, plus a
    low-passed noise click (4 ms decay) scaled by `noise`.

    `state` = [samples since hit (-1: idle), sine phase, click low-pass memory].
    """
    t = state[0]
    ph = state[1]
    lp = state[2]
    j = 0
    for i in range(n):
        j, hit = _hits_at(hits, j, i)
        if hit:
            t = 0.0
            ph = 0.0
        sec, sus, t = _age(t, sustain[i], sr)
        y = 0.0
        if t >= 0.0:
            decay = 0.7 * sus
            if sec < decay:
                amp = 0.3 ** (sec / decay)
            else:
                amp = 0.3 * (1.0 - (sec - decay) / (0.3 * sus))
            if sec < 0.001:
                amp *= sec / 0.001
            f = freq[i] * (1.0 + 2.0 * pitch_env[i] * np.exp(-sec / 0.012))
            lp += 0.25 * (_noise(rng) - lp)
            y = amp * np.sin(TWO_PI * ph) + noise[i] * lp * np.exp(-sec / 0.004)
            ph = wrap(ph + f / sr)
            t += 1.0
        fan_out(out, i, y)
    state[0] = t
    state[1] = ph
    state[2] = lp


@njit(cache=True)
def supersnare(out: np.ndarray, n: int, hits: np.ndarray, freq: np.ndarray, snappy: np.ndarray,
               sustain: np.ndarray, state: np.ndarray, rng: np.ndarray, sr: float) -> None:
    """Snare: a sine body at freq (falling from 1.5*freq, 10 ms) decaying 60 dB in 0.6*sustain,
    plus high-passed noise (one pole at 1 kHz) scaled by `snappy` decaying 60 dB in `sustain`.

    `state` = [samples since hit (-1: idle), body phase, previous noise, high-pass memory].
    """
    t = state[0]
    ph = state[1]
    prev = state[2]
    hp = state[3]
    a = np.exp(-TWO_PI * 1000.0 / sr)
    j = 0
    for i in range(n):
        j, hit = _hits_at(hits, j, i)
        if hit:
            t = 0.0
            ph = 0.0
        sec, sus, t = _age(t, sustain[i], sr)
        y = 0.0
        if t >= 0.0:
            w = _noise(rng)
            hp = a * (hp + w - prev)
            prev = w
            body = 10.0 ** (-3.0 * sec / (0.6 * sus))
            f = freq[i] * (1.0 + 0.5 * np.exp(-sec / 0.01))
            y = 0.6 * body * np.sin(TWO_PI * ph) + snappy[i] * hp * 10.0 ** (-3.0 * sec / sus)
            ph = wrap(ph + f / sr)
            t += 1.0
        fan_out(out, i, y)
    state[0] = t
    state[1] = ph
    state[2] = prev
    state[3] = hp


@njit(cache=True)
def superhat(out: np.ndarray, n: int, hits: np.ndarray, bright: np.ndarray, sustain: np.ndarray,
             state: np.ndarray, rng: np.ndarray, sr: float) -> None:
    """Hi-hat: white noise through two one-pole high-passes at 2 kHz + 8 kHz * bright,
    decaying 60 dB in `sustain` seconds.

    `state` = [samples since hit (-1: idle), previous input 1, memory 1, previous input 2, memory 2].
    """
    t = state[0]
    x1 = state[1]
    y1 = state[2]
    x2 = state[3]
    y2 = state[4]
    j = 0
    for i in range(n):
        j, hit = _hits_at(hits, j, i)
        if hit:
            t = 0.0
        sec, sus, t = _age(t, sustain[i], sr)
        y = 0.0
        if t >= 0.0:
            fc = 2000.0 + 8000.0 * bright[i]
            a = np.exp(-TWO_PI * min(fc, 0.45 * sr) / sr)
            w = _noise(rng)
            y1 = a * (y1 + w - x1)
            x1 = w
            y2 = a * (y2 + y1 - x2)
            x2 = y1
            y = 2.0 * y2 * 10.0 ** (-3.0 * sec / sus)
            t += 1.0
        fan_out(out, i, y)
    state[0] = t
    state[1] = x1
    state[2] = y1
    state[3] = x2
    state[4] = y2


@njit(cache=True)
def vibrato(out: np.ndarray, n: int, freq: np.ndarray, rate: np.ndarray, depth: np.ndarray,
            state: np.ndarray, sr: float) -> None:
    """out[i] = freq * (1 + depth * sin(2 pi lfo)): a frequency with vibrato (`superchip`);
    `state[0]` is the LFO phase (0..1), starting at 0 (the pitch rises first)."""
    lfo = state[0]
    for i in range(n):
        d = depth[i] if np.isfinite(depth[i]) else 0.0
        out[i] = freq[i] * (1.0 + d * np.sin(TWO_PI * lfo))
        r = rate[i]
        if np.isfinite(r):
            lfo = wrap(lfo + r / sr)
    state[0] = lfo

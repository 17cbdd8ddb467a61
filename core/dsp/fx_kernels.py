"""Numba kernels for the project's own effects: pitch shift, bitcrush, flanger, ping-pong delay,
tremolo and side-chain compression.

Every kernel renders `n` samples from per-sample float64 parameter arrays and carries its state
(phases, delay lines, envelopes) in small arrays owned by the node, so the output does not depend
on how a render is cut into blocks.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .primitives import next_index, wrap

TWO_PI = 2.0 * np.pi


@njit(cache=True, inline="always")
def _read_delay(buf: np.ndarray, write: int, delay: float) -> float:
    """Linear-interpolated read `delay` samples behind the write index of a circular buffer."""
    size = buf.shape[0]
    pos = write - delay
    while pos < 0.0:
        pos += size
    i0 = int(pos)
    frac = pos - i0
    i0 = i0 % size
    i1 = (i0 + 1) % size
    return buf[i0] * (1.0 - frac) + buf[i1] * frac


@njit(cache=True)
def pitch_shift(x: np.ndarray, out: np.ndarray, n: int, semitones: np.ndarray,
                buf: np.ndarray, state: np.ndarray, window: float) -> None:
    """Delay-line pitch shifter: two taps half a window apart sweep through a `window`-sample
    delay at rate (1 - ratio) and crossfade with sin^2 windows (their gains always sum to 1).

    `buf` is (channels, size) with size > window + 2; `state` = [write index, tap phase 0..1].
    """
    channels = x.shape[0]
    size = buf.shape[1]
    write = int(state[0])
    phase = state[1]
    for i in range(n):
        st = semitones[i]
        ratio = 2.0 ** (min(max(st, -48.0), 48.0) / 12.0) if np.isfinite(st) else 1.0
        for c in range(channels):
            v = x[c, i]
            buf[c, write] = v if np.isfinite(v) else 0.0
        g1 = np.sin(np.pi * phase) ** 2
        p2 = phase + 0.5
        if p2 >= 1.0:
            p2 -= 1.0
        g2 = 1.0 - g1
        d1 = 1.0 + phase * window
        d2 = 1.0 + p2 * window
        for c in range(channels):
            out[c, i] = g1 * _read_delay(buf[c], write, d1) + g2 * _read_delay(buf[c], write, d2)
        phase = wrap(phase + (1.0 - ratio) / window)
        write = next_index(write, size)
    state[0] = write
    state[1] = phase


@njit(cache=True)
def bitcrush(x: np.ndarray, out: np.ndarray, n: int, bits: np.ndarray, factor: np.ndarray,
             state: np.ndarray) -> None:
    """Quantise to 2**bits levels over -1..1 and hold each sample for `factor` samples.

    `state` = [hold phase, held value per channel...]. A factor of 1 keeps every sample.
    """
    channels = x.shape[0]
    phase = state[0]
    for i in range(n):
        if phase <= 0.0:
            b = bits[i]
            half = 2.0 ** (b - 1.0) if b == b else 32768.0
            for c in range(channels):
                state[1 + c] = np.round(x[c, i] * half) / half
            f = factor[i]
            phase += f if f > 1.0 else 1.0
        phase -= 1.0
        for c in range(channels):
            out[c, i] = state[1 + c]
    state[0] = phase


@njit(cache=True)
def flanger(x: np.ndarray, out: np.ndarray, n: int, rate: np.ndarray, depth: np.ndarray,
            feedback: np.ndarray, buf: np.ndarray, state: np.ndarray, sr: float) -> None:
    """Wet flanger signal: a delay of 3 ms +- depth*2 ms swept by a sine LFO, with feedback.

    The right channel's LFO runs a quarter period behind the left one (stereo width).
    `state` = [write index, lfo phase].
    """
    channels = x.shape[0]
    size = buf.shape[1]
    write = int(state[0])
    phase = state[1]
    base = 0.003 * sr
    swing = 0.002 * sr
    for i in range(n):
        fb = feedback[i]
        fb = min(0.95, max(-0.95, fb)) if fb == fb else 0.0
        dep = depth[i] if depth[i] == depth[i] else 0.0
        for c in range(channels):
            lfo = np.sin(TWO_PI * (phase - 0.25 * c))
            d = base + swing * dep * lfo
            wet = _read_delay(buf[c], write, d)
            buf[c, write] = x[c, i] + fb * wet
            out[c, i] = wet
        r = rate[i]
        if r == r:
            phase = wrap(phase + r / sr)
        write = next_index(write, size)
    state[0] = write
    state[1] = phase


@njit(cache=True)
def pingpong(x: np.ndarray, out: np.ndarray, n: int, time: np.ndarray, feedback: np.ndarray,
             buf: np.ndarray, state: np.ndarray, sr: float) -> None:
    """Wet ping-pong delay: the mono sum enters the left line; each line feeds the other.

    Echo k (k = 1, 2, ...) sounds `k * time` seconds after the input, with gain feedback**(k-1),
    on the left for odd k and on the right for even k. `buf` is (2, size); `state` = [write].
    """
    channels = x.shape[0]
    size = buf.shape[1]
    write = int(state[0])
    for i in range(n):
        d = time[i] * sr
        if not (d >= 1.0):            # also NaN
            d = 1.0
        if d > size - 2:
            d = size - 2.0
        fb = feedback[i] if feedback[i] == feedback[i] else 0.0
        left = _read_delay(buf[0], write, d)
        right = _read_delay(buf[1], write, d)
        mono = 0.0
        for c in range(channels):
            mono += x[c, i]
        mono /= channels
        buf[0, write] = mono + fb * right
        buf[1, write] = fb * left
        out[0, i] = left
        out[channels - 1, i] = right if channels > 1 else 0.5 * (left + right)
        write = next_index(write, size)
    state[0] = write


@njit(cache=True)
def tremolo_gain(gain: np.ndarray, n: int, rate: np.ndarray, depth: np.ndarray,
                 state: np.ndarray, sr: float) -> None:
    """Tremolo gain 1 - depth * (1 - cos(2 pi phase)) / 2: 1 at phase 0, 1 - depth at phase 0.5."""
    phase = state[0]
    for i in range(n):
        dep = depth[i] if depth[i] == depth[i] else 0.0
        gain[i] = 1.0 - dep * 0.5 * (1.0 - np.cos(TWO_PI * phase))
        r = rate[i]
        if r == r:
            phase = wrap(phase + r / sr)
    state[0] = phase


@njit(cache=True)
def sidechain_gain(key: np.ndarray, gain: np.ndarray, n: int, threshold_db: np.ndarray,
                   ratio: np.ndarray, attack: np.ndarray, release: np.ndarray,
                   state: np.ndarray, sr: float) -> None:
    """Hard-knee compressor gain computed from a key signal.

    A peak detector (max over the key's channels) follows with one-pole attack/release times
    (seconds); above the threshold the level is reduced to threshold + (level - threshold)/ratio.
    `state` = [envelope].
    """
    channels = key.shape[0]
    env = state[0]
    for i in range(n):
        level = 0.0
        for c in range(channels):
            a = abs(key[c, i])
            if a > level:
                level = a
        t = attack[i] if level > env else release[i]
        if not (t >= 1e-5):           # also NaN
            t = 1e-5
        coef = np.exp(-1.0 / (t * sr))
        env = level + coef * (env - level)
        if env != env:                # a NaN key sample: start the detector again
            env = 0.0
        if env > 1e-9:
            env_db = 20.0 * np.log10(env)
        else:
            env_db = -180.0
        over = env_db - threshold_db[i]
        if over > 0.0 and ratio[i] == ratio[i]:
            r = ratio[i] if ratio[i] > 1.0 else 1.0
            gain[i] = 10.0 ** (-(over - over / r) / 20.0)
        else:
            gain[i] = 1.0
    state[0] = env

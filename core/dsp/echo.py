"""Numba kernels for delay-based effects: tape delay, multi-tap delay, multi-voice chorus,
vibrato and the all-pass phaser.

Conventions of the kernel library (see `phonon.dsp`): `n` samples from per-sample float64
parameter arrays into `out[:, :n]`, all state in small arrays the node owns. Parameters are
clamped inside the kernels with comparisons that also catch NaN (`if not (v >= lo)`), so a NaN
parameter never reaches an index computation.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .primitives import clamp, next_index, read_linear, wrap

TWO_PI = 2.0 * np.pi


@njit(cache=True, inline="always")
def _saturate(v: float, drive: float) -> float:
    """tanh(drive*v)/drive: unity gain for small signals, soft limit near 1/drive."""
    if drive <= 1.0:
        return v
    return np.tanh(drive * v) / drive


@njit(cache=True)
def tape_delay(x: np.ndarray, out: np.ndarray, n: int, time: np.ndarray, feedback: np.ndarray,
               wow_rate: np.ndarray, wow_depth: np.ndarray, flutter_rate: np.ndarray,
               flutter_depth: np.ndarray, saturation: np.ndarray, buf: np.ndarray,
               state: np.ndarray, sr: float) -> None:
    """Wet tape echo: a delay of time*(1 + wow_depth*sin(wow)) + flutter_depth ms*sin(flutter).

    The line records sat(input + feedback*tap), sat(v) = tanh(g*v)/g with g = 1 + 4*saturation
    (saturation 0: linear). `buf` is (channels, size); `state` = [write, wow phase, flutter
    phase] (phases in cycles). `time` is clamped to 1 sample .. size - 2 after modulation.
    """
    channels = x.shape[0]
    size = buf.shape[1]
    write = int(state[0])
    wow = state[1]
    flutter = state[2]
    top = size - 2.0
    for i in range(n):
        base = clamp(time[i], 0.0, 10.0) * sr
        d = base * (1.0 + clamp(wow_depth[i], 0.0, 0.5) * np.sin(TWO_PI * wow)) \
            + clamp(flutter_depth[i], 0.0, 20.0) * 0.001 * sr * np.sin(TWO_PI * flutter)
        d = clamp(d, 1.0, top)
        fb = clamp(feedback[i], -0.99, 0.99)
        drive = 1.0 + 4.0 * clamp(saturation[i], 0.0, 1.0)
        for c in range(channels):
            wet = read_linear(buf[c], write, size, d)
            buf[c, write] = _saturate(x[c, i] + fb * wet, drive)
            out[c, i] = wet
        wow = wrap(wow + clamp(wow_rate[i], 0.0, 100.0) / sr)
        flutter = wrap(flutter + clamp(flutter_rate[i], 0.0, 100.0) / sr)
        write = next_index(write, size)
    state[0] = write
    state[1] = wow
    state[2] = flutter


@njit(cache=True)
def multitap(x: np.ndarray, out: np.ndarray, n: int, time: np.ndarray, feedback: np.ndarray,
             taps: int, buf: np.ndarray, state: np.ndarray, sr: float) -> None:
    """Wet multi-tap echo: taps k = 1..taps at k*time with gains (taps - k + 1)/taps; the line
    records input + feedback*(last tap), so the pattern repeats every taps*time, `feedback`
    times quieter. `buf` is (channels, size); `state` = [write]."""
    channels = x.shape[0]
    size = buf.shape[1]
    write = int(state[0])
    top = (size - 2.0) / taps
    for i in range(n):
        d = clamp(time[i] * sr, 1.0, top)
        fb = clamp(feedback[i], -0.99, 0.99)
        for c in range(channels):
            acc = 0.0
            last = 0.0
            for k in range(1, taps + 1):
                last = read_linear(buf[c], write, size, k * d)
                acc += last * (taps - k + 1) / taps
            buf[c, write] = x[c, i] + fb * last
            out[c, i] = acc
        write = next_index(write, size)
    state[0] = write


@njit(cache=True)
def chorus_voices(x: np.ndarray, out: np.ndarray, n: int, separation: np.ndarray,
                  variation: np.ndarray, rate: np.ndarray, voices: int, buf: np.ndarray,
                  state: np.ndarray, sr: float) -> None:
    """Multi-voice chorus: the mean of `voices` taps, voice k (0-based) delayed
    1 sample + k*separation + variation*(1 + sin(2 pi (phase + k/voices)))/2 seconds.

    `buf` is (channels, size); `state` = [write, lfo phase]. On the right channel every LFO
    runs half a voice spacing later (a little stereo spread).
    """
    channels = x.shape[0]
    size = buf.shape[1]
    write = int(state[0])
    phase = state[1]
    top = size - 2.0
    for i in range(n):
        sep = clamp(separation[i], 0.0, 0.1) * sr
        var = clamp(variation[i], 0.0, 0.1) * sr
        for c in range(channels):
            buf[c, write] = x[c, i]
        for c in range(channels):
            acc = 0.0
            for k in range(voices):
                ph = phase + (k + 0.5 * c) / voices
                d = 1.0 + k * sep + var * 0.5 * (1.0 + np.sin(TWO_PI * ph))
                acc += read_linear(buf[c], write, size, clamp(d, 1.0, top))
            out[c, i] = acc / voices
        phase = wrap(phase + clamp(rate[i], 0.0, 100.0) / sr)
        write = next_index(write, size)
    state[0] = write
    state[1] = phase


@njit(cache=True)
def vibrato(x: np.ndarray, out: np.ndarray, n: int, rate: np.ndarray, depth: np.ndarray,
            buf: np.ndarray, state: np.ndarray, sr: float) -> None:
    """Pitch vibrato: a delay of 1 + A*(1 - cos(2 pi phase)) samples with A chosen so the pitch
    peaks at exactly `depth` semitones up: A = (2**(depth/12) - 1) * sr / (2 pi rate).

    The pitch swings between ratio 1 + e and 1 - e, e = 2**(depth/12) - 1. `rate` is clamped to
    0.1..20 Hz and `depth` to 0..2 semitones. `buf` is (channels, size); `state` = [write,
    phase].
    """
    channels = x.shape[0]
    size = buf.shape[1]
    write = int(state[0])
    phase = state[1]
    top = size - 2.0
    for i in range(n):
        r = clamp(rate[i], 0.1, 20.0)
        e = 2.0 ** (clamp(depth[i], 0.0, 2.0) / 12.0) - 1.0
        amp = e * sr / (TWO_PI * r)
        d = clamp(1.0 + amp * (1.0 - np.cos(TWO_PI * phase)), 1.0, top)
        for c in range(channels):
            buf[c, write] = x[c, i]
            out[c, i] = read_linear(buf[c], write, size, d)
        phase = wrap(phase + r / sr)
        write = next_index(write, size)
    state[0] = write
    state[1] = phase


@njit(cache=True)
def phaser(x: np.ndarray, out: np.ndarray, n: int, rate: np.ndarray, depth: np.ndarray,
           feedback: np.ndarray, centre: np.ndarray, stages: int, z: np.ndarray,
           state: np.ndarray, sr: float) -> None:
    """Wet phaser: `stages` first-order all-passes, all with the break frequency
    centre * 4**(depth*sin(2 pi phase)) (+-2 octaves at depth 1), fed with input +
    feedback * (last output).

    An all-pass stage is y = a*x + x1 - a*y1, a = (t - 1)/(t + 1), t = tan(pi f/sr): -90
    degrees at f. `z` is (channels, 2*stages + 1): each stage's x1, y1, then the feedback
    sample; `state` = [lfo phase]. The right channel's LFO runs a quarter period later.
    """
    channels = x.shape[0]
    phase = state[0]
    top = 0.49 * sr
    for i in range(n):
        fb = clamp(feedback[i], -0.95, 0.95)
        dep = clamp(depth[i], 0.0, 1.0)
        fc = clamp(centre[i], 20.0, top)
        for c in range(channels):
            f = fc * 4.0 ** (dep * np.sin(TWO_PI * (phase - 0.25 * c)))
            t = np.tan(np.pi * clamp(f, 10.0, top) / sr)
            a = (t - 1.0) / (t + 1.0)
            v = x[c, i] + fb * z[c, 2 * stages]
            for s in range(stages):
                y = a * v + z[c, 2 * s] - a * z[c, 2 * s + 1]
                z[c, 2 * s] = v
                z[c, 2 * s + 1] = y
                v = y
            z[c, 2 * stages] = v
            out[c, i] = v
        phase = wrap(phase + clamp(rate[i], 0.0, 100.0) / sr)
    state[0] = phase

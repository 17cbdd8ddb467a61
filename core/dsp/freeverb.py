"""JUCE's Freeverb (`juce::Reverb`, the reverb inside `pedalboard.Reverb`) as a numba kernel.

Same arithmetic, same order, float32 throughout, so the output is bit-identical to
pedalboard's `Reverb` (tests/dsp/test_freeverb.py compares them sample for sample: constant
and changing parameters, several sample rates and block sizes). Per channel: 8 parallel comb
filters with one-pole damping in the loop, summed, then 4 all-pass filters in series; the two
channels' delay lengths differ by a stereo spread of 23 samples (at 44.1 kHz). The comb and
all-pass states are "undenormalised" as JUCE does on x86 (`x += 0.1f; x -= 0.1f`), which also
rounds them: that step is part of the sound. Gains and damping follow JUCE's linear
`SmoothedValue` ramps (10 ms) when they change.

Why not call pedalboard: the same bytes cost less. In a tight loop (one stereo block, same
machine, same run) 2.3 against 4.4 us at block 64 (a plugin call has ~2 us of fixed cost), 7.1
against 12.2 us at 256 and 53 against 84 us at 2048, and the reverb is the largest node of
the reference workload (docs/speed.md, issue 19). pedalboard stays the reference the tests
compare with.
"""
from __future__ import annotations

import functools
import math

import numpy as np
from numba import njit

COMB_TUNINGS = (1116, 1188, 1277, 1356, 1422, 1491, 1557, 1617)
ALLPASS_TUNINGS = (556, 441, 341, 225)
STEREO_SPREAD = 23
SMOOTH_SECONDS = 0.01
FIXED_GAIN = np.float32(0.015)      # JUCE's input gain of the combs (not frozen)

#: rows of the smoothed values (`Freeverb.smooth`: current, target, step; `countdown`)
DAMPING, FEEDBACK, DRY, WET1, WET2 = range(5)
N_COMBS, N_ALLPASSES = len(COMB_TUNINGS), len(ALLPASS_TUNINGS)
#: rows of `Freeverb.ints`: delay lengths (one row per channel: 8 combs, then 4 all-passes),
#: positions (the same), the smoothed values' countdowns (first 5 entries)
LENGTHS, POSITIONS, COUNTDOWN = 0, 2, 4
#: rows of `Freeverb.floats`: the combs' damped states (one row per channel), then the
#: smoothed values (current, target, step in the first 3 columns)
LAST, SMOOTH = 0, 2
#: rows of `Freeverb.scratch`: the 5 smoothed values per sample, the 2 wet channels, the mono
#: input of the combs
RAMPS, WET, MONO = 0, 5, 7

_F = np.float32


@functools.lru_cache(maxsize=8)
def _lengths(rate: int) -> np.ndarray:
    """Delay lengths per channel at sample rate `rate` (the 8 combs, then the 4 all-passes),
    as `juce::Reverb::setSampleRate` computes them (read-only: a session copies them)."""
    tunings = COMB_TUNINGS + ALLPASS_TUNINGS
    lengths = np.array([[(rate * t) // 44100 for t in tunings],
                        [(rate * (t + STEREO_SPREAD)) // 44100 for t in tunings]], dtype=np.int64)
    lengths.flags.writeable = False
    return lengths


@functools.lru_cache(maxsize=8)
def _longest(rate: int) -> int:
    """The longest delay line at sample rate `rate` (a delay line's row length)."""
    return int(_lengths(rate).max())


class Freeverb:
    """The state of one stereo Freeverb and its parameters (`set`), run by `process`.

    A new instance starts as a fresh `pedalboard.Reverb()` prepared for `sr`: empty delay
    lines, JUCE's default parameters (room 0.5, damping 0.5, wet 0.33, dry 0.4, width 1)."""

    def __init__(self, sr: float, block: int) -> None:
        lengths = _lengths(int(sr))
        # few arrays, so a call unboxes few (each array argument costs ~35 ns): the delay
        # lines, the integers, the small float states, the per-block scratch; `smooth` and
        # `countdown` are views of the smoothed values (`set` writes them)
        self.lines = np.zeros((2, N_COMBS + N_ALLPASSES, _longest(int(sr))), dtype=_F)
        self.ints = np.zeros((5, N_COMBS + N_ALLPASSES), dtype=np.int64)
        self.ints[LENGTHS:LENGTHS + 2] = lengths
        self.floats = np.zeros((7, N_COMBS), dtype=_F)
        self.smooth = self.floats[SMOOTH:SMOOTH + 5, :3]      # current, target, step
        self.countdown = self.ints[COUNTDOWN, :5]
        self.steps = 0                                  # no ramp while the defaults are set
        self.params: tuple = ()
        self.set(0.5, 0.5, 0.33, 0.4, 1.0)
        self.steps = int(math.floor(SMOOTH_SECONDS * sr))
        self.scratch = np.zeros((8, block), dtype=_F)   # ramps, wet signal, mono input

    #: the arrays that make up the reverb's state (a hot-swapped successor takes them over)
    state_arrays = ("lines", "ints", "floats")

    def set(self, room: float, damping: float, wet: float, dry: float, width: float) -> None:
        """`juce::Reverb::setParameters`: new targets; a changed one ramps over 10 ms."""
        params = (room, damping, wet, dry, width)
        if params == self.params:
            return
        self.params = params
        room, damping, wet, dry, width = (_F(v) for v in params)
        wet = wet * _F(3.0)
        self._target(DRY, dry * _F(2.0))
        self._target(WET1, _F(0.5) * wet * (_F(1.0) + width))
        self._target(WET2, _F(0.5) * wet * (_F(1.0) - width))
        self._target(DAMPING, damping * _F(0.4))
        self._target(FEEDBACK, room * _F(0.28) + _F(0.7))

    def _target(self, row: int, value: np.float32) -> None:
        """`SmoothedValue<float>::setTargetValue` (linear ramp)."""
        s = self.smooth[row]
        if value == s[1]:
            return
        if self.steps <= 0:
            s[0] = s[1] = value
            self.countdown[row] = 0
            return
        s[1] = value
        self.countdown[row] = self.steps
        s[2] = (s[1] - s[0]) / _F(self.steps)

    def args(self, x: np.ndarray, out: np.ndarray, start: int, stop: int) -> tuple:
        """The arguments of `freeverb` for frames [start, stop) of `x` into `out`."""
        return (x, out, start, stop, self.lines, self.ints, self.floats, self.scratch)

    def process(self, x: np.ndarray, out: np.ndarray, start: int, stop: int) -> None:
        """Reverberate frames [start, stop) of the stereo float32 block `x` into the same
        frames of `out`."""
        n = stop - start
        if n > self.scratch.shape[1]:
            self.scratch = np.zeros((8, n), dtype=_F)
        freeverb(*self.args(x, out, start, stop))


@njit(cache=True)
def _ramp(floats: np.ndarray, countdown: np.ndarray, scratch: np.ndarray, n: int) -> None:
    """`SmoothedValue::getNextValue` n times for each smoothed value, into its ramp row."""
    for row in range(5):
        smooth = floats[SMOOTH + row]
        left = countdown[row]
        target = smooth[1]
        r = scratch[RAMPS + row]
        if left == 0:
            for i in range(n):
                r[i] = target
            continue
        current = smooth[0]
        step = smooth[2]
        for i in range(n):
            if left > 0:
                left -= 1
                if left > 0:
                    current += step
                else:
                    current = target
                r[i] = current
            else:
                r[i] = target
        smooth[0] = current
        countdown[row] = left


@njit(cache=True, inline="always")
def _comb(line: np.ndarray, k: int, last: np.float32, v: np.float32, keep: np.float32,
          damp: np.float32, fb: np.float32) -> tuple:
    """`juce::Reverb::CombFilter::process` at position k: (output, new damped state)."""
    tenth = np.float32(0.1)
    output = line[k]
    low = output * keep + last * damp
    low += tenth
    low -= tenth
    temp = v + low * fb
    temp += tenth
    temp -= tenth
    line[k] = temp
    return output, low


@njit(cache=True, inline="always")
def _allpass(line: np.ndarray, k: int, v: np.float32) -> np.float32:
    """`juce::Reverb::AllPassFilter::process` at position k."""
    tenth = np.float32(0.1)
    held = line[k]
    temp = v + held * np.float32(0.5)
    temp += tenth
    temp -= tenth
    line[k] = temp
    return held - v


@njit(cache=True)
def freeverb(x: np.ndarray, out: np.ndarray, start: int, stop: int, lines: np.ndarray,
             ints: np.ndarray, floats: np.ndarray, scratch: np.ndarray) -> None:
    """`juce::Reverb::processStereo` on frames [start, stop) of `x` (2, frames) into the
    same frames of `out` (8 combs and 4 all-passes per channel; the state in `Freeverb`'s
    `lines`, `ints`, `floats`, `scratch`).

    The channels are independent but for their common input, so each runs on its own, in
    stretches in which no delay line wraps around: the combs' positions and damped states
    stay in registers (the same operations on the same values as JUCE's loop)."""
    n = stop - start
    if n > scratch.shape[1] or stop > x.shape[1] or stop > out.shape[1]:
        raise ValueError("freeverb: more frames than the block or the scratch arrays hold")
    one = np.float32(1.0)
    gain = FIXED_GAIN
    _ramp(floats, ints[COUNTDOWN], scratch, n)
    damping, feedback = scratch[RAMPS + DAMPING], scratch[RAMPS + FEEDBACK]
    mono = scratch[MONO]
    x0, x1 = x[0, start:stop], x[1, start:stop]
    for i in range(n):
        mono[i] = (x0[i] + x1[i]) * gain
    for ch in range(2):
        w = scratch[WET + ch]
        buf, length, pos, last = lines[ch], ints[LENGTHS + ch], ints[POSITIONS + ch], \
            floats[LAST + ch]
        b0, b1, b2, b3, b4, b5, b6, b7 = buf[0], buf[1], buf[2], buf[3], buf[4], buf[5], \
            buf[6], buf[7]
        l0, l1, l2, l3, l4, l5, l6, l7 = last[0], last[1], last[2], last[3], last[4], last[5], \
            last[6], last[7]
        d0, d1, d2, d3 = buf[8], buf[9], buf[10], buf[11]
        a = 0
        while a < n:              # stretches in which no delay line's position wraps around
            m = n - a
            for j in range(12):
                m = min(m, length[j] - pos[j])
            k0, k1, k2, k3, k4, k5, k6, k7 = pos[0], pos[1], pos[2], pos[3], pos[4], pos[5], \
                pos[6], pos[7]
            q0, q1, q2, q3 = pos[8], pos[9], pos[10], pos[11]
            for i in range(m):
                t = a + i
                damp = damping[t]
                keep = one - damp
                fb = feedback[t]
                v = mono[t]
                acc = np.float32(0.0)
                o, l0 = _comb(b0, k0 + i, l0, v, keep, damp, fb)
                acc += o
                o, l1 = _comb(b1, k1 + i, l1, v, keep, damp, fb)
                acc += o
                o, l2 = _comb(b2, k2 + i, l2, v, keep, damp, fb)
                acc += o
                o, l3 = _comb(b3, k3 + i, l3, v, keep, damp, fb)
                acc += o
                o, l4 = _comb(b4, k4 + i, l4, v, keep, damp, fb)
                acc += o
                o, l5 = _comb(b5, k5 + i, l5, v, keep, damp, fb)
                acc += o
                o, l6 = _comb(b6, k6 + i, l6, v, keep, damp, fb)
                acc += o
                o, l7 = _comb(b7, k7 + i, l7, v, keep, damp, fb)
                acc += o
                acc = _allpass(d0, q0 + i, acc)     # the all-passes in series
                acc = _allpass(d1, q1 + i, acc)
                acc = _allpass(d2, q2 + i, acc)
                w[t] = _allpass(d3, q3 + i, acc)
            for j in range(12):
                k = pos[j] + m
                pos[j] = 0 if k >= length[j] else k
            a += m
        last[0], last[1], last[2], last[3] = l0, l1, l2, l3
        last[4], last[5], last[6], last[7] = l4, l5, l6, l7
    dry, wet1, wet2 = scratch[RAMPS + DRY], scratch[RAMPS + WET1], scratch[RAMPS + WET2]
    o0, o1 = out[0, start:stop], out[1, start:stop]
    w0, w1 = scratch[WET], scratch[WET + 1]
    for i in range(n):
        left, right = w0[i], w1[i]
        p, q = x0[i], x1[i]
        o0[i] = left * wet1[i] + right * wet2[i] + p * dry[i]
        o1[i] = right * wet1[i] + left * wet2[i] + q * dry[i]

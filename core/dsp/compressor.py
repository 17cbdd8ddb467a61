"""JUCE's feed-forward compressor (`juce::dsp::Compressor<float>`, the one inside
`pedalboard.Compressor`) as a numba kernel, bit-identical to pedalboard's.

Per channel: a peak envelope (`BallisticsFilter`: |x| followed with the attack coefficient
while it rises, the release coefficient while it falls), then a gain of 1 below the threshold
and (env / threshold) ** (1 / ratio - 1) above it, multiplied into the sample. float32
throughout, the coefficients computed as JUCE computes them (tests/dsp/test_compressor_kernel.py
compares kernel and plugin sample for sample: thresholds, ratios, times, parameter changes,
silence and quiet tails, sample rates and block sizes).

Why not call pedalboard: the same bytes cost less, 1.0 against 2.6 us per stereo block of 64
frames (a plugin call has ~2 us of fixed cost), 3.6 against 5.2 us at 256 (docs/speed.md,
issue 19). pedalboard stays the reference the tests compare with.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

_F = np.float32
MINUS_INFINITY_DB = _F(-200.0)

#: entries of `JuceCompressor.coefficients`
THRESHOLD, THRESHOLD_INVERSE, EXPONENT, ATTACK, RELEASE = range(5)


class JuceCompressor:
    """The envelope state and coefficients of one compressor at sample rate `sr`, set like
    JUCE's (`set`), run by `compress`. A new one is a freshly prepared plugin: envelope 0,
    JUCE's defaults (threshold 0 dB, ratio 1, attack 1 ms, release 100 ms)."""

    def __init__(self, sr: float, channels: int = 2) -> None:
        self.exp_factor = -2.0 * math.pi * 1000.0 / float(sr)   # double, as in JUCE
        self.envelope = np.zeros(channels, dtype=_F)
        self.coefficients = np.zeros(5, dtype=_F)
        self.params: tuple = ()
        self.set(0.0, 1.0, 1.0, 100.0)

    #: the arrays that make up the compressor's state (a hot-swapped successor takes them over)
    state_arrays = ("envelope",)

    def set(self, threshold_db: float, ratio: float, attack_ms: float, release_ms: float) -> None:
        """`setThreshold`, `setRatio`, `setAttack`, `setRelease`: JUCE's `update()`."""
        params = (threshold_db, ratio, attack_ms, release_ms)
        if params == self.params:
            return
        self.params = params
        db, ratio, attack, release = (_F(v) for v in params)
        threshold = decibels_to_gain(db) if db > MINUS_INFINITY_DB else _F(0.0)
        c = self.coefficients
        # a threshold of -200 dB: inverse inf (what the float32 division gives, unwarned)
        c[THRESHOLD_INVERSE] = _F(np.inf) if threshold == 0 else _F(1.0) / threshold
        c[THRESHOLD] = threshold
        c[EXPONENT] = _F(1.0) / ratio - _F(1.0)
        c[ATTACK] = self._cte(attack)
        c[RELEASE] = self._cte(release)

    def _cte(self, ms: np.float32) -> np.float32:
        """`BallisticsFilter::calculateLimitedCte`: exp in double of a float time, as float."""
        return _F(0.0) if ms < _F(1.0e-3) else _F(math.exp(self.exp_factor / float(ms)))

    def args(self, x: np.ndarray, out: np.ndarray, start: int, stop: int) -> tuple:
        """The arguments of `compress` for frames [start, stop) of `x` into `out`."""
        return (x, out, start, stop, self.envelope, self.coefficients)


@njit(cache=True)
def decibels_to_gain(db: np.float32) -> np.float32:
    """`Decibels::decibelsToGain` in float: powf(10, db * 0.05), the C library's powf, as the
    kernel's (numpy's float32 power rounds differently for some values)."""
    return np.float32(10.0) ** (db * np.float32(0.05))


@njit(cache=True)
def compress(x: np.ndarray, out: np.ndarray, start: int, stop: int, envelope: np.ndarray,
             coefficients: np.ndarray) -> None:
    """`juce::dsp::Compressor::process` on frames [start, stop) of `x` (channels, frames) into
    the same frames of `out`, channel after channel."""
    if stop > x.shape[1] or stop > out.shape[1] or envelope.shape[0] < x.shape[0]:
        raise ValueError("compress: frames beyond the block, or more channels than envelopes")
    threshold = coefficients[0]
    inverse = coefficients[1]
    exponent = coefficients[2]
    attack = coefficients[3]
    release = coefficients[4]
    one = np.float32(1.0)
    for ch in range(x.shape[0]):
        env = envelope[ch]
        xs = x[ch, start:stop]
        ys = out[ch, start:stop]
        for i in range(stop - start):
            v = xs[i]
            level = abs(v)
            cte = attack if level > env else release
            env = level + cte * (env - level)
            gain = one if env < threshold else (env * inverse) ** exponent
            ys[i] = gain * v
        envelope[ch] = env

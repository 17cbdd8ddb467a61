"""Measurements for node tests: steady-state sine gain and phase (least-squares fit), the pitch
of a periodic signal (zero crossings interpolated, or the interpolated spectral peak), cents."""
from __future__ import annotations

import numpy as np

SR = 44100


def sine(freq: float, frames: int = SR, amp: float = 0.1, sr: int = SR) -> np.ndarray:
    """A float32 sine of `frames` samples starting at phase 0."""
    return (amp * np.sin(2 * np.pi * freq * np.arange(frames) / sr)).astype(np.float32)


def fit_sine(y: np.ndarray, freq: float, sr: int = SR) -> complex:
    """The complex amplitude a of y ~ Re(a * exp(j w t)) + c (least squares over all of y)."""
    t = np.arange(len(y)) / sr
    w = 2 * np.pi * freq
    basis = np.column_stack([np.cos(w * t), -np.sin(w * t), np.ones_like(t)])
    (re, im, _), *_ = np.linalg.lstsq(basis, np.asarray(y, dtype=np.float64), rcond=None)
    return complex(re, im)


def sine_response(render, freq: float, *, frames: int = SR, settle: int | None = None,
                  amp: float = 0.1, sr: int = SR) -> complex:
    """Complex steady-state response of `render(x) -> (2, n)` to a sine at `freq` (channel 0):
    output amplitude and phase over input amplitude and phase, after `settle` samples."""
    x = sine(freq, frames, amp, sr)
    y = render(x)[0]
    s = frames // 2 if settle is None else settle
    return fit_sine(y[s:], freq, sr) / fit_sine(x[s:], freq, sr)


def db(value) -> float:
    return float(20 * np.log10(np.abs(value)))


def cents(f: float, ref: float) -> float:
    return float(1200 * np.log2(f / ref))


def zero_crossing_freq(y: np.ndarray, sr: int = SR) -> float:
    """The frequency of a periodic signal from its rising zero crossings (linear interpolation
    between samples), averaged over all whole periods of `y`."""
    y = np.asarray(y, dtype=np.float64) - np.mean(y)
    idx = np.flatnonzero((y[:-1] < 0) & (y[1:] >= 0))
    exact = idx + y[idx] / (y[idx] - y[idx + 1])
    return float(sr * (len(exact) - 1) / (exact[-1] - exact[0]))


def spectral_peak(y: np.ndarray, lo: float, hi: float, sr: int = SR, pad: int = 1 << 20) -> float:
    """The frequency of the largest Hann-windowed spectral peak in [lo, hi], refined by
    parabolic interpolation of the log magnitude."""
    y = np.asarray(y, dtype=np.float64)
    n = max(pad, len(y))
    spec = np.abs(np.fft.rfft(y * np.hanning(len(y)), n=n)) + 1e-300
    freqs = np.fft.rfftfreq(n, 1 / sr)
    band = np.flatnonzero((freqs >= lo) & (freqs <= hi))
    i = band[np.argmax(spec[band])]
    a, b, c = np.log(spec[i - 1:i + 2])
    shift = 0.5 * (a - c) / (a - 2 * b + c)
    return float((i + shift) * sr / n)


def band_energy(y: np.ndarray, lo: float, hi: float, sr: int = SR) -> float:
    """Energy of `y` between lo and hi Hz (sum of |FFT|^2 over the band)."""
    spec = np.abs(np.fft.rfft(np.asarray(y, dtype=np.float64))) ** 2
    freqs = np.fft.rfftfreq(len(y), 1 / sr)
    return float(spec[(freqs >= lo) & (freqs < hi)].sum())

"""What the wave and spectrogram plots show, computed with numpy (no matplotlib here).

- `wave_envelope`: per display column the minimum and maximum of each channel (what a DAW
  draws), exact: every sample falls in exactly one column.
- `spectrogram`: a Hann-windowed STFT in dB relative to full scale (a full-scale sine at a bin
  centre reads 0 dB), floored at `floor_db`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


@dataclass(frozen=True)
class Envelope:
    """Column start samples and the per-column (channels, columns) min and max."""

    starts: np.ndarray
    low: np.ndarray
    high: np.ndarray
    frames: int


@dataclass(frozen=True)
class Spectrogram:
    """times (s, frame centres), freqs (Hz), db (freqs, times)."""

    times: np.ndarray
    freqs: np.ndarray
    db: np.ndarray


def as_channels(y: np.ndarray) -> np.ndarray:
    """A (channels, n) view of mono (n,) or (channels, n) audio."""
    y = np.asarray(y)
    return y[None, :] if y.ndim == 1 else y


def wave_envelope(y: np.ndarray, columns: int = 2000) -> Envelope:
    """Min and max of each channel over `columns` equal slices (fewer for short audio)."""
    y = as_channels(y)
    n = y.shape[1]
    cols = max(1, min(columns, n))
    starts = (np.arange(cols, dtype=np.int64) * n) // cols
    if n == 0:
        empty = np.zeros((y.shape[0], 1), dtype=y.dtype)
        return Envelope(starts, empty, empty, 0)
    return Envelope(starts, np.minimum.reduceat(y, starts, axis=1),
                    np.maximum.reduceat(y, starts, axis=1), n)


def spectrogram(y: np.ndarray, sr: int, n_fft: int = 2048, hop: int | None = None,
                floor_db: float = -120.0, max_frames: int = 4000) -> Spectrogram:
    """STFT magnitude in dBFS of the channel mean. The signal is padded by `n_fft // 2` at both
    ends so frame i is centred on sample i * hop; `hop` defaults to n_fft / 4, raised so that
    at most `max_frames` frames are computed."""
    x = as_channels(y).astype(np.float64).mean(axis=0)
    n = x.shape[0]
    if hop is None:
        hop = max(n_fft // 4, -(-n // max_frames))
    padded = np.pad(x, (n_fft // 2, n_fft // 2))
    if padded.shape[0] < n_fft:
        padded = np.pad(padded, (0, n_fft - padded.shape[0]))
    frames = sliding_window_view(padded, n_fft)[::hop]
    window = np.hanning(n_fft + 1)[:-1]          # periodic Hann
    mag = np.abs(np.fft.rfft(frames * window, axis=1)) * (2.0 / window.sum())
    db = 20.0 * np.log10(np.maximum(mag, 10.0 ** (floor_db / 20.0)))
    times = np.arange(frames.shape[0]) * hop / sr
    return Spectrogram(times, np.fft.rfftfreq(n_fft, 1.0 / sr), db.T)

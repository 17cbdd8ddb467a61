"""Helpers for the sample tests: a root of known test sounds and a block-by-block renderer."""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import soundfile as sf

from phonon.plugins.api import Block, Params, Trigger

SR = 44100
from tests.data_paths import CC0_KIT  # noqa: F401 (re-exported for the sample tests)
CENTRE = np.cos(np.pi / 4)            # equal-power gain of each channel at pan 0


def sine(freq: float, seconds: float, sr: int = SR, amp: float = 0.5) -> np.ndarray:
    t = np.arange(int(round(seconds * sr))) / sr
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def write(root: Path, name: str, file: str, audio: np.ndarray, sr: int = SR) -> Path:
    """Write `audio` ((frames,) or (channels, frames)) as a float WAV/FLAC/AIFF under root/name."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file
    data = audio.T if audio.ndim == 2 else audio
    subtype = "FLOAT" if path.suffix == ".wav" else "PCM_24"
    sf.write(str(path), data, sr, subtype=subtype)
    return path


def make_test_root(root: Path) -> Path:
    """Known sounds (float WAV, read back bit-exactly):
    tone  1 kHz sine, 0.2 s      ramp  values 0.001*(1..2000)      dc    10000 frames of 0.5
    st    stereo: L = 1 kHz sine, R = 0.25 constant, 4410 frames
    """
    write(root, "tone", "a.wav", sine(1000.0, 0.2))
    write(root, "ramp", "a.wav", (np.arange(1, 2001) * 0.001).astype(np.float32))
    write(root, "dc", "a.wav", np.full(10000, 0.5, np.float32))
    write(root, "st", "a.wav", np.stack([sine(1000.0, 0.1), np.full(4410, 0.25, np.float32)]))
    return root


def peak_hz(x: np.ndarray, sr: int = SR) -> float:
    """Frequency of the strongest FFT bin (Hann window), refined by parabolic interpolation."""
    spec = np.abs(np.fft.rfft(x * np.hanning(x.size)))
    k = int(np.argmax(spec[1:-1])) + 1
    a, b, c = np.log(spec[k - 1 : k + 2] + 1e-30)
    return (k + 0.5 * (a - c) / (a - 2 * b + c)) * sr / x.size


def render(node, events, total: int, block: int = 512, sr: int = SR, channels: int = 2,
           params: Params | None = None, prepare: bool = True) -> np.ndarray:
    """Drive `node` block by block. `events`: (absolute sample, controls, duration s) tuples."""
    if prepare:
        node.prepare(sr, block, channels)
    out = np.zeros((channels, total), np.float32)
    buf = np.empty((channels, block), np.float32)
    for k, start in enumerate(range(0, total, block)):
        frames = min(block, total - start)
        trigs = [Trigger(at - start, dict(c), Fraction(at, sr), d)
                 for at, c, d in events if start <= at < start + frames]
        buf.fill(7.0)                                  # the node must overwrite its block
        node.process(Block(k, start, frames, sr, 1.0, start / sr, trigs), [],
                     params or Params(), buf)
        out[:, start : start + frames] = buf[:, :frames]
    return out


def onset(x: np.ndarray) -> int:
    """Index of the first non-zero sample (-1 when silent)."""
    nz = np.flatnonzero(x)
    return int(nz[0]) if nz.size else -1


def last(x: np.ndarray) -> int:
    """Index of the last non-zero sample (-1 when silent)."""
    nz = np.flatnonzero(x)
    return int(nz[-1]) if nz.size else -1

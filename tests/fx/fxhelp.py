"""Test helpers: run one node block by block; spectral and level measurements."""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from phonon.plugins.api import Block, Node, Params, Trigger
from phonon.plugins.testing import render_node

SR = 48000


def run_node(node: Node, frames: int, params: dict, *, inputs: list[np.ndarray] | None = None,
             block: int = 512, sr: int = SR, hits: list[int] | None = None,
             prepare: bool = True, channels: int = 2) -> np.ndarray:
    """Render `frames` samples of `node` (already constructed); returns (channels, frames).

    Stereo renders go through `phonon.plugins.testing.render_node`; `hits` are absolute sample
    positions of triggers. The mono path (`channels=1`, for the VST3 layout tests) uses
    `run_strict`.
    """
    if prepare:
        node.prepare(sr, block, channels)
    if channels == 2:
        return render_node(node, frames=frames, inputs=inputs or (), params=params, sr=sr,
                           block=block, events=[(h, 0.1) for h in hits or []])
    return run_strict(node, frames, params, inputs=inputs, block=block, sr=sr, hits=hits,
                      channels=channels)


def run_strict(node: Node, frames: int, params: dict, *, inputs: list[np.ndarray] | None = None,
               block: int = 512, sr: int = SR, hits: list[int] | None = None,
               channels: int = 2) -> np.ndarray:
    """Like `run_node` for a prepared node, but every output block starts as NaN."""
    out = np.zeros((channels, frames), dtype=np.float32)
    buf = np.zeros((channels, block), dtype=np.float32)
    hits = sorted(hits or [])
    for start in range(0, frames, block):
        n = min(block, frames - start)
        p = Params(**{k: (v[start:start + n] if isinstance(v, np.ndarray) else v)
                      for k, v in params.items()})
        ins = []
        for x in inputs or []:
            b = np.zeros((channels, block), dtype=np.float32)
            b[:, :n] = x[:, start:start + n]
            ins.append(b)
        events = [Trigger(h - start, {}, Fraction(0), 0.1) for h in hits if start <= h < start + n]
        ctx = Block(index=start // block, start=start, frames=n, sr=sr, cps=1.0, cycle=start / sr,
                    events=events)
        buf[:] = np.nan
        node.process(ctx, ins, p, buf)
        out[:, start:start + n] = buf[:, :n]
    return out


def defaults(cls: type[Node], **overrides) -> dict:
    """The node's number/any parameter defaults, with overrides."""
    values = {p.name: p.default for p in cls.spec.params if p.kind in ("number", "any")}
    values.update(overrides)
    return values


def rms_db(x: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(np.asarray(x, dtype=np.float64) ** 2)) + 1e-30))


def peak_freq(x: np.ndarray, sr: int = SR, lo: float = 0.0, hi: float | None = None,
              pad: int = 1 << 18) -> float:
    """Frequency (Hz) of the largest Hann-windowed spectral peak of a mono signal within [lo, hi]."""
    x = np.asarray(x, dtype=np.float64)
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x)), n=max(pad, len(x))))
    freqs = np.fft.rfftfreq(max(pad, len(x)), 1 / sr)
    band = (freqs >= lo) & (freqs <= (hi if hi is not None else sr / 2))
    return float(freqs[band][np.argmax(spec[band])])


def band_level(x: np.ndarray, f: float, sr: int = SR, width: float = 3.0) -> float:
    """Peak Hann-windowed amplitude (linear, sine amplitude units) near frequency `f`."""
    x = np.asarray(x, dtype=np.float64)
    w = np.hanning(len(x))
    spec = np.abs(np.fft.rfft(x * w)) * 2 / w.sum()
    freqs = np.fft.rfftfreq(len(x), 1 / sr)
    band = np.abs(freqs - f) <= width
    return float(spec[band].max())

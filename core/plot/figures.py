"""The figures of `phonon plot`, drawn with matplotlib's object API (no pyplot, no display).

Each `draw_*` function draws on one `Axes` and returns the artist holding its data, so tests
can read exactly what was handed to matplotlib. `figure(kind, ...)` builds a whole page:
`wave` and `spectrogram` one row per signal (the mix, or each stem), `roll`/`punchcard` the
events, `all` the roll above the spectrogram on the same time axis. With a tempo (`cps`) the
time axis is in cycles and has a grid line on every cycle; without one it is in seconds.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, MultipleLocator

from . import KINDS
from .audio import as_channels, spectrogram, wave_envelope
from .events import Layout

GAIN_CMAP = "viridis"
SPEC_CMAP = "magma"
ROW_FILL = 0.8                     # a rectangle's height in rows


def _time_axis(ax, cps: float | None, end: float) -> None:
    """Label the x axis; in cycles, a grid line on every cycle (every few when they are many)."""
    ax.set_xlim(0.0, end)
    if cps is None:
        ax.set_xlabel("seconds")
        return
    ax.set_xlabel("cycles")
    step = 1.0 if end <= 32 else float(MaxNLocator(16, integer=True).tick_values(0, end)[1])
    ax.xaxis.set_major_locator(MultipleLocator(step))
    ax.grid(True, axis="x", color="0.5", linewidth=0.6, alpha=0.6)


def draw_roll(ax, lay: Layout) -> PolyCollection:
    """One rectangle per event (x = cycles from onset to end of its whole, colour = gain)."""
    h = ROW_FILL / 2
    verts = [[(x0, y - h), (x1, y - h), (x1, y + h), (x0, y + h)] for x0, y, x1, _ in lay.rects]
    gains = np.array([g for *_, g in lay.rects], dtype=np.float64)
    top = max(1.0, float(gains.max())) if gains.size else 1.0
    coll = PolyCollection(verts, array=gains, cmap=GAIN_CMAP, norm=Normalize(0.0, top),
                          edgecolors="black", linewidths=0.4)
    ax.add_collection(coll)
    ax.set_yticks(range(len(lay.rows)), lay.rows, fontsize=8)
    ax.set_ylim(-0.5, max(len(lay.rows), 1) - 0.5)
    _time_axis(ax, 1.0, float(lay.cycles))
    ax.set_title(f"{lay.kind}: {len(lay.events)} events over {float(lay.cycles):g} cycles",
                 fontsize=9)
    ax.figure.colorbar(coll, ax=ax, label="gain", pad=0.01)
    return coll


def draw_wave(ax, y: np.ndarray, sr: int, cps: float | None = None, title: str = "",
              columns: int = 2000):
    """Each channel's min/max envelope (one filled band per channel); returns the bands."""
    env = wave_envelope(y, columns)
    scale = (cps if cps is not None else 1.0) / sr
    x = env.starts * scale
    bands = []
    for ch in range(env.low.shape[0]):
        bands.append(ax.fill_between(x, env.low[ch], env.high[ch], step="post", linewidth=0.3,
                                     alpha=0.6, label=("L", "R")[ch] if env.low.shape[0] == 2 else None))
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("amplitude")
    _time_axis(ax, cps, env.frames * scale)
    if env.low.shape[0] == 2:
        ax.legend(loc="upper right", fontsize=7)
    ax.set_title(title, fontsize=9)
    return bands


def draw_spectrogram(ax, y: np.ndarray, sr: int, cps: float | None = None, title: str = "",
                     floor_db: float = -120.0):
    """Log-frequency STFT in dBFS (colour bar from `floor_db` to 0); returns the mesh."""
    spec = spectrogram(y, sr, floor_db=floor_db)
    scale = cps if cps is not None else 1.0
    keep = spec.freqs > 0                              # no DC bin on a log axis
    mesh = ax.pcolormesh(spec.times * scale, spec.freqs[keep], spec.db[keep], shading="nearest",
                         cmap=SPEC_CMAP, vmin=floor_db, vmax=0.0, rasterized=True)
    ax.set_yscale("log")
    ax.set_ylim(max(20.0, float(spec.freqs[1])), sr / 2)
    ax.set_ylabel("Hz")
    _time_axis(ax, cps, as_channels(y).shape[1] / sr * scale)
    ax.set_title(title, fontsize=9)
    ax.figure.colorbar(mesh, ax=ax, label="dBFS", pad=0.01)
    return mesh


def figure(kind: str, *, signals: Mapping[str, np.ndarray] | None = None, sr: int = 44100,
           cps: float | None = None, roll: Layout | None = None, width: float = 11.0,
           dpi: int = 100) -> Figure:
    """A page of `kind` (see module doc). `signals` maps a name (`master`, a stem) to audio;
    `roll` is the event layout for roll/punchcard/all."""
    if kind not in KINDS:
        raise ValueError(f"plot kind must be one of {KINDS}, got {kind!r}")
    signals = dict(signals or {})
    if kind in ("roll", "punchcard"):
        rows = max(len(roll.rows), 1) if roll is not None else 1
        fig = Figure(figsize=(width, 1.2 + 0.28 * rows), dpi=dpi, layout="constrained")
        draw_roll(fig.add_subplot(), roll)
        return fig
    if kind == "all":
        first = next(iter(signals.items()))
        if roll is not None:
            rows = max(len(roll.rows), 1)
            fig = Figure(figsize=(width, 4.0 + 0.28 * rows), dpi=dpi, layout="constrained")
            top, bottom = fig.subplots(2, 1, sharex=True,
                                       gridspec_kw={"height_ratios": [max(rows, 4), 12]})
            draw_roll(top, roll)
            top.set_xlabel("")
            draw_spectrogram(bottom, first[1], sr, cps, title=f"spectrogram: {first[0]}")
            bottom.set_xlim(0.0, float(roll.cycles))
            return fig
        fig = Figure(figsize=(width, 6.5), dpi=dpi, layout="constrained")
        top, bottom = fig.subplots(2, 1, sharex=True)
        draw_wave(top, first[1], sr, cps, title=f"wave: {first[0]}")
        draw_spectrogram(bottom, first[1], sr, cps, title=f"spectrogram: {first[0]}")
        return fig
    draw = draw_wave if kind == "wave" else draw_spectrogram
    fig = Figure(figsize=(width, 0.6 + 2.6 * len(signals)), dpi=dpi, layout="constrained")
    axes = fig.subplots(len(signals), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (name, y) in zip(axes, signals.items()):
        draw(ax, y, sr, cps, title=f"{kind}: {name}")
    return fig

"""Wave sources: mipmapped wavetables (wavetable, additive, organ, soft_saw), blip, impulse,
phase modulation and the cycle phasor; numba kernels with their phase as state.

Wavetables are band-limited by construction: `build_tables` renders one table per "level",
each holding only the partials up to a harmonic cap (1, 2, 3, 4, 6, 8, 12, 16, 24, ...), and
`wavetable` reads, at each sample, the richest level whose highest partial stays below
0.45 * sr: no partial ever aliases. A phase accumulator in float64 keeps the pitch exact.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .primitives import fan_out, wrap

TABLE_SIZE = 4096
TOP = 0.45                  # the highest partial a wavetable plays, as a fraction of the rate


def harmonic_caps(count: int) -> np.ndarray:
    """The harmonic caps of the mip levels for a spectrum of `count` partials (ascending)."""
    caps = []
    cap = 1
    while cap < count:
        caps.append(cap)
        cap = cap + max(1, cap // 2)             # 1 2 3 4 6 9 13 19 ... (about half an octave)
    caps.append(count)
    return np.array(caps, dtype=np.float64)


def build_tables(amps: np.ndarray, phases: np.ndarray | None = None,
                 size: int = TABLE_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """Mip levels of the waveform sum_k amps[k-1] * sin(2 pi k t + phases[k-1]).

    Returns `(tables, caps)`: tables is (levels, size + 1) float64 (the last column repeats the
    first, for interpolation), caps the highest harmonic of each level. The waveform is scaled
    down, the same for every level, when its full-band peak would exceed 1. The arrays are
    read-only and shared: the same spectrum is built once per process (a poly of 16 `organ`
    voices builds one set of tables, not 16), at most `_CACHED` spectra kept.
    """
    amps = np.ascontiguousarray(amps, dtype=np.float64)
    phases = None if phases is None else np.ascontiguousarray(phases, dtype=np.float64)
    key = (amps.tobytes(), None if phases is None else phases.tobytes(), int(size))
    found = _tables.get(key)
    if found is None:
        if len(_tables) >= _CACHED:
            _tables.clear()
        found = _tables[key] = _build_tables(amps, phases, size)
    return found


#: spectrum (amplitudes, phases, size) -> read-only (tables, caps): see `build_tables`
_tables: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
_CACHED = 32


def _build_tables(amps: np.ndarray, phases: np.ndarray | None,
                  size: int) -> tuple[np.ndarray, np.ndarray]:
    """`build_tables` without the cache. Each level is the running sum of the partials up to
    its cap, added in harmonic order from zero (each partial's sine computed once)."""
    if phases is None:
        phases = np.zeros_like(amps)
    caps = harmonic_caps(max(len(amps), 1))
    t = np.arange(size) / size
    tables = np.zeros((len(caps), size + 1))
    wave = np.zeros(size)
    k = 0
    for level, cap in enumerate(caps):
        while k < int(cap):
            k += 1
            if k <= len(amps) and amps[k - 1] != 0.0:
                wave += amps[k - 1] * np.sin(2 * np.pi * k * t + phases[k - 1])
        tables[level, :size] = wave
    peak = float(np.abs(tables[-1, :size]).max()) if len(amps) else 0.0
    if peak > 1.0:
        tables /= peak
    tables[:, size] = tables[:, 0]
    tables.flags.writeable = False
    caps.flags.writeable = False
    return tables, caps


@njit(cache=True)
def wavetable(out: np.ndarray, n: int, freq: np.ndarray, phase: np.ndarray, tables: np.ndarray,
              caps: np.ndarray, sr: float) -> None:
    """Read the mipmapped `tables` at `freq` Hz (per sample) into every row of `out`.

    `phase[0]` (0..1) carries over. Level: the richest whose cap * |freq| < 0.45 * sr (the
    fundamental alone when even that is above). Linear interpolation within a table.
    """
    size = tables.shape[1] - 1
    levels = caps.shape[0]
    ph = phase[0]
    last_f = np.nan
    level = 0
    for i in range(n):
        f = freq[i]
        if not np.isfinite(f):
            f = 0.0
        if f != last_f:
            last_f = f
            limit = TOP * sr / max(abs(f), 1e-9)
            level = 0
            while level + 1 < levels and caps[level + 1] <= limit:
                level += 1
        pos = ph * size
        j = int(pos)
        frac = pos - j
        y = tables[level, j] + frac * (tables[level, j + 1] - tables[level, j])
        fan_out(out, i, y)
        ph = wrap(ph + f / sr)
    phase[0] = ph


@njit(cache=True)
def blip(out: np.ndarray, n: int, freq: np.ndarray, harmonics: np.ndarray, phase: np.ndarray,
         sr: float) -> None:
    """Band-limited impulse train: (1/N) sum_{k=1..N} cos(2 pi k phase), peak 1 at each period
    start, no DC. N = `harmonics` (0 or less: as many as fit below 0.45 * sr), never more than
    fit. Closed form (Dirichlet kernel): (sin((N + 1/2) x) / (2 sin(x/2)) - 1/2) / N."""
    ph = phase[0]
    for i in range(n):
        f = freq[i]
        if not np.isfinite(f):
            f = 0.0
        fit = int(TOP * sr / max(abs(f), 1e-9))
        h = harmonics[i]
        count = fit if not (h >= 1.0) else min(int(h), fit)
        if count < 1:
            count = 1
        x = 2.0 * np.pi * ph
        s = np.sin(0.5 * x)
        if abs(s) < 1e-9:
            y = 1.0
        else:
            y = (np.sin((count + 0.5) * x) / (2.0 * s) - 0.5) / count
        fan_out(out, i, y)
        ph = wrap(ph + f / sr)
    phase[0] = ph


@njit(cache=True)
def impulse(out: np.ndarray, n: int, freq: np.ndarray, phase: np.ndarray, sr: float) -> None:
    """Single-sample clicks of height 1 at `freq` Hz: a click on the sample where the phase
    wraps (the first sample of a render clicks too: `phase[0]` starts at 1)."""
    ph = phase[0]
    for i in range(n):
        y = 0.0
        if ph >= 1.0 - 1e-9:                  # (a period that sums to 1 in float64 counts)
            ph -= np.floor(ph + 1e-9)
            y = 1.0
        fan_out(out, i, y)
        f = freq[i]
        if np.isfinite(f) and f > 0.0:
            ph += f / sr
    phase[0] = ph


@njit(cache=True)
def pm(out: np.ndarray, n: int, carrier: np.ndarray, modulation: np.ndarray, index: np.ndarray,
       phase: np.ndarray, sr: float) -> None:
    """Phase modulation: sin(2 pi phase + index * modulation), `modulation` any signal."""
    ph = phase[0]
    for i in range(n):
        m = modulation[i] * index[i]
        y = np.sin(2.0 * np.pi * ph + m) if np.isfinite(m) else np.sin(2.0 * np.pi * ph)
        fan_out(out, i, y)
        f = carrier[i]
        if np.isfinite(f):
            ph = wrap(ph + f / sr)
    phase[0] = ph


@njit(cache=True)
def phasor(out: np.ndarray, n: int, speed: np.ndarray, phase: np.ndarray, step: float) -> None:
    """A 0 -> 1 ramp that advances `speed * step` per sample (step = cps / sr: `speed` ramps per
    cycle), wrapping at 1; `phase[0]` carries over."""
    ph = phase[0]
    for i in range(n):
        for c in range(out.shape[0]):
            out[c, i] = ph
        s = speed[i]
        if np.isfinite(s):
            ph = wrap(ph + s * step)
    phase[0] = ph

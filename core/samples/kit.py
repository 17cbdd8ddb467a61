"""The built-in drum kit, synthesized with numpy on first use (nothing shipped, nothing downloaded).

So that `s "bd*4"` sounds on a fresh machine, every kit sound is computed from a small recipe
(808/909-style analog-drum models) at the engine's sample rate; below 44.1 kHz (down to 8 kHz)
it is computed at 44.1 kHz and resampled, as a sample file would be, because the recipes' filters
(hats high-passed at 7 kHz) need that bandwidth. Synthesis is deterministic:
the same (name, variant, sr) gives the same bytes every time (noise comes from a generator seeded
by a CRC of the sound's name, never from Python's randomized `hash`).

    >>> from phonon.samples import kit
    >>> kit.names()          # doctest: +ELLIPSIS
    ('bd', 'cb', 'ch', 'cp', ...)
    >>> kit.render("bd", 0, 44100).shape  # (channels, frames), float32, peak 0.9
    (1, 26460)
"""
from __future__ import annotations

import zlib
from functools import lru_cache
from typing import Callable

import numpy as np

PEAK = 0.9                     # every kit sound is normalized to this peak amplitude
BASE_SR = 44100                # sounds for lower rates are synthesized here, then resampled
END_FADE_S = 0.005             # a short fade at the very end so no sound ends with a click

Recipe = Callable[[int, int, np.random.Generator], np.ndarray]


# -- building blocks (all vectorized over the whole sound)

def _time(sr: int, seconds: float) -> np.ndarray:
    return np.arange(int(round(seconds * sr)), dtype=np.float64) / sr


def _sweep(t: np.ndarray, sr: int, f_start: float, f_end: float, tau: float) -> np.ndarray:
    """A sine whose frequency falls exponentially from f_start to f_end (time constant tau)."""
    freq = f_end + (f_start - f_end) * np.exp(-t / tau)
    phase = 2.0 * np.pi * np.cumsum(freq) / sr
    return np.sin(phase - phase[0])


def _decay(t: np.ndarray, tau: float) -> np.ndarray:
    return np.exp(-t / tau)


def _band(x: np.ndarray, sr: int, lo: float | None, hi: float | None, order: int = 2) -> np.ndarray:
    """Butterworth band/high/low-pass (lo=None -> low-pass at hi; hi=None -> high-pass at lo)."""
    from scipy import signal           # imported on use: scipy.signal loads slowly
    nyq = 0.5 * sr
    if lo is None:
        sos = signal.butter(order, min(hi, 0.95 * nyq), "lowpass", fs=sr, output="sos")
    elif hi is None or hi >= 0.95 * nyq:
        sos = signal.butter(order, lo, "highpass", fs=sr, output="sos")
    else:
        sos = signal.butter(order, [lo, hi], "bandpass", fs=sr, output="sos")
    return signal.sosfilt(sos, x)


def _square(t: np.ndarray, freq: float) -> np.ndarray:
    return np.sign(np.sin(2.0 * np.pi * freq * t))


METAL_808 = (205.3, 304.4, 369.6, 522.7, 540.0, 800.0)   # the TR-808's six square oscillators


def _metal(t: np.ndarray) -> np.ndarray:
    return sum(_square(t, f) for f in METAL_808) / len(METAL_808)


# -- recipes: (sr, variant, rng) -> mono float64 signal

def _kick(sr: int, v: int, rng: np.random.Generator) -> np.ndarray:
    # variants: 808 (long boom), 909 (punchy, more click), tight (short)
    f_start, f_end, tau_f, decay, length, click = [
        (160.0, 48.0, 0.035, 0.17, 0.6, 0.15),
        (230.0, 55.0, 0.025, 0.1, 0.4, 0.35),
        (300.0, 62.0, 0.012, 0.05, 0.2, 0.25),
    ][v]
    t = _time(sr, length)
    body = _sweep(t, sr, f_start, f_end, tau_f) * _decay(t, decay)
    noise = _band(rng.standard_normal(t.size), sr, None, 3000.0) * _decay(t, 0.004)
    return body + click * noise


def _snare(sr: int, v: int, rng: np.random.Generator) -> np.ndarray:
    # variants: 808 (tonal), 909 (noisy, brighter)
    tone_mix, noise_mix, f1, f2, noise_tau, lo = [
        (0.8, 0.6, 180.0, 330.0, 0.07, 1000.0),
        (0.5, 0.9, 200.0, 345.0, 0.11, 1800.0),
    ][v]
    t = _time(sr, 0.3)
    tone = (np.sin(2 * np.pi * f1 * t) + 0.6 * np.sin(2 * np.pi * f2 * t)) * _decay(t, 0.035)
    noise = _band(rng.standard_normal(t.size), sr, lo, 9000.0) * _decay(t, noise_tau)
    return tone_mix * tone + noise_mix * noise


def _hat(open_: bool) -> Recipe:
    def recipe(sr: int, v: int, rng: np.random.Generator) -> np.ndarray:
        length, tau = ((0.6, 0.16), (0.9, 0.3))[v] if open_ else ((0.12, 0.018), (0.08, 0.009))[v]
        t = _time(sr, length)
        noise = rng.standard_normal(t.size)
        mixed = _band(0.6 * noise + 0.8 * _metal(t), sr, 7000.0, None, order=4)
        return mixed * _decay(t, tau)
    return recipe


def _clap(sr: int, v: int, rng: np.random.Generator) -> np.ndarray:
    bursts = (0.0, 0.011, 0.022, 0.031) if v == 0 else (0.0, 0.008, 0.019, 0.027, 0.036)
    t = _time(sr, 0.35)
    env = np.zeros_like(t)
    for start in bursts:                         # a few sharp hand-claps ...
        dt = t - start
        env += np.where(dt >= 0, np.exp(-np.maximum(dt, 0) / 0.004), 0.0)
    last = bursts[-1]                            # ... then the room tail
    env += np.where(t >= last, 0.6 * np.exp(-np.maximum(t - last, 0) / 0.07), 0.0)
    return _band(rng.standard_normal(t.size), sr, 900.0, 2400.0) * env


def _rim(sr: int, v: int, rng: np.random.Generator) -> np.ndarray:
    t = _time(sr, 0.08)
    tone = np.sin(2 * np.pi * 1700.0 * t) + 0.7 * np.sin(2 * np.pi * 455.0 * t)
    click = _band(rng.standard_normal(t.size), sr, 2000.0, None) * _decay(t, 0.0015)
    return tone * _decay(t, 0.012) + 0.8 * click


def _tom(f_end: float) -> Recipe:
    def recipe(sr: int, v: int, rng: np.random.Generator) -> np.ndarray:
        f0 = f_end * (1.0, 1.5)[v]               # variant 1: a fifth up
        decay = 0.16 * (90.0 / f0) ** 0.5 + 0.04
        t = _time(sr, min(0.8, 5.0 * decay))
        body = _sweep(t, sr, f0 * 1.6, f0, 0.03) * _decay(t, decay)
        noise = _band(rng.standard_normal(t.size), sr, None, 4000.0) * _decay(t, 0.01)
        return body + 0.15 * noise
    return recipe


def _cowbell(sr: int, v: int, rng: np.random.Generator) -> np.ndarray:
    t = _time(sr, 0.4)
    partials = 0.65 * _square(t, 540.0) + 0.35 * _square(t, 800.0)     # the 808 cowbell pair
    env = 0.7 * _decay(t, 0.012) + 0.3 * _decay(t, 0.11)
    return _band(partials, sr, 450.0, 3500.0) * env


def _crash(sr: int, v: int, rng: np.random.Generator) -> np.ndarray:
    length, tau = ((2.0, 0.6), (1.4, 0.35))[v]
    t = _time(sr, length)
    noise = rng.standard_normal(t.size)
    wash = _band(noise + 0.5 * _metal(t * 1.47), sr, 4000.0, None, order=2)
    attack = 1.0 - np.exp(-t / 0.002)
    return wash * _decay(t, tau) * attack


# name -> (recipe, number of variants)
RECIPES: dict[str, tuple[Recipe, int]] = {
    "bd": (_kick, 3),
    "sn": (_snare, 2),
    "hh": (_hat(open_=False), 2),
    "oh": (_hat(open_=True), 2),
    "cp": (_clap, 2),
    "rim": (_rim, 1),
    "lt": (_tom(90.0), 2),
    "mt": (_tom(135.0), 2),
    "ht": (_tom(200.0), 2),
    "cb": (_cowbell, 1),
    "cr": (_crash, 2),
}
ALIASES = {"sd": "sn", "ch": "hh", "rs": "rim", "cy": "cr"}


def names() -> tuple[str, ...]:
    """Every kit name (sounds and aliases), sorted."""
    return tuple(sorted((*RECIPES, *ALIASES)))


def count(name: str) -> int:
    """Number of variants of a kit sound (0 when the kit has no such name)."""
    entry = RECIPES.get(ALIASES.get(name, name))
    return entry[1] if entry else 0


def render(name: str, variant: int, sr: int) -> np.ndarray:
    """Synthesize kit sound `name` variant `variant mod count` at `sr`: float32 `(1, frames)`.

    Cached in memory per (sound, variant, sr), aliases included; the array is read-only.
    """
    key = ALIASES.get(name, name)
    if key not in RECIPES:
        raise KeyError(f"the built-in kit has no sound {name!r}")
    return _synthesize(key, int(variant) % RECIPES[key][1], int(sr))


@lru_cache(maxsize=None)
def _synthesize(key: str, v: int, sr: int) -> np.ndarray:
    if sr < BASE_SR:
        x = _resampled(_synthesize(key, v, BASE_SR)[0], sr)
    else:
        rng = np.random.default_rng(zlib.crc32(f"{key}:{v}".encode()))
        x = RECIPES[key][0](sr, v, rng)
        _fade_out(x, sr)
        x *= PEAK / np.max(np.abs(x))
    out = x.astype(np.float32)[None, :]
    out.setflags(write=False)
    return out


def _fade_out(x: np.ndarray, sr: int) -> None:
    fade = min(x.size, max(1, int(END_FADE_S * sr)))
    x[-fade:] *= np.linspace(1.0, 0.0, fade)


def _resampled(x: np.ndarray, sr: int) -> np.ndarray:
    """The BASE_SR sound `x` at the lower rate `sr`, band-limited like a resampled sample file:
    its level is kept (a hat loses most of its energy at 8 kHz, as a real one would), the
    resampler's ringing may not push it above PEAK, and it still ends in silence."""
    from math import gcd

    from scipy.signal import resample_poly
    g = gcd(sr, BASE_SR)
    y = resample_poly(x.astype(np.float64), sr // g, BASE_SR // g)
    _fade_out(y, sr)
    return y * min(1.0, PEAK / max(float(np.max(np.abs(y))), 1e-30))


def clear_cache() -> None:
    """Forget every synthesized sound (they are rebuilt, identically, on next use)."""
    _synthesize.cache_clear()

"""Channel vocoder, numba kernel: a bank of band-pass filters splits the modulator and the
carrier; each carrier band is multiplied by the envelope of the same modulator band.

Bands: `band_centres` spreads them log-evenly from 100 Hz to 8 kHz (capped at 0.4 * sr);
each band is two identical RBJ band-pass biquads in series (24 dB/octave skirts) with
Q = centre / (the distance to the neighbouring centres), coefficients from
`phonon.dsp.biquad.coefficients`. The modulator is analysed in mono (the channel mean); its
band envelope is a rectifier followed by a one-pole follower (`attack`, `release` seconds).
Each carrier band is followed the same way and divided by its own envelope (floored at
`FLOOR`), so the carrier gives only the fine structure: the output band has the modulator
band's level whatever the carrier's level or spectrum (a sine of amplitude A in a modulator
band gives that band of the carrier at amplitude A, within 1.5 dB anywhere between two band
centres). Every other band is added inverted: two neighbouring 4th-order band-passes are
nearly in antiphase at their crossover, so this makes them add instead of cancel. The carrier
keeps its channels.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .biquad import BAND, coefficients

LOW_HZ, HIGH_HZ = 100.0, 8000.0
FLOOR = 1e-3              # a carrier band quieter than this (-60 dB) is not boosted further


def band_centres(bands: int, sr: float) -> np.ndarray:
    """The centre frequencies of `bands` bands, log-evenly spaced."""
    high = min(HIGH_HZ, 0.4 * sr)
    return np.geomspace(LOW_HZ, high, bands) if bands > 1 else np.array([np.sqrt(LOW_HZ * high)])


def band_coefficients(bands: int, sr: float) -> np.ndarray:
    """(bands, 5) biquad coefficients (b0, b1, b2, a1, a2) of the band-pass of each band."""
    centres = band_centres(bands, sr)
    ratio = centres[1] / centres[0] if bands > 1 else 8.0
    q = 1.0 / (np.sqrt(ratio) - 1.0 / np.sqrt(ratio))
    return np.array([coefficients(BAND, float(f), float(q), 0.0, float(sr)) for f in centres])


@njit(cache=True, inline="always")
def _biquad(v: float, cf: np.ndarray, z: np.ndarray) -> float:
    """One sample through biquad `cf` (b0 b1 b2 a1 a2) with memory z (z1, z2)."""
    y = cf[0] * v + z[0]
    z[0] = cf[1] * v - cf[3] * y + z[1]
    z[1] = cf[2] * v - cf[4] * y
    return y


@njit(cache=True)
def vocoder(mod: np.ndarray, car: np.ndarray, out: np.ndarray, n: int, coefs: np.ndarray,
            mod_z: np.ndarray, car_z: np.ndarray, env: np.ndarray, car_env: np.ndarray,
            attack: np.ndarray, release: np.ndarray, sr: float) -> None:
    """Vocode `n` samples. `coefs` (bands, 5); `mod_z` (bands, 2, 2) the modulator's filter
    memories, `car_z` (channels, bands, 2, 2) the carrier's; `env` (bands,) and `car_env`
    (channels, bands) the followers. Non-finite input samples count as 0."""
    bands = coefs.shape[0]
    channels = car.shape[0]
    last_a = np.nan
    last_r = np.nan
    up = down = 1.0
    for i in range(n):
        if attack[i] != last_a or release[i] != last_r:
            last_a = attack[i]
            last_r = release[i]
            up = 1.0 - np.exp(-1.0 / max(last_a * sr, 1.0)) if np.isfinite(last_a) else 1.0
            down = 1.0 - np.exp(-1.0 / max(last_r * sr, 1.0)) if np.isfinite(last_r) else 1.0
        m = 0.0
        for c in range(mod.shape[0]):
            v = mod[c, i]
            m += v if np.isfinite(v) else 0.0
        m /= mod.shape[0]
        for b in range(bands):
            level = abs(_biquad(_biquad(m, coefs[b], mod_z[b, 0]), coefs[b], mod_z[b, 1]))
            e = env[b]
            env[b] = e + (level - e) * (up if level > e else down)
        for c in range(channels):
            v = car[c, i]
            if not np.isfinite(v):
                v = 0.0
            acc = 0.0
            for b in range(bands):
                y = _biquad(_biquad(v, coefs[b], car_z[c, b, 0]), coefs[b], car_z[c, b, 1])
                level = abs(y)
                e = car_env[c, b]
                e += (level - e) * (up if level > e else down)
                car_env[c, b] = e
                acc += (y if b % 2 == 0 else -y) * env[b] / max(e, FLOOR)
            out[c, i] = acc

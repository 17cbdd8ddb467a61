"""The per-voice filters measured on an impulse: `cutoff`/`lpf`, `hcutoff`/`hpf`, `bandf`/`bpf`,
`djf` and `vowel` give the responses of SuperDirt's synths (SuperCollider's RLPF, RHPF, BPF;
formulas from FilterUGens.cpp, written out here independently of the engine), are stable at any
cutoff and resonance, and change nothing but the voices that ask for them."""
from __future__ import annotations

import numpy as np
import pytest

from tests.superdirt.rig import SR, play_one

N = 8192
NFFT = 1 << 16
FREQS = np.fft.rfftfreq(NFFT, 1 / SR)


def impulse_response(bank, controls: dict, n: int = N) -> np.ndarray:
    """The voice's left channel for the `imp` sample hard left (pan -1: gain 1)."""
    return play_one(bank, {"s": "imp", "pan": -1, **controls}, n)[0].astype(np.float64)


def db_response(h: np.ndarray) -> np.ndarray:
    return 20 * np.log10(np.abs(np.fft.rfft(h, NFFT)) + 1e-300)


def sc_rfilter(freq: float, rq: float, high: bool) -> tuple[np.ndarray, np.ndarray]:
    """SuperCollider's RLPF/RHPF as (numerator, denominator) polynomials in z^-1."""
    w = freq * 2 * np.pi / SR
    d = np.tan(w * max(rq, 0.001) * 0.5)
    c = (1 - d) / (1 + d)
    b1, b2 = (1 + c) * np.cos(w), -c
    a0 = (1 + c + b1) * 0.25 if high else (1 + c - b1) * 0.25
    num = a0 * np.array([1.0, -2.0, 1.0] if high else [1.0, 2.0, 1.0])
    return num, np.array([1.0, -b1, -b2])


def sc_bpf(freq: float, rq: float) -> tuple[np.ndarray, np.ndarray]:
    w = freq * 2 * np.pi / SR
    c = 1 / np.tan(rq * w * 0.5)
    d = 2 * np.cos(w)
    a0 = 1 / (1 + c)
    return a0 * np.array([1.0, 0.0, -1.0]), np.array([1.0, -c * d * a0, -(1 - c) * a0])


def response_db(num: np.ndarray, den: np.ndarray, f: np.ndarray) -> np.ndarray:
    z = np.exp(-1j * 2 * np.pi * f / SR)
    return 20 * np.log10(np.abs(np.polyval(num[::-1], z) / np.polyval(den[::-1], z)))


def crossing(f: np.ndarray, db: np.ndarray, level: float, rising: bool) -> float:
    """The frequency where `db` first crosses `level` (linear interpolation)."""
    idx = np.nonzero(db >= level if rising else db <= level)[0]
    k = int(idx[0])
    return float(np.interp(level, [db[k - 1], db[k]][::1 if rising else -1],
                           [f[k - 1], f[k]][::1 if rising else -1]))


@pytest.mark.parametrize("cutoff", [200.0, 1000.0, 5000.0])
def test_lpf_minus_3db_point_and_slope_are_rlpfs(bank, cutoff):
    """resonance 0 is rq 1: RLPF's -3 dB point (about 1.27 x cutoff: it peaks at 0 dB) and a
    12 dB/octave slope above it."""
    got = db_response(impulse_response(bank, {"cutoff": cutoff}))
    want = response_db(*sc_rfilter(cutoff, 1.0, False), FREQS[1:])
    f3_got = crossing(FREQS[1:], got[1:], -3.0, rising=False)
    f3_want = crossing(FREQS[1:], want, -3.0, rising=False)
    assert f3_got == pytest.approx(f3_want, rel=0.005)
    assert abs(got[1]) < 0.01                                       # unity at DC
    at = lambda f: float(np.interp(f, FREQS, got))
    num, den = sc_rfilter(cutoff, 1.0, False)
    octaves = (2, 4) if 8 * cutoff >= SR / 2 else (4, 8)
    slope = at(octaves[1] * cutoff) - at(octaves[0] * cutoff)      # dB per octave up there
    assert slope == pytest.approx(float(np.diff(response_db(num, den, np.array(octaves) * cutoff))[0]),
                                  abs=0.1)
    if cutoff <= 200:                                   # far from Nyquist: a two-pole slope
        assert slope == pytest.approx(-12.0, abs=0.5)
    band = (FREQS > 20) & (FREQS < 15000)
    assert np.max(np.abs(got[band] - response_db(*sc_rfilter(cutoff, 1.0, False), FREQS[band]))) < 0.05


def test_lpf_alias_and_resonance_peak(bank):
    """`lpf`/`lpq` are `cutoff`/`resonance`; resonance r is rq = 0.001^r (linexp 1..0.001): at
    0.5 the filter peaks near the cutoff by about 1/rq (+30 dB)."""
    got = db_response(impulse_response(bank, {"cutoff": 1000.0, "resonance": 0.5}))
    peak_f = FREQS[np.argmax(got)]
    assert peak_f == pytest.approx(1000.0, rel=0.01)
    want = response_db(*sc_rfilter(1000.0, 0.001 ** 0.5, False), np.array([peak_f]))[0]
    assert got.max() == pytest.approx(want, abs=0.3) and 28 < got.max() < 32


@pytest.mark.parametrize("cutoff", [100.0, 1000.0, 4000.0])
def test_hpf_minus_3db_point_and_slope_are_rhpfs(bank, cutoff):
    got = db_response(impulse_response(bank, {"hcutoff": cutoff}))
    want = response_db(*sc_rfilter(cutoff, 1.0, True), FREQS[1:])
    f3_got = crossing(FREQS[1:], got[1:], -3.0, rising=True)
    f3_want = crossing(FREQS[1:], want, -3.0, rising=True)
    assert f3_got == pytest.approx(f3_want, rel=0.01)
    at = lambda f: float(np.interp(f, FREQS, got))
    assert at(cutoff / 8) - at(cutoff / 4) == pytest.approx(-12.0, abs=0.6)   # 12 dB/octave


def test_bpf_peaks_at_bandf_with_gain_bandq_and_bandwidth_bandf_over_bandq(bank):
    """dirt_bpf: BPF(bandf, 1/bandq) * max(bandq, 1): +20 dB at 1 kHz for bandq 10, -3 dB
    bandwidth 100 Hz."""
    got = db_response(impulse_response(bank, {"bandf": 1000.0, "bandq": 10.0}))
    k = int(np.argmax(got))
    assert FREQS[k] == pytest.approx(1000.0, rel=0.005)
    assert got[k] == pytest.approx(20.0, abs=0.05)
    lo = crossing(FREQS[:k + 1], got[:k + 1], got[k] - 3, rising=True)
    hi = crossing(FREQS[k:], got[k:], got[k] - 3, rising=False)
    assert hi - lo == pytest.approx(100.0, rel=0.03)
    band = (FREQS > 50) & (FREQS < 10000)
    num, den = sc_bpf(1000.0, 0.1)
    assert np.max(np.abs(got[band] - 20 * np.log10(10) - response_db(num, den, FREQS[band]))) < 0.05


@pytest.mark.parametrize("djf,lp,hp", [(0.25, 20 * 500 ** 0.5, 20.0), (0.75, 10000.0, 20 * 500 ** 0.5),
                                       (0.5, 10000.0, 20.0)])
def test_djf_is_rlpf_then_rhpf_at_linexp_cutoffs(bank, djf, lp, hp):
    got = db_response(impulse_response(bank, {"djf": djf}))
    band = (FREQS > 30) & (FREQS < 15000)
    want = response_db(*sc_rfilter(lp, 1.0, False), FREQS[band]) + \
        response_db(*sc_rfilter(hp, 1.0, True), FREQS[band])
    assert np.max(np.abs(got[band] - want)) < 0.05


#: the Vowel quark's counterTenor table (Csound's formants): freqs, dB, bandwidths
COUNTER_TENOR = {"a": ((660, 1120, 2750, 3000, 3350), (0, -6, -23, -24, -38), (80, 90, 120, 130, 140)),
                 "i": ((270, 1850, 2900, 3350, 3590), (0, -24, -24, -36, -36), (40, 90, 100, 120, 120))}


def dirt_vowel_db(vowel: str, resonance: float, f: np.ndarray) -> np.ndarray:
    """dirt_vowel's response: XFade2(dry, sum of BPF(freq, rq / res.linlin(0,1,.1,.5)) *
    amp * res.linlin(0,1,50,200), pan res.linlin(0,1,-.5,1), level 0.25)."""
    freqs, dbs, bws = COUNTER_TENOR[vowel]
    z = np.exp(-1j * 2 * np.pi * f / SR)
    wet = 0
    for fr, db, bw in zip(freqs, dbs, bws):
        num, den = sc_bpf(fr, bw / fr / (0.1 + 0.4 * resonance))
        wet = wet + np.polyval(num[::-1], z) / np.polyval(den[::-1], z) * 10 ** (db / 20) * (50 + 150 * resonance)
    x = (-0.5 + 1.5 * resonance + 1) * np.pi / 4
    return 20 * np.log10(np.abs(0.25 * (np.cos(x) + np.sin(x) * wet)))


@pytest.mark.parametrize("vowel,first", [("a", 660.0), ("i", 270.0)])
@pytest.mark.parametrize("resonance", [0.0, 0.5, 1.0])
def test_vowel_is_dirt_vowel_with_the_counter_tenor_formants(bank, vowel, first, resonance):
    got = db_response(impulse_response(bank, {"vowel": vowel, "resonance": resonance}))
    band = (FREQS > 50) & (FREQS < 8000)
    want = dirt_vowel_db(vowel, resonance, FREQS[band])
    assert np.max(np.abs(got[band] - want)) < 0.05
    # the strongest peak is the first formant (resonance 0 widens the bands tenfold: it moves)
    assert FREQS[band][np.argmax(got[band])] == pytest.approx(first, rel=0.05 if resonance else 0.15)


def test_an_unknown_vowel_is_dry(bank):
    assert np.array_equal(impulse_response(bank, {"vowel": "x"}), impulse_response(bank, {}))


@pytest.mark.parametrize("cutoff", [20.0, 80.0, 1000.0, 15000.0, 22050.0, 30000.0])
@pytest.mark.parametrize("resonance", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("kind", ["cutoff", "hcutoff"])
def test_filters_are_stable_at_any_cutoff_and_resonance(bank, cutoff, resonance, kind):
    """White noise through the filter: finite, and never above the filter's own peak gain
    (computed from the formula at the clipped cutoff) times the input's peak."""
    reso = "resonance" if kind == "cutoff" else "hresonance"
    y = play_one(bank, {"s": "noise", "pan": -1, kind: cutoff, reso: resonance}, SR + 1000)[0]
    assert np.all(np.isfinite(y))
    f = min(cutoff, 0.49 * SR)
    peak = 10 ** (response_db(*sc_rfilter(f, 0.001 ** resonance, kind == "hcutoff"),
                              np.linspace(1, SR / 2 - 1, 20000)).max() / 20)
    assert np.abs(y).max() <= 0.5 * peak * 8 + 1e-6


def test_a_filtered_voice_starts_and_ends_without_a_step(bank):
    """Coefficients are set at the onset and the state starts at zero: the first output frame
    is a0 times the first input frame (no transient from a previous voice's state)."""
    a = impulse_response(bank, {"cutoff": 500.0})
    b = play_one(bank, {"s": "imp", "pan": -1, "cutoff": 500.0}, N, at=1000)[0]
    num, _ = sc_rfilter(500.0, 1.0, False)
    assert a[0] == pytest.approx(num[0], rel=1e-6)
    assert np.array_equal(b[1000:1000 + 4000], a[:4000].astype(np.float32))


@pytest.mark.parametrize("kind", ["cutoff", "hcutoff", "bandf"])
def test_filters_stay_within_their_l1_bound_over_a_dense_sweep(bank, kind):
    """16 cutoffs from 20 Hz to Nyquist x resonance (bandq) 0..1 (1..100): on noise of peak
    0.5 the output never exceeds 0.5 x sum |h| of the filter's own impulse response (the
    exact bound for any input), and the filter's coefficients (the output for the impulse) are
    the formula's at the clipped cutoff."""
    from scipy.signal import lfilter
    imp = np.zeros(N)
    imp[0] = 1.0
    for cutoff in np.geomspace(20.0, SR / 2, 16):
        for r in np.linspace(0.0, 1.0, 5):
            f = min(cutoff, 0.49 * SR)
            if kind == "bandf":
                q = 100.0 ** r
                num, den = sc_bpf(max(f, 20.0), 1.0 / q)
                num, controls = num * q, {kind: cutoff, "bandq": q}
            else:
                num, den = sc_rfilter(f, 0.001 ** r, kind == "hcutoff")
                controls = {kind: cutoff, ("resonance" if kind == "cutoff" else "hresonance"): r}
            h = lfilter(num, den, imp)
            got = impulse_response(bank, controls)
            assert np.allclose(got, h, atol=1e-6 * max(1.0, np.abs(h).max())), (cutoff, r)
            y = play_one(bank, {"s": "noise", "pan": -1, **controls}, 8192)[0]
            assert np.all(np.isfinite(y)) and np.abs(y).max() <= 0.5 * np.abs(h).sum() * 1.0001 + 1e-6

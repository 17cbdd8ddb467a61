"""The built-in kit: every required sound, deterministic bytes, and recognisable spectra."""
from __future__ import annotations

import numpy as np
import pytest

from phonon.samples import SampleBank, kit

from .sample_rig import SR, peak_hz

REQUIRED = ("bd", "sn", "hh", "oh", "cp", "rim", "lt", "mt", "ht", "cb", "cr")


def centroid(x: np.ndarray, sr: int = SR) -> float:
    spec = np.abs(np.fft.rfft(x))
    return float(np.sum(spec * np.fft.rfftfreq(x.size, 1 / sr)) / np.sum(spec))


@pytest.mark.parametrize("name", REQUIRED)
def test_every_required_sound_exists_normalized_mono_float32(name):
    assert kit.count(name) >= 1
    for v in range(kit.count(name)):
        x = kit.render(name, v, SR)
        assert x.dtype == np.float32 and x.ndim == 2 and x.shape[0] == 1
        assert np.max(np.abs(x)) == np.float32(0.9)
        assert x[0, -1] == 0.0                                    # faded out: no end click


def test_synthesis_is_deterministic_bytes():
    first = {(n, v): kit.render(n, v, SR).tobytes() for n in REQUIRED for v in range(kit.count(n))}
    kit.clear_cache()
    again = {(n, v): kit.render(n, v, SR).tobytes() for n in REQUIRED for v in range(kit.count(n))}
    assert first == again


def test_variants_differ_and_wrap():
    assert kit.render("bd", 0, SR).tobytes() != kit.render("bd", 1, SR).tobytes()
    assert kit.render("bd", 3, SR) is kit.render("bd", 0, SR)


def test_aliases_and_unknown():
    assert kit.render("sd", 1, SR) is kit.render("sn", 1, SR)
    assert kit.render("ch", 0, SR) is kit.render("hh", 0, SR)
    assert kit.count("nope") == 0
    with pytest.raises(KeyError):
        kit.render("nope", 0, SR)


def test_kick_settles_on_its_low_pitch():
    tail = kit.render("bd", 0, SR)[0, 4410:]          # after the sweep: the 48 Hz boom
    assert peak_hz(tail) == pytest.approx(48.0, abs=2.0)


def test_toms_sit_at_three_rising_pitches():
    pitches = [peak_hz(kit.render(n, 0, SR)[0, 2205:]) for n in ("lt", "mt", "ht")]
    assert pitches == pytest.approx([90.0, 135.0, 200.0], rel=0.03)


def test_hats_are_bright_and_open_hat_is_longer():
    hh, oh = kit.render("hh", 0, SR)[0], kit.render("oh", 0, SR)[0]
    assert centroid(hh) > 7000 and centroid(oh) > 7000
    assert oh.size > 4 * hh.size


def test_cowbell_has_its_two_partials():
    spec = np.abs(np.fft.rfft(kit.render("cb", 0, SR)[0]))
    freqs = np.fft.rfftfreq(kit.render("cb", 0, SR).shape[1], 1 / SR)
    top = sorted(freqs[np.argsort(spec)[-40:]])
    assert any(abs(f - 540) < 5 for f in top) and any(abs(f - 800) < 5 for f in top)


def test_kit_renders_at_the_bank_rate():
    assert SampleBank([], sr=48000).get("bd").shape == (1, 28800)      # 0.6 s at 48 kHz
    assert SampleBank([], sr=SR).get("cr", 1).shape == (1, round(1.4 * SR))


@pytest.mark.parametrize("sr", [8000, 11025, 16000, 22050])
def test_below_44k_every_sound_is_the_44k_sound_resampled(sr):
    """Down to 8 kHz: no filter corner above Nyquist (it crashed with `Wn` out of range), the
    sound band-limited like a resampled sample file, its level kept, still ending in silence."""
    from math import gcd

    from scipy.signal import resample_poly
    for name in REQUIRED:
        for v in range(kit.count(name)):
            x, ref = kit.render(name, v, sr)[0], kit.render(name, v, SR)[0]
            assert x.dtype == np.float32 and x.size == -(-ref.size * sr // SR)
            assert np.all(np.isfinite(x)) and np.max(np.abs(x)) <= np.float32(0.9) and x[-1] == 0
            g = gcd(sr, SR)
            direct = resample_poly(ref.astype(np.float64), sr // g, SR // g)
            body = slice(0, x.size - int(0.005 * sr))               # before the end fade
            scale = min(1.0, 0.9 / np.max(np.abs(direct)))
            np.testing.assert_allclose(x[body], direct[body] * scale, atol=1e-6)


def test_at_8k_the_drums_keep_their_pitch_and_the_hat_its_level_below_4k():
    assert peak_hz(kit.render("bd", 0, 8000)[0, 800:], sr=8000) == pytest.approx(48.0, abs=2.0)
    assert peak_hz(kit.render("lt", 0, 8000)[0, 400:], sr=8000) == pytest.approx(90.0, rel=0.03)
    hh8 = kit.render("hh", 0, 8000)[0].astype(np.float64)
    hh = kit.render("hh", 0, SR)[0].astype(np.float64)
    spectrum, f = np.fft.rfft(hh), np.fft.rfftfreq(hh.size, 1 / SR)
    below_4k = np.fft.irfft(np.where(f < 4000, spectrum, 0), hh.size)    # an ideal low-pass
    level = 20 * np.log10(np.sqrt(np.mean(hh8 ** 2)) / np.sqrt(np.mean(below_4k ** 2)))
    assert level == pytest.approx(0.0, abs=1.0)      # the hat's share below 4 kHz, ~35 dB down


@pytest.mark.parametrize("sr", [8000, 11025, 384000])
def test_the_cli_renders_the_demo_at_the_extreme_rates(sr, tmp_path):
    from pathlib import Path

    from phonon.cli import main
    demo = Path(__file__).resolve().parents[2] / "examples" / "demo.ph"
    out = tmp_path / "demo.wav"
    assert main(["render", str(demo), str(out), "-d", "2", "-s", str(sr)]) == 0
    import soundfile as sf
    y, file_sr = sf.read(str(out), dtype="float32", always_2d=True)
    assert file_sr == sr and y.shape == (2 * sr, 2) and np.all(np.isfinite(y))
    assert 20 * np.log10(np.abs(y).max()) > -6.0

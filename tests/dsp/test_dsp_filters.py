"""State-variable filters: measured magnitude vs the analytic response of the topology."""
import numpy as np
import pytest
from scipy import signal

from phonon.dsp import svf
from phonon.nodes.filters import BandPass, HighPass, LowPass, Notch
from phonon.nodes.noise import WhiteNoise
from phonon.plugins.testing import render_node

SR = 44100
N = 1 << 16
FILTERS = [(LowPass, svf.LOW), (HighPass, svf.HIGH), (BandPass, svf.BAND), (Notch, svf.NOTCH)]


def measured_db(cls, cutoff, q):
    impulse = np.zeros(N, dtype=np.float32)
    impulse[0] = 1.0
    y = render_node(cls, frames=N, inputs=[impulse], params={"cutoff": cutoff, "q": q}, block=512)
    freqs = np.fft.rfftfreq(N, 1 / SR)
    return freqs, 20 * np.log10(np.abs(np.fft.rfft(y[0].astype(np.float64))) + 1e-300)


@pytest.mark.parametrize("cls,mode", FILTERS)
@pytest.mark.parametrize("cutoff,q", [(1000.0, 0.707), (200.0, 4.0), (8000.0, 2.0), (15000.0, 0.5)])
def test_magnitude_matches_analytic_within_half_db(cls, mode, cutoff, q):
    freqs, got = measured_db(cls, cutoff, q)
    band = (freqs >= 20) & (freqs <= 15000)
    want = 20 * np.log10(np.abs(svf.response(mode, freqs[band], cutoff, q, SR)))
    keep = want > -80          # the notch's zero itself: compare everywhere it is above -80 dB
    assert np.max(np.abs(got[band][keep] - want[keep])) < 0.5


@pytest.mark.parametrize("mode,analog", [
    (svf.LOW, ([1.0], [1.0, 1.0 / 0.707, 1.0])),
    (svf.HIGH, ([1.0, 0.0, 0.0], [1.0, 1.0 / 0.707, 1.0])),
    (svf.BAND, ([1.0 / 0.707, 0.0], [1.0, 1.0 / 0.707, 1.0])),
    (svf.NOTCH, ([1.0, 0.0, 1.0], [1.0, 1.0 / 0.707, 1.0])),
])
def test_analytic_response_is_the_prewarped_bilinear_transform(mode, analog):
    """Cross-check `svf.response` against scipy's bilinear transform of the analog prototype."""
    cutoff = 3000.0
    warped = 2 * SR * np.tan(np.pi * cutoff / SR)              # pre-warp the cutoff
    b, a = analog
    # H(s / w): divide the coefficient of s**k by w**k
    b_s = np.array([c / warped ** (len(b) - 1 - i) for i, c in enumerate(b)])
    a_s = np.array([c / warped ** (len(a) - 1 - i) for i, c in enumerate(a)])
    bz, az = signal.bilinear(b_s, a_s, fs=SR)
    f = np.array([50.0, 500.0, 2000.0, 3000.0, 6000.0, 15000.0])
    _, h = signal.freqz(bz, az, worN=f, fs=SR)
    assert np.allclose(np.abs(svf.response(mode, f, cutoff, 0.707, SR)), np.abs(h), rtol=1e-9, atol=1e-12)


def test_lowpass_is_minus_3db_at_cutoff_and_bandpass_peaks_at_0db():
    freqs, lp = measured_db(LowPass, 1000.0, 0.7071067811865476)
    i = np.argmin(np.abs(freqs - 1000.0))
    assert lp[i] == pytest.approx(-3.01, abs=0.02)
    _, bp = measured_db(BandPass, 1000.0, 5.0)
    assert bp[i] == pytest.approx(0.0, abs=0.02)
    assert freqs[np.argmax(bp)] == pytest.approx(1000.0, abs=1.0)


def test_resonance_peak_gain_is_q():
    freqs, lp = measured_db(LowPass, 2000.0, 10.0)
    assert lp.max() == pytest.approx(20.0, abs=0.1)


def test_sweeping_cutoff_up_to_nyquist_stays_stable():
    n = SR * 2
    noise = render_node(WhiteNoise, frames=n)
    sweep = np.geomspace(20.0, 21000.0, n)                   # per-sample cutoff, high resonance
    y = render_node(LowPass, frames=n, inputs=[noise], params={"cutoff": sweep, "q": 20.0})
    assert np.isfinite(y).all()
    assert np.max(np.abs(y)) < 25.0                            # bounded by ~q times the input


def test_cutoff_pattern_steps_take_effect_at_the_exact_sample():
    """A stepped cutoff changes the filter from the step sample on, not earlier or later."""
    n = 4096
    x = render_node(WhiteNoise, frames=n)
    cutoff = np.where(np.arange(n) < 1000, 300.0, 5000.0)
    stepped = render_node(LowPass, frames=n, inputs=[x], params={"cutoff": cutoff}, block=128)
    constant = render_node(LowPass, frames=n, inputs=[x], params={"cutoff": 300.0}, block=128)
    assert np.array_equal(stepped[:, :1000], constant[:, :1000])
    assert not np.allclose(stepped[:, 1000], constant[:, 1000])


@pytest.mark.parametrize("cls", [BandPass, Notch])
@pytest.mark.parametrize("q", [0.707, 2.0, 8.0])
def test_band_filters_are_cutoff_over_q_wide_at_minus_3_db(cls, q):
    """What their `q` doc says (it used to say "Butterworth low-pass" for every SVF mode)."""
    f, db = measured_db(cls, 1000.0, q)
    if cls is BandPass:
        inside = f[db >= db.max() - 3.0103]                    # the -3 dB band around the peak
    else:
        inside = f[(db <= -3.0103) & (f > 10)]                  # the notch below -3 dB
    width = inside.max() - inside.min()
    assert width == pytest.approx(1000.0 / q, rel=0.03)


def test_each_filter_mode_documents_its_own_q():
    docs = {cls: cls.spec.params[[p.name for p in cls.spec.params].index("q")].doc
            for cls in (LowPass, HighPass, BandPass, Notch)}
    assert docs[LowPass] == "resonance (0.707 = flat Butterworth low-pass)"
    assert docs[HighPass] == "resonance (0.707 = flat Butterworth high-pass)"
    assert "Butterworth" not in docs[BandPass] and "bandwidth is cutoff / q" in docs[BandPass]
    assert "Butterworth" not in docs[Notch] and "cutoff / q wide" in docs[Notch]

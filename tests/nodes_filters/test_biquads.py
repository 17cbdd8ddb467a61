"""RBJ biquads (bq_lp/rlpf, bq_hp/rhpf, bq_bp, resonz, bq_notch) and parametric_eq/eq: measured
sine responses against the cookbook's formulas and the analog prototypes' defining points."""
import numpy as np
import pytest

import phonon
from phonon.dsp import biquad as k
from phonon.nodes.biquads import (BiquadBandPass, BiquadHighPass, BiquadLowPass, BiquadNotch,
                                  ParametricEq, Resonz)
from phonon.plugins.testing import render_node

from ..measure import SR, db, sine, sine_response


def response_of(cls, freq, **params):
    return sine_response(lambda x: render_node(cls, frames=len(x), inputs=[x], params=params), freq)


@pytest.mark.parametrize("cls, mode, q", [(BiquadLowPass, k.LOW, 0.707), (BiquadLowPass, k.LOW, 8.0),
                                          (BiquadHighPass, k.HIGH, 0.707), (BiquadBandPass, k.BAND, 2.0),
                                          (Resonz, k.BAND, 40.0), (BiquadNotch, k.NOTCH, 1.0)])
@pytest.mark.parametrize("freq", [50.0, 400.0, 1000.0, 2500.0, 9000.0])
def test_measured_response_is_the_cookbook_filter(cls, mode, q, freq):
    h = response_of(cls, freq, cutoff=1000.0, q=q)
    theory = k.response(mode, [freq], 1000.0, q, SR)[0]
    assert abs(h - theory) < 1e-4 * max(1.0, abs(theory))          # magnitude and phase


def test_low_pass_is_3_db_down_at_the_cutoff_and_falls_12_db_per_octave():
    assert db(response_of(BiquadLowPass, 1000.0, cutoff=1000.0)) == pytest.approx(-3.01, abs=0.02)
    assert db(response_of(BiquadLowPass, 50.0, cutoff=1000.0)) == pytest.approx(0.0, abs=0.01)
    slope = db(response_of(BiquadLowPass, 2000.0, cutoff=250.0)) - db(response_of(BiquadLowPass, 4000.0, cutoff=250.0))
    assert slope == pytest.approx(12.0, abs=0.5)
    # resonance: the peak at the cutoff is q (20 log10 q dB)
    assert db(response_of(BiquadLowPass, 1000.0, cutoff=1000.0, q=8.0)) == pytest.approx(db(8.0), abs=0.1)


def test_high_pass_mirrors_the_low_pass():
    assert db(response_of(BiquadHighPass, 1000.0, cutoff=1000.0)) == pytest.approx(-3.01, abs=0.02)
    assert db(response_of(BiquadHighPass, 12000.0, cutoff=1000.0)) == pytest.approx(0.0, abs=0.05)
    slope = db(response_of(BiquadHighPass, 1000.0, cutoff=4000.0)) - db(response_of(BiquadHighPass, 500.0, cutoff=4000.0))
    assert slope == pytest.approx(12.0, abs=0.5)


@pytest.mark.parametrize("cls, q", [(BiquadBandPass, 2.0), (Resonz, 50.0)])
def test_band_pass_peaks_at_0_db_and_its_3_db_band_is_centre_over_q(cls, q):
    f0 = 1000.0
    assert db(response_of(cls, f0, cutoff=f0, q=q)) == pytest.approx(0.0, abs=0.01)
    half = f0 / (2 * q)
    lo, hi = np.sqrt(half ** 2 + f0 ** 2) - half, np.sqrt(half ** 2 + f0 ** 2) + half   # analog -3 dB points
    for edge in (lo, hi):
        assert db(response_of(cls, edge, cutoff=f0, q=q)) == pytest.approx(-3.01, abs=0.1)


def test_notch_removes_the_centre_frequency():
    assert db(response_of(BiquadNotch, 1000.0, cutoff=1000.0, q=1.0)) < -60.0
    assert db(response_of(BiquadNotch, 100.0, cutoff=1000.0, q=1.0)) == pytest.approx(0.0, abs=0.1)


def test_clamps_follow_the_original():
    """Frequency 10 Hz .. 0.45*sr and q 0.1..20 (resonz q 0.5..100), whatever is asked for."""
    def same(cls, a, b):
        x = sine(3000.0, 4096)
        return np.array_equal(render_node(cls, frames=4096, inputs=[x], params=a),
                              render_node(cls, frames=4096, inputs=[x], params=b))
    assert same(BiquadLowPass, {"cutoff": 30000.0}, {"cutoff": 0.45 * SR})
    assert same(BiquadLowPass, {"cutoff": 1.0}, {"cutoff": 10.0})
    assert same(BiquadLowPass, {"q": 100.0}, {"q": 20.0})
    assert same(BiquadLowPass, {"q": 0.01}, {"q": 0.1})
    assert same(Resonz, {"q": 500.0}, {"q": 100.0})
    assert same(Resonz, {"q": 0.1}, {"q": 0.5})


def test_a_patterned_cutoff_switches_at_its_sample():
    x = sine(2000.0, 8000)
    cutoff = np.where(np.arange(8000) < 3000, 200.0, 8000.0)
    y = render_node(BiquadLowPass, frames=8000, inputs=[x], params={"cutoff": cutoff})
    low = render_node(BiquadLowPass, frames=3000, inputs=[x[:3000]], params={"cutoff": 200.0})
    np.testing.assert_array_equal(y[:, :3000], low)


@pytest.mark.parametrize("band, freq, gain", [("low", 100.0, 6.0), ("mid", 1000.0, -9.0),
                                              ("high", 8000.0, 4.5)])
def test_parametric_eq_bands_apply_their_gain_at_their_centre(band, freq, gain):
    params = {f"{band}_freq": freq, f"{band}_gain": gain, f"{band}_q": 2.0}
    assert db(response_of(ParametricEq, freq, **params)) == pytest.approx(gain, abs=0.02)
    # one octave away the band's peak has fallen to a fraction of its gain (peaking, not shelving)
    far = db(response_of(ParametricEq, freq * 4, **params)) if freq < 5000 else \
        db(response_of(ParametricEq, freq / 4, **params))
    assert abs(far) < abs(gain) * 0.2


def test_parametric_eq_defaults_pass_the_input_through_bit_exactly():
    x = np.random.default_rng(3).uniform(-1, 1, 5000).astype(np.float32)
    y = render_node(ParametricEq, frames=5000, inputs=[x])
    assert np.array_equal(y[0], x)


def test_original_argument_forms_compile_and_equal_the_chain_forms():
    """`eq x lf lg lq mf mg mq hf hg hq` (input first, the original's form) equals
    `x # parametric_eq ...`; `rlpf`/`rhpf` are `bq_lp`/`bq_hp`."""
    def render(src):
        return phonon.render(src, 0.25)
    first = render("out: eq (saw 110 * 0.3) 100 6 1 1000 -6 2 8000 3 1")
    chained = render("out: saw 110 * 0.3 # parametric_eq 100 6 1 1000 -6 2 8000 3 1")
    np.testing.assert_array_equal(first, chained)
    np.testing.assert_array_equal(render("out: saw 110 # rlpf 800 4 * 0.2"),
                                  render("out: saw 110 # bq_lp 800 4 * 0.2"))
    np.testing.assert_array_equal(render("out: saw 110 # rhpf :cutoff 800 :q 4 * 0.2"),
                                  render("out: saw 110 # bq_hp :freq 800 :q 4 * 0.2"))

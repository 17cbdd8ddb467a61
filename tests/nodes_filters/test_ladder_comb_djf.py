"""moog_ladder (moog, ladder, moog_hz), comb, allpass, djf and svf_*: measured against theory."""
import numpy as np
import pytest

import phonon
from phonon.dsp import comb as comb_k
from phonon.dsp import ladder as ladder_k
from phonon.dsp import svf as svf_k
from phonon.nodes.comb import Allpass, Comb
from phonon.nodes.filters import (DJFilter, LowPass, Notch, SvfBandPass, SvfHighPass, SvfLowPass,
                                  SvfNotch)
from phonon.nodes.ladder import MoogLadder
from phonon.plugins.testing import render_node

from ..measure import SR, cents, db, sine, sine_response, spectral_peak, zero_crossing_freq


def response_of(cls, tone, **params):
    return sine_response(lambda x: render_node(cls, frames=len(x), inputs=[x], params=params), tone)


def click(frames, amp=0.1):
    x = np.zeros(frames, dtype=np.float32)
    x[0] = amp
    return x


# ----------------------------------------------------------------------------- ladder
@pytest.mark.parametrize("res", [0.0, 0.5, 0.9])
@pytest.mark.parametrize("freq", [100.0, 700.0, 1000.0, 1400.0, 5000.0])
def test_ladder_response_is_the_bilinear_four_pole_ladder(res, freq):
    h = response_of(MoogLadder, freq, cutoff=1000.0, res=res)
    theory = ladder_k.response([freq], 1000.0, res, SR)[0]
    assert abs(h - theory) < 1e-4 * max(abs(theory), 1e-3)


def test_ladder_is_12_db_down_at_the_cutoff_and_falls_24_db_per_octave():
    assert db(response_of(MoogLadder, 1000.0, cutoff=1000.0)) == pytest.approx(-12.04, abs=0.05)
    assert db(response_of(MoogLadder, 30.0, cutoff=1000.0)) == pytest.approx(0.0, abs=0.02)
    slope = db(response_of(MoogLadder, 2000.0, cutoff=200.0)) - db(response_of(MoogLadder, 4000.0, cutoff=200.0))
    assert slope == pytest.approx(24.0, abs=1.0)
    # resonance k = 4 res thins the bass to 1/(1 + k)
    assert db(response_of(MoogLadder, 20.0, cutoff=2000.0, res=0.5)) == pytest.approx(db(1 / 3), abs=0.05)


def test_ladder_at_resonance_1_self_oscillates_at_the_cutoff():
    y = render_node(MoogLadder, frames=2 * SR, inputs=[click(2 * SR)], params={"cutoff": 440.0, "res": 1.0})
    tail = y[0, SR:]
    assert np.abs(tail).max() > 1e-4                         # still ringing a second later
    assert abs(cents(zero_crossing_freq(tail), 440.0)) < 0.01


def test_ladder_drive_saturates_and_mix_blends():
    x = sine(100.0, SR, amp=0.8)
    clean = render_node(MoogLadder, frames=SR, inputs=[x], params={"cutoff": 8000.0})
    driven = render_node(MoogLadder, frames=SR, inputs=[x], params={"cutoff": 8000.0, "drive": 10.0})
    assert np.abs(clean[0, SR // 2:]).max() == pytest.approx(0.8, abs=0.01)
    assert np.abs(driven[0, SR // 2:]).max() == pytest.approx(1.0, abs=0.02)    # tanh(8) = 1
    half = render_node(MoogLadder, frames=SR, inputs=[x], params={"cutoff": 8000.0, "mix": 0.5})
    np.testing.assert_allclose(half, 0.5 * x + 0.5 * clean, atol=1e-6)


def test_moog_names_and_forms_are_one_filter():
    def render(src):
        return phonon.render(src, 0.25)
    ref = render("out: moog_ladder (saw 110 * 0.3) 800 0.5")
    for form in ["out: moog (saw 110 * 0.3) 800 0.5", "out: saw 110 * 0.3 # moog 800 0.5",
                 "out: saw 110 * 0.3 # ladder :cutoff 800 :resonance 0.5",
                 "out: saw 110 * 0.3 # moog_hz 800 0.5"]:
        np.testing.assert_array_equal(render(form), ref)


# ----------------------------------------------------------------------------- comb
@pytest.mark.parametrize("freq", [55.0, 220.0, 1234.5])
def test_comb_rings_at_its_frequency_within_a_tenth_of_a_cent(freq):
    y = render_node(Comb, frames=2 * SR, inputs=[click(2 * SR)], params={"freq": freq, "feedback": 0.99})
    f = spectral_peak(y[0, 2000:], freq * 0.8, freq * 1.2)
    assert abs(cents(f, freq)) < 0.1


def test_comb_220_in_a_program_rings_at_220_not_at_the_feedback_loop_rate():
    """A comb in a program is pitch-exact at any block size: its loop is inside the kernel,
    not a 64-frame engine feedback edge (which would ring at 44100/64 = 689 Hz)."""
    src = 'tempo: 1\nout: superhat 1 0.01 # comb 220 0.98'
    for block in (64, 512, 4096):
        y = phonon.render(src, 1.0, block=block)[0, 2000:]
        for harmonic in (3, 4, 5):          # the hat's noise excites the comb's upper peaks
            f = harmonic * 220.0
            assert abs(cents(spectral_peak(y, f - 60.0, f + 60.0), f)) < 0.5
        assert abs(cents(spectral_peak(y, 640.0, 740.0), 660.0)) < 0.5    # nothing at 689 Hz


def test_comb_peaks_are_0_db_and_troughs_follow_theory():
    fb = 0.9
    assert db(response_of(Comb, 441.0, freq=441.0, feedback=fb)) == pytest.approx(0.0, abs=0.01)
    assert db(response_of(Comb, 882.0, freq=441.0, feedback=fb)) == pytest.approx(0.0, abs=0.01)
    trough = db(response_of(Comb, 661.5, freq=441.0, feedback=fb))
    assert trough == pytest.approx(db((1 - fb) / (1 + fb)), abs=0.05)
    theory = comb_k.comb_response([300.0], 441.0, fb, SR)[0]        # 100 samples: a whole delay
    assert abs(response_of(Comb, 300.0, freq=441.0, feedback=fb) - theory) < 1e-4


def test_comb_feedback_is_clamped_to_0_99():
    x = click(SR)
    a = render_node(Comb, frames=SR, inputs=[x], params={"feedback": 1.5})
    b = render_node(Comb, frames=SR, inputs=[x], params={"feedback": 0.99})
    np.testing.assert_array_equal(a, b)


# ----------------------------------------------------------------------------- allpass
@pytest.mark.parametrize("a", [-0.7, 0.0, 0.5])
@pytest.mark.parametrize("freq", [100.0, 3000.0, 15000.0])
def test_allpass_keeps_the_level_and_shifts_the_phase_by_theory(a, freq):
    h = response_of(Allpass, freq, coef=a)
    assert db(h) == pytest.approx(0.0, abs=1e-3)
    w = 2 * np.pi * freq / SR
    phase = -w + 2 * np.arctan(a * np.sin(w) / (1 + a * np.cos(w)))
    assert np.angle(h) == pytest.approx(np.angle(np.exp(1j * phase)), abs=1e-4)
    assert abs(h - comb_k.allpass_response([freq], a, SR)[0]) < 1e-4


# ----------------------------------------------------------------------------- djf
def test_djf_at_0_5_is_the_input_bit_for_bit():
    x = np.random.default_rng(1).uniform(-1, 1, 6000).astype(np.float32)
    assert np.array_equal(render_node(DJFilter, frames=6000, inputs=[x], params={"v": 0.5})[0], x)


@pytest.mark.parametrize("v", [0.0, 0.2, 0.45, 0.55, 0.8, 1.0])
def test_djf_is_a_low_pass_below_the_middle_and_a_high_pass_above(v):
    fc = svf_k.djf_cutoff(v)
    mode = svf_k.LOW if v < 0.5 else svf_k.HIGH
    assert db(response_of(DJFilter, fc, v=v)) == pytest.approx(-3.01, abs=0.05)     # -3 dB at fc
    for f in (fc / 4, fc * 4):
        if 10.0 < f < 20000.0:
            expected = db(svf_k.response(mode, [f], fc, 0.707, SR)[0])
            assert db(response_of(DJFilter, f, v=v)) == pytest.approx(expected, abs=0.05)


def test_djf_sweep_ends_are_80_hz_low_pass_and_8_khz_high_pass():
    assert svf_k.djf_cutoff(0.0) == pytest.approx(80.0)
    assert svf_k.djf_cutoff(1.0) == pytest.approx(8000.0)
    assert svf_k.djf_cutoff(0.4999) > 19000.0 and svf_k.djf_cutoff(0.5001) < 21.0


# ----------------------------------------------------------------------------- svf_*
@pytest.mark.parametrize("cls, mode", [(SvfLowPass, svf_k.LOW), (SvfHighPass, svf_k.HIGH),
                                       (SvfBandPass, svf_k.BAND), (SvfNotch, svf_k.NOTCH)])
def test_svf_nodes_are_the_state_variable_filter_with_resonance_clamped(cls, mode):
    h = response_of(cls, 1500.0, cutoff=1000.0, q=3.0)
    assert abs(h - svf_k.response(mode, [1500.0], 1000.0, 3.0, SR)[0]) < 1e-4
    x = sine(1000.0, 4096)
    low = render_node(cls, frames=4096, inputs=[x], params={"q": 0.01})
    floor = render_node(cls, frames=4096, inputs=[x], params={"q": 0.1})
    np.testing.assert_array_equal(low, floor)


def test_svf_lp_equals_lpf_and_svf_notch_equals_notch():
    x = np.random.default_rng(2).uniform(-1, 1, 5000).astype(np.float32)
    for a, b in ((SvfLowPass, LowPass), (SvfNotch, Notch)):
        p = {"cutoff": 700.0, "q": 2.0}
        np.testing.assert_array_equal(render_node(a, frames=5000, inputs=[x], params=p),
                                      render_node(b, frames=5000, inputs=[x], params=p))


def test_an_input_first_node_without_its_input_is_an_error_that_says_where_it_goes():
    from phonon.errors import PhononError
    from phonon.lang import compile_program
    with pytest.raises(PhononError) as err:
        compile_program("out: moog_ladder 800 0.5", file="x.ph")
    text = str(err.value)
    assert "x.ph:1:6" in text and "needs an input signal" in text
    assert "moog_ladder x ..." in text                     # give the signal first
    ir = compile_program("~x: saw 110\nout: moog_ladder ~x 800 0.5", file="x.ph")
    node_ = next(n for n in ir.nodes.values() if n.kind == "moog_ladder")
    assert [e.node for e in node_.inputs] == [ir.buses["x"]]
    assert node_.params["cutoff"].value == 800.0 and node_.params["res"].value == 0.5

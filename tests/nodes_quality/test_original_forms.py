"""`phonon check` accepts every source and filter name of the Rust original (PHONON-RS.md §5.1,
§5.2) in the original's argument forms, and the forms mean what they meant there."""
import numpy as np
import pytest

import phonon

from ..measure import SR, cents, spectral_peak
from ..original_forms import assert_check_accepts_all, assert_form_compiles

PRELUDE = "~x: saw 110 * 0.3\n~y: noise * 0.3\n"

#: name -> an expression in the original's form (PHONON-RS.md §5.1, §5.2)
FORMS = {
    # §5.1 sources
    "sine": "sine 440", "sine offset": "sine 440 7", "sine lfo": "lpf (sine * 1000 + 1500) 0.8 $ ~x",
    "saw": "saw 110", "square": "square 110", "tri": "tri 220", "triangle": "triangle 220",
    "sine_trig": 'sine_trig "c4 e4" 0.001 0.1 0 0.1', "saw_trig": 'saw_trig "c3 e3"',
    "square_trig": 'square_trig "c3 e3" 0.01 0.2 0.5 0.1', "tri_trig": 'tri_trig "c4 e4"',
    "synth": 'synth "c4 e4" "saw" 0.01 0.1 0.5 0.2', "fm": "fm 440 110 2",
    "pm": "pm 440 (sine 110) 2", "pulse": "pulse 110 0.3", "vco": "vco 110 1 0.3",
    "blip": "blip 110", "impulse": "impulse 4", "wavetable": "wavetable 220",
    "additive": 'additive 220 "1 0.5 0.3"', "granular": "granular ~x 50 20 1",
    "pluck": "pluck 220", "pluck damping": "pluck 220 0.3", "waveguide": "waveguide 220 0.5 0.3",
    "formant": "formant ~x 800 1150 2900 80 90 120", "vocoder": "vocoder ~x ~y 16",
    "pitch_shift": "pitch_shift ~x 12", "noise": "noise", "white_noise": "white_noise",
    "pink": "pink", "pink_noise": "pink_noise", "brown_noise": "brown_noise",
    "organ_hz": "organ_hz 220", "organ": "organ 220", "saw_hz": "saw_hz 110",
    "soft_saw_hz": "soft_saw_hz 110", "soft_saw": "soft_saw 110", "square_hz": "square_hz 110",
    "triangle_hz": "triangle_hz 220", "phasor": "phasor", "phasor speed": "phasor 2",
    "superkick": "superkick 55 0.5 0.3 0.1", "supersaw": "supersaw 110 0.3 7",
    "superpwm": "superpwm 110 0.5 0.8", "superchip": "superchip 440 5 0.05",
    "superfm": "superfm 440 2 1", "supersnare": "supersnare 180 0.8 0.08", "superhat": "superhat 0.7 0.05",
    # §5.2 filters
    "lpf": "~x # lpf 1000 0.8", "lpf keywords": "~x # lpf :cutoff 1000 :q 0.8", "hpf": "~x # hpf 500 2",
    "bpf": "~y # bpf 1000 4", "notch": "~y # notch 1000 2", "rlpf": "~x # rlpf 800 4",
    "rhpf": "~x # rhpf 800 4", "resonz": "~y # resonz 1000 50", "bq_lp": "~x # bq_lp 1000 0.7",
    "bq_hp": "~x # bq_hp 1000 0.7", "bq_bp": "~y # bq_bp 1000 2", "bq_notch": "~y # bq_notch 1000 2",
    "svf_lp": "~x # svf_lp 1000 2", "svf_hp": "~x # svf_hp 1000 2", "svf_bp": "~y # svf_bp 1000 2",
    "svf_notch": "~y # svf_notch 1000 2", "moog_ladder": "moog_ladder ~x 800 0.5",
    "moog": "moog ~x 800 0.5", "moog_hz": "~x # moog_hz 800 0.5", "comb": "~y # comb 220 0.9",
    "allpass": "~x # allpass 0.5", "djf": "~x # djf 0.3",
    "parametric_eq": "parametric_eq ~x 100 3 1 1000 -2 1 5000 4 1",
    "eq": "eq ~x 100 3 1 1000 -2 1 5000 4 1",
}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_the_original_form_compiles(name):
    assert_form_compiles(PRELUDE, FORMS[name])


def test_phonon_check_accepts_all_of_them_in_one_program(tmp_path):
    assert_check_accepts_all(PRELUDE, FORMS, tmp_path)


def test_the_zero_argument_oscillator_is_a_1_hz_lfo():
    """`sine` alone is the original's 1 Hz LFO: one cycle a second."""
    y = phonon.render("out: sine * 0.5", 2.0)[0].astype(np.float64)
    assert np.argmax(y[:SR]) == pytest.approx(SR / 4, abs=1)
    assert np.abs(y).max() == pytest.approx(0.5, abs=1e-6)


def test_the_second_oscillator_argument_is_a_semitone_offset():
    y = phonon.render("out: sine 440 7 * 0.5", 1.0)[0].astype(np.float64)
    assert abs(cents(spectral_peak(y, 600, 700), 440 * 2 ** (7 / 12))) < 0.1
    y = phonon.render("out: square 220 0.5 :offset 12 * 0.5", 1.0)[0].astype(np.float64)
    assert abs(cents(spectral_peak(y, 400, 500), 440.0)) < 0.1     # square: width stays second

"""The new effect nodes in whole programs: the original's argument forms compile, and the
worker-process executor renders them bit-identically to the inline one."""
from __future__ import annotations

import numpy as np
import pytest

import phonon
from phonon.lang import compile_program
from phonon.runtime.options import RuntimeOptions

CHAIN_FORMS = [
    "~x # tapedelay 0.3 0.5", "~x # tape 0.3 0.5 0.5 0.02 6 0.05 0.3 0.5",
    "~x # multitap 0.125 4", "~x # multitap 0.125 4 0.5 0.6",
    "~x # pingpong 0.25 0.5 0.8 1 0.7", "~x # fchorus 0.015 0.005 0.2",
    "~x # flanger 0.7 0.5 0.5", "~x # phaser 0.5 0.5 0.5 4", "~x # ph 0.5 0.5 0.5 8",
    "~x # tremolo 4 0.5", "~x # trem 4 0.5", "~x # vibrato 5 0.5", "~x # vib 5 0.5",
    "~x # distortion 20 0.5", "~x # distort 20", "~x # dist 20", "~x # coarse 4",
    "~x # ring 300", "~x # compressor -20 4 0.01 0.1 6", "~x # comp -20 4 0.01 0.1 6",
    "~x # sidechain_compressor ~k -20 4 0.01 0.1", "~x # sidechain_comp ~k -20 4 0.01 0.1",
    "~x # sc_comp ~k -20 4 0.01 0.1", "~x # widener 1.5", "~x # width 0.5", "~x # pan2 0.3",
    "~x # amp 0.5", "~x # pan2_l 0.3", "~x # pan2_r 0.3", "~x # decimator 4 0.5",
    "ring_mod ~x ~k", "~x # ring_mod ~k", "~x # fm_crossmod ~k 2", "~x # fmcrossmod ~k 2",
    "~x # xfade ~k 0.25",
    "~x # plate 20 2", "~x # plate 20 2 0.7 0.3 0.3 0.5", "~x # lush 4",
    "~x # lush 4 0.7 0.3 0.3 0.5 0 0.5", "~x # lush 4 :predelay 0.05", "~x # reverb_stereo 0.3 2",
    "~x # convolve", "~x # convolution", "~x # convolve :mix 0.3", '~x # freeze "0 1"',
    "~x # freeze (sine 1)", "~x # expander -20 2 0.01 0.1", "~x # expand -20 2 0.01 0.1",
    "~x # transient_shaper 6 -3", "~x # tshaper 6 -3",
]


@pytest.mark.parametrize("form", CHAIN_FORMS)
def test_the_original_forms_compile(form):
    ir = compile_program(f"~x: saw 110\n~k: sine 2\nout: {form}\n")
    assert ir.master


PROGRAM = """cps: 1
~x: saw "110 165" * 0.3
~k: sine 3
~a: ~x # tapedelay 0.05 0.4 2 0.05 6 0.2 0.5 0.5 # multitap 0.02 3 0.3 0.4
~b: ~x # pingpong 0.03 0.5 0.6 1 0.5 # fchorus 0.01 0.003 1 # flanger 0.7 1 0.4
~c: ~x # phaser 1 0.6 0.3 4 # vibrato 6 0.7 # coarse 2 # decimator 3 0.3
~d: ~x # ring 300 # widener 1.8 # pan2 (sine 1) # xfade ~k 0.2
~e: (ring_mod ~x ~k) + (~x # fm_crossmod ~k 0.5) + (~x # pan2_l 0.5)
~f: ~x # plate 5 1.5 # lush 2 0.7 0.3 0.5 1 "0 1" 0.5 0.01 # reverb_stereo 0.4 1
~g: ~x # freeze "0 1" # expander -30 2 # transient_shaper 6 3 # convolve :mix 0.3
out: (~a + ~b + ~c + ~d + ~e + ~f + ~g) * 0.15
"""


def test_workers_render_the_new_effects_bit_identically():
    inline = phonon.render(PROGRAM, 1.0, block=512)
    assert np.abs(inline).max() > 0.05
    actors = phonon.render(PROGRAM, 1.0, block=512, workers=2, runtime=RuntimeOptions(placement="all"))
    np.testing.assert_array_equal(actors, inline)

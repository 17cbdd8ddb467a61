"""`phonon check` accepts every effect, envelope, control and analysis name of the Rust
original (PHONON-RS.md §5.3, §5.4) in the original's argument forms, without warnings.

Not here, with the reason (docs/nodes.md, "Not built"): `vst2 au clap lv2 plugin` (only VST3
hosting exists: `vst3`/`vst`), `every_effect sometimes_effect whenmod_effect`, and the pattern
words `n note scale chord` used standalone (the language's)."""
import pytest

from ..original_forms import assert_check_accepts_all, assert_form_compiles

PRELUDE = "~x: saw 110 * 0.3\n~y: noise * 0.3\n~k: sine 2\n"

FORMS = {
    # §5.3 effects
    "reverb": "~x # reverb 0.5 0.5 0.3", "plate": "~x # plate 20 2 0.7 0.3 0.3 0.5",
    "lush": "~x # lush 4 0.7 0.3 0.3 0.5 0 0.5", "reverb_stereo": "~x # reverb_stereo 0.3 2",
    "convolve": "~x # convolve", "convolution": "~x # convolution", "freeze": "~x # freeze ~k",
    "delay": "~x # delay 0.25 0.5 0.5",
    "tapedelay": "~x # tapedelay 0.3 0.5 0.5 0.02 6 0.05 0.3 0.5", "tape": "~x # tape 0.3 0.5",
    "multitap": "~x # multitap 0.125 4 0.5 0.6", "pingpong": "~x # pingpong 0.25 0.5 0.8 1 0.7",
    "chorus": "~x # chorus 1 0.5 0.3", "fchorus": "~x # fchorus 0.015 0.005 0.2",
    "flanger": "~x # flanger 0.7 0.5 0.5", "phaser": "~x # phaser 0.5 0.5 0.5 4",
    "ph": "~x # ph 0.5 0.5 0.5 4", "tremolo": "~x # tremolo 4 0.5", "trem": "~x # trem 4 0.5",
    "vibrato": "~x # vibrato 5 0.5", "vib": "~x # vib 5 0.5", "distortion": "~x # distortion 20 0.5",
    "distort": "~x # distort 20 0.5", "dist": "~x # dist 20", "bitcrush": "~x # bitcrush 8 4",
    "coarse": "~x # coarse 4", "ring": "~x # ring 300", "ring_mod": "ring_mod ~x ~k",
    "fm_crossmod": "fm_crossmod ~x ~k 2", "fmcrossmod": "fmcrossmod ~x ~k 2",
    "compressor": "~x # compressor -20 4 0.01 0.1 6", "comp": "~x # comp -20 4 0.01 0.1 6",
    "sidechain_compressor": "~x # sidechain_compressor ~y -20 4 0.01 0.1",
    "sidechain_comp": "~x # sidechain_comp ~y -20 4 0.01 0.1",
    "sc_comp": "~x # sc_comp ~y -20 4 0.01 0.1", "expander": "~x # expander -20 2 0.01 0.1",
    "expand": "~x # expand -20 2 0.01 0.1", "limiter": "~x # limiter 0.9",
    "transient_shaper": "~x # transient_shaper 6 -3", "tshaper": "~x # tshaper 6 -3",
    "widener": "~x # widener 1.5", "width": "~x # width 1.5", "pan2": "~x # pan2 0.3",
    "pan2_l": "pan2_l ~x 0.3", "pan2_r": "pan2_r ~x 0.3", "gain": "~x # gain 0.5",
    "amp": "~x # amp 0.5", "vst3": '~x # vst3 "ZamComp"', "vst": '~x # vst "ZamComp"',
    # §5.4 envelopes, gates, control, analysis
    "adsr": "~x * adsr 0.01 0.1 0.7 0.2", "adsr chained": "~x # adsr 0.01 0.1",
    "ad": "~x * ad 0.01 0.3", "env": "~x # env 0.01 0.1 0.5 0.2", "envelope": "~x # envelope 0.01 0.1 0.5 0.2",
    "env_trig": '~x # env_trig "x*4" 0.001 0.1 0 0.1', "asr": "~x * asr ~k 0.01 0.3",
    "tar": '~x * tar "t(3,8)" 0.005 0.2', "tadsr": '~x * tadsr "x*4" 0.01 0.1 0.5 0.2',
    "gate": '~x * gate "t ~ t t"', "trig": 'trig "x*4"', "struct": 'struct "t ~ t t" ~x',
    "line": "sine (line 200 800)", "curve": "sine (curve 200 800 2 -4)",
    "segments": 'sine (segments "200 800 400" "0.5 1")', "xline": "sine (xline 200 800 2)",
    "lag": "lag ~k 0.1", "phasor": "phasor", "rand": "sine (rand * 400 + 200)",
    "irand": "sine (irand 8 * 50 + 200)", "irand range": "sine (irand 2 6 * 50)",
    "run": "sine (run 4 * 100 + 200)", "scan": "sine (scan 4 * 100 + 200)",
    "every_val": "sine (every_val 2 440 220)", "sometimes_val": "sine (sometimes_val 440 220)",
    "sometimes_by_val": "sine (sometimes_by_val 0.3 440 220)",
    "whenmod_val": "sine (whenmod_val 4 2 440 220)", "rms": "~x # rms 0.05",
    "peak_follower": "~x # peak_follower 0.01 0.1", "amp_follower": "~x # amp_follower 0.01 0.1 0.01",
    "schmidt": "~k # schmidt 0.5 -0.5", "latch": "~x # latch ~k", "timer": "~k # timer",
    "sample_hold": "sample_hold ~y ~k", "decimator": "decimator ~x 4 0.5", "wrap": "wrap ~k 0 0.5",
    "min": "min ~x ~k", "range": "range 200 800 ~k", "xfade": "xfade ~x ~y 0.5",
    "mix": "mix ~x ~y", "if": "if ~k ~x ~y", "select": "select (~k + 1) ~x ~y", "mtof": "sine (mtof 60)",
    "tap": '~x # tap "forms_tap.wav" 0.1', "probe": '~x # probe "forms_tap.wav" 0.1',
}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_the_original_form_compiles(name):
    assert_form_compiles(PRELUDE, FORMS[name])


def test_phonon_check_accepts_all_of_them_in_one_program(tmp_path):
    assert_check_accepts_all(PRELUDE, FORMS, tmp_path)

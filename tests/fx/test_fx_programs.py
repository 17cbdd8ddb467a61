"""Effects, synths and VST3 through the whole language: program text -> rendered audio."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pedalboard
import pytest

from phonon.engine.render import render
from phonon.errors import PhononError

from .fxhelp import peak_freq, rms_db

SR = 48000
ZAM = Path("/usr/lib/vst3")


def test_superkick_55_program_settles_at_55_hz():
    y = render("out: superkick 55", 0.5, sr=SR)
    assert abs(peak_freq(y[0, int(0.06 * SR):int(0.3 * SR)], sr=SR, lo=20, hi=500) - 55.0) <= 3.0
    assert np.all(y[:, int(0.3 * SR) + 1:] == 0.0)              # one hit of sustain 0.3 s


def test_superkick_trig_pattern_hits_on_every_onset():
    y = render('tempo: 1\nout: superkick 55 0.5 0.1 :trig "x*4"', 1.0, sr=SR)
    starts = [i for i in range(0, SR, 100) if np.any(y[0, i:i + 100] != 0) and (i == 0 or not np.any(y[0, i - 100:i]))]
    assert starts == [0, 12000, 24000, 36000]


@pytest.mark.skipif(not (ZAM / "ZamComp.vst3").exists(), reason="zam-plugins not installed")
def test_vst3_zamcomp_on_a_stereo_bus_matches_the_plugin_called_directly():
    bus = "tempo: 1\n~drums: saw 110 * (sine 3 * 0.25 + 0.5)\n"
    dry = render(bus + "out: ~drums", 2.0, sr=SR)
    wet = render(bus + 'out: ~drums # vst3 "ZamComp" :threshold_db -30 :ratio 10', 2.0, sr=SR)
    plugin = pedalboard.load_plugin(str(ZAM / "ZamComp.vst3"))
    plugin.threshold_db, plugin.ratio = -30.0, 10.0
    ref = plugin.process(dry[:1], SR)
    expected = rms_db(dry[0]) - rms_db(ref)
    assert expected > 10.0
    assert rms_db(dry[0]) - rms_db(wet[0]) == pytest.approx(expected, abs=0.5)
    assert rms_db(dry[1]) - rms_db(wet[1]) == pytest.approx(expected, abs=0.5)


@pytest.mark.skipif(not (ZAM / "ZamComp.vst3").exists(), reason="zam-plugins not installed")
def test_misspelled_vst3_name_in_a_program_gets_did_you_mean():
    with pytest.raises(PhononError) as err:
        render('out: saw 110 # vst3 "ZamCmop"', 0.1, sr=SR)
    assert "vst3: unknown plugin 'ZamCmop'" in str(err.value)
    assert "did you mean 'ZamComp'" in str(err.value)


def test_sidechain_ducks_a_bus_while_the_kick_sounds():
    prog = "~k: superkick 55\nout: saw 110 * 0.5 # sidechain ~k :threshold -20 :ratio 4"
    y = render(prog, 1.0, sr=SR)
    plain = render("out: saw 110 * 0.5", 1.0, sr=SR)
    assert rms_db(plain[0, :4800]) - rms_db(y[0, :4800]) > 6.0          # ducked under the kick
    assert rms_db(y[0, -4800:]) == pytest.approx(rms_db(plain[0, -4800:]), abs=0.05)  # recovered


def test_effect_chain_program_renders_the_same_at_any_block_size():
    prog = ('out: saw 220 # chorus 1 0.3 0.5 # phaser 0.5 0.5 0.5 # distortion 6 # moog 800 0.3 '
            '# eq3 3 -2 1 # pitch 12 0.5 # bitcrush 6 2 # flanger # pingpong 0.2 # tremolo 4')
    a = render(prog, 0.5, sr=SR, block=64)
    b = render(prog, 0.5, sr=SR, block=4096)
    np.testing.assert_allclose(a, b, atol=1e-5)
    assert rms_db(a[0]) > -30.0

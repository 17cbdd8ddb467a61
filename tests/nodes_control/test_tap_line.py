"""`tap`/`probe` writes the first seconds of its input where the program may write, and
nowhere else; `line a b` ramps over each cycle (the original's form), `line a b dur` once."""
from __future__ import annotations

import gc
import os

import numpy as np
import pytest
import soundfile as sf

import phonon
from phonon.errors import PhononError
from phonon.nodes.oscillators import Line
from phonon.nodes.tap import Tap, tap_path
from tests.nodes_fx.quality import SR, noise, render


@pytest.fixture()
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_tap_passes_the_signal_through_and_writes_its_first_seconds(here):
    program = 'cps: 1\n~x: saw 110 * 0.3\nout: ~x # tap "taps/x.wav" 0.5'
    (here / "taps").mkdir()
    y = phonon.render(program, 1.0, block=512)
    plain = phonon.render('cps: 1\n~x: saw 110 * 0.3\nout: ~x', 1.0, block=512)
    np.testing.assert_array_equal(y, plain)                       # pass-through, bit for bit
    data, sr = sf.read(here / "taps" / "x.wav", dtype="float32", always_2d=True)
    assert sr == 44100 and data.shape == (22050, 2)
    np.testing.assert_array_equal(data.T, plain[:, :22050])      # float WAV: exact samples
    assert not [p for p in os.listdir(here / "taps") if p.endswith(".tmp")]


def test_tap_reports_every_write_on_stderr(here, capfd):
    phonon.render('out: sine 440 * 0.5 # probe "p.flac" 0.1', 0.2, block=512)
    err = capfd.readouterr().err
    assert f"phonon: tap wrote {here / 'p.flac'} (0.10 s, peak -6.0 dBFS)" in err
    assert sf.info(str(here / "p.flac")).format == "FLAC"


def test_a_shorter_render_writes_what_was_recorded(here):
    from phonon.plugins.testing import render_node
    node = Tap(file="short.wav", seconds=2.0)
    node.prepare(SR, 512, 2)
    x = noise(SR // 2)
    render_node(node, frames=SR // 2, inputs=[x], sr=SR)
    assert not (here / "short.wav").exists()
    del node                                    # the program ends: the node is discarded
    gc.collect()
    data, _ = sf.read(here / "short.wav", dtype="float32", always_2d=True)
    np.testing.assert_array_equal(data.T, x)


def test_an_existing_tap_file_is_replaced(here):
    sf.write(here / "old.wav", np.zeros((10, 2)), 44100)
    phonon.render('out: sine 440 * 0.5 # tap "old.wav" 0.1', 0.2, block=512)
    assert sf.info(str(here / "old.wav")).frames == 4410


@pytest.mark.parametrize("name, message", [
    ("/tmp/x.wav", "is not inside the working directory"),
    ("~/x.wav", "is not inside the working directory"),
    ("../x.wav", "climbs out of the working directory"),
    ("a/../../x.wav", "climbs out of the working directory"),
    ("x.txt", "must end in .wav or .flac"),
    ("nodir/x.wav", "does not exist"),
    ("prog.wav", "exists and is not an audio file"),
    ("link/x.wav", "leads out of the working directory"),
    ("", "needs a file name"),
])
def test_tap_refuses_to_write_anywhere_else(here, tmp_path_factory, name, message):
    (here / "prog.wav").write_text("out: sine 440\n")
    os.symlink(tmp_path_factory.mktemp("elsewhere"), here / "link")
    with pytest.raises(PhononError) as err:
        tap_path(name)
    assert message in err.value.message
    assert (here / "prog.wav").read_text() == "out: sine 440\n"


def test_a_refused_tap_is_a_located_program_error_and_nothing_is_written(here):
    (here / "song.ph").write_text("out: sine 440\n")
    with pytest.raises(PhononError) as err:
        phonon.render('out: sine 440 # tap "song.ph" 1', 0.1)
    assert err.value.line == 1 and err.value.col == 17
    assert (here / "song.ph").read_text() == "out: sine 440\n"
    with pytest.raises(PhononError) as err:
        phonon.render('out: sine 440 # tap "x.wav" 1000', 0.1)
    assert "seconds must be in 0..120" in err.value.message


def test_tap_hot_swap_continues_the_recording(here):
    x = noise(SR)
    old = Tap(file="hs.wav", seconds=1.0)
    old.prepare(SR, 512, 2)
    from phonon.plugins.testing import render_node
    render_node(old, frames=SR // 3, inputs=[x[:, :SR // 3]], sr=SR)
    new = Tap(file="hs.wav", seconds=1.0)
    new.prepare(SR, 512, 2)
    new.load_state(old.state())
    render_node(new, frames=SR - SR // 3, inputs=[x[:, SR // 3:]], sr=SR, start=SR // 3)
    data, _ = sf.read(here / "hs.wav", dtype="float32", always_2d=True)
    np.testing.assert_array_equal(data.T, x)


# ----------------------------------------------------------------------------- line
def test_line_ramps_over_each_cycle_without_dur_and_once_with_it():
    y = render(Line, SR, {"start": 100.0, "end": 200.0}, cps=2.0)[0]
    assert y[0] == 100.0 and y[SR // 8] == pytest.approx(125.0)          # a quarter cycle
    assert y[SR // 2] == 100.0 and y[SR // 2 - 1] == pytest.approx(200.0, abs=0.01)
    once = render(Line, SR, {"start": 100.0, "end": 200.0, "dur": 0.5}, cps=2.0)[0]
    assert once[SR // 4] == pytest.approx(150.0) and np.all(once[SR // 2:] == 200.0)

"""Whole programs through the compiler: exact onsets, stepped cutoff, block-size independence,
the reference workload, and pitch at 48 kHz with the cc0 kit."""
from fractions import Fraction
from math import gcd
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from scipy.signal import resample_poly

import phonon
from phonon.engine.render import compile_source
from phonon.engine.session import Session

from tests.data_paths import CC0_KIT as KIT, REFERENCE, REFERENCE_SAMPLES

BLOCKS = [64, 512, 2048, 4096]


@pytest.fixture(scope="module")
def click_root(tmp_path_factory) -> Path:
    """A sample root whose `bd` is a one-sample click (1.0 then silence)."""
    root = tmp_path_factory.mktemp("clicks")
    (root / "bd").mkdir()
    click = np.zeros(64, np.float32)
    click[0] = 1.0
    sf.write(str(root / "bd" / "click.wav"), click, 44100, subtype="FLOAT")
    return root


@pytest.mark.parametrize("cps", ["0.5", "1", "2.5", "1/3"])
def test_bd4_onsets_on_exact_samples_for_all_block_sizes(cps, click_root):
    sr = 44100
    c = Fraction(cps)
    program = f"cps: {float(c)!r}\nout: s \"bd*4\"\n"
    seconds = float(2 / c)                                  # two cycles
    expected = [round(Fraction(k, 4) / c * sr) for k in range(8)]
    renders = []
    for block in BLOCKS:
        y = phonon.render(program, seconds, sr=sr, block=block, samples=str(click_root))
        assert y.shape == (2, round(seconds * sr)) and y.dtype == np.float32
        assert np.flatnonzero(y[0]).tolist() == expected
        assert np.flatnonzero(y[1]).tolist() == expected
        np.testing.assert_allclose(y[:, expected], np.float32(np.cos(np.pi / 4)), rtol=1e-6)
        renders.append(y)
    for y in renders[1:]:
        assert np.max(np.abs(y - renders[0])) <= 1e-6


def _spy_params(session: Session, kind: str, name: str) -> list[np.ndarray]:
    """Record the `name` parameter array every `kind` node receives, block by block."""
    seen: list[np.ndarray] = []
    for task in session.bound.tasks:
        if task.kind == kind:
            for step in task.steps:
                def spy(c, i, pp, o, _process=step.process):
                    seen.append(np.array(pp[name], dtype=np.float64, copy=True))
                    _process(c, i, pp, o)
                step.process = spy
    return seen


def test_pattern_stepped_cutoff_changes_exactly_at_onsets():
    sr, block = 44100, 512
    graph = compile_source('cps: 1\nout: saw 110 # lpf "300 3000" 0.7\n')
    session = Session(graph, sr, block)
    seen = _spy_params(session, "lpf", "cutoff")
    frames = 2 * sr
    y = session.render(frames)
    cutoff = np.concatenate(seen)[:frames]
    changes = (np.flatnonzero(np.diff(cutoff)) + 1).tolist()
    assert changes == [22050, 44100, 66150]                   # onsets at 1/2, 1, 3/2 cycles
    assert cutoff[0] == 300.0 and cutoff[22050] == 3000.0 and cutoff[44100] == 300.0
    # and the audio is what the filter gives with exactly that cutoff (any block size)
    for other in (64, 4096):
        z = Session(compile_source('cps: 1\nout: saw 110 # lpf "300 3000" 0.7\n'), sr, other).render(frames)
        assert np.max(np.abs(z - y)) <= 1e-6


def test_reference_workload_renders_identically_for_every_block_size():
    text = REFERENCE.read_text()
    renders = {b: phonon.render(text, 4.0, block=b, samples=str(REFERENCE_SAMPLES), file=str(REFERENCE))
               for b in BLOCKS}
    y = renders[2048]
    assert y.shape == (2, 176400)
    for other in renders.values():
        assert np.max(np.abs(other - y)) <= 1e-6
    # limiter ceiling -1 dB (within 0.01 dB); level of the full mix (drums + both returns)
    assert abs(20 * np.log10(float(np.abs(y).max())) + 1.0) < 0.01
    rms_db = 10 * np.log10(float(np.mean(np.square(y, dtype=np.float64))))
    assert -20.0 < rms_db < -18.9


def _peak_hz(x: np.ndarray, sr: int) -> float:
    """Spectral peak with parabolic interpolation (Hann window, zero-padded to 2^18)."""
    n = 1 << 18
    mag = np.abs(np.fft.rfft(x * np.hanning(len(x)), n))
    i = int(mag[1:].argmax()) + 1
    a, b, c = np.log(mag[i - 1: i + 2])
    return (i + 0.5 * (a - c) / (a - 2 * b + c)) * sr / n


def test_cc0_kit_plays_at_the_right_pitch_at_48k():
    program = 'cps: 1\nout: s "lt"\n'
    source, file_sr = sf.read(str(KIT / "lt" / "drum_tom_lo_soft.flac"), always_2d=True)
    f_file = _peak_hz(source.mean(axis=1), file_sr)
    y48 = phonon.render(program, 0.8, sr=48000, block=512, samples=str(KIT))
    y44 = phonon.render(program, 0.8, sr=44100, block=512, samples=str(KIT))
    f48 = _peak_hz(y48[0].astype(np.float64), 48000)
    g = gcd(48000, 44100)
    back = resample_poly(y48[0].astype(np.float64), 44100 // g, 48000 // g)
    f_back = _peak_hz(back, 44100)
    f44 = _peak_hz(y44[0].astype(np.float64), 44100)
    assert abs(f_file - 91.5) < 1.0
    # a sample not resampled to 48 kHz would be 8.8 % sharp; all agree within 0.5 %
    for f in (f48, f_back, f44):
        assert abs(f / f_file - 1) < 0.005, (f, f_file)


def test_reference_bus_program_renders_identically_for_every_block_size():
    text = (Path(__file__).resolve().parents[2] / "examples" / "reference_bus.ph").read_text()
    renders = [phonon.render(text, 3.0, block=b, samples=str(KIT)) for b in (64, 2048)]
    assert np.max(np.abs(renders[0] - renders[1])) <= 1e-6
    y = renders[1]
    assert float(np.abs(y).max()) == pytest.approx(0.9, abs=1e-6)      # `limiter 0.9`
    rms_db = 10 * np.log10(float(np.mean(np.square(y, dtype=np.float64))))
    assert -16.5 < rms_db < -15.0


def test_signal_arithmetic_on_buffers():
    y = phonon.render("~a: sig 0.5\n~b: sig 0.25\nout: ~a * ~b + ~a / ~b * 0.1 - ~b\n", 0.01)
    np.testing.assert_allclose(y, 0.075, atol=1e-7)                  # 0.125 + 0.2 - 0.25


def test_pattern_as_signal_steps_at_the_onset_sample():
    # cps 0.5: the second step starts at cycle 1/2 = 1 s = sample 1000 at 1 kHz
    y = phonon.render('~a: sig "0.5 0.25"\nout: ~a * ~a - 0.125\n', 2.0, sr=1000, block=64)
    assert (np.flatnonzero(np.diff(y[0])) + 1).tolist() == [1000]
    assert y[0, 999] == np.float32(0.125) and y[0, 1000] == np.float32(-0.0625)


@pytest.mark.parametrize("name", ["feedback_self.ph", "feedback_cycle.ph"])
def test_feedback_programs_do_not_depend_on_the_block_size(name):
    text = (Path(__file__).resolve().parents[2] / "examples" / name).read_text()
    renders = [phonon.render(text, 1.5, block=b, samples=str(KIT)) for b in (100, 512, 4096)]
    assert float(np.abs(renders[0]).max()) > 0.01
    for y in renders[1:]:
        assert np.max(np.abs(y - renders[0])) <= 1e-6


def test_event_node_with_a_trigger_pattern_starts_at_its_first_onset():
    # cps 0.5, "~ x": the only hit per cycle is at 1/2 cycle = 1 s = sample 1000 at 1 kHz
    y = phonon.render('out: superkick :trig "~ x"', 2.0, sr=1000, block=64)
    assert int(np.flatnonzero(np.abs(y[0]) > 0)[0]) == 1000

"""`phonon plot` from the command line: files written, errors, and one golden image per kind.

The golden PNGs in tests/plot/golden/ are fixtures made by this module
(`PHONON_REGEN_GOLDEN=1 pytest tests/plot/test_plot_cli.py` rewrites them; they are committed
with `git add -f`, *.png being ignored). They are compared with matplotlib's own image
comparison (RMS over pixels) and a tolerance, so font hinting or anti-aliasing differences pass
and a moved axis, a lost row or a wrong colour scale does not.
"""
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from matplotlib.testing.compare import compare_images

from phonon.cli import main

GOLDEN = Path(__file__).with_name("golden")
TOLERANCE = 6.0        # RMS of pixel differences (0-255)
PROGRAM = """cps: 1
~kick: s "bd*2 [~ bd]" # gain 0.9
~hats: s "hh*4" # gain "0.5 0.25"
~lead: sine "c4 e4 <g4 a3>" * 0.3
~bass: saw "55 82.5" # lpf 800 0.5 # gain 0.2
out: ~kick + ~hats + ~lead + ~bass
"""


@pytest.fixture
def program(tmp_path):
    path = tmp_path / "groove.ph"
    path.write_text(PROGRAM)
    return path


@pytest.mark.parametrize("kind", ["wave", "spectrogram", "roll", "punchcard", "all"])
def test_golden_image_per_kind(kind, program, tmp_path, capsys):
    out = tmp_path / f"{kind}.png"
    assert main(["plot", str(program), "--kind", kind, "-c", "2", "-o", str(out), "-s", "22050",
                 "--width", "6", "--dpi", "50"]) == 0
    assert f"wrote {out.resolve()} ({kind}, 2 cycles" in capsys.readouterr().out
    golden = GOLDEN / f"{kind}.png"
    if os.environ.get("PHONON_REGEN_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        shutil.copy(out, golden)
    result = compare_images(str(golden), str(out), tol=TOLERANCE)
    assert result is None, result


def test_default_output_name_and_svg(program, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["plot", str(program), "--kind", "roll", "-c", "1"]) == 0
    assert (tmp_path / "groove-roll.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["plot", str(program), "--kind", "punchcard", "-o", "card.svg"]) == 0
    svg = (tmp_path / "card.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "4 cycles, 48 events" in capsys.readouterr().out     # the default length: 4 cycles
    assert not list(tmp_path.glob(".*.part"))
    mode = (tmp_path / "card.svg").stat().st_mode & 0o777
    assert mode == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_audio_file_wave_in_seconds_or_cycles(tmp_path, capsys):
    sr = 8000
    t = np.arange(2 * sr) / sr
    wav = tmp_path / "tone.wav"
    sf.write(wav, np.stack([np.sin(2 * np.pi * 440 * t)] * 2).T * 0.5, sr, subtype="FLOAT")
    assert main(["plot", str(wav), "--kind", "all", "-o", str(tmp_path / "a.png")]) == 0
    assert "(all, 2.000 s)" in capsys.readouterr().out
    assert main(["plot", str(wav), "--kind", "wave", "--cps", "2", "-o", str(tmp_path / "b.svg")]) == 0
    assert "cycles" in (tmp_path / "b.svg").read_text()


def test_errors_exit_nonzero_and_keep_an_existing_picture(program, tmp_path, capsys):
    out = tmp_path / "keep.png"
    out.write_bytes(b"old")
    bad = tmp_path / "bad.ph"
    bad.write_text('out: saw 110 # lpff 300\n')
    assert main(["plot", str(bad), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:1:" in err and "Traceback" not in err
    assert out.read_bytes() == b"old"
    wav = tmp_path / "x.wav"
    sf.write(wav, np.zeros((100, 2)), 8000)
    assert main(["plot", str(wav), "--kind", "roll", "-o", str(out)]) == 2
    assert "needs a program" in capsys.readouterr().err
    assert main(["plot", str(program), "-o", str(tmp_path / "x.jpeg")]) == 2
    assert ".png, .svg or .pdf" in capsys.readouterr().err
    assert main(["plot", str(program), "-o", str(tmp_path / "no" / "x.png")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["plot", str(tmp_path / "missing.ph"), "-o", str(out)]) == 1
    assert out.read_bytes() == b"old"
    assert not list(tmp_path.glob(".*.part"))


def test_stems_draw_one_row_per_stem(program, tmp_path, capsys):
    out = tmp_path / "stems.svg"
    assert main(["plot", str(program), "--kind", "wave", "--stems", "-c", "1", "-s", "8000",
                 "-o", str(out)]) == 0
    assert "stems kick hats lead bass master)" in capsys.readouterr().out
    svg = out.read_text()
    for name in ("kick", "hats", "lead", "bass", "master"):
        assert f"wave: {name}" in svg
    assert main(["plot", str(program), "--kind", "roll", "--stems", "-o", str(out)]) == 2
    assert "--stems draws audio" in capsys.readouterr().err

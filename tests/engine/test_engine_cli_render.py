"""`phonon render FILE OUT`: file formats, length options, summary, compiler errors."""
import numpy as np
import soundfile as sf

import phonon
from phonon.cli import main
from phonon.commands.render import summary

PROGRAM = 'cps: 0.5\nout: sine 440 * 0.5\n'


def test_render_wav_float_with_cycles_and_summary(tmp_path, capsys):
    src = tmp_path / "tone.ph"
    src.write_text(PROGRAM)
    out = tmp_path / "tone.wav"
    assert main(["render", str(src), str(out), "-c", "1", "-s", "22050", "-b", "256"]) == 0
    info = sf.info(str(out))
    assert (info.samplerate, info.channels, info.frames, info.subtype) == (22050, 2, 44100, "FLOAT")
    y, _ = sf.read(str(out), dtype="float32", always_2d=True)
    expected = phonon.render(PROGRAM, 2.0, sr=22050, block=256)
    np.testing.assert_array_equal(y.T, expected)
    text = capsys.readouterr().out
    assert f"wrote {out.resolve()} (wav, 22050 Hz, stereo)" in text
    s = summary(expected, 22050, 1.0)
    assert f"length 2.000 s (44100 frames)   peak {s['peak_dbfs']:.1f} dBFS   RMS {s['rms_dbfs']:.1f} dBFS" in text
    assert abs(s["peak_dbfs"] - 20 * np.log10(0.5)) < 0.01            # a 0.5 sine: -6.0 dBFS
    assert abs(s["rms_dbfs"] - 20 * np.log10(0.5 / np.sqrt(2))) < 0.01  # -9.0 dBFS


def test_render_flac_is_24_bit_and_duration_is_exact(tmp_path):
    src = tmp_path / "tone.ph"
    src.write_text(PROGRAM)
    out = tmp_path / "tone.flac"
    assert main(["render", str(src), str(out), "-d", "0.3"]) == 0
    info = sf.info(str(out))
    assert (info.format, info.subtype, info.frames) == ("FLAC", "PCM_24", 13230)


def test_compiler_error_is_printed_with_location_and_exit_1(tmp_path, capsys):
    src = tmp_path / "bad.ph"
    src.write_text('cps: 1\nout: s "bd*4" # lfp 300\n')
    out = tmp_path / "bad.wav"
    assert main(["render", str(src), str(out), "-d", "1"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{src}:2:17: unknown function 'lfp'")
    assert err[1] == "    out: s \"bd*4\" # lfp 300"
    assert err[2] == "    " + " " * 16 + "^"
    assert not out.exists()


def test_missing_file_exit_1(tmp_path, capsys):
    assert main(["render", str(tmp_path / "nope.ph"), str(tmp_path / "x.wav")]) == 1
    assert "cannot read" in capsys.readouterr().err

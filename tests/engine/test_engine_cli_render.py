"""`phonon render FILE OUT`: file formats, length options, summary, compiler errors."""
import re

import numpy as np
import pytest
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
    src.write_text('cps: 1\nout: saw 110 # lfp 300\n')
    out = tmp_path / "bad.wav"
    assert main(["render", str(src), str(out), "-d", "1"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{src}:2:16: unknown function 'lfp'")
    assert err[1] == "    out: saw 110 # lfp 300"
    assert err[2] == "    " + " " * 15 + "^"
    assert not out.exists()


def test_missing_file_exit_1(tmp_path, capsys):
    assert main(["render", str(tmp_path / "nope.ph"), str(tmp_path / "x.wav")]) == 1
    assert "cannot read" in capsys.readouterr().err


# -- the destination: format from the extension, checked before rendering (issue 11)

@pytest.fixture
def program(tmp_path):
    src = tmp_path / "tone.ph"
    src.write_text(PROGRAM)
    return src


@pytest.fixture
def no_render(monkeypatch):
    """Fails the test if anything is rendered: refusals must come before the render."""
    from phonon.engine.session import Session

    def render(self, *a, **k):
        raise AssertionError("rendered although the destination was refused")
    monkeypatch.setattr(Session, "render", render)


@pytest.mark.parametrize("name, fmt, subtype", [
    ("t.wav", "WAV", "FLOAT"), ("t.flac", "FLAC", "PCM_24"), ("t.ogg", "OGG", "VORBIS"),
    ("t.aiff", "AIFF", "FLOAT"), ("t.AIF", "AIFF", "FLOAT")])
def test_the_format_comes_from_the_extension(program, tmp_path, name, fmt, subtype, capsys):
    out = tmp_path / name
    assert main(["render", str(program), str(out), "-d", "0.5"]) == 0
    info = sf.info(str(out))
    assert (info.format, info.subtype, info.frames, info.samplerate) == (fmt, subtype, 22050, 44100)
    y, _ = sf.read(str(out), dtype="float32", always_2d=True)
    expected = phonon.render(PROGRAM, 0.5)
    tolerance = 0.02 if fmt == "OGG" else 1e-6 if fmt == "FLAC" else 0.0   # lossy / 24-bit
    assert np.max(np.abs(y.T - expected)) <= tolerance
    label = {"WAV": "wav", "FLAC": "flac", "OGG": "ogg", "AIFF": "aiff"}[fmt]
    assert f"({label}, 44100 Hz, stereo)" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["x.mp3"], "cannot tell the format of {d}/x.mp3 (extension .mp3): name it .wav, .flac, .ogg or .aiff"),
    (["x"], "cannot tell the format of {d}/x (no extension): name it .wav, .flac, .ogg or .aiff"),
    (["x.wav", "--format", "flac"], "--format flac does not match the name {d}/x.wav (name it x.flac or drop --format)"),
    (["x.ogg", "-s", "384000"], "ogg files store at most 192000 Hz, not 384000: use -s 192000 or lower, or a .wav/.flac name"),
    (["nope/x.wav"], "cannot write {d}/nope/x.wav: No such file or directory (the folder {d}/nope does not exist)"),
    (["tone.ph/x.wav"], "cannot write {d}/tone.ph/x.wav: Not a directory ({d}/tone.ph is not a folder)"),
    (["sub.wav"], "cannot write {d}/sub.wav: Is a directory (it is a folder)"),
])
def test_a_bad_destination_is_refused_in_one_line_before_rendering(program, tmp_path, args, message,
                                                                  capsys, no_render):
    (tmp_path / "sub.wav").mkdir()
    assert main(["render", str(program), f"{tmp_path}/{args[0]}", *args[1:]]) == 2
    err = capsys.readouterr().err
    assert err == f"phonon render: {message.format(d=tmp_path)}\n"


def test_the_program_file_is_never_the_destination(tmp_path, capsys, no_render):
    src = tmp_path / "song.wav"                 # a program that happens to have a sound name
    src.write_text(PROGRAM)
    assert main(["render", str(src), str(tmp_path / "." / "song.wav")]) == 2
    assert "is the program file itself" in capsys.readouterr().err
    assert src.read_text() == PROGRAM


def test_a_failed_write_keeps_the_existing_file(program, tmp_path, monkeypatch, capsys):
    out = tmp_path / "keep.wav"
    out.write_bytes(b"the previous render")
    import soundfile

    def broken(*a, **k):
        raise soundfile.LibsndfileError(0, "disk full")
    monkeypatch.setattr(soundfile.SoundFile, "write", broken)     # the render streams blocks
    assert main(["render", str(program), str(out), "-d", "0.2"]) == 1
    assert out.read_bytes() == b"the previous render"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.wav", "tone.ph"]   # no .part left
    assert capsys.readouterr().err.startswith(f"phonon render: cannot write {out}: ")


@pytest.mark.parametrize("rate", ["1", "100", "7999", "384001", "10000000", "-44100"])
def test_sample_rates_outside_8k_to_384k_are_refused_in_one_line(program, tmp_path, rate, capsys,
                                                                 no_render):
    assert main(["render", str(program), str(tmp_path / "x.wav"), "-s", rate]) == 2
    assert capsys.readouterr().err == (f"phonon render: sample rate {rate} Hz is out of range: "
                                       "use 8000-384000 Hz (e.g. 44100 or 48000)\n")
    assert not (tmp_path / "x.wav").exists()


# -- the summary: clipping, first-run compile time

def test_the_summary_warns_where_samples_clipped(tmp_path, capsys):
    src = tmp_path / "hot.ph"
    src.write_text('cps: 1\nout: s "bd ~ ~ ~" * 4\n')             # one kick per second, 4x hot
    assert main(["render", str(src), str(tmp_path / "hot.wav"), "-d", "2.5"]) == 0
    y, sr = sf.read(str(tmp_path / "hot.wav"), dtype="float32", always_2d=True)
    clipped = np.flatnonzero(np.any(np.abs(y) >= 1.0, axis=1))
    assert clipped.size > 1000
    err = capsys.readouterr().err.strip().splitlines()[-1]
    first = [c for c in clipped if c < sr][-1] / sr
    second = [c for c in clipped if sr <= c < 2 * sr]
    assert err == (f"warning: {clipped.size} frames clipped ({100 * clipped.size / y.shape[0]:.2g} % "
                   f"of the render) at 0.00-{first:.2f} s, 1.00-{second[-1] / sr:.2f} s, "
                   f"2.00-{clipped[-1] / sr:.2f} s: lower the gain or end the chain with "
                   "`# limiter 0.95`")


def test_no_clip_warning_below_full_scale(program, tmp_path, capsys):
    assert main(["render", str(program), str(tmp_path / "x.wav"), "-d", "0.5"]) == 0
    assert "clipped" not in capsys.readouterr().err


def test_compile_time_is_left_out_of_the_real_time_factor(tmp_path, capsys):
    from types import SimpleNamespace

    from phonon.commands.render import _print_summary
    from phonon.commands.render_output import Destination
    from rich.console import Console
    y = np.zeros((2, 44100 * 8), np.float32)
    out, err = Console(highlight=False), Console(stderr=True, highlight=False)
    _print_summary(out, err, Destination(tmp_path / "x.wav", "wav"), y, 44100, wall=6.0,
                   jit=SimpleNamespace(count=9, seconds=5.0))
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].endswith("   8.0x real time")                  # 8 s of audio in 6 - 5 s
    assert lines[2] == "compiled 9 DSP kernels in 5.0 s (first run only; cached for the next runs)"


def test_a_cold_kernel_cache_says_it_compiles_and_a_warm_one_is_silent(tmp_path):
    """Subprocesses with an empty NUMBA_CACHE_DIR: the first run announces the compile (one
    plain line off a terminal) and reports its time; the second loads every kernel."""
    import os
    import subprocess
    import sys
    src = tmp_path / "tone.ph"
    src.write_text('out: sine 440 * 0.5\n')
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"))
    cmd = [sys.executable, "-m", "phonon", "render", str(src), str(tmp_path / "x.wav"), "-d", "0.2"]
    first = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    second = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == second.returncode == 0
    assert first.stderr == "compiling DSP kernels (first run only)...\n"
    assert re.search(r"^compiled [1-9]\d* DSP kernels? in \d+\.\d s \(first run only; cached for "
                     r"the next runs\)$", first.stdout, re.M), first.stdout
    assert second.stderr == "" and "compiled" not in second.stdout


def test_the_written_file_has_the_usual_permissions(program, tmp_path):
    """Written through a temporary name, the file still gets the umask's mode (0644 under
    umask 022), not a private temporary file's 0600."""
    import os
    import stat
    old = os.umask(0o022)
    try:
        assert main(["render", str(program), str(tmp_path / "x.wav"), "-d", "0.1"]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "x.wav").stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tone.ph", "x.wav"]

"""`phonon render`'s arguments and output file (issue 13): bad lengths and block sizes are one
line and exit 2 before any work; the render streams block by block into a temporary file
beside the destination (bounded memory) and renames it into place, so a full disk, a size
limit or a SIGKILL never destroys the previous output."""
from __future__ import annotations

import os
import signal
import subprocess
import time

import numpy as np
import pytest
import soundfile as sf

from .probe_run import PHONON, ROOT, leftover, phonon

TONE = "out: sine 440 * 0.5\n"


@pytest.fixture
def tone(tmp_path):
    (tmp_path / "tone.ph").write_text(TONE)
    (tmp_path / "out.wav").write_bytes(b"the previous render")
    return tmp_path


@pytest.mark.parametrize("args, message", [
    (["-d", "nan"], "-d/--duration must be a positive number, not nan"),
    (["-d", "inf"], "-d/--duration must be a positive number, not inf"),
    (["-d", "-1"], "-d/--duration must be a positive number, not -1"),
    (["-d", "1e5"], "-d/--duration 100000 s is too long: at most 86400 s (24 hours) in one render"),
    (["-c", "nan"], "-c/--cycles must be a positive number, not nan"),
    (["-c", "inf"], "-c/--cycles must be a positive number, not inf"),
    (["-c", "1e9"], "-c/--cycles 1e+09 at 0.5 cps is 2e+09 s: at most 86400 s (24 hours) in one "
                    "render"),
    (["-b", "1000000000"], "-b/--block 1000000000 is out of range: use 1-65536 frames "
                           "(e.g. 256 live, 2048 offline)"),
    (["-b", "0"], "-b/--block 0 is out of range: use 1-65536 frames (e.g. 256 live, 2048 offline)"),
    (["-j", "-1"], "-j/--workers must not be negative"),
    (["--isolate", "nosuchkind"], "--isolate nosuchkind: no node kind of that name (see `phonon "
                                  "nodes`)"),
    (["--isolate", "lfp"], "--isolate lfp: no node kind of that name (did you mean 'lpf'?)"),
])
def test_bad_arguments_are_one_line_and_exit_2(tone, args, message):
    """They were MemoryErrors (-d 1e5, -c 1e9, -b 1e9), tracebacks (nan, inf) or accepted
    silently (--isolate nosuchkind)."""
    run = phonon("render", "tone.ph", "out.wav", *args, cwd=tone, timeout=60,
                 address_space=2 << 30)
    assert (run.status, run.stderr) == (2, f"phonon render: {message}\n")
    assert run.clean and run.peak_rss_mb < 300
    assert (tone / "out.wav").read_bytes() == b"the previous render"


def test_standard_output_is_refused_instead_of_a_broken_write(tone):
    """`phonon render FILE -` wrote to stdout, then failed with EBADF."""
    run = phonon("render", "tone.ph", "-", "-d", "1", cwd=tone, timeout=60)
    assert run.status == 2 and run.raw == b""
    assert run.stderr == ("phonon render: writing audio to standard output is not supported: "
                          "name the output file (e.g. out.wav)\n")


def test_a_size_limit_is_found_before_rendering_and_names_its_errno(tone):
    """A full disk left a truncated WAV (and destroyed the previous one): the file-size limit
    (like the free space) is compared with the render's size before any work."""
    run = phonon("render", "tone.ph", "out.wav", "-d", "10", cwd=tone, timeout=60,
                 file_size=200_000)
    assert run.status == 1 and run.clean
    assert run.stderr == ("phonon render: cannot write out.wav: File too large (the render needs "
                          "3.5 MB, the file-size limit is 200.0 KB)\n")
    assert (tone / "out.wav").read_bytes() == b"the previous render"
    assert sorted(p.name for p in tone.iterdir()) == ["out.wav", "tone.ph"]


def test_a_write_that_fails_midway_names_its_errno_and_keeps_the_old_file(tone):
    """An .ogg file's size is not known in advance: the limit strikes while writing."""
    (tone / "out.ogg").write_bytes(b"the previous render")
    run = phonon("render", "tone.ph", "out.ogg", "-d", "60", cwd=tone, timeout=120,
                 file_size=100_000)
    assert run.status == 1 and run.clean
    assert run.stderr.splitlines()[-1] == "phonon render: cannot write out.ogg: File too large (EFBIG)"
    assert (tone / "out.ogg").read_bytes() == b"the previous render"
    assert not [p for p in tone.iterdir() if p.name.endswith(".part")]


def test_sigkill_while_writing_keeps_the_previous_file_and_the_next_run_tidies_up(tone):
    """SIGKILL during the write left an 88-byte file in place of the previous one."""
    proc = subprocess.Popen([*PHONON, "render", "tone.ph", "out.wav", "-d", "3000", "-s", "8000"],
                            cwd=tone, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    part = tone / f".out.wav.{proc.pid}.part"
    try:
        deadline = time.monotonic() + 90
        while not (part.exists() and part.stat().st_size > 1_000_000):
            assert proc.poll() is None and time.monotonic() < deadline, "no growing .part file"
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert (tone / "out.wav").read_bytes() == b"the previous render"
    run = phonon("render", "tone.ph", "out.wav", "-d", "0.5", cwd=tone, timeout=60)
    assert run.status == 0 and run.clean
    assert not part.exists()                       # its process is gone: removed
    y, sr = sf.read(tone / "out.wav", dtype="float32")
    assert y.shape == (22050, 2) and np.abs(y).max() == pytest.approx(0.5, abs=1e-3)


def test_the_render_streams_to_the_file_in_bounded_memory(tone):
    """-d 1800 took 2 GB for a 635 MB file: now the audio goes to the file block by block, and
    a render 60 times longer takes no more memory than a short one."""
    short = phonon("render", "tone.ph", "short.wav", "-d", "5", cwd=tone, timeout=60)
    long = phonon("render", "tone.ph", "long.wav", "-d", "300", cwd=tone, timeout=300)
    assert short.status == long.status == 0 and short.clean and long.clean
    assert (tone / "long.wav").stat().st_size > 105_000_000          # 300 s of float32 stereo
    assert long.peak_rss_mb < short.peak_rss_mb + 40, (short.peak_rss_mb, long.peak_rss_mb)
    with sf.SoundFile(tone / "long.wav") as f:
        assert f.frames == 300 * 44100
        f.seek(299 * 44100)
        tail = f.read(44100, dtype="float32")
    ref = 0.5 * np.sin(2 * np.pi * 440 * np.arange(299 * 44100, 300 * 44100) / 44100)
    assert np.abs(tail[:, 0] - ref).max() < 2e-3
    assert "length 300.000 s (13230000 frames)   peak -6.0 dBFS   RMS -9.0 dBFS" in long.stdout
    assert not leftover(long.pid)


def test_on_a_terminal_the_progress_bar_moves_from_the_first_block(monkeypatch):
    """The bar is updated after every block as the block reaches the file, not at the end."""
    import io

    from rich.console import Console
    from rich.progress import Progress

    from phonon.commands.render import _render
    from phonon.engine.options import SessionOptions
    from phonon.engine.render import open_session

    moves, written = [], []
    update = Progress.update

    def spy(self, task, **kw):
        if "completed" in kw:
            moves.append((kw["completed"], sum(written)))
        return update(self, task, **kw)

    monkeypatch.setattr(Progress, "update", spy)
    session = open_session(TONE, SessionOptions(sr=8000, block=1000))
    try:
        err = Console(file=io.StringIO(), force_terminal=True, width=80)
        _render(session, 4500, err, lambda block: written.append(block.shape[1]))
    finally:
        session.close()
    assert moves == [(1000, 1000), (2000, 2000), (3000, 3000), (4000, 4000), (4500, 4500)]


def test_stems_stream_to_their_files_in_bounded_memory(tone):
    """`--stems` kept every stem's blocks in memory until the end (3 stems of 120 s: ~130 MB,
    twice that while joining them): now each stem's blocks go to its file as they are rendered,
    like the single-file render."""
    (tone / "two.ph").write_text("~a: sine 440 * 0.25\n~b: sine 660 * 0.125\nout: ~a + ~b\n")
    short = phonon("render", "two.ph", "short", "--stems", "-d", "5", cwd=tone, timeout=60)
    long = phonon("render", "two.ph", "long", "--stems", "-d", "120", cwd=tone, timeout=300)
    assert short.status == long.status == 0 and short.clean and long.clean, long.stderr
    assert sorted(p.name for p in (tone / "long").iterdir()) == ["a.wav", "b.wav", "master.wav"]
    assert long.peak_rss_mb < short.peak_rss_mb + 40, (short.peak_rss_mb, long.peak_rss_mb)
    t = np.arange(119 * 44100, 120 * 44100) / 44100
    for name, ref in (("a", 0.25 * np.sin(2 * np.pi * 440 * t)),
                      ("b", 0.125 * np.sin(2 * np.pi * 660 * t))):
        with sf.SoundFile(tone / "long" / f"{name}.wav") as f:
            assert f.frames == 120 * 44100
            f.seek(119 * 44100)
            tail = f.read(44100, dtype="float32")
        assert np.abs(tail[:, 0] - ref).max() < 1e-3
    a, _ = sf.read(tone / "long" / "a.wav", dtype="float32", frames=44100 * 10)
    b, _ = sf.read(tone / "long" / "b.wav", dtype="float32", frames=44100 * 10)
    m, _ = sf.read(tone / "long" / "master.wav", dtype="float32", frames=44100 * 10)
    assert np.abs(m - (a + b)).max() < 1e-6          # the pre-master stems add up (no effects)
    assert "a.wav                    peak  -12.0 dBFS   RMS  -15.1 dBFS" in long.stdout, long.stdout
    assert not leftover(long.pid)

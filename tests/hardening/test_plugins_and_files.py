"""Plugins and files a program may touch (issue 13): VST3 bundles only from the plugin folders
(or a folder the command line allows), `check` finds what `render` would refuse (plugin,
parameter, convolve file) with its location, and hostile sample folders and program files
(FIFOs, devices, absurd headers) cost one warning or one line, never a hang or a crash."""
from __future__ import annotations

import json
import os
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from .probe_run import phonon

ZAM = Path("/usr/lib/vst3")
needs_zam = pytest.mark.skipif(not (ZAM / "ZamComp.vst3").exists(), reason="zam-plugins missing")
OUTSIDE = ("vst3: 'evil/ZamComp.vst3' is outside the VST3 plugin folders: a program loads "
           "plugins only from ")


@pytest.fixture
def evil(tmp_path, monkeypatch):
    """A real plugin bundle copied to a folder that is not a plugin folder."""
    (tmp_path / "evil").mkdir()
    shutil.copytree(ZAM / "ZamComp.vst3", tmp_path / "evil" / "ZamComp.vst3")
    (tmp_path / "p.ph").write_text('out: sine 440 * 0.5 # vst3 "evil/ZamComp.vst3" '
                                   ':threshold_db -40 :ratio 20\n')
    (tmp_path / "out.wav").write_bytes(b"kept")
    return tmp_path


@needs_zam
def test_a_plugin_outside_the_plugin_folders_is_refused_by_check_and_render(evil):
    """`vst3 "any/dir/evil.vst3"` loaded any bundle by path (running its native code) and
    `check` said ok."""
    check = phonon("check", "p.ph", cwd=evil, timeout=60)
    render = phonon("render", "p.ph", "out.wav", "-d", "0.2", cwd=evil, timeout=60)
    for run in (check, render):
        assert run.status == 1 and run.clean
        first = run.stderr.splitlines()[0]
        assert first.startswith("p.ph:1:23: " + OUTSIDE) and first.endswith(
            " — install the plugin there, add its folder to PHONON_VST3_PATH, or allow it with "
            "--allow-plugin-path evil")
    assert (evil / "out.wav").read_bytes() == b"kept"


@needs_zam
def test_allow_plugin_path_lets_the_program_load_it(evil):
    check = phonon("check", "--allow-plugin-path", "evil", "p.ph", cwd=evil, timeout=60)
    assert check.status == 0 and check.stdout.startswith("p.ph: ok")
    render = phonon("render", "--allow-plugin-path", "evil", "p.ph", "out.wav", "-d", "0.5",
                    "-s", "48000", cwd=evil, timeout=60)
    assert render.status == 0, render.stderr
    (evil / "q.ph").write_text('out: sine 440 * 0.5 # vst3 "ZamComp" :threshold_db -40 '
                               ':ratio 20\n')                  # the installed copy, by name
    installed = phonon("render", "q.ph", "q.wav", "-d", "0.5", "-s", "48000", cwd=evil,
                       timeout=60)
    assert installed.status == 0, installed.stderr
    y, _ = sf.read(evil / "out.wav", dtype="float32")
    ref, _ = sf.read(evil / "q.wav", dtype="float32")
    assert np.abs(y[12000:]).max() < 0.03              # -6 dBFS in, compressed 20:1 above -40 dB
    np.testing.assert_array_equal(y, ref)


@needs_zam
def test_plugin_folders_come_from_phonon_vst3_path_too(evil):
    env = dict(os.environ, PHONON_VST3_PATH=str(evil / "evil"))
    (evil / "q.ph").write_text('out: sine 440 * 0.5 # vst3 "ZamComp" :threshold_db -40\n')
    check = phonon("check", "p.ph", "q.ph", cwd=evil, timeout=60, env=env)
    assert check.status == 0, check.stderr


@needs_zam
@pytest.mark.parametrize("call, line", [
    ('vst3 "ZamComp" :bogus 3',
     "t.ph:1:17: vst3 'ZamComp': unknown parameter 'bogus' — parameters: buffer_size_frames, "),
    ('vst3 "ZamComp" :treshold_db -3',
     "t.ph:1:17: vst3 'ZamComp': unknown parameter 'treshold_db' — did you mean 'threshold_db'?"),
    ('vst3 "ZamKomp"', "t.ph:1:17: vst3: unknown plugin 'ZamKomp' — did you mean 'ZamComp'"),
    ('convolve "nothere.wav"', "t.ph:1:17: convolve: impulse response file 'nothere.wav' not "
                               "found — give a WAV/FLAC/AIFF file path"),
])
def test_check_finds_what_render_would_refuse_with_its_location(tmp_path, call, line):
    (tmp_path / "t.ph").write_text(f"out: sine 440 # {call}\n")
    check = phonon("check", "t.ph", cwd=tmp_path, timeout=60)
    render = phonon("render", "t.ph", "out.wav", "-d", "0.2", cwd=tmp_path, timeout=60)
    assert check.status == render.status == 1 and check.clean and render.clean
    assert check.stderr.startswith(line), check.stderr
    assert render.stderr.startswith(line), render.stderr
    assert not (tmp_path / "out.wav").exists()


def _claiming(path: Path, rate: int, frames: int = 1000) -> None:
    """A 16-bit WAV whose header claims `rate` Hz."""
    sf.write(path, (0.5 * np.sin(np.arange(frames) / 5)).astype(np.float32), 44100,
             subtype="PCM_16")
    data = bytearray(path.read_bytes())
    data[24:32] = struct.pack("<II", rate, (2 * rate) & 0xFFFFFFFF)
    path.write_bytes(bytes(data))


def test_hostile_sample_folders_cost_one_warning_each(tmp_path):
    """A header claiming 2147483647 Hz asked for 320 GiB (MemoryError), 1000003 Hz took 1.1 GB
    for 1,000 frames, a FIFO named a.wav hung the render."""
    kit = tmp_path / "kit"
    for name in ("bd", "sn", "cp"):
        (kit / name).mkdir(parents=True)
    os.mkfifo(kit / "bd" / "0.wav")
    _claiming(kit / "bd" / "a.wav", 2147483647)
    _claiming(kit / "sn" / "a.wav", 1000003)
    sf.write(kit / "cp" / "a.wav", np.full(4410, 0.25, np.float32), 22050)   # a good one
    (tmp_path / "p.ph").write_text('out: s "bd sn cp"\n')
    (tmp_path / "out.wav").write_bytes(b"kept")
    run = phonon("render", "p.ph", "out.wav", "-d", "2", "--samples", "kit", cwd=tmp_path,
                 timeout=60, address_space=2 << 30)
    assert run.status == 0 and run.clean and run.peak_rss_mb < 400
    warnings = [ln for ln in run.stderr.splitlines() if ln.startswith("sample file")]
    assert warnings == [
        "sample file kit/bd/0.wav is not a regular file: skipped",
        "sample file kit/bd/a.wav claims a sample rate of 2147483647 Hz (a sample may have "
        "1000-768000 Hz): skipped",
        "sample file kit/sn/a.wav claims a sample rate of 1000003 Hz (a sample may have "
        "1000-768000 Hz): skipped",
    ]
    y, sr = sf.read(tmp_path / "out.wav", dtype="float32")
    cp = 2 * sr * 2 // 3                                   # the third step (0.5 cps)
    assert np.abs(y[:cp - 10]).max() == 0.0                # the skipped sounds: silence
    assert np.abs(y[cp:cp + 1000]).max() > 0.1


def test_an_awkward_rate_is_resampled_with_a_small_filter():
    from phonon.samples.bank import RATIO_TERMS, resampling_ratio
    assert resampling_ratio(44100, 48000) == (147, 160)              # exact when small
    assert resampling_ratio(384000, 11025) == (5120, 147)
    up, down = resampling_ratio(44100, 767999)                       # prime: approximated
    assert max(up, down) < RATIO_TERMS and abs(up / down * 767999 / 44100 - 1) < 1e-4


@pytest.mark.parametrize("command", ["check", "render"])
def test_a_program_that_is_a_device_or_a_fifo_is_one_line(tmp_path, command):
    """`phonon check /dev/zero` read without limit; a FIFO blocked forever."""
    os.mkfifo(tmp_path / "beat.ph")
    extra = ["out.wav"] if command == "render" else []
    for program in ("/dev/zero", "beat.ph"):
        run = phonon(command, program, *extra, cwd=tmp_path, timeout=30, address_space=1 << 30)
        assert run.status == 1 and run.clean and run.seconds < 20
        assert run.stderr == (f"phonon {command}: cannot read {program}: not a regular file (a "
                              "device, FIFO or socket): give a .ph program file\n")


def test_a_huge_program_file_is_refused(tmp_path):
    with open(tmp_path / "big.ph", "wb") as f:
        f.truncate(64 << 20)                               # sparse: 64 MiB of zero bytes
    run = phonon("check", "big.ph", cwd=tmp_path, timeout=30, address_space=1 << 30)
    assert run.status == 1 and run.clean
    assert run.stderr == ("phonon check: cannot read big.ph: 67108864 bytes is too large for a "
                          "program (at most 4 MiB)\n")


def test_plot_and_batch_refuse_a_device_or_a_fifo_in_one_line(tmp_path):
    """`phonon plot /dev/zero`, a FIFO program, a FIFO "audio file", a manifest that is a
    device, a job whose program is a FIFO: each hung (or read without end) before."""
    os.mkfifo(tmp_path / "beat.ph")
    os.mkfifo(tmp_path / "take.wav")
    (tmp_path / "set.json").write_text('{"jobs": [{"name": "a", "program": "beat.ph", '
                                       '"seconds": 1}]}')
    special = "not a regular file (a device, FIFO or socket)"
    runs = {
        ("plot", "/dev/zero"): f"phonon plot: cannot read /dev/zero: {special}: give a .ph "
                               "program file\n",
        ("plot", "beat.ph"): f"phonon plot: cannot read beat.ph: {special}: give a .ph program "
                             "file\n",
        ("plot", "take.wav"): f"phonon plot: cannot read take.wav: {special}: give an audio "
                              "file\n",
        ("batch", "/dev/zero"): f"phonon batch: cannot read manifest /dev/zero: {special}: give "
                                "a .toml or .json manifest\n",
        ("batch", "set.json"): f"set.json:1:36: job 1 'a': cannot read program beat.ph: "
                               f"{special}: give a .ph program file\n",
    }
    for (command, file), message in runs.items():
        extra = ["-o", "p.png"] if command == "plot" else ["--out", "out", "-q"]
        run = phonon(command, file, *extra, cwd=tmp_path, timeout=60, address_space=2 << 30)
        assert run.status == 1 and run.clean and run.seconds < 30, (command, file, run.stderr)
        assert run.stderr.startswith(message), (command, file, run.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["beat.ph", "set.json", "take.wav"]


@needs_zam
def test_plot_and_batch_take_allow_plugin_path_too(evil):
    """Plot and batch follow the plugin-folder rule like render, and take the same flag (batch
    hands the folders to every worker, local or on a Ray cluster)."""
    (evil / "set.json").write_text('{"sr": 48000, "jobs": [{"name": "a", "program": "p.ph", '
                                   '"seconds": 0.5}]}')
    refused = phonon("batch", "set.json", "--out", "no", "-q", cwd=evil, timeout=120)
    assert refused.status == 1 and refused.clean
    row = json.loads((evil / "no" / "metadata.jsonl").read_text())
    assert row["status"] == "failed" and row["error"].startswith("p.ph:1:23: " + OUTSIDE), row
    batch = phonon("batch", "--allow-plugin-path", "evil", "set.json", "--out", "yes", "-q",
                   cwd=evil, timeout=120)
    assert batch.status == 0, batch.stderr
    render = phonon("render", "--allow-plugin-path", "evil", "p.ph", "r.wav", "-d", "0.5",
                    "-s", "48000", cwd=evil, timeout=60)
    assert render.status == 0, render.stderr
    np.testing.assert_array_equal(sf.read(evil / "yes" / "a.wav", dtype="float32")[0],
                                  sf.read(evil / "r.wav", dtype="float32")[0])
    plot = phonon("plot", "p.ph", "-o", "p.png", "--kind", "wave", "-c", "1", cwd=evil,
                  timeout=120)
    assert plot.status == 1 and plot.clean and OUTSIDE in plot.stderr, plot.stderr
    plot = phonon("plot", "--allow-plugin-path", "evil", "p.ph", "-o", "p.png", "--kind", "wave",
                  "-c", "1", cwd=evil, timeout=120)
    assert plot.status == 0 and (evil / "p.png").stat().st_size > 1000, plot.stderr

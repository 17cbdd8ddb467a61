"""The README's two commands, as a newcomer runs them: the first one renders the demo in a fresh
directory and prints where the file is; CI runs the second one exactly."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

import phonon

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def _shell_blocks() -> list[list[str]]:
    return [block.strip().splitlines() for block in re.findall(r"```sh\n(.*?)```", README, re.S)]


def test_the_readme_first_command_renders_the_demo_in_a_fresh_directory(tmp_path):
    first = _shell_blocks()[0]
    assert first == ["pip install -e . && phonon render examples/demo.ph demo.wav -d 8"]
    render = first[0].split(" && ")[1].split()
    (tmp_path / "examples").mkdir()
    shutil.copy(ROOT / "examples" / "demo.ph", tmp_path / "examples" / "demo.ph")
    phonon = Path(sys.executable).with_name("phonon")      # the console script pip installed
    proc = subprocess.run([str(phonon), *render[1:]], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    printed = re.search(r"^wrote (\S+) \(wav, 44100 Hz, stereo\)$", proc.stdout, re.M)
    assert printed, proc.stdout
    assert Path(printed[1]) == tmp_path / "demo.wav" and Path(printed[1]).is_file()
    audio, sr = sf.read(printed[1], dtype="float32", always_2d=True)
    assert sr == 44100 and audio.shape == (8 * 44100, 2)
    peak_db = 20 * np.log10(np.abs(audio).max())
    rms_db = 10 * np.log10(np.mean(np.square(audio, dtype=np.float64)))
    assert -3.0 < peak_db < -0.3                          # loud, and below the clip margin
    assert -17.0 < rms_db < -11.0
    assert f"peak {peak_db:.1f} dBFS" in proc.stdout


def test_ci_runs_the_readme_test_command_exactly():
    apt, test = _shell_blocks()[1]
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test in ci                                      # the very line, not a paraphrase
    assert test.startswith('pip install -e ".[test]" ') and test.endswith("&& python3 -m pytest")
    packages = apt.split("--no-install-recommends")[1].split()
    assert f'for pkg in {" ".join(packages)}; do' in ci
    for plugin in sorted((ROOT / "examples" / "plugins").glob("*/pyproject.toml")):
        assert f"-e examples/plugins/{plugin.parent.name}" in test


EXAMPLES = sorted((ROOT / "examples").glob("*.ph"))
CEILING_DB = -0.3


def test_every_example_peaks_below_the_clip_margin():
    """What `phonon render EXAMPLE OUT` gives (8 s, 44.1 kHz, the built-in kit): the loudest
    sample stays below -0.3 dBFS, so no example clips at the master (10 of 46 did)."""
    assert len(EXAMPLES) >= 40
    too_loud = {}
    for path in EXAMPLES:
        y = phonon.render(path.read_text(), 8.0, file=str(path), reporter=lambda m: None)
        peak_db = 20 * np.log10(max(float(np.abs(y).max()), 1e-12))
        if peak_db >= CEILING_DB:
            too_loud[path.name] = round(peak_db, 2)
    assert too_loud == {}

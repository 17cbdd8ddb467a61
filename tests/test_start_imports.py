"""What a plain `phonon render` loads: only what the program needs (issue 19, whole-process
start). Behaviour, not timing: the heavy modules a render of the reference program (samples,
reverb, delay, compressor, limiter) does not use are never imported."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

from phonon.dsp.limiter import lookahead_samples

BENCH = Path(__file__).parent / "data" / "bench"

#: modules a plain render must not import: other commands, optional features, plotting,
#: the VST3 host (no vst3 node in the program), SciPy's linear algebra and signal package
#: (numba probes BLAS at start-up; the samples need no resampling), rich (output is no terminal)
NOT_LOADED = ["scipy.linalg", "scipy.signal", "matplotlib", "ray", "mido", "jack",
              "sounddevice", "rich", "phonon.live", "phonon.dirt", "phonon.batch",
              "phonon.plot", "phonon.vst3", "phonon.sync", "phonon.osc",
              "phonon.commands.live", "phonon.commands.plot", "phonon.commands.batch"]

PROBE = """
import json, sys
from phonon.cli import main
status = main(sys.argv[1:])
print(json.dumps({"status": status, "modules": sorted(sys.modules)}))
"""


def render_modules(tmp_path: Path, *args: str) -> tuple[dict, str]:
    out = tmp_path / "out.wav"
    proc = subprocess.run([sys.executable, "-c", PROBE, "render", str(BENCH / "reference.ph"),
                           str(out), "-d", "0.25", "--samples", str(BENCH / "samples"), *args],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    return json.loads(lines[-1]), "\n".join(lines[:-1])


def test_a_plain_render_imports_none_of_the_heavy_modules_it_does_not_use(tmp_path):
    result, printed = render_modules(tmp_path)
    assert result["status"] == 0
    loaded = set(result["modules"])
    assert [m for m in NOT_LOADED if m in loaded] == []
    assert {"numba", "pedalboard", "phonon.commands.render"} <= loaded   # what it does use
    # and it rendered the program: 0.25 s of sound, the first kick on sample 0 heard after
    # the limiter's look-ahead
    y, sr = sf.read(tmp_path / "out.wav", dtype="float32")
    assert sr == 44100 and y.shape == (11025, 2)
    assert np.flatnonzero(np.abs(y[:, 0]) > 0)[0] == lookahead_samples(44100) == 66
    assert printed.splitlines()[0] == f"wrote {(tmp_path / 'out.wav').resolve()} (wav, 44100 Hz, stereo)"


def test_numba_still_knows_blas_is_there_without_importing_scipy_linalg():
    """`phonon.dsp` defers numba's BLAS probe: `_HAVE_BLAS` (read when a kernel types
    np.convolve) is what numba would have found, scipy.linalg stays unloaded until a kernel
    needs it, and then a BLAS kernel works."""
    code = """
import sys, numpy as np, numba
import phonon.dsp
import numba.np.arraymath as am
print(am._HAVE_BLAS, "scipy.linalg" in sys.modules)
f = numba.njit(lambda a, b: np.dot(a, b))
print(f(np.arange(3.0), np.ones(3)), "scipy.linalg" in sys.modules)
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "False", "3.0", "True"]


def test_the_cli_imports_only_the_command_it_runs():
    code = """
import sys
from phonon.cli import build_parser, command_of
parser, modules = build_parser(command_of(["check", "x.ph"]))
print(sorted(modules), "phonon.commands.live" in sys.modules)
parser, modules = build_parser(command_of(["--help"]))
print(len(modules))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    first, second = proc.stdout.strip().splitlines()
    assert first == "['check'] False"
    from phonon.commands import COMMANDS
    assert int(second) == len(COMMANDS)          # `phonon --help` still imports every command

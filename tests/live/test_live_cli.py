"""`phonon live` / `phonon devices` from the command line: bad programs, no device."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

from .jack_server import jack_env, jack_server  # noqa: F401 - the fixture

PHONON = [sys.executable, "-m", "phonon"]


def run(args, env, timeout=60):
    return subprocess.run(PHONON + args, env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_a_first_program_that_does_not_compile_is_reported_with_line_and_column(
        jack_server, tmp_path):
    prog = tmp_path / "beat.ph"
    prog.write_text('cps: 1\n~d: saw 110 # lpff 300\nout: ~d\n')
    r = run(["live", str(prog), "--duration", "1"], jack_server)
    assert r.returncode == 1
    assert f"{prog}:2:15: unknown function 'lpff' — did you mean 'lpf'?" in r.stderr
    assert "    ~d: saw 110 # lpff 300\n                  ^" in r.stderr


def test_devices_lists_the_jack_output_as_default(jack_server):
    r = run(["devices"], jack_server)
    assert r.returncode == 0
    assert r.stdout.startswith("*   0  system  [JACK Audio Connection Kit]  2 ch, 44100 Hz")


def test_without_any_output_device_live_explains_how_to_get_audio(tmp_path):
    env = jack_env(f"phonon-absent-{uuid.uuid4().hex[:8]}")      # no such JACK server
    probe = subprocess.run(
        [sys.executable, "-c", "import sounddevice as sd; "
         "print(sum(d['max_output_channels'] > 0 for d in sd.query_devices()))"],
        env=env, capture_output=True, text=True, timeout=60)
    if probe.stdout.strip() != "0":
        pytest.skip("this machine has an output device")
    prog = tmp_path / "beat.ph"
    prog.write_text('out: s "bd"\n')
    r = run(["live", str(prog)], env)
    assert r.returncode == 3
    assert r.stderr.startswith("phonon live: no audio output device found.\n"
                               "sounddevice sees host APIs: ")
    for hint in ("jackd -d dummy -r 44100", "PulseAudio", "phonon render FILE out.wav -d 30"):
        assert hint in r.stderr
    r = run(["devices"], env)
    assert r.returncode == 3 and "no audio output device found." in r.stdout


def test_a_missing_program_file_is_an_error(tmp_path):
    r = run(["live", str(tmp_path / "nope.ph")], dict(os.environ))
    assert r.returncode == 2 and "cannot read" in r.stderr and "nope.ph" in r.stderr


def test_a_cold_kernel_cache_says_it_compiles_before_playing(jack_server, tmp_path):
    """The first `phonon live` after install compiles the kernels before the device starts:
    it says so (and how long it took) instead of sitting silent; a warm cache says nothing."""
    prog = tmp_path / "beat.ph"
    prog.write_text('cps: 1\nout: saw 110 # lpf 800 0.7 * 0.3\n')
    env = dict(jack_server, NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    cold = run(["live", str(prog), "--duration", "0.5"], env, timeout=300)
    assert cold.returncode == 0, cold.stderr
    lines = cold.stdout.splitlines()
    assert lines[0] == "compiling DSP kernels (first run only)..."
    assert lines[1].startswith("compiled ") and lines[1].endswith(
        " s (first run only; cached for the next runs)")
    assert lines[2].startswith(f"playing {prog} on ")
    warm = run(["live", str(prog), "--duration", "0.5"], env, timeout=300)
    assert warm.returncode == 0 and warm.stdout.splitlines()[0].startswith(f"playing {prog} on ")


def test_a_record_file_that_cannot_be_written_is_an_error_and_nothing_is_left(jack_server,
                                                                             tmp_path):
    from phonon.runtime.shm import leftover_segments

    prog = tmp_path / "beat.ph"
    prog.write_text('out: s "bd"\n')
    live = subprocess.Popen(PHONON + ["live", str(prog), "--duration", "1", "--record",
                                      str(tmp_path / "nope" / "x.wav")],
                            env=jack_server, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    out, err = live.communicate(timeout=120)
    assert live.returncode == 3, err
    assert err.startswith(f"phonon live: cannot write {tmp_path / 'nope' / 'x.wav'}: "), err
    assert "Traceback" not in err and leftover_segments(live.pid) == []
    ports = subprocess.run(["jack_lsp"], env=jack_server, capture_output=True, text=True).stdout
    assert "phonon:" not in ports                    # the device process is gone

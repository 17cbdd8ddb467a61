"""`phonon dirt` as a command: bad arguments, a taken port, too few channels, a flood."""
from __future__ import annotations

import socket
import subprocess
import sys
import time

import numpy as np
import soundfile as sf

from phonon.osc import bundle, message

from .helpers import RATE, dirt_process, finish, runs
from .jack import jack2  # noqa: F401 - the fixture

PHONON = [sys.executable, "-m", "phonon", "dirt"]


def test_bad_channels_orbits_and_voices_are_usage_errors():
    for args, words in ((["--channels", "5"], "--channels must be 2 or 2*orbits (24)"),
                        (["--orbits", "0"], "--orbits must be 1..64"),
                        (["--voices", "0"], "--voices must be 1..4096"),
                        (["-b", "0"], "the block must be 1-65536 frames and the latency 0-10 s"),
                        (["--program", "x.ph", "--channels", "24"], "--program plays in stereo"),
                        (["--program", "/no/such.ph"], "cannot read /no/such.ph")):
        proc = subprocess.run(PHONON + args, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2 and words in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr


def test_block_latency_and_duration_are_checked_as_in_live():
    """The same bounds and words as `phonon live` (before, dirt took a block of 10^9 frames,
    a latency of a minute and `--duration nan`, which never ended)."""
    for args, words in ((["-b", "1000000000"], "the block must be 1-65536 frames and the "
                                               "latency 0-10 s"),
                        (["--latency", "-0.1"], "the block must be 1-65536 frames and the "
                                                "latency 0-10 s"),
                        (["--latency", "60"], "the block must be 1-65536 frames and the "
                                              "latency 0-10 s"),
                        (["--duration", "nan"], "--duration must be a positive number of seconds"),
                        (["--duration", "0"], "--duration must be a positive number of seconds")):
        proc = subprocess.run(PHONON + ["--port", "0", *args], capture_output=True, text=True,
                              timeout=60)
        assert (proc.returncode, proc.stderr) == (2, f"phonon dirt: {words}\n"), args


def test_a_taken_port_says_so():
    taken = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    taken.bind(("127.0.0.1", 0))
    try:
        port = taken.getsockname()[1]
        proc = subprocess.run(PHONON + ["--port", str(port)], capture_output=True, text=True,
                              timeout=60)
    finally:
        taken.close()
    assert proc.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in proc.stderr and "--port" in proc.stderr


def test_more_channels_than_the_device_has_is_a_device_error(jack2):
    proc = subprocess.run(PHONON + ["--port", "0", "--channels", "2*orbits"], env=jack2,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3, proc.stderr
    assert "has 2 output channels; --channels 24 needs 24" in proc.stderr
    assert "jackd -d dummy -P 24" in proc.stderr


def test_a_program_that_does_not_compile_names_file_line_and_column(jack2, tmp_path):
    prog = tmp_path / "p.ph"
    prog.write_text("out: dirt 0 #\n")
    proc = subprocess.run(PHONON + ["--port", "0", "--program", str(prog)], env=jack2,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert f"{prog}:1:" in proc.stderr and "fix the program and start again" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_flood_is_bounded_reported_and_the_music_goes_on(jack2, tmp_path):
    with (dirt_process(jack2, tmp_path, "--voices", "64", duration=None) as (dirt, lines, port),
          socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock):
        t0 = time.time() + 0.3
        play = message("/dirt/play", "s", "long", "pan", 0.0)
        sent = 0
        while time.time() < t0 + 1.0:              # ~10,000 events in one second
            for _ in range(100):
                sock.sendto(bundle(time.time() + 0.1, [play]), ("127.0.0.1", port))
                sent += 1
            time.sleep(0.008)
        after = time.time() + 0.6                    # one event after the flood, on time
        sock.sendto(bundle(after, [message("/dirt/play", "s", "long", "pan", 1.0)]),
                    ("127.0.0.1", port))
        time.sleep(1.2)
        dirt.send_signal(2)
        out = finish(dirt, lines)
    print(f"sent {sent}\n{out}")
    assert sent >= 5000
    summary = next(line for line in out.splitlines() if "stopped after" in line)
    assert f"events: {sent + 1} " in summary          # every one received and counted
    assert "at most 64 sounding at once" in summary   # --voices 64: never more (not fading)
    audio, _ = sf.read(tmp_path / "rec.wav", dtype="float32")
    # with the voices stolen in the last 5 ms still fading out, never above 4 x 64 voices
    assert np.abs(audio[:, 0]).max() <= 4 * 64 * 0.5 * 0.4
    # the event after the flood sounds on the right, once, whole
    assert [n for _, n in runs(audio[:, 1])] == [4000]


def test_host_widens_the_listener_synths_play_and_unknown_sounds_warn_once(jack2, tmp_path):
    with (dirt_process(jack2, tmp_path, "--host", "0.0.0.0", duration=None) as (dirt, lines,
                                                                               port),
          socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock):
        sock.settimeout(10)
        assert "listening on 0.0.0.0:" in lines.text(0)
        sock.sendto(message("/dirt/handshake"), ("127.0.0.1", port))
        assert sock.recvfrom(65536)[0].startswith(b"/dirt/handshake/reply")
        t0 = time.time() + 0.4
        for i in range(2):                         # two kicks a quarter second apart
            sock.sendto(bundle(t0 + 0.25 * i, [message("/dirt/play", "s", "superkick",
                                                       "sustain", 0.1)]), ("127.0.0.1", port))
        for _ in range(3):
            sock.sendto(bundle(t0, [message("/dirt/play", "s", "nosuchsound")]),
                        ("127.0.0.1", port))
        time.sleep(1.5)
        dirt.send_signal(2)
        out = finish(dirt, lines)
    assert out.count("nosuchsound") == 1, out          # warned once, like SuperDirt
    assert "3 without sound" in out
    x, _ = sf.read(tmp_path / "rec.wav", dtype="float32", always_2d=True)
    loud = np.flatnonzero(np.abs(x[:, 0]) > 1e-6)
    starts = loud[np.concatenate([[True], np.diff(loud) > 1000])]   # after a silence
    assert len(starts) == 2
    assert abs(starts[1] - starts[0] - RATE // 4) <= 22        # 0.5 ms

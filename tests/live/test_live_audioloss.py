"""The show survives the audio server (issue 21): a JACK server (dummy driver) killed or
restarted under a running `phonon live`, heard by an independent capture client."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf

import phonon
from phonon.runtime.shm import leftover_segments
from tests.process_lines import Lines
from tests.terminal import Terminal

from .jack_server import RATE, JackServer, jack_control  # noqa: F401 - the fixture
from .live_process import BEAT, frame_at, live_process, run_capture, wall_time

# the same through a filter in a worker process of its own (`--workers 1`, `:isolate 1`)
WORKER_BEAT = 'cps: 1\n~beat: s "rim ~ ~ ~"\nout: ~beat # lpf 8000 0.7 :isolate 1\n'
CENTER = np.float32(np.cos(np.pi / 4))       # a mono sample panned to the centre


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (workers, the device process)."""
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except FileNotFoundError:
            continue
        for t in tasks:
            try:
                kids = Path(f"/proc/{p}/task/{t}/children").read_text().split()
            except OSError:
                continue
            for k in map(int, kids):
                if k not in found:
                    found.add(k)
                    todo.append(k)
    return found


def alive(pids: set[int], within: float = 1.0) -> set[int]:
    """The processes of `pids` still running `within` seconds from now (a helper such as
    multiprocessing's resource tracker ends when it sees its parent gone, a moment later)."""
    deadline = time.monotonic() + within
    while True:
        left = _running(pids)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.02)


def _running(pids: set[int]) -> set[int]:
    out = set()
    for p in pids:
        try:
            state = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(p)
    return out


def workers(pids: set[int]) -> set[int]:
    """The actor runtime's worker processes among `pids` (forked: phonon's own command line,
    not the device process nor the resource tracker)."""
    found = set()
    for p in pids:
        try:
            cmd = Path(f"/proc/{p}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"phonon" in cmd and b"live" in cmd:
            found.add(p)
    return found


def wait_lost_after(out: Lines, t_kill: float) -> float:
    """Seconds from the server's end to the loss message."""
    out.wait_for("audio device lost", 10)
    return time.monotonic() - t_kill


def test_a_killed_server_is_reported_within_a_second_and_the_run_ends_on_time(
        jack_control, tmp_path):
    """SIGKILL the server 1.5 s into a 5 s run with worker processes and a recording: one
    clear line within a second, the run ends on time with a clean exit, nothing is left
    behind, and the recording holds the program on its clock, outage included (bit for bit
    what `phonon.render` makes of it)."""
    prog = tmp_path / "beat.ph"
    prog.write_text(WORKER_BEAT)
    record = tmp_path / "rec.wav"
    with live_process(jack_control.env, prog, "--duration", "5", "--workers", "1",
                      "--record", str(record)) as (live, out, err):
        out.wait_for("playing", 60)
        t_play = time.monotonic()
        helpers = descendants(live.pid)
        assert len(workers(helpers)) == 1 and len(helpers) >= 2   # + the device process (no tracker)
        time.sleep(1.5)                           # the music plays for a while
        t_kill = time.monotonic()
        jack_control.stop(kill=True)
        lost_after = wait_lost_after(out, t_kill)
        live.wait(timeout=30)
        t_exit = time.monotonic()
        stdout, stderr = out.text(10), err.text(10)
    print(f"\nloss reported {1000 * lost_after:.0f} ms after SIGKILL; exit "
          f"{t_exit - t_play:.2f} s after playing (--duration 5)")
    assert live.returncode == 0, stderr
    assert lost_after < 1.0, lost_after
    lost = next(line for line in stdout.splitlines() if "audio device lost" in line)
    assert lost.startswith("audio device lost at cycle ")
    assert ": 'system' [JACK Audio Connection Kit]: the JACK server shut down; the program " \
           "keeps running on its clock" in lost, lost
    assert 4.9 <= t_exit - t_play <= 6.0, t_exit - t_play          # on time
    assert "; audio device lost 1 time (" in stdout and "Traceback" not in stderr, stderr
    assert leftover_segments(live.pid) == []
    assert alive(helpers) == set()

    rec, sr = sf.read(record, dtype="float32")
    assert sr == RATE and 5 * RATE <= rec.shape[0] <= 5 * RATE + RATE // 10, rec.shape
    expected = phonon.render(WORKER_BEAT, rec.shape[0] / RATE + 0.1, sr=RATE, block=256)
    assert np.array_equal(rec, expected[:, :rec.shape[0]].T)


def test_ctrl_c_and_sigterm_stop_within_a_second_while_the_device_is_gone(jack_control,
                                                                          tmp_path):
    for sig in (signal.SIGINT, signal.SIGTERM):
        if jack_control.proc.poll() is not None:
            jack_control.start()
        prog = tmp_path / f"beat-{sig.name}.ph"
        prog.write_text(WORKER_BEAT)
        record = tmp_path / f"rec-{sig.name}.wav"
        with live_process(jack_control.env, prog, "--workers", "1", "--record",
                          str(record)) as (live, out, err):
            out.wait_for("playing", 60)
            helpers = descendants(live.pid)
            assert len(workers(helpers)) == 1
            time.sleep(0.5)                       # the music plays for a while
            jack_control.stop(kill=True)
            out.wait_for("audio device lost", 10)
            t_sig = time.monotonic()
            live.send_signal(sig)
            live.wait(timeout=30)
            took = time.monotonic() - t_sig
            stdout, stderr = out.text(10), err.text(10)
        print(f"\n{sig.name} while the device is gone: exit after {1000 * took:.0f} ms")
        assert live.returncode == 0, (sig, stderr)
        assert took < 1.0, (sig, took)
        assert "phonon live: stopped after" in stdout and "Traceback" not in stderr, stderr
        assert leftover_segments(live.pid) == []
        assert alive(helpers) == set(), sig
        rec, _ = sf.read(record, dtype="float32")          # finalised, up to the stop
        expected = phonon.render(WORKER_BEAT, rec.shape[0] / RATE + 0.1, sr=RATE, block=256)
        assert rec.shape[0] > RATE // 4 and np.array_equal(rec, expected[:, :rec.shape[0]].T)


def test_a_frozen_server_is_caught_by_the_callback_watchdog_and_sound_resumes(jack_control,
                                                                         tmp_path):
    """SIGSTOP the server: no shutdown message comes, only the callbacks stop; the heartbeat
    watchdog reports it within a second, and after SIGCONT a new stream takes over."""
    prog = tmp_path / "beat.ph"
    prog.write_text(BEAT)
    with live_process(jack_control.env, prog, "--duration", "5") as (live, out, err):
        out.wait_for("playing", 60)
        time.sleep(1.0)                           # the music plays for a while
        t_stop = time.monotonic()
        jack_control.proc.send_signal(signal.SIGSTOP)
        try:
            lost_after = wait_lost_after(out, t_stop)
        finally:
            jack_control.proc.send_signal(signal.SIGCONT)
        t_cont = time.monotonic()
        out.wait_for("audio device back", 10)
        back_after = time.monotonic() - t_cont
        graph = subprocess.run(["jack_lsp", "-c"], env=jack_control.env, capture_output=True,
                               text=True, timeout=10).stdout
        live.wait(timeout=30)
        stdout, stderr = out.text(10), err.text(10)
    print(f"\nfrozen server reported after {1000 * lost_after:.0f} ms; back "
          f"{1000 * back_after:.0f} ms after SIGCONT")
    assert live.returncode == 0, stderr
    assert lost_after < 1.0 and back_after < 3.0, (lost_after, back_after)
    assert ": no audio callback for 500 ms; the program keeps running" in stdout, stdout
    assert "phonon:out_0\n   system:playback_1\n" in graph, graph    # playing again
    assert "; audio device lost 1 time (" in stdout


# -- a restarted server: the program comes back on its clock, with its state and the edits

CPS = 0.1                          # one cycle: 10 s
CHIRP_S = 9.0                      # a long sample, sounding over the whole outage
LONG = f'cps: {CPS}\nout: s "chirp"\n'
EDITED = f'cps: {CPS}\nout: s "chirp" * 0.5\n'


def chirp() -> np.ndarray:
    """A 9 s linear chirp 200 Hz -> 2 kHz: every stretch of it says where it is."""
    t = np.arange(int(CHIRP_S * RATE)) / RATE
    return (0.5 * np.sin(2 * np.pi * (200 * t + 1800 * t * t / (2 * CHIRP_S)))).astype(np.float32)


def position_in(ref: np.ndarray, chunk: np.ndarray) -> int:
    """Where `chunk` sits in `ref` (cross-correlation peak)."""
    n = 1 << int(np.ceil(np.log2(ref.size + chunk.size)))
    corr = np.fft.irfft(np.fft.rfft(ref, n) * np.conj(np.fft.rfft(chunk, n)), n)
    return int(np.argmax(corr[:ref.size - chunk.size + 1]))


def capture_stamps(npz: Path) -> tuple[np.ndarray, np.ndarray]:
    data = np.load(npz)
    return data["audio"][:, 0], data["stamps"]


def origin(audio: np.ndarray, stamps: np.ndarray, frame: int, ref: np.ndarray) -> float:
    """Wall time at which the program's sample 0 played, from the chirp heard at `frame`:
    the captured stretch must be the sample, bit for bit, at the position it says."""
    chunk = audio[frame:frame + 8192]
    p = position_in(ref, chunk)
    assert np.abs(chunk - ref[p:p + chunk.size]).max() < 1e-6, "not the sample's own frames"
    return wall_time(stamps, frame) - p / RATE


def test_a_restarted_server_brings_the_program_back_on_its_clock_with_the_edits(
        jack_control, tmp_path):
    """Kill the server while a 9 s sample sounds, save an edit while it is gone, start a
    server of the same name: the sample is heard again from where the clock says it is now
    (it kept going, silently), the edit takes over at its cycle boundary, on time, and the
    recording holds all of it."""
    samples = tmp_path / "samples" / "chirp"
    samples.mkdir(parents=True)
    ref = chirp()
    sf.write(samples / "0.wav", ref, RATE, subtype="FLOAT")
    heard = ref * CENTER
    prog = tmp_path / "long.ph"
    prog.write_text(LONG)
    record = tmp_path / "rec.wav"
    env = jack_control.env
    with live_process(env, prog, "--duration", "13", "--latency", "0.1", "--samples",
                      str(tmp_path / "samples"), "--record", str(record)) as (live, out, err):
        out.wait_for("playing", 60)
        cap1, _ = run_capture(env, 1.0, tmp_path / "before.npz")
        assert cap1.wait(timeout=60) == 0
        jack_control.stop()
        out.wait_for("audio device lost", 10)
        os.replace(_written(tmp_path / ".edit", EDITED), prog)       # saved while it is gone
        out.wait_for("reload ok", 10)
        jack_control.start()
        cap2, _ = run_capture(env, 11.0, tmp_path / "after.npz")
        back = out.wait_for("audio device back", 30)
        graph = subprocess.run(["jack_lsp", "-c"], env=env, capture_output=True, text=True,
                               timeout=10).stdout
        assert cap2.wait(timeout=60) == 0
        live.wait(timeout=60)
        stdout, stderr = out.text(10), err.text(10)
    assert live.returncode == 0, stderr
    assert "(heard when the audio device is back)" in stdout, stdout
    assert back.startswith("audio device back after ") and "resuming at cycle 0." in back, back

    a1, s1 = capture_stamps(tmp_path / "before.npz")
    first = int(np.flatnonzero(np.abs(a1) > 0)[0])
    o1 = origin(a1, s1, first + RATE // 4, heard)
    a2, s2 = capture_stamps(tmp_path / "after.npz")
    assert a2.any(), f"nothing heard after the restart:\n{stdout}\n{graph}"
    resumed = int(np.flatnonzero(a2)[0])
    o2 = origin(a2, s2, resumed + RATE // 10, heard)      # the long sample, where it is now
    print(f"\nprogram origin before the outage {o1:.4f}, after {o2:.4f}: "
          f"{1000 * (o2 - o1):+.1f} ms")
    assert abs(o2 - o1) < 0.01                            # on the clock, not paused
    # the edit: the sample again, at half level, from the next cycle boundary (10 s) on
    after_old = int(frame_at(s2, o1 + (CHIRP_S + 1 / CPS) / 2))   # between the two chirps
    assert not a2[after_old - 1000:after_old + 1000].any()
    onset = int(np.flatnonzero(a2[after_old:])[0]) + after_old - 1   # the chirp starts at 0.0
    new = a2[onset:onset + 8192]
    assert np.abs(new - heard[:8192] * np.float32(0.5)).max() < 1e-6
    assert abs(wall_time(s2, onset) - (o1 + 1 / CPS)) < 0.01

    rec, sr = sf.read(record, dtype="float32")
    cycle = int(RATE / CPS)
    assert sr == RATE and rec.shape[0] >= 13 * RATE
    assert np.abs(rec[:heard.size, 0] - heard).max() < 1e-6     # through the outage, unbroken
    assert not rec[heard.size:cycle].any()
    assert np.abs(rec[cycle:13 * RATE, 0] - heard[:3 * RATE] * 0.5).max() < 1e-6


def _written(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_the_status_line_says_the_device_is_lost_on_a_terminal(jack_control, tmp_path):
    """On a terminal the status line starts with the loss, in the same second as the line."""
    prog = tmp_path / "beat.ph"
    prog.write_text(BEAT)
    term = Terminal([sys.executable, "-m", "phonon", "live", str(prog), "--duration", "4"],
                    jack_control.env)
    try:
        term.wait_for("playing", 60)
        term.wait_for("cycle ", 10)               # the status line is shown
        time.sleep(0.5)
        jack_control.stop(kill=True)
        term.wait_for("audio device lost at cycle", 2.0)
        term.wait_for("audio: LOST 'system', reconnecting (", 1.0)
        assert term.proc.wait(timeout=30) == 0
        text = term.text()
    finally:
        term.close()
    assert "audio device lost 1 time (" in text and "Traceback" not in text, text

"""`phonon dirt` playing with others, on a JACK dummy server and Link over loopback:

- MIDI targets: events sent as Strudel's OSC output sends them with `s "midi"` (and a second
  target `synth`) leave as MIDI in the exact JACK frame where a sample event with the same
  timetag is heard, with SuperDirt's reading of their controls;
- Link and MIDI clock: `--link --midi-clock` joins a session a Link peer of the test runs;
  the clock pulses, placed at the time they are heard, sit on the peer's beats and follow its
  tempo change within one beat.
Capture: an independent JACK client (`JackProbe`) in the test process."""
from __future__ import annotations

import re
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

from phonon.sync.link import LinkSession
from tests.dirt.helpers import finish, sample_folder, start_dirt
from tests.dirt.strudel_client import play_bundle
from tests.live.jack_server import PERIOD
from tests.retry import on_a_steady_run

from .jack_probe import JackProbe, usecs_of
from .live_rig import RATE, audio_onsets
from .test_live_link import PeerLog, Unsteady, steady_at

STEP_S = 0.25
EVENTS = 12


def midi_event(k: int) -> dict:
    """Notes on `midi` (channel 3; every other one without velocity: SuperDirt's amp 0.4),
    controllers on `synth`."""
    if k % 2:
        return {"s": "synth", "ccn": 74, "ccv": 10 * k}
    note = {"s": "midi", "n": k, "midichan": 2, "sustain": 0.1}
    return {**note, "velocity": 0.5} if k % 4 == 0 else note


def test_midi_targets_leave_in_the_frame_their_timetag_is_heard(jack_here, tmp_path):
    """Retried (twice at most) only when JACK reported an xrun or skipped a cycle near a
    message that missed its frame, or dirt's summary shows late events and device xruns."""
    on_a_steady_run(lambda folder: midi_targets(jack_here, folder), tmp_path)


def midi_targets(jack_here, tmp_path) -> None:
    probe = JackProbe("probe", seconds=30, audio=True)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        dirt, lines, port = start_dirt(jack_here, tmp_path, "--midi-out", "probe:in",
                                       "--midi-out", "synth=probe:in", duration=None)
        probe.wait_port("phonon:out_0")
        probe.connect("phonon:out_0", "probe:audio")
        probe.arm_audio()
        t0 = time.time() + 0.6
        for k in range(EVENTS):                   # sent ahead like Strudel: ~0.2 s
            t = t0 + k * STEP_S
            while time.time() < t - 0.2:
                time.sleep(0.005)
            for value in ({"s": "long", "pan": 0}, midi_event(k)):
                sock.sendto(play_bundle(value, k * STEP_S / 2, STEP_S / 2, 0.5, t),
                            ("127.0.0.1", port))
        time.sleep(0.6)
        dirt.send_signal(2)
        out = finish(dirt, lines)
    finally:
        sock.close()
        probe.close()
    late, xruns = re.search(r"voices, (\d+) late", out), re.search(r"device xruns: (\d+)", out)
    if late and int(late.group(1)) and xruns and int(xruns.group(1)):
        raise Unsteady(f"{late.group(1)} events late while the device had {xruns.group(1)} "
                       f"xruns (the server's clock restarted): {out}")
    assert "events: 24 (12 voices, 0 late" in out, out
    assert "MIDI: 12 events sent, 0 unsupported" in out, out
    assert "; MIDI out: 19 sent, " in out and ", 0 dropped" in out, out
    midi = probe.midi_array()
    if not probe.disturbed(int(midi[0, 0]) - PERIOD, 2 ** 62).size:   # steady while it sent
        assert "; MIDI out: 19 sent, 0 late, 0 dropped" in out, out
    heard = audio_onsets(probe)
    assert len(heard) == EVENTS, np.diff(heard)
    frames, status = midi[:, 0].astype(int), midi[:, 2].astype(int)
    ons = midi[status == 0x92]
    offs = midi[status == 0x82]
    ccs = midi[(status == 0xB0) & (midi[:, 3] == 74)]
    assert len(ons) == len(offs) == EVENTS // 2 and len(ccs) == EVENTS // 2
    jitter = np.concatenate([ons[:, 0] - heard[0::2], ccs[:, 0] - heard[1::2]])
    print(f"\ndirt MIDI against the audio of the same timetag: max {np.abs(jitter).max():.0f} "
          f"frames over {len(jitter)} messages")
    missed = np.concatenate([ons[:, 0], ccs[:, 0]])[jitter != 0].astype(np.int64)
    if missed.size and probe.disturbed(missed.min() - RATE // 2, missed.max() + RATE // 2).size:
        raise Unsteady(f"MIDI {jitter.tolist()} frames from its sound, next to a JACK xrun")
    assert (jitter == 0).all(), jitter                  # the same JACK frame as the sound
    assert ons[:, 3].tolist() == [60 + k for k in range(0, EVENTS, 2)]       # n + octave 5
    assert ons[:, 4].tolist() == [63, 50] * 3           # velocity 0.5; amp 0.4 when absent
    assert (offs[:, 0] - ons[:, 0] == 4410).all()       # sustain 0.1 s
    assert ccs[:, 4].tolist() == [10 * k for k in range(1, EVENTS, 2)]
    assert set(frames[status == 0xB2]) and ((status == 0xB2) & (midi[:, 3] == 123)).any()


@pytest.mark.parametrize("program", [None, 'cps: 0.3\nout: s "rim*4" * 0.1\n'],
                         ids=["dirt", "program"])
def test_link_and_midi_clock_follow_the_session(jack_here, link_network, tmp_path, program):
    """Without a program, the clock dirt keeps on the Link timeline; with one, the program's
    own clock (its cps: 0.3 gives way to the session's tempo). Retried (twice at most) only
    when too few pulses were heard with a steady server."""
    on_a_steady_run(lambda folder: follow_the_session(jack_here, folder, program), tmp_path)


def follow_the_session(jack_here, tmp_path, program: str | None) -> None:
    peer = LinkSession(120)
    log = PeerLog(peer)
    probe = JackProbe("probe", seconds=30)
    extra = []
    if program:
        (tmp_path / "p.ph").write_text(program)
        extra = ["--program", str(tmp_path / "p.ph")]
    try:
        dirt, lines, _ = start_dirt(jack_here, tmp_path, "--link", "--midi-clock", "probe:in",
                                    *extra, duration=9.0)
        time.sleep(4.0)
        change_us = peer.now_us()
        peer.propose_tempo(90)
        latency = probe.clock.playback_latency(probe.client.get_port_by_name("phonon:out_0"))
        nframes = probe.client.blocksize
        out = finish(dirt, lines)
    finally:
        log.stop()
        peer.close()
        probe.close()
    assert "underruns: 0;" in out and "link 1 peer" in out, out
    midi = probe.midi_array()
    status = midi[:, 2].astype(int)
    cycles = np.array(probe.cycles, dtype=np.float64)
    heard = np.array([usecs_of(cycles, nframes, f + latency) for f in midi[:, 0]])
    steady = steady_at(cycles, nframes, probe.sr, heard, probe.xrun_frames)
    pulses = (status == 0xF8) & steady
    if not pulses.any():
        raise Unsteady(f"no pulse heard with a steady server clock; JACK xruns {probe.xruns}")
    start = heard[pulses][0] + 1.0e6                  # converged one second after the first
    rows = []
    for t in heard[pulses & (heard > start)]:
        beat, bpm = log.beat_at(t)
        if change_us < t < change_us + 60e6 / bpm:    # the beat after the change: catching up
            continue
        rows.append(((24 * beat - round(24 * beat)) * 60e3 / bpm / 24, bpm))
    err = np.array([r[0] for r in rows])
    if len(err) <= 200:
        raise Unsteady(f"only {len(err)} pulses heard with a steady server clock "
                       f"({int((~steady).sum())} left out); JACK xruns {probe.xruns}")
    print(f"\ndirt MIDI clock on the Link timeline: max {np.abs(err).max():.3f} ms, p99 "
          f"{np.percentile(np.abs(err), 99):.3f} ms over {len(err)} pulses "
          f"({int((~steady).sum())} left out: unsteady server clock; xruns {probe.xruns})")
    assert np.abs(err).max() <= 1.0
    assert {round(r[1]) for r in rows} == {120, 90}     # both tempi, followed
    after = heard[(status == 0xF8) & (heard > change_us + 60e6 / 90)]
    gaps = np.diff(after)
    assert np.median(gaps) == pytest.approx(60e6 / 90 / 24, rel=1e-3)
    # Start goes out with the pulse on a bar (the pulses' timing is checked above)
    starts = np.flatnonzero(status == 0xFA)
    assert len(starts) == 1, f"{len(starts)} Start messages among {len(status)} received"
    i = starts[0]
    assert status[i + 1] == 0xF8 and midi[i + 1, 0] == midi[i, 0]
    beat_start, _ = log.beat_at(heard[i])
    assert abs(beat_start - 4 * round(beat_start / 4)) < 1 / 48          # half a pulse
    assert status[-1] == 0xFC


@pytest.mark.parametrize("flags, says", [
    (["--midi-clock"], "--midi-clock needs --link or --program"),
    (["--midi-out", "a:b=probe:in"], "give NAME=DEST"),
    (["--link", "--quantum", "0"], "must be positive"),
])
def test_bad_sync_flags_are_usage_errors(flags, says, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "phonon", "dirt", "--port", "0", *flags],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and says in proc.stderr and "Traceback" not in proc.stderr


def test_a_missing_midi_destination_names_the_ports_that_exist(jack_here, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "phonon", "dirt", "--port", "0",
                           "--samples", str(sample_folder(tmp_path / "s")),
                           "--midi-out", "nosuch:port", "--duration", "1"],
                          env=jack_here, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "cannot connect phonon-midi:midi to nosuch:port" in proc.stderr
    assert "MIDI inputs:" in proc.stderr and "Traceback" not in proc.stderr


def test_events_read_as_superdirt_reads_midi_events():
    from phonon.dirt.events import decode
    from phonon.dirt.midi import DirtMidi
    from phonon.sync.hub import MidiHub

    hub = MidiHub()
    midi = DirtMidi(hub, {"midi": "midi"}, 1000)
    sent = [("s", "midi", "note", 7, "octave", 4, "midichan", 15, "amp", 1.0, "delta", 0.5,
             "legato", 0.5),                                  # key 55, channel 16, 0.25 s
            ("s", "midi", "freq", 440.0, "velocity", 0.0),    # a4; velocity 0 is sent as 1
            ("s", "midi", "midinote", 36, "note", 5),         # midinote wins
            ("s", "midi", "ccn", 7, "ccv", 200),              # clamped to 127
            ("s", "midi", "progNum", 3, "midichan", 1),
            ("s", "midi", "midibend", 16383),
            ("s", "midi", "miditouch", 90),
            ("s", "midi", "polyTouch", 20, "n", 2),
            ("s", "midi", "midicmd", "allNotesOff", "midichan", 3),
            ("s", "midi", "midicmd", "start"),
            ("s", "midi", "midicmd", "sysex")]                # not sent, counted
    for i, args in enumerate(sent):
        midi.play(10 * i, decode(args, None, 1))
    got = [(m.sample, m.data.hex()) for m in hub.scheduler.drain()]
    assert got == [(0, "9f377f"), (10, "904501"), (11, "804500"), (20, "902432"),
                   (21, "802400"), (30, "b0077f"), (40, "c103"), (50, "e07f7f"),
                   (60, "d05a"), (70, "a03e14"), (80, "b37b00"), (90, "fa"), (250, "8f3700")]
    assert (midi.counters.sent, midi.counters.unsupported) == (10, 1)


TIDAL = """\
:set -XOverloadedStrings
:set prompt ""
import Sound.Tidal.Context
import Control.Concurrent
tidal <- startTidal (superdirtTarget {{oLatency = 0.2, oAddress = "127.0.0.1", oPort = {port}}}) (defaultConfig {{cFrameTimespan = 1/20, cCtrlPort = 0}})
streamOnce tidal $ cps 1
threadDelay 300000
streamReplace tidal 1 $ n "0 4 7 12" # s "midi" # midichan 1 # legato 0.5
streamReplace tidal 2 $ s "long*4" # pan 0
threadDelay 3000000
streamHush tidal
threadDelay 500000
putStrLn "tidal done"
:quit
"""


def test_real_tidal_plays_a_midi_target_in_step_with_its_samples(jack_here, tmp_path):
    """TidalCycles 1.7 (ghci) sends `n "0 4 7 12" # s "midi" # midichan 1 # legato 0.5`
    beside `s "long*4"`: every note leaves in the JACK frame where the sample of the same
    cycle position is heard, on channel 2, held half a step. Retried (twice at most) only when
    the audio heard or a note's length does not match and phonon reports a device xrun (its
    stream restarted: the capture has a glitch there; a landing saw one note-off a period
    late with 'device xruns: 1')."""
    on_a_steady_run(lambda folder: tidal_midi_target(jack_here, folder), tmp_path)


def tidal_midi_target(jack_here, tmp_path) -> None:
    from tests.dirt.test_tidal import ghci
    exe = ghci()
    probe = JackProbe("probe", seconds=40, audio=True)
    try:
        dirt, lines, port = start_dirt(jack_here, tmp_path, "--midi-out", "probe:in",
                                       duration=None)
        probe.wait_port("phonon:out_0")
        probe.connect("phonon:out_0", "probe:audio")
        probe.arm_audio()
        script = tmp_path / "tidal.ghci"
        script.write_text(TIDAL.format(port=port))
        tidal = subprocess.run([exe, "-ghci-script", str(script)], stdin=subprocess.DEVNULL,
                               capture_output=True, text=True, timeout=120, env=jack_here)
        dirt.send_signal(2)
        out = finish(dirt, lines)
    finally:
        probe.close()
    assert "tidal done" in tidal.stdout, tidal.stdout + tidal.stderr
    heard = audio_onsets(probe)
    midi = probe.midi_array()
    status = midi[:, 2].astype(int)
    ons, offs = midi[status == 0x91], midi[status == 0x81]
    print(f"\nTidal: {len(ons)} notes, {len(heard)} sample onsets; {out.splitlines()[-1]}")
    if len(ons) != len(heard) and "device xruns: 0;" not in out:
        raise Unsteady(f"{len(ons)} notes, {len(heard)} sample onsets heard, with a device "
                       f"xrun: {out.splitlines()[-1]}")
    assert len(ons) >= 8 and len(ons) == len(heard), (len(ons), len(heard))
    assert (ons[:, 0] == heard).all(), ons[:, 0] - heard      # the same frames
    keys = ons[:, 3].astype(int).tolist()
    k = keys.index(60)
    assert keys[k:] == ([60, 64, 67, 72] * 4)[:len(keys) - k]    # n + octave 5, in order
    assert set(ons[:, 4]) == {50}                                 # amp 0.4: velocity 50
    held = offs[:len(ons), 0] - ons[:, 0]
    if (held != 5512).any() and "device xruns: 0;" not in out:
        # a note-off one period late, where phonon's stream restarted after an xrun
        raise Unsteady(f"notes held {held.tolist()} frames, with a device xrun: "
                       f"{out.splitlines()[-1]}")
    assert (held == 5512).all(), held                              # legato 0.5 of 1/4 s

"""MIDI in on `phonon live`: a controller steps the signal at the exact spacing the messages
had (a constant delay: the render-ahead), and `record` on standard input prints the notes
played, quantised, as mini-notation."""
from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from tests.retry import MachineFault, on_a_steady_run

from .jack_probe import JackProbe
from .live_rig import RATE, attach, audio_onsets, finish, start_live


def wait_frames(probe: JackProbe, frame: int) -> None:
    while probe.frame_now() < frame:
        time.sleep(0.01)


@contextmanager
def live_with_midi_in(env: dict, prog: Path, *, duration: float, probe_seconds: float = 30,
                      settle: float = 1.0,
                      stdin: bool = False) -> Iterator[tuple[JackProbe, subprocess.Popen]]:
    """`phonon live PROG --midi-in probe:out` with its output recorded by the probe, after
    `settle` seconds of playing; the probe is closed on the way out."""
    probe = JackProbe("probe", seconds=probe_seconds, audio=True)
    try:
        live = start_live(env, prog, "--midi-in", "probe:out", duration=duration, stdin=stdin)
        attach(probe, live)
        time.sleep(settle)
        yield probe, live
    finally:
        probe.close()


class CaptureLostData(MachineFault):
    """JACK skipped or reported late a cycle (an xrun on a loaded machine) around the notes:
    the captured audio may have a hole, and the spacing it shows says nothing about Phonon's."""


def steady_around(probe: JackProbe, sent: int, out: str) -> None:
    """`CaptureLostData` when JACK skipped a cycle of the probe or reported an xrun from a
    second before `sent` (a JACK frame) to two seconds after; else Phonon must not have
    underrun."""
    lost = probe.disturbed(sent - RATE, sent + 2 * RATE)
    if lost.size:
        raise CaptureLostData(f"a JACK cycle skipped or late at {lost - sent} frames from the "
                              f"first message (JACK xruns {probe.xruns})")
    assert "underruns: 0;" in out, out


def test_a_controller_steps_the_signal_at_the_exact_spacing_of_its_messages(jack_here,
                                                                             tmp_path):
    """Retried (twice at most) only when JACK skipped or reported late a cycle."""
    on_a_steady_run(lambda folder: controller_steps(jack_here, folder), tmp_path)


def controller_steps(jack_here, tmp_path):
    prog = tmp_path / "knob.ph"
    prog.write_text("out: midicc 74 :channel 2 :init 0.25\n")
    with live_with_midi_in(jack_here, prog, duration=5) as (probe, live):
        sent = probe.frame_now() + RATE // 2
        steps = [(0, 127), (1234, 64), (1234 + 777, 0), (1234 + 778, 127)]
        for gap, value in steps:
            probe.send_at(sent + gap, bytes((0xB1, 74, value)))
        probe.send_at(sent + 100, bytes((0xB0, 74, 5)))          # channel 1: ignored
        probe.send_at(sent + 200, bytes((0xB1, 75, 5)))          # another controller
        out = finish(live)
    steady_around(probe, sent, out)
    x = probe.audio[:probe.audio_n].astype(np.float64)
    playing = int(np.argmax(x == 0.25))                  # the program's sound has started
    changes = np.flatnonzero(np.diff(x) != 0) + 1
    changes = changes[(changes > playing) &              # not the start nor the stop at the end
                      (changes + probe.audio_first < sent + RATE)]
    levels = x[changes]
    assert levels.tolist() == [1.0, np.float32(64 / 127), 0.0, 1.0], levels
    assert x[changes[0] - 1] == 0.25                          # the initial value before
    frames = changes + probe.audio_first
    assert (np.diff(frames) == [1234, 777, 1]).all()          # exact to the sample
    delay = frames[0] - sent
    print(f"\nMIDI in: played {delay} frames ({1000 * delay / RATE:.1f} ms) after arrival")
    assert 0 < delay <= 0.1 * RATE


def test_record_prints_the_notes_played_as_mini_notation(jack_here, tmp_path):
    prog = tmp_path / "beat.ph"
    prog.write_text('cps: 1\nout: s "rim"\n')
    with live_with_midi_in(jack_here, prog, duration=12, probe_seconds=40, settle=2.5,
                           stdin=True) as (probe, live):
        starts = audio_onsets(probe)[1:]                      # cycle starts (graph frames)
        heard = probe.clock.playback_latency(probe.client.get_port_by_name("phonon:out_0"))
        k = int((probe.frame_now() - starts[0]) // RATE) + 2  # a cycle safely ahead
        first = starts[0] + k * RATE + heard                  # when cycle k is *heard*
        played = [(0.0, 48), (0.25, 52), (0.25, 55), (0.5 + 0.01, 59),       # cycle k
                  (1.0, 60), (1.75 - 0.004, 64)]                              # cycle k + 1
        for pos, key in played:
            at = int(first + pos * RATE)
            probe.send_at(at, bytes((0x90, key, 100)))
            probe.send_at(at + 2000, bytes((0x80, key, 0)))
        wait_frames(probe, first + 2 * RATE + RATE // 4)      # a quarter into cycle k + 2
        live.stdin.write("record 2 16\n")
        live.stdin.flush()
        time.sleep(1.0)
        out = finish(live)
    assert 'recorded 2 cycles: note "<[c3 [e3,g3] b3 ~] [c4 ~ ~ e4]>"' in out, out


def test_played_notes_sound_at_their_exact_spacing_held_until_the_keys_come_up(jack_here,
                                                                               tmp_path):
    """Retried (twice at most) only when JACK skipped or reported late a cycle."""
    on_a_steady_run(lambda folder: played_notes(jack_here, folder), tmp_path)


def played_notes(jack_here, tmp_path):
    prog = tmp_path / "keys.ph"
    prog.write_text('~lead: sine 220 # gain 0.5\nout: midinote # s "~lead" # release 0.02\n')
    with live_with_midi_in(jack_here, prog, duration=5) as (probe, live):
        at = probe.frame_now() + RATE // 2
        for frame, data in ((at, b"\x90\x45\x64"), (at + 1500, b"\x80\x45\x00"),
                            (at + 3000, b"\x90\x39\x64"), (at + 6000, b"\x80\x39\x00")):
            probe.send_at(frame, data)
        out = finish(live)
    steady_around(probe, at, out)
    x = np.abs(probe.audio[:probe.audio_n].astype(np.float64))
    loud = np.flatnonzero(x > 1e-4)
    bursts = np.split(loud, np.flatnonzero(np.diff(loud) > 100) + 1)
    assert len(bursts) == 2, [(b[0], b[-1]) for b in bursts]
    starts = [int(b[0]) for b in bursts]
    ends = [int(b[-1]) for b in bursts]
    assert starts[1] - starts[0] in (2999, 3000, 3001)       # the spacing that was played
    release = 0.02 * RATE
    for start, end, held in zip(starts, ends, (1500, 3000)):
        assert abs(end - start - (held + release)) <= 3      # held until the key came up
    first = starts[0] + probe.audio_first
    print(f"\nmidinote: played {first - at} frames after arrival")
    assert 0 < first - at <= 0.1 * RATE

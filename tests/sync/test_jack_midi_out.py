"""JackMidi writes every message at the exact JACK frame of its stream sample (real JACK
server, dummy driver, captured by an independent client)."""
from __future__ import annotations

import time

import numpy as np

from phonon.sync.jack_midi import JackMidi
from phonon.sync.midi_out import MidiScheduler
from phonon.sync.timeline import StreamTimeline

from .jack_probe import JackProbe


def test_messages_leave_at_the_exact_frame_of_their_sample(jack_here):
    timeline = StreamTimeline(44100)
    sched = MidiScheduler()
    midi = JackMidi(timeline, sched, name="phonon-midi")
    probe = JackProbe("probe", 5)
    try:
        port = midi.output("out")
        probe.connect(port, "probe:in")
        start = probe.frame_now() + 4410               # stream sample 0 is output here
        timeline.anchor(0, start)
        # notes at awkward offsets inside the periods; lengths cross period boundaries
        onsets = [int(k * 2205.37) + (k * 37) % 256 for k in range(40)]
        for i, s in enumerate(onsets):
            sched.note(s, "out", 1 + i % 16, 40 + i, 100, length=1000 + 13 * i)
        time.sleep(2.6)
    finally:
        midi.close()
        probe.close()
    got = probe.midi_array()
    ons = got[(got[:, 2].astype(int) & 0xF0) == 0x90]
    offs = got[(got[:, 2].astype(int) & 0xF0) == 0x80]
    # what fell in a cycle JACK skipped for the probe (a loaded machine) never reached it
    keep = probe.ran(start + np.array(onsets))
    offsets = [s + 1000 + 13 * i for i, s in enumerate(onsets)]
    want_off = np.sort(np.array(offsets)[probe.ran(start + np.array(offsets))])
    print(f"\n{keep.sum()} of {len(onsets)} notes in cycles the probe ran; JACK xruns "
          f"{probe.xruns}")
    assert keep.sum() >= len(onsets) // 2
    np.testing.assert_array_equal(ons[:, 0] - start, np.array(onsets)[keep])   # exact frames
    np.testing.assert_array_equal(ons[:, 3], np.array([40 + i for i in range(40)])[keep])
    np.testing.assert_array_equal(ons[:, 2].astype(int) & 15,
                                  np.array([i % 16 for i in range(40)])[keep])
    np.testing.assert_array_equal(np.sort(offs[:, 0] - start), want_off)
    assert midi.late == 0 and midi.dropped == 0 and midi.error is None


def test_a_message_scheduled_too_late_leaves_at_once_and_is_counted(jack_here):
    timeline = StreamTimeline(44100)
    sched = MidiScheduler()
    midi = JackMidi(timeline, sched)
    probe = JackProbe("probe", 3)
    try:
        probe.connect(midi.output("out"), "probe:in")
        now = probe.frame_now()
        timeline.anchor(now, now)                      # stream sample == JACK frame
        time.sleep(0.1)
        sched.send(now, "out", bytes((0xB0, 7, 100)))  # its frame is 100 ms in the past
        time.sleep(0.2)
    finally:
        midi.close()
        probe.close()
    got = probe.midi_array()
    assert len(got) == 1 and midi.late == 1
    assert got[0, 0] - now > 0.09 * 44100

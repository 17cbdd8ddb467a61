"""The MIDI pieces without a server: scheduler order, clock pulses, input timing, recording to
mini-notation, MIDI files."""
from __future__ import annotations

from fractions import Fraction

import mido
import pytest

from phonon.timing.clock import Clock
from phonon.sync.midi_clock import PULSE, START, STOP, MidiClock
from phonon.sync.midi_in import MidiInput
from phonon.sync.midi_out import MidiScheduler, note_on
from phonon.sync.record import note_name, to_mini
from phonon.sync.smf import write_smf
from phonon.sync.timeline import StreamTimeline


def test_note_offs_come_before_note_ons_at_the_same_sample():
    s = MidiScheduler()
    s.note(100, "out", 1, 60, 100, length=50)       # off at 150
    s.note(150, "out", 1, 60, 90, length=50)        # a repeated note starting there
    s.cc(150, "out", 2, 74, 64)
    got = [(m.sample, m.data) for m in s.due(1000)]
    assert got == [(100, b"\x90\x3c\x64"), (150, b"\x80\x3c\x00"), (150, b"\x90\x3c\x5a"),
                   (150, b"\xb1\x4a\x40"), (200, b"\x80\x3c\x00")]


def test_due_takes_only_what_is_due_and_panic_ends_every_note():
    s = MidiScheduler()
    s.note(0, "out", 3, 64, 100, length=10_000)
    s.note(10, "synth", 1, 40, 100, length=10_000)
    assert [m.sample for m in s.due(100)] == [0, 10]
    s.panic(500)
    got = [(m.sample, m.port, m.data) for m in s.due(10 ** 9)]
    assert got == [(500, "out", b"\x82\x40\x00"), (500, "synth", b"\x80\x28\x00"),
                   (500, "out", b"\xb2\x7b\x00"), (500, "synth", b"\xb0\x7b\x00")]


def test_velocity_zero_is_sent_as_one():
    assert note_on(16, 60, 0) == b"\x9f\x3c\x01"


@pytest.mark.parametrize("cps", [Fraction(1, 2), Fraction(3, 7)])
def test_clock_pulses_fall_on_24ths_of_a_beat_whatever_the_block(cps):
    sr, bpc = 44100, 4
    for block in (64, 256, 1000):
        s = MidiScheduler()
        clock = Clock(sr, cps)
        mc = MidiClock(s, beats_per_cycle=bpc)
        start = 12345                               # not on a cycle boundary
        for b in range(start, start + 3 * sr, block):
            mc.block(clock, b, block)
        msgs = s.due(10 ** 9)
        pulses = [m.sample for m in msgs if m.data == PULSE]
        first = -(-Fraction(start) * cps / sr * 24 * bpc // 1)   # ceil
        want = [clock.sample_at(Fraction(first + k, 24 * bpc)) for k in range(len(pulses))]
        assert pulses == want and pulses[-1] >= start + 3 * sr - block - sr / cps / 96
        starts = [m.sample for m in msgs if m.data == START]
        assert starts == [clock.sample_at(Fraction(1))]             # the first cycle start
        i = [m.data for m in msgs].index(START)
        assert msgs[i + 1].data == PULSE and msgs[i + 1].sample == starts[0]


def starts_and_pulses(clock: Clock, first_block: int, blocks: int, jumps: dict) -> tuple:
    """Run a MidiClock for `blocks` blocks of 256 from `first_block`; before block i in
    `jumps`, the clock is retimed there to cycle `jumps[i]` (as a Link jump does). Returns
    the messages, the indices of Start among them, and the cycle Start was sent on."""
    s = MidiScheduler()
    mc = MidiClock(s, beats_per_cycle=4)
    start_cycle = None                               # the cycle Start was sent at, then
    for i in range(blocks):
        b = first_block + 256 * i
        if i in jumps:
            clock.retime(b, jumps[i], clock.cps)
        mc.block(clock, b, 256)
        if start_cycle is None and mc.started_at is not None:
            start_cycle = clock.cycle_at(mc.started_at)
    msgs = s.due(10 ** 12)
    starts = [i for i, m in enumerate(msgs) if m.data == START]
    return msgs, starts, start_cycle


@pytest.mark.parametrize("first_block, jumps, start_cycle", [
    (88201, {}, 2),                                  # one sample after cycle 1's pulse
    (88200 - 5 * 256, {2: Fraction(51, 50)}, 2),     # Link jumps from before cycle 1 past it
    (88200 - 5 * 256, {2: Fraction(99, 100), 20: Fraction(1, 2)}, 1),   # ... back: no repeat
])
def test_start_goes_out_with_the_first_pulse_sent_on_a_cycle_start(first_block, jumps,
                                                                    start_cycle):
    """The CI run that lost Start: the bar the clock first aimed at was never sent (its
    block began after it, or Link jumped over it), and Start never went out."""
    clock = Clock(44100, Fraction(1, 2))
    msgs, starts, cycle = starts_and_pulses(clock, first_block, 800, jumps)
    assert len(starts) == 1 and cycle == start_cycle
    i = starts[0]
    assert msgs[i + 1].data == PULSE and msgs[i + 1].sample == msgs[i].sample
    assert all(m.data == PULSE for m in msgs[:i])          # pulses ran before it


def test_start_held_back_goes_out_with_the_first_cycle_start_pulse_once_allowed():
    """Link's follower not yet settled (`start_ok` False) holds Start back, not the pulses:
    cycle 1's pulse goes out alone, Start comes with cycle 2's, the first allowed."""
    clock = Clock(44100, Fraction(1, 2))
    s = MidiScheduler()
    mc = MidiClock(s, beats_per_cycle=4)
    settle = clock.sample_at(Fraction(3, 2))          # settled from cycle 1.5 on
    for b in range(0, 4 * 88200, 256):
        mc.block(clock, b, 256, start_ok=b >= settle)
    msgs = s.due(10 ** 12)
    starts = [i for i, m in enumerate(msgs) if m.data == START]
    assert len(starts) == 1 and msgs[starts[0]].sample == clock.sample_at(Fraction(2))
    assert msgs[starts[0] + 1].data == PULSE and msgs[starts[0] + 1].sample == 176400
    pulses = [m.sample for m in msgs if m.data == PULSE]
    assert pulses == [clock.sample_at(Fraction(k, 96)) for k in range(len(pulses))]
    assert 88200 in pulses                            # cycle 1's pulse, without Start


def test_clock_follows_a_tempo_change_without_repeating_a_pulse():
    sr = 48000
    s = MidiScheduler()
    clock = Clock(sr, Fraction(1, 2))
    mc = MidiClock(s, beats_per_cycle=4)
    for b in range(0, sr, 480):
        mc.block(clock, b, 480)
    clock.set_cps(1, sr)                            # twice as fast from 1 s on
    for b in range(sr, 2 * sr, 480):
        mc.block(clock, b, 480)
    mc.stop(2 * sr)
    msgs = s.due(10 ** 9)
    pulses = [m.sample for m in msgs if m.data == PULSE]
    gaps = {b - a for a, b in zip(pulses, pulses[1:])}
    assert gaps <= {1000, 500} and pulses.count(sr) == 1          # 2 and 4 beats per second
    assert len(pulses) == 48 + 96 and msgs[-1].data == STOP


def test_input_keeps_the_spacing_of_messages_exact_with_a_constant_delay():
    tl = StreamTimeline(44100)
    tl.anchor(1000, 5_000_000)                      # stream sample 1000 is at JACK frame 5e6
    tl.latency = 256
    midi = MidiInput(tl, delay=2048)
    midi.on_message(5_000_100, b"\xb0\x4a\x10")     # CC 74 on channel 1
    midi.on_message(5_000_357, b"\x91\x3c\x50")     # note on, channel 2
    midi.on_message(5_000_358, b"\xf8")             # clock: ignored
    first = midi.block(3000, 256)                   # stream samples [3000, 3256)
    assert [(m.offset, m.status, m.channel, m.data1, m.data2) for m in first] == \
        [(1100 + 2048 - 3000, 0xB0, 1, 74, 16)]
    assert midi.block(3000, 256) is first           # the same list for every reader
    second = midi.block(3256, 256)
    assert [(m.offset, m.is_note_on) for m in second] == [(1357 + 2048 - 3256, True)]
    assert midi.controls == {(1, 74): 16}
    assert [(n.heard, n.key, n.velocity, n.channel) for n in midi.history] == \
        [(1357 - 256, 60, 80, 2)]


def test_a_message_seen_after_its_sample_was_rendered_is_late():
    tl = StreamTimeline(44100)
    tl.anchor(0, 0)
    midi = MidiInput(tl, delay=100)
    midi.block(0, 512)
    midi.on_message(10, b"\x90\x40\x40")            # due at sample 110, already rendered
    got = midi.block(512, 512)
    assert [m.offset for m in got] == [0] and midi.late == 1


def test_recorded_notes_become_mini_notation_on_the_coarsest_grid():
    assert note_name(60) == "c4" and note_name(61) == "cs4" and note_name(47) == "b2"
    notes = [(Fraction(8) + Fraction(1, 64), 48), (Fraction(8, 1) + Fraction(1, 2), 52),
             (Fraction(9) - Fraction(1, 200), 55),            # rounds into cycle 9
             (Fraction(9) + Fraction(1, 4), 55), (Fraction(9) + Fraction(1, 4), 59),
             (Fraction(10) - Fraction(1, 100), 60)]           # rounds to the window's end
    assert to_mini(notes, 8, 2) == "<[c3 e3] [g3 [g3,b3] ~ ~]>"
    assert to_mini(notes, 8, 1) == "c3 e3"
    assert to_mini([], 0, 2) == "<~ ~>"
    assert to_mini([(0.34, 60)], 0, 1, grid=3) == "~ c4 ~"


def test_a_midi_file_has_a_tempo_track_and_one_track_per_bus(tmp_path):
    sr, cps = 44100, Fraction(1, 2)                 # 120 BPM at 4 beats per cycle
    s = MidiScheduler()
    s.note(0, "out", 1, 60, 100, length=sr // 2, track="~bass")
    s.note(sr // 2, "out", 1, 64, 100, length=sr // 4, track="~bass")
    s.cc(sr, "out", 2, 74, 127, track="~pad")
    s.send(100, "clock", PULSE)                     # never written to a file
    path = tmp_path / "out.mid"
    counts = write_smf(path, s.drain(), sr=sr, cps=cps)
    assert counts == {"~bass": 4, "~pad": 1}
    f = mido.MidiFile(path)
    assert f.type == 1 and f.ticks_per_beat == 480 and len(f.tracks) == 3
    tempo = [m for m in f.tracks[0] if m.type == "set_tempo"][0].tempo
    assert mido.tempo2bpm(tempo) == 120
    names = [t.name for t in f.tracks]
    assert names == ["tempo", "~bass", "~pad"]
    ticks, got = 0, []
    for m in f.tracks[1]:
        ticks += m.time
        if not m.is_meta:
            got.append((ticks, m.type, m.note))
    assert got == [(0, "note_on", 60), (480, "note_off", 60), (480, "note_on", 64),
                   (720, "note_off", 64)]
    cc = [m for m in f.tracks[2] if not m.is_meta][0]
    assert (cc.channel, cc.control, cc.value, cc.time) == (1, 74, 127, 960)

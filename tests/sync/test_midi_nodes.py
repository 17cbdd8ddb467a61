"""The MIDI nodes in programs: what they send (exact samples, notes, velocities, channels,
controllers), the same at every block size and with worker processes; sinks kept by the
planner; `phonon render --midi` writes it as a MIDI file."""
from __future__ import annotations

import subprocess
import sys

import mido
import numpy as np
import pytest

from phonon.engine import open_session
from phonon.engine.options import SessionOptions
from phonon.lang import compile_program
from phonon.plan import plan
from phonon.plugins import default_registry
from phonon.runtime.options import RuntimeOptions
from phonon.sync.hub import MidiHub
from phonon.sync.midi_in import MidiInput
from phonon.sync.timeline import StreamTimeline

SR = 44100
PROGRAM = """cps: 1
~synth: midi "c3 [e3 g3] ~ <a3 b3>" # velocity "0.5 1" # channel 2 # legato 0.5
~sweep: ~synth # cc 74 "0 0.5 1 0.25" :channel 2
~lfo: cc 1 (sine 2 * 0.5 + 0.5) :port "ctl"
out: s "bd*2" # lpf 800
"""


def sent(source: str, seconds: float = 2.0, block: int = 256, workers: int = 0,
         placement: str = "auto", hub: MidiHub | None = None) -> list[tuple]:
    hub = hub or MidiHub()
    options = SessionOptions(sr=SR, block=block, workers=workers,
                             runtime=RuntimeOptions(placement=placement),
                             resources={"midi": hub})
    session = open_session(source, options)
    try:
        session.render(int(seconds * SR))
    finally:
        session.close()
    return [(m.sample, m.port, m.data.hex(), m.track) for m in hub.scheduler.drain()]


def test_notes_and_controllers_land_on_the_exact_samples_of_their_events():
    msgs = sent(PROGRAM)
    notes = [(s, d) for s, p, d, t in msgs if t == "~synth"]
    # cycle 0: c3 at 0 (1/4 long), e3 at 1/4 and g3 at 3/8 (1/8 long), a3 at 3/4; velocity
    # 0.5 (64) in the first half, 1 (127) in the second; note-offs after half the event
    # (legato 0.5), rounded half to even; channel 2 -> status 0x91 / 0x81
    assert notes[:8] == [(0, "913040"), (5512, "813000"), (11025, "913440"), (13781, "813400"),
                         (16538, "913740"), (19294, "813700"), (33075, "91397f"),
                         (38587, "813900")]
    assert (44100 + 33075, "913b7f") in notes                    # <a3 b3>: b3 in cycle 1
    ccs = [(s, d) for s, p, d, t in msgs if t == "~sweep"]
    assert ccs[:4] == [(0, "b14a00"), (11025, "b14a40"), (22050, "b14a7f"), (33075, "b14a20")]
    lfo = [(s, p, int(d[4:], 16)) for s, p, d, t in msgs if t == "~lfo"]
    assert {p for _, p, _ in lfo} == {"ctl"}
    gaps = np.diff([s for s, _, _ in lfo])
    assert gaps.min() >= 1 and len(lfo) > 200                    # a 2 Hz sine, sampled
    cells = np.array([s for s, _, _ in lfo]) // 64
    assert len(set(cells)) == len(cells)                          # at most one per 64 frames
    want = np.clip(np.rint((np.sin(2 * np.pi * 2 * np.array([s for s, _, _ in lfo]) / SR)
                            * 0.5 + 0.5) * 127), 0, 127)
    assert np.abs(want - [v for _, _, v in lfo]).max() <= 1       # the signal's value there


@pytest.mark.parametrize("block", [64, 1000, 4096])
def test_the_same_messages_at_every_block_size(block):
    assert sent(PROGRAM, block=block) == sent(PROGRAM, block=256)


def test_the_same_messages_with_worker_processes():
    assert sent(PROGRAM, workers=2, placement="all") == sent(PROGRAM)


def test_midi_nodes_are_kept_though_nothing_reads_them():
    graph = compile_program(PROGRAM)
    p = plan(graph, default_registry())
    kept = set(p.order)
    assert {"~synth/0:midi", "~sweep/0#1:cc", "~lfo/0:cc"} <= kept
    assert not {n for n in p.pruned if n.startswith(("~synth", "~sweep", "~lfo"))}


def test_without_a_midi_resource_the_program_renders_and_sends_nothing():
    import phonon
    y = phonon.render(PROGRAM, 0.5)
    z = phonon.render('cps: 1\nout: s "bd*2" # lpf 800', 0.5)
    assert np.array_equal(y, z)                                   # MIDI nodes are silent


def test_midicc_holds_its_initial_value_then_steps_at_incoming_messages():
    tl = StreamTimeline(SR)
    tl.anchor(0, 0)
    midi_in = MidiInput(tl, delay=0)
    hub = MidiHub(midi_in=midi_in)
    midi_in.on_message(300, b"\xb0\x4a\x7f")                   # CC 74 = 127 at sample 300
    midi_in.on_message(1300, b"\xb3\x4a\x00")                  # channel 4 -> 0 at 1300
    session = open_session("out: midicc 74 :init 0.25", SessionOptions(
        sr=SR, block=256, resources={"midi": hub}))
    y = session.render(2048)
    session.close()
    assert (y[:, :300] == 0.25).all() and (y[:, 300:1300] == 1.0).all()
    assert (y[:, 1300:] == 0.0).all()


def test_phonon_render_writes_a_midi_file_with_a_track_per_bus(tmp_path):
    prog = tmp_path / "song.ph"
    prog.write_text(PROGRAM)
    mid = tmp_path / "song.mid"
    r = subprocess.run([sys.executable, "-m", "phonon", "render", str(prog),
                        str(tmp_path / "song.wav"), "-c", "2", "--midi", str(mid)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert f"wrote {mid.resolve()} (MIDI: 3 tracks" in r.stdout
    f = mido.MidiFile(mid)
    assert [t.name for t in f.tracks] == ["tempo", "~synth", "~sweep", "~lfo"]
    assert mido.tempo2bpm([m for m in f.tracks[0] if m.type == "set_tempo"][0].tempo) == 240
    ticks, on = 0, []
    for m in f.tracks[1]:
        ticks += m.time
        if m.type == "note_on":
            on.append((ticks, m.note, m.velocity, m.channel))
    # one cycle = one bar of 4 beats = 1920 ticks
    assert on[:5] == [(0, 48, 64, 1), (480, 52, 64, 1), (720, 55, 64, 1), (1440, 57, 127, 1),
                      (1920, 48, 64, 1)]


def test_phonon_render_checks_the_midi_destination_first(tmp_path):
    prog = tmp_path / "song.ph"
    prog.write_text(PROGRAM)
    r = subprocess.run([sys.executable, "-m", "phonon", "render", str(prog),
                        str(tmp_path / "song.wav"), "-c", "1", "--midi",
                        str(tmp_path / "missing" / "song.mid")], capture_output=True, text=True)
    assert r.returncode == 2 and "cannot write" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "song.wav").exists()          # checked before rendering

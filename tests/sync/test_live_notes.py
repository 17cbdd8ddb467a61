"""`midinote`: notes played on a keyboard are events that play instruments, at the exact sample
they were placed on (arrival + render-ahead), held until the key comes up."""
from __future__ import annotations

import numpy as np
import pytest

from phonon.engine import open_session
from phonon.engine.options import SessionOptions
from phonon.patterns import live
from phonon.runtime.options import RuntimeOptions
from phonon.sync.hub import MidiHub
from phonon.sync.live_notes import LiveNotes
from phonon.sync.midi_in import MidiInput
from phonon.sync.timeline import StreamTimeline

SR = 44100
DELAY = 2048


@pytest.fixture
def keyboard():
    """A MIDI input whose stream sample n arrives at JACK frame n, played `DELAY` later."""
    timeline = StreamTimeline(SR)
    timeline.anchor(0, 0)
    midi_in = MidiInput(timeline, delay=DELAY)
    notes = LiveNotes(midi_in, SR)
    live.install("midinote", notes.feed)
    yield midi_in
    live.install("midinote", None)


def play(source: str, midi_in: MidiInput, seconds: float, block: int = 256,
         workers: int = 0) -> tuple[np.ndarray, MidiHub]:
    hub = MidiHub(midi_in=midi_in)
    session = open_session(source, SessionOptions(
        sr=SR, block=block, workers=workers, runtime=RuntimeOptions(placement="all")
        if workers else RuntimeOptions(), resources={"midi": hub}))
    out = np.zeros((2, int(seconds * SR)), dtype=np.float32)
    try:
        for start in range(0, out.shape[1], block):          # messages arrive while it plays
            for frame, data in list(midi_in.script):
                if frame < start + block:
                    midi_in.on_message(frame, data)
                    midi_in.script.remove((frame, data))
            n = min(block, out.shape[1] - start)
            out[:, start:start + n] = session.run_block(n)
    finally:
        session.close()
    return out, hub


INSTRUMENT = "~lead: sine 220 # gain 0.5\nout: midinote # s \"~lead\" # release 0.05\n"


@pytest.mark.parametrize("block", [64, 256, 1000])
def test_a_played_note_sounds_from_its_sample_until_its_key_comes_up(keyboard, block):
    keyboard.script = [(1000, b"\x90\x45\x7f"), (1000 + 8820, b"\x80\x45\x00")]   # a4, 0.2 s
    y, _ = play(INSTRUMENT, keyboard, 0.6, block)
    loud = np.flatnonzero(np.abs(y[0]) > 1e-4)
    assert loud[0] - (1000 + DELAY) in (0, 1, 2)              # the attack starts on its sample
    # released at the note-off's sample; 50 ms linear release
    assert abs(loud[-1] - (1000 + DELAY + 8820 + 0.05 * SR)) < 0.002 * SR
    seg = y[0, 1000 + DELAY + 2000:1000 + DELAY + 8000]      # a4 = 440 Hz, absolute pitch
    crossings = np.flatnonzero(np.diff(np.signbit(seg)))
    assert abs(SR / (2 * np.mean(np.diff(crossings))) - 440.0) < 1.0


def test_the_same_sound_at_every_block_size_and_with_workers(keyboard):
    script = [(300, b"\x90\x40\x60"), (5000, b"\x90\x43\x60"), (9000, b"\x80\x40\x00"),
              (20000, b"\x80\x43\x00")]
    keyboard.script = list(script)
    ref, _ = play(INSTRUMENT, keyboard, 0.8, 256)
    for block, workers in ((100, 0), (4096, 0), (256, 2)):
        keyboard.script = list(script)
        y, _ = play(INSTRUMENT, keyboard, 0.8, block, workers)
        assert np.array_equal(y, ref), (block, workers)


@pytest.mark.parametrize("chain, status", [("", "1"), (" # channel 3", "2")])
def test_midi_thru_sends_note_on_and_off_at_the_played_samples(keyboard, chain, status):
    keyboard.script = [(500, b"\x91\x3c\x50"), (4100, b"\x81\x3c\x00")]   # channel 2
    _, hub = play(f'~synth: midi\nout: midinote # s "~synth"{chain}\n', keyboard, 0.3)
    sent = [(m.sample, m.data.hex()) for m in hub.scheduler.drain()]
    assert sent == [(500 + DELAY, f"9{status}3c50"), (4100 + DELAY, f"8{status}3c00")]

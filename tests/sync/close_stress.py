"""Open and close in-process JACK clients with Python callbacks, again and again, while another
Python thread keeps the GIL busy (run as a subprocess by test_jack_close.py):

    python -m tests.sync.close_stress ROUNDS

JACK stops a client's threads wherever they are when it closes; before `RealtimeExit` and the
probe's C xrun callback, this hung within the first ten rounds (3 runs of 3). Prints `done N`.
"""
from __future__ import annotations

import sys
import threading
import time

from phonon.sync.jack_midi import JackMidi
from phonon.sync.midi_out import MidiScheduler
from phonon.sync.timeline import StreamTimeline

from .jack_probe import JackProbe


def churn(stop: threading.Event) -> None:
    """Python work that takes the GIL again and again and allocates."""
    while not stop.is_set():
        [bytes(1000) for _ in range(200)]


def main(rounds: int) -> int:
    stop = threading.Event()
    threading.Thread(target=churn, args=(stop,), daemon=True).start()
    for i in range(rounds):
        midi = JackMidi(StreamTimeline(44100), MidiScheduler())
        probe = JackProbe(f"probe{i % 3}", seconds=1, audio=True)
        probe.arm_audio()
        probe.connect(midi.output("out"), f"{probe.client.name}:in")
        time.sleep(0.02 + (i % 5) * 0.003)
        midi.close()
        probe.close()
    stop.set()
    print(f"done {rounds}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))

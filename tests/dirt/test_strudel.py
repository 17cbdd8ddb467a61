"""Acceptance: bundles built exactly as Strudel's OSC output builds them (ms timetags, `i`
for whole numbers, `midinote`, `bank`, `size`) play through `phonon dirt` on a JACK dummy
server on their grid and with their controls."""
from __future__ import annotations

import socket
import time

import numpy as np
import soundfile as sf

from phonon.osc import message, parse_packet

from tests.retry import on_a_steady_run

from .helpers import (LEVEL, LONG, RATE, dirt_process, finish, on_grid_or_moved,
                      onsets, runs)
from .jack import jack2  # noqa: F401 - the fixture
from .strudel_client import controls, note_to_midi, play_bundle

HALF_MS = RATE // 2000
CPS = 0.5
STEP = 0.5                      # "long*4" at cps 0.5: 500 ms, whole milliseconds


def test_strudel_note_names_and_controls_as_its_osc_output_sends_them():
    assert note_to_midi("c4") == 60 and note_to_midi("c") == 48 and note_to_midi("eb5") == 75
    c = controls({"s": "long", "note": "c5", "bank": "tr_", "roomsize": 0.3}, 2.0, 0.5, CPS)
    assert list(c) == ["cps", "cycle", "delta", "s", "note", "bank", "roomsize", "midinote",
                       "size"]
    assert (c["s"], c["midinote"], c["size"]) == ("tr_long", 72, 0.3)


def values(k: int) -> dict:
    """The k-th event: every 4th a note (an octave up), then a bank, then a louder one."""
    return [{"s": "long", "note": "c5", "pan": 0}, {"s": "long", "bank": "tr_", "pan": 0},
            {"s": "long", "gain": 1.2, "pan": 0, "roomsize": 0.5},
            {"s": "long", "pan": 0, "n": 0}][k % 4]


def test_strudel_bundles_play_on_their_grid_with_their_controls(jack2, tmp_path):
    """Run again (twice at most) only when the device's timeline moved during the run."""
    on_a_steady_run(lambda folder: strudel_bundles(jack2, folder), tmp_path)


def strudel_bundles(jack2, tmp_path):
    with (dirt_process(jack2, tmp_path, duration=None) as (dirt, lines, port),
          socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock):
        sock.settimeout(5)
        sock.sendto(message("/dirt/handshake"), ("127.0.0.1", port))
        assert parse_packet(sock.recv(65536))[0].message.address == "/dirt/handshake/reply"
        t0 = round(time.time() + 0.5, 3)
        for k in range(12):                       # sent ahead like Strudel: ~0.1-0.3 s
            t = t0 + k * STEP
            while time.time() < t - 0.2:
                time.sleep(0.005)
            sock.sendto(play_bundle(values(k), k * STEP * CPS, STEP * CPS / CPS, CPS, t),
                        ("127.0.0.1", port))
        time.sleep(0.5)
        dirt.send_signal(2)
        out = finish(dirt, lines)
    assert "events: 12 (12 voices, 0 late" in out and "bad packets: 0;" in out, out
    audio, _ = sf.read(tmp_path / "rec.wav", dtype="float32")
    assert not audio[:, 1].any()                         # pan 0 (osc-js `i`): hard left
    found = runs(audio[:, 0])
    assert len(found) == 12
    starts = np.array([s for s, _ in found])
    on_grid_or_moved(out, np.diff(starts) - STEP * RATE, HALF_MS)
    for k, (start, length) in enumerate(found):
        level = audio[start + 10, 0]
        if k % 4 == 0:                                    # note "c5" -> midinote 72: rate 2
            assert length == LONG // 2 and np.isclose(level, LEVEL * 0.4)
        elif k % 4 == 1:                                  # bank "tr_" + "long"
            assert length == LONG and np.isclose(level, LEVEL / 2 * 0.4)
        elif k % 4 == 2:                                  # gain 1.2 (osc-js `f`): ^4
            assert length == LONG and np.isclose(level, LEVEL * 0.4 * 1.2 ** 4, rtol=1e-5)
        else:
            assert length == LONG and np.isclose(level, LEVEL * 0.4)
    assert len(onsets(audio[:, 0])) == 12

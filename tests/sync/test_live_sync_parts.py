"""`phonon live`'s sync wiring without a device: the status line, flags that cannot work here."""
from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

from phonon.live.status import Status
from phonon.live.sync import LiveSync, SyncOptions
from phonon.timing.clock import Clock


class FakeSession:
    def __init__(self, cps: float) -> None:
        self.clock = Clock(44100, Fraction(cps).limit_denominator())
        self.position = 0

        class Graph:
            pass
        self.source_graph = Graph()
        self.source_graph.cps = cps


def test_the_status_line_shows_link_peers_tempo_and_phase(link_network):
    reports = []
    sync = LiveSync(SyncOptions(link=True, quantum=4), 44100, jack_device=False,
                    report=reports.append)
    sync.start(0.5, "phonon")                       # alone: 0.5 cps x 60 x 4 = 120 BPM
    try:
        session = FakeSession(0.5)
        for _ in range(4):
            sync.before_block(session, 256)
            session.position += 256
        text = sync.status()
        assert text.startswith("link 0 peers 120.0 BPM beat ") and text.endswith("/4")
        line = Status(cycle=1.0, cps=0.5, load=1, peak=2, voices=0, underruns=0, xruns=0,
                      latency_ms=58, reload="ok", sync=text).line()
        assert text in line.plain
        session.source_graph.cps = 0.625               # an edit: proposed to the session
        sync.before_block(session, 256)
        assert sync.follower.link.tempo == 150.0
    finally:
        sync.close(session.position)
    assert reports == []


def test_a_midi_port_that_does_not_exist_is_named_with_the_ones_that_do(jack_here, tmp_path):
    prog = tmp_path / "p.ph"
    prog.write_text('out: s "bd"\n')
    r = subprocess.run([sys.executable, "-m", "phonon", "live", str(prog), "--midi-in",
                        "nosuch:port", "--duration", "1"], capture_output=True, text=True,
                       env=jack_here, timeout=60)
    assert r.returncode == 3 and "Traceback" not in r.stderr, r.stderr
    assert "phonon live: cannot connect nosuch:port to phonon-midi:in" in r.stderr
    assert "MIDI outputs:" in r.stderr and "MIDI inputs: phonon-midi:in" in r.stderr
    ports = subprocess.run(["jack_lsp"], env=jack_here, capture_output=True, text=True).stdout
    assert "phonon" not in ports                      # everything closed again

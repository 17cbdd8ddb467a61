"""The status line of `phonon dirt`: events (and per second), late events, voices sounding,
the render cost of the block budget, underruns, bad packets."""
from __future__ import annotations

import numpy as np
import soundfile as sf

from phonon.dirt import status as status_module
from phonon.dirt.clock import StreamClock
from phonon.dirt.engine import DirtEngine
from phonon.dirt.events import decode
from phonon.dirt.receiver import DirtReceiver
from phonon.dirt.status import DirtStatus
from phonon.osc import message
from phonon.samples import SampleBank

SR = 44100


def test_the_status_line_says_what_happens(tmp_path, monkeypatch):
    (tmp_path / "long").mkdir()
    sf.write(tmp_path / "long" / "0.wav", np.full(SR, 0.5, np.float32), SR, subtype="FLOAT")
    clock = StreamClock(SR)
    clock.stamp(0, 1000.0)
    engine = DirtEngine(SampleBank([tmp_path], sr=SR, builtin=False), SR, 256, clock=clock)
    receiver = DirtReceiver(engine.submit, port=0)
    now = [50.0]
    monkeypatch.setattr(status_module.time, "monotonic", lambda: now[0])
    try:
        status = DirtStatus(engine, receiver)
        for i in range(30):                       # 30 events in 2 s; 3 of them late
            receiver.handle(message("/dirt/play", "s", "long", "orbit", i % 2), ("h", 1))
        receiver.handle(b"\x00garbage", ("h", 1))
        receiver.handle(message("/nope"), ("h", 1))
        for e in (decode(("s", "long"), 999.0, 12),) * 3:
            engine.submit(e)
        engine.render()
        now[0] += 2.0
        text = status.line(42.4, 97.0, 3, 1, 12.34).plain
    finally:
        receiver.close()
    assert text.startswith("events 30 (15/s)  late 3  voices 33  cpu   42% (peak 97%)  "
                           "underruns 3 (device xruns 1)  bad packets 1, unknown 1  latency "
                           "12.3 ms"), text

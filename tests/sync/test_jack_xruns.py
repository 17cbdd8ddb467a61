"""The test probe counts the xruns JACK reports, from a C callback (see jack_xruns.py)."""
from __future__ import annotations

import threading
import time

from phonon.sync.jacklib import RealtimeExit, import_jack

from .jack_probe import JackProbe


def test_a_client_that_stalls_is_reported_near_the_frame_it_stalled_at(jack_here):
    jack = import_jack()
    probe = JackProbe("probe", 2)
    slow = jack.Client("slow", no_start_server=True)
    ends = RealtimeExit(jack)
    stall = threading.Event()
    stalled: list[int] = []

    def process(frames: int) -> None:
        ends.check()
        if stall.is_set():
            stall.clear()
            stalled.append(slow.last_frame_time)
            time.sleep(0.1)                    # 17 periods of 256 frames: the cycle overruns

    slow.set_process_callback(process)
    slow.activate()
    try:
        time.sleep(0.3)
        before = probe.xruns
        stall.set()
        deadline = time.monotonic() + 2.0
        while probe.xruns == before and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)
    finally:
        ends.close(slow)
        probe.close()
    assert len(stalled) == 1
    new = probe.xrun_frames[before:]
    assert probe.xruns > before and len(probe.xrun_frames) == probe.xruns
    # each seen between the stall and a little after it (its 0.1 s plus the 2 ms poll)
    assert all(0 <= f - stalled[0] < 0.25 * probe.sr for f in new), (new, stalled)

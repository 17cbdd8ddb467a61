"""Link peers for tests: wait until peers see each other, or say why they do not."""
from __future__ import annotations

import time

from phonon.sync.link import LinkSession


def wait_for_peers(*sessions: LinkSession, count: int = 1, timeout: float = 10.0) -> None:
    """Every session sees at least `count` peers, else fail with what to check."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if all(s.peers >= count for s in sessions):
            return
        time.sleep(0.05)
    raise AssertionError(
        f"Link peers did not find each other within {timeout} s (peers: "
        f"{[s.peers for s in sessions]}). Link discovers peers by UDP multicast; on a machine "
        "with only the loopback interface check `ip link show lo` (UP) — and if multicast "
        "is refused there, `ip link set lo multicast on` (.ci/run does this when needed)")


def wait_for_tempo(session: LinkSession, bpm: float, timeout: float = 5.0) -> float:
    """Seconds until `session` runs at `bpm` (within 0.01 BPM)."""
    t0 = time.time()
    while time.time() - t0 < timeout:
        if abs(session.tempo - bpm) < 0.01:
            return time.time() - t0
        time.sleep(0.002)
    raise AssertionError(f"tempo {session.tempo} never reached {bpm}")

"""`phonon live --link --midi-clock` and `--link-offset`, on a JACK dummy server with a Link
peer in the test (over loopback, in a private network namespace): the MIDI clock follows the
session (not the program's own cps), Start falls on the session's bar, and `--link-offset MS`
moves what phonon sends MS earlier (it is heard MS later: the offset is added to the heard
time). Each pulse is placed at the time it is heard: its capture frame plus the playback latency
of phonon's audio port, on JACK's cycle times."""
from __future__ import annotations

import re
import time

import numpy as np
import pytest

from phonon.sync.link import LinkSession
from tests.retry import on_a_steady_run

from .jack_probe import JackProbe, usecs_of
from .live_rig import finish, start_live
from .test_live_link import PeerLog, Unsteady, steady_at, unsteady_times

PROGRAM = 'cps: 0.5\nout: s "rim" * 0.1\n'        # 120 BPM: gives way to the session's 100
BPM = 100.0
PULSE_MS = 60e3 / BPM / 24                         # 25 ms


@pytest.mark.parametrize("offset_ms", [0.0, 10.0])
def test_midi_clock_follows_link_at_the_heard_time_moved_by_the_offset(jack_here, link_network,
                                                                       tmp_path, offset_ms):
    """Retried (twice at most) only when too few pulses were heard with a steady server, or
    pulses were off the grid and phonon reported late MIDI (its client missed JACK cycles)."""
    on_a_steady_run(lambda folder: clock_follows_link(jack_here, folder, offset_ms), tmp_path)


def clock_follows_link(jack_here, tmp_path, offset_ms: float) -> None:
    peer = LinkSession(BPM)
    log = PeerLog(peer)
    probe = JackProbe("probe", seconds=30)
    prog = tmp_path / "p.ph"
    prog.write_text(PROGRAM)
    try:
        live = start_live(jack_here, prog, "--link", "--link-offset", str(offset_ms),
                          "--midi-clock", "probe:in", duration=7)
        probe.wait_port("phonon:out_0", timeout=60)
        time.sleep(1.0)
        latency = probe.clock.playback_latency(probe.client.get_port_by_name("phonon:out_0"))
        out = finish(live)
    finally:
        log.stop()
        peer.close()
        probe.close()
    assert "underruns: 0;" in out, out
    midi = probe.midi_array()
    status = midi[:, 2].astype(int)
    cycles = np.array(probe.cycles, dtype=np.float64)
    heard = np.array([usecs_of(cycles, probe.period, f + latency) for f in midi[:, 0]])
    steady = steady_at(cycles, probe.period, probe.sr, heard, probe.xrun_frames)
    pulses = (status == 0xF8) & steady
    t = heard[pulses][heard[pulses] > heard[(status == 0xF8)][0] + 1.0e6]  # converged after 1 s
    if len(t) <= 100:
        raise Unsteady(f"only {len(t)} pulses heard with a steady server clock "
                       f"({int((~steady).sum())} left out); JACK xruns {probe.xruns}")

    def error_ms(times: np.ndarray) -> np.ndarray:
        """Each time against the nearest 24th of the peer's beat."""
        beats = np.array([log.beat_at(x)[0] for x in times])
        return (24 * beats - np.round(24 * beats)) * PULSE_MS

    raw = error_ms(t)                                 # when phonon's output is heard
    moved = error_ms(t + offset_ms * 1000.0)          # ... plus the offset the user gave
    print(f"\n--link-offset {offset_ms:g}: pulses heard {np.median(raw):+.3f} ms from the "
          f"session's grid (max |error - offset| {np.abs(moved).max():.3f} ms) over {len(t)} "
          f"pulses; JACK xruns {probe.xruns}")
    off = np.abs(moved) > 1.0                                # on the grid, offset included
    if off.any():
        why = (f"{int(off.sum())} of {len(t)} pulses more than 1 ms off the grid; worst "
               f"{worst_pulses(t, moved, heard, cycles, probe)}; phonon: {stop_line(out)}")
        late = re.search(r"MIDI out: \d+ sent, (\d+) late", out)
        if late and int(late.group(1)):             # phonon's MIDI client missed JACK cycles
            raise Unsteady(why)
        raise AssertionError(why)
    assert np.median(raw) == pytest.approx(-offset_ms, abs=0.5)   # so MS earlier
    gaps = np.diff(heard[status == 0xF8][-50:])
    assert np.median(gaps) == pytest.approx(PULSE_MS * 1000, rel=1e-3)   # the session's tempo
    # Start goes out with the pulse on a bar (the pulses' timing is checked above)
    starts = np.flatnonzero(status == 0xFA)
    assert len(starts) == 1, f"{len(starts)} Start messages among {len(status)} received"
    i = starts[0]
    assert status[i + 1] == 0xF8 and midi[i + 1, 0] == midi[i, 0]
    start_beat = log.beat_at(heard[i] + offset_ms * 1000.0)[0]
    assert abs(start_beat - 4 * round(start_beat / 4)) < 1 / 48          # half a pulse


def stop_line(out: str) -> str:
    """Phonon's summary line (underruns, device xruns, MIDI delivery)."""
    return next((line for line in out.splitlines() if "stopped after" in line), out[-500:])


def worst_pulses(t: np.ndarray, err_ms: np.ndarray, heard: np.ndarray, cycles: np.ndarray,
                 probe: JackProbe, count: int = 3) -> str:
    """Where the worst pulses lie: seconds after the first pulse heard, error, and the
    nearest unsteady moment of the server (skipped cycle, odd period, xrun, settling loop)."""
    bad_t = unsteady_times(cycles, probe.period, probe.sr, probe.xrun_frames)
    parts = []
    for i in np.argsort(-np.abs(err_ms))[:count]:
        near = (f"{(bad_t[np.argmin(np.abs(bad_t - t[i]))] - t[i]) / 1e6:+.2f} s"
                if bad_t.size else "none")
        parts.append(f"{(t[i] - heard[0]) / 1e6:.2f} s: {err_ms[i]:+.2f} ms (nearest unsteady "
                     f"moment {near})")
    return "; ".join(parts) + f"; JACK xruns {probe.xruns}, {bad_t.size} unsteady moments"

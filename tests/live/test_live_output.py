"""The device side of `phonon live` without a device: the shared-memory link and the callback
of the device process (who consumes the ring, the clock it resumes on, the fade-in)."""
from __future__ import annotations

import time
from types import SimpleNamespace

import numpy as np

from phonon.live.device_process import make_callback
from phonon.live.link import DEVICE, NOBODY, OWNER, Link
from phonon.runtime.shm import leftover_segments

SR = 1000                       # 1 frame per ms: positions in frames read as milliseconds
OK = SimpleNamespace(output_underflow=False)
TIMES = SimpleNamespace(outputBufferDacTime=0.0, currentTime=0.0)


def ramp_block(start: int, n: int) -> np.ndarray:
    x = np.arange(start, start + n, dtype=np.float32)
    return np.stack([x, -x])


def test_the_link_is_one_segment_that_a_second_mapping_shares_and_close_unlinks():
    import os
    link = Link.create(64)
    try:
        other = Link.attach(link.name, 64)              # what the device process maps
        link.ring.write(ramp_block(0, 16))
        out = np.empty((10, 2), np.float32)
        assert other.ring.read_into(out) == 10 and out[:, 0].tolist() == list(range(10))
        assert link.ring.read == 10 and link.ring.filled == 6
        other.stamp_dac(10, 123.5)
        assert link.dac() == (10, 123.5)
        assert leftover_segments(os.getpid()) == [link.name]
    finally:
        link.close()
    assert leftover_segments(os.getpid()) == []
    wide = Link.create(32, channels=6)                   # e.g. `phonon dirt`'s orbit channels
    try:
        assert Link.attach(wide.name, 32, 6).ring.buf.shape == (32, 6) and wide.channels == 6
    finally:
        wide.close()


def test_the_callback_plays_the_ring_only_while_the_device_owns_it():
    link = Link.create(64)
    try:
        cb = make_callback(link, SR, fade=0)
        link.ring.write(ramp_block(0, 32))
        out = np.ones((8, 2), np.float32)
        link.ctl[OWNER] = NOBODY                        # the device is (being) replaced
        cb(out, 8, TIMES, OK)
        assert not out.any() and link.ring.read == 0 and link.beats == 1
        link.ctl[OWNER] = DEVICE
        cb(out, 8, TIMES, OK)
        assert out[:, 0].tolist() == list(range(8)) and link.ring.read == 8
        assert time.time() - link.beat_wall < 1.0
        cb(out, 8, TIMES, SimpleNamespace(output_underflow=True))
        assert link.xruns == 1 and link.first_xruns() == [8]
        link.ring.skip_to(30)
        cb(out, 8, TIMES, OK)                           # 2 frames left: an underrun
        assert out[:, 0].tolist() == [30, 31, 0, 0, 0, 0, 0, 0]
        assert link.ring.underruns == 1 and link.first_underruns() == [30]
    finally:
        link.close()


def test_a_device_taking_over_resumes_on_the_wall_clock_and_fades_in():
    """After an outage the first callback starts where the clock is at that moment (not where
    the render side last dropped frames), and the sound comes back over a ramp, not a click."""
    link = Link.create(4096)
    try:
        link.ring.write(np.ones((2, 4000), np.float32))
        link.resume_at(100, time.time() - 1.5)          # frame 100 was due 1.5 s ago
        link.ctl[OWNER] = DEVICE
        cb = make_callback(link, SR, fade=10)
        out = np.empty((8, 2), np.float32)
        cb(out, 8, TIMES, OK)
        assert 1600 <= link.ring.read - 8 <= 1610       # 100 + 1500 frames, plus the call
        assert np.allclose(out[:, 0], np.arange(1, 9) / 10)
        cb(out, 8, TIMES, OK)
        assert np.allclose(out[:, 0], [0.9, 1.0, 1, 1, 1, 1, 1, 1])
        before = link.ring.read
        cb(out, 8, TIMES, OK)                           # resumes once, then plays on
        assert link.ring.read == before + 8 and (out == 1).all()
    finally:
        link.close()


class FakeJack:
    """JackFrames' two calls: the running cycle's first frame and a frame's time on JACK's
    clock (µs); here JACK's clock starts at 5 s and runs at SR frames per second."""

    def __init__(self) -> None:
        self.cycle = 0

    def frame(self) -> int:
        return self.cycle

    def usecs(self, frame: int) -> int:
        return 5_000_000 + frame * 1_000_000 // SR


def test_on_jack_the_stamps_come_from_jacks_clock_not_from_the_callbacks_wake_up():
    """The heard time of a callback's first frame is the JACK frame's time on JACK's clock plus
    the port latency, moved to the wall and host clocks by the measured offsets: however late
    the callback wakes (its own `time.time()` and PortAudio's `currentTime` jitter by ms under
    load), frames a cycle apart are stamped exactly a cycle apart."""
    link, jack = Link.create(4096), FakeJack()
    try:
        link.ring.write(np.zeros((2, 4000), np.float32))
        link.ctl[OWNER] = DEVICE
        clock = {"offset": 1000.0, "jack": (2000.0, 7_000_000.0)}   # wall - JACK s, host - JACK µs
        cb = make_callback(link, SR, fade=0, jack=jack, clock=clock)
        out = np.empty((8, 2), np.float32)
        stamps = []
        for k, late in enumerate([0.0, 0.004, 0.0, 0.011]):      # wake-up delays, s
            jack.cycle = 16 * k
            times = SimpleNamespace(currentTime=3.0 + 0.016 * k + late,
                                    outputBufferDacTime=3.0 + 0.016 * k + late + 0.032)
            cb(out, 8, times, OK)                                # two callbacks per cycle
            stamps.append(link.stamps())
            cb(out, 8, times, OK)
            stamps.append(link.stamps())
        assert [s[0] for s in stamps] == list(range(0, 64, 8))                # ring frames
        assert [s[2] for s in stamps] == [0, 8, 16, 24, 32, 40, 48, 56]       # JACK frames
        # frame f is heard at JACK's 5 s + f ms + 32 ms of port latency (dac - current)
        assert np.allclose([s[1] for s in stamps],
                           [2000.0 + 5.032 + f / SR for f in range(0, 64, 8)], atol=1e-9)
        assert np.allclose([s[3] for s in stamps],
                           [7_000_000 + 5_032_000 + f * 1000 for f in range(0, 64, 8)])
        clock["jack"] = None                 # not measured (yet): the stream's time + offset
        cb(out, 8, SimpleNamespace(currentTime=9.0, outputBufferDacTime=9.032), OK)
        assert link.stamps()[1] == 1009.032
    finally:
        link.close()

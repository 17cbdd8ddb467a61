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

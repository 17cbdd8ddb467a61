"""StreamClock: wall time -> output frame from DAC stamps that are late by the callback's
wake-up jitter (never early), on a device clock that drifts and whose timeline can move."""
from __future__ import annotations

import numpy as np

from phonon.dirt.clock import StreamClock

SR = 44100
BLOCK = 256
T0 = 1_800_000_000.0
PPM = 15e-6                       # the JACK dummy driver's drift against the wall clock


class Device:
    """A device playing `BLOCK` frames per callback at SR x (1 + PPM); `shift` seconds added
    to its timeline from callback `at` on; each stamp late by a random wake-up delay."""

    def __init__(self, seed: int = 1, shift: float = 0.0, at: int = 10**9) -> None:
        self.rng = np.random.default_rng(seed)
        self.shift, self.at = shift, at

    def wall(self, k: int, frame: float) -> float:
        """The true wall time at which ring frame `frame` reaches the DAC, after callback k."""
        return T0 + frame / (SR * (1 + PPM)) + (self.shift if k >= self.at else 0.0)

    def run(self, clock: StreamClock, callbacks: range, jitter_s: float = 0.002) -> int:
        for k in callbacks:
            late = self.rng.exponential(jitter_s / 4) if self.rng.random() > 0.02 else 0.0
            clock.stamp(k * BLOCK, self.wall(k, k * BLOCK) + min(late, jitter_s))
        return callbacks.stop

    def error_s(self, clock: StreamClock, k: int) -> float:
        """How far off (seconds) the clock places a wall time just after callback k."""
        frame = k * BLOCK + 1000
        return (clock.frame_at(self.wall(k, frame)) - frame) / SR


def test_jittered_drifting_stamps_map_within_a_frame():
    clock, dev = StreamClock(SR), Device()
    k = dev.run(clock, range(0, 2000))                  # 11.6 s
    assert abs(dev.error_s(clock, k)) < 1 / SR
    assert abs(clock.rate / SR - 1 - PPM) < 2e-6


def test_the_earliest_stamp_so_far_places_the_line_after_a_start():
    clock, dev = StreamClock(SR), Device()
    lateness = [0.002, 0.0015, 0.00002, 0.001, 0.0008]   # the third callback woke at once
    for k, late in enumerate(lateness):
        clock.stamp(k * BLOCK, dev.wall(k, k * BLOCK) + late)
    assert abs(dev.error_s(clock, 4)) < 0.00003


def test_a_timeline_that_moves_later_is_followed_within_a_second_and_a_half():
    clock, dev = StreamClock(SR), Device(shift=0.001, at=1500)     # 1 ms later at 8.7 s
    dev.run(clock, range(0, 1500))
    k = dev.run(clock, range(1500, 1500 + 260))         # 1.5 s
    assert abs(dev.error_s(clock, k)) < 0.0001
    assert clock.jumps == 1 and clock.resets == 0
    k = dev.run(clock, range(k, k + 1000))
    assert abs(dev.error_s(clock, k)) < 1 / SR           # and the rate stayed right


def test_a_timeline_that_moves_earlier_is_followed_at_once():
    clock, dev = StreamClock(SR), Device(shift=-0.001, at=1500)
    dev.run(clock, range(0, 1500))
    k = dev.run(clock, range(1500, 1510), jitter_s=0.0)  # 10 callbacks, stamps on time
    assert abs(dev.error_s(clock, k)) < 0.00003
    k = dev.run(clock, range(k, k + 1000))
    assert abs(dev.error_s(clock, k)) < 1 / SR

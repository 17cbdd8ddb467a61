"""A delay line read `d` samples behind write index `w` where `w - d` is a hair below 0
(d = sr / f just above an integer): `pos + size` rounds to exactly `size` in float64, and the
kernels read one sample past the row (numba does not check bounds): the next channel's first
sample, here a sentinel. Now such a read wraps to index 0."""
from __future__ import annotations

import numpy as np

from phonon.dsp.comb import comb, line_length
from phonon.dsp.delay import feedback_delay

SR = 44100.0
W = 3                                          # the write index


def just_above(k: float) -> tuple[float, float]:
    """(frequency, delay in samples) with sr / f a hair above k."""
    f = np.nextafter(SR / k, 0.0)
    return f, SR / f


def test_a_comb_read_a_hair_before_the_line_start_stays_in_its_row():
    f, d = just_above(W)
    size = line_length(SR)
    assert W - d < 0.0 and (W - d) + size == size       # the case: rounds to size
    line = np.zeros((2, size))
    line[1, 0] = 1e6                                    # what row 0's index `size` reads
    x, out = np.zeros((2, 1)), np.zeros((2, 1))
    comb(x, out, 1, np.array([f]), np.array([0.5]), line, np.array([W]), SR)
    assert out[0, 0] == 0.0             # row 0 reads its own index 0 (row 1 reads its sentinel)


def test_a_delay_read_a_hair_before_the_line_start_stays_in_its_row():
    _, d = just_above(W)
    size = 64
    time = np.array([d / SR])
    assert W - time[0] * SR < 0.0 and (W - time[0] * SR) + size == size
    line = np.zeros((2, size))
    line[1, 0] = 1e6
    x, out = np.zeros((2, 1)), np.zeros((2, 1))
    feedback_delay(x, out, 1, time, np.array([0.5]), np.array([1.0]), line, np.array([W]), SR)
    assert out[0, 0] == 0.0             # row 0 reads its own index 0 (row 1 reads its sentinel)

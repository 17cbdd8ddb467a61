"""Feedback delay: echo times and levels, fractional time, mix."""
import numpy as np
import pytest

from phonon.nodes.delay import Delay
from phonon.plugins.testing import render_node

SR = 44100


def click(n):
    x = np.zeros(n, dtype=np.float32)
    x[0] = 1.0
    return x


def test_echoes_at_exact_multiples_of_time_each_6db_lower():
    n = SR * 2
    y = render_node(Delay, frames=n, inputs=[click(n)], params={"time": 0.25, "feedback": 0.5, "mix": 1.0},
                    block=512)[0]
    peaks = np.flatnonzero(np.abs(y) > 1e-6)
    assert peaks.tolist() == [11025, 22050, 33075, 44100, 55125, 66150, 77175]
    levels = 20 * np.log10(y[peaks])
    assert levels[0] == pytest.approx(0.0, abs=1e-6)
    assert np.allclose(np.diff(levels), 20 * np.log10(0.5), atol=0.01)   # -6.02 dB per echo


def test_mix_blends_dry_and_wet():
    n = SR
    y = render_node(Delay, frames=n, inputs=[click(n)], params={"time": 0.1, "feedback": 0.0, "mix": 0.25})[0]
    assert y[0] == pytest.approx(0.75)
    assert y[4410] == pytest.approx(0.25)
    assert np.count_nonzero(y) == 2


def test_fractional_time_interpolates_between_samples():
    n = 4096
    y = render_node(Delay, frames=n, inputs=[click(n)],
                    params={"time": 100.25 / SR, "feedback": 0.0, "mix": 1.0})[0]
    assert y[100] == pytest.approx(0.75, abs=1e-5)
    assert y[101] == pytest.approx(0.25, abs=1e-5)


def test_modulated_time_per_sample():
    n = 8192
    x = np.zeros(n, dtype=np.float32)
    x[0] = x[5000] = 1.0
    time = np.where(np.arange(n) < 4000, 100 / SR, 300 / SR)
    y = render_node(Delay, frames=n, inputs=[x], params={"time": time, "feedback": 0.0, "mix": 1.0}, block=64)[0]
    assert y[100] == pytest.approx(1.0) and y[5300] == pytest.approx(1.0)


def test_longest_delay_is_ten_seconds():
    n = SR * 10 + 100
    y = render_node(Delay, frames=n, inputs=[click(n)], params={"time": 10.0, "feedback": 0.0, "mix": 1.0},
                    block=4096)[0]
    assert np.flatnonzero(y).tolist() == [SR * 10]


def test_state_hands_the_delay_line_over():
    n = SR
    first = Delay()
    first.prepare(SR, 512, 2)
    x = click(n)
    whole = render_node(Delay, frames=n, inputs=[x], params={"time": 0.3, "mix": 1.0})
    render_node(first, frames=SR // 4, inputs=[x[: SR // 4]], params={"time": 0.3, "mix": 1.0})
    second = Delay()
    second.prepare(SR, 512, 2)
    second.load_state(first.state())
    rest = render_node(second, frames=n - SR // 4, inputs=[x[SR // 4:]], params={"time": 0.3, "mix": 1.0})
    assert np.array_equal(rest, whole[:, SR // 4:])

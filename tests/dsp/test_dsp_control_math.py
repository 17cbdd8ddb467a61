"""range, lag, gain, pan and the arithmetic / master nodes."""
import numpy as np
import pytest

from phonon.nodes.control import Gain, Lag, Pan, Range
from phonon.nodes.mathops import Add, Div, Master, Mix, Mul, Sub
from phonon.plugins.testing import render_node

SR = 44100


def db(x):
    return 20 * np.log10(x)


def test_range_maps_minus_one_one_onto_lo_hi():
    x = np.array([-1.0, -0.5, 0.0, 0.5, 1.0] * 20, dtype=np.float32)
    y = render_node(Range, frames=100, inputs=[x], params={"lo": 200.0, "hi": 1000.0})
    assert np.allclose(y[0, :5], [200, 400, 600, 800, 1000])
    assert np.array_equal(y[0], y[1])


def test_lag_reaches_63_percent_after_one_time_constant():
    step = np.ones(SR, dtype=np.float32)
    y = render_node(Lag, frames=SR, inputs=[step], params={"time": 0.01}, block=64)[0]
    assert y[440] == pytest.approx(1 - np.exp(-1), abs=2e-3)   # 441 samples = 10 ms
    assert y[4409] == pytest.approx(1 - np.exp(-10), abs=1e-4)


def test_gain_and_pan_levels_in_db():
    x = np.ones(256, dtype=np.float32)
    assert np.allclose(render_node(Gain, frames=256, inputs=[x], params={"amount": 0.5}), 0.5)
    centre = render_node(Pan, frames=256, inputs=[x], params={"pos": 0.0})
    assert db(centre[0, 0]) == pytest.approx(-3.0103, abs=1e-3)
    assert db(centre[1, 0]) == pytest.approx(-3.0103, abs=1e-3)
    left = render_node(Pan, frames=256, inputs=[x], params={"pos": -1.0})
    assert left[0, 0] == 1.0 and abs(left[1, 0]) < 1e-7
    right = render_node(Pan, frames=256, inputs=[x], params={"pos": 1.0})
    assert abs(right[0, 0]) < 1e-7 and right[1, 0] == pytest.approx(1.0)
    half = render_node(Pan, frames=256, inputs=[x], params={"pos": 0.5})   # angle 3*pi/8
    assert db(half[0, 0]) == pytest.approx(db(np.cos(3 * np.pi / 8)), abs=1e-4)   # -8.34 dB
    assert db(half[1, 0]) == pytest.approx(db(np.sin(3 * np.pi / 8)), abs=1e-4)   # -0.69 dB
    assert half[0, 0] ** 2 + half[1, 0] ** 2 == pytest.approx(1.0, abs=1e-6)   # equal power


def test_binary_ops_per_sample():
    a = np.linspace(-1, 1, 300).astype(np.float32)
    b = np.linspace(2, -2, 300).astype(np.float32)
    assert np.allclose(render_node(Add, frames=300, inputs=[a, b])[0], a + b)
    assert np.allclose(render_node(Sub, frames=300, inputs=[a, b])[0], a - b)
    assert np.allclose(render_node(Mul, frames=300, inputs=[a, b])[0], a * b)
    zero_b = b.copy()
    zero_b[::3] = 0.0
    d = render_node(Div, frames=300, inputs=[a, zero_b])[0]
    assert np.all(d[::3] == 0.0)
    nz = zero_b != 0
    assert np.allclose(d[nz], a[nz] / zero_b[nz])
    m = render_node(Mix, frames=300, inputs=[a, b, a])[1]
    assert np.allclose(m, 2 * a + b)


def test_master_removes_nan_inf_and_never_exceeds_0_dbfs():
    x = np.linspace(-3, 3, 1024).astype(np.float32)
    x[10], x[20], x[30] = np.nan, np.inf, -np.inf
    node = Master()
    node.prepare(SR, 256, 2)
    y = render_node(node, frames=1024, inputs=[x], block=256)
    assert np.isfinite(y).all()
    assert y[0, 10] == 0.0 and y[0, 20] == 0.0 and y[0, 30] == 0.0
    assert np.max(np.abs(y)) == 1.0
    inside = np.abs(x) < 1
    assert np.array_equal(y[0, inside], x[inside])
    assert node.nonfinite_blocks == 1                 # all three in the first block


def test_two_noise_nodes_in_a_program_play_different_noise_reproducibly():
    import phonon

    src = "~a: noise\n~b: noise\nout: ~a * 0.5 - ~b * 0.5\n"
    y = phonon.render(src, 0.1, block=512)
    assert np.abs(y).max() > 0.1                  # identical noise would cancel to silence
    assert np.array_equal(y, phonon.render(src, 0.1, block=64))

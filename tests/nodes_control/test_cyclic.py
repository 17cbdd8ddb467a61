"""Per-cycle generators and switches: rand, irand, run, scan, every_val, sometimes_val,
sometimes_by_val, whenmod_val — values per cycle, changing on the cycle's first sample."""
from __future__ import annotations

import numpy as np
import pytest

from phonon.nodes.cyclic import (EveryVal, IRand, Rand, Run, Scan, SometimesByVal, SometimesVal,
                                 WhenmodVal)
from phonon.plugins.testing import render_node
from tests.nodes_fx.quality import check_block_size, check_documented, check_nan_safe

SR = 1000                      # 1000 samples per second, cps 10: 100 samples per cycle
CPS = 10.0
NODES = [Rand, IRand, Run, Scan, EveryVal, SometimesVal, SometimesByVal, WhenmodVal]


def per_cycle(cls, cycles: int = 400, params=None, node_id: str = "out/0:x") -> np.ndarray:
    """The node's output sampled in every cycle: (cycles, 100) values."""
    node = cls()
    node.node_id = node_id
    node.prepare(SR, 64, 2)
    y = render_node(node, frames=cycles * 100, params=params, sr=SR, block=64, cps=CPS)[0]
    return y.reshape(cycles, 100)


@pytest.mark.parametrize("cls", NODES, ids=lambda c: c.spec.name)
def test_quality_bar(cls):
    check_documented(cls)
    check_block_size(cls, cps=3.0)
    check_nan_safe(cls, cps=3.0)


def test_rand_is_one_value_per_cycle_uniform_and_reproducible():
    y = per_cycle(Rand, 2000)
    assert np.all(y == y[:, :1])                              # constant inside each cycle
    v = y[:, 0]
    assert len(np.unique(v)) == 2000 and 0.0 <= v.min() and v.max() < 1.0
    assert abs(v.mean() - 0.5) < 0.02 and abs(np.mean(v < 0.25) - 0.25) < 0.03
    np.testing.assert_array_equal(per_cycle(Rand, 2000)[:, 0], v)          # same every render
    assert not np.array_equal(per_cycle(Rand, 2000, node_id="out/1:x")[:, 0], v)   # per node


def test_irand_counts_and_ranges():
    v = per_cycle(IRand, 2000, {"n": 8.0})[:, 0]
    assert set(np.unique(v)) == set(range(8))
    w = per_cycle(IRand, 2000, {"n": 3.0, "hi": 9.0})[:, 0]
    assert set(np.unique(w)) == set(range(3, 10))


def test_run_and_scan_step_through_the_cycle():
    y = per_cycle(Run, 2, {"n": 4.0})
    np.testing.assert_array_equal(y[0], np.repeat([0.0, 1, 2, 3], 25))
    s = per_cycle(Scan, 4, {"n": 3.0})
    np.testing.assert_array_equal(s[0], np.zeros(100))
    np.testing.assert_array_equal(s[1], np.repeat([0.0, 1], 50))
    np.testing.assert_array_equal(s[3], np.zeros(100))                  # 3 mod 3 = 0: restart
    assert s[2][0] == 0 and s[2][40] == 1 and s[2][99] == 2


def test_value_switches_choose_their_cycles():
    ev = per_cycle(EveryVal, 8, {"n": 3.0, "on": 5.0, "off": -1.0})[:, 0]
    assert ev.tolist() == [5, -1, -1, 5, -1, -1, 5, -1]
    wm = per_cycle(WhenmodVal, 8, {"m": 4.0, "o": 2.0, "on": 1.0, "off": 0.0})[:, 0]
    assert wm.tolist() == [0, 0, 1, 1, 0, 0, 1, 1]
    by = per_cycle(SometimesByVal, 4000, {"prob": 0.2, "on": 1.0, "off": 0.0})[:, 0]
    assert abs(by.mean() - 0.2) < 0.02
    half = per_cycle(SometimesVal, 4000, {"on": 1.0, "off": 0.0})
    assert abs(half[:, 0].mean() - 0.5) < 0.03 and np.all(half == half[:, :1])

"""The `poly` node on its own: voice stealing, bounded voices, hot-swap hand-over."""
from __future__ import annotations

import numpy as np
import pytest

from phonon.lang import compile_program
from phonon.nodes.poly import Poly
from phonon.plugins.testing import render_node

SR = 44100


@pytest.fixture(scope="module")
def template():
    ir = compile_program('~tone: sine 220\nout: s "~tone"')
    return ir.nodes["~tone/poly:poly"].params["template"].value


def voice(n: int, onset: int, freq: float, env: np.ndarray) -> np.ndarray:
    t = np.arange(n) - onset
    return np.where(t >= 0, np.sin(2 * np.pi * freq * np.maximum(t, 0) / SR), 0.0) * env


def ar(n: int, onset: int, gate: int, release_start: float | None = None, level: float = 1.0,
       release: float = 0.3 * SR) -> np.ndarray:
    t = (np.arange(n) - onset).astype(np.float64)
    rs = gate if release_start is None else release_start
    rise = np.minimum(t / 441.0, 1.0)
    env = np.where(t < rs, rise, np.maximum(level * (1 - (t - rs) / release), 0.0))
    env[t < 0] = 0.0
    return env


def test_a_voice_beyond_the_limit_steals_the_oldest_with_a_5_ms_fade(template):
    events = [(0, 1.0, {"note": 0}), (4410, 1.0, {"note": 12}), (8820, 1.0, {"note": 7})]
    node = Poly(template=template, voices=2)
    node.prepare(SR, 512, 2)
    out = render_node(node, frames=SR // 2, events=events, params={"template": template, "voices": 2})
    n = SR // 2
    stolen = ar(n, 0, SR, release_start=8820, release=0.005 * SR)
    expected = (voice(n, 0, 220.0, stolen) + voice(n, 4410, 440.0, ar(n, 4410, SR))
                + voice(n, 8820, 220.0 * 2 ** (7 / 12), ar(n, 8820, SR)))
    np.testing.assert_allclose(out[0], expected, atol=2e-5)
    assert node.active_voices() == 2


def test_hot_swap_hands_the_ringing_voices_to_the_successor(template):
    events = [(100, 0.05, {"note": 0})]
    whole = render_node(Poly, frames=8192, events=events, params={"template": template},
                        static={"template": template})
    old = Poly(template=template)
    old.prepare(SR, 512, 2)
    head = render_node(old, frames=4096, events=events, params={"template": template})
    new = Poly(template=template)
    new.prepare(SR, 512, 2)
    new.load_state(old.state())
    new.load_state(new.state())                    # handing itself its own state changes nothing
    tail = render_node(new, frames=4096, params={"template": template}, start=4096)
    np.testing.assert_array_equal(np.concatenate([head, tail], axis=1), whole)
    assert len(new.pool) == 16 + 4 + 1             # the inherited voice is still ringing ...
    render_node(new, frames=SR // 2, params={"template": template}, start=8192)
    assert len(new.pool) == 16 + 4 and new.active_voices() == 0    # ... and has left

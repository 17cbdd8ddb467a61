"""Every node gives the same output whatever the block size (state carried across blocks), and
continues seamlessly in a successor that takes over its state (hot swap)."""
import numpy as np
import pytest

from phonon.nodes.control import Gain, Lag, Pan, Range
from phonon.nodes.delay import Delay
from phonon.nodes.dynamics import Compressor, Limiter, Reverb
from phonon.nodes.envelopes import ADSR, AR, Perc
from phonon.nodes.filters import BandPass, HighPass, LowPass, Notch
from phonon.nodes.mathops import Add, Div, Master, Mix, Mul, Sub
from phonon.nodes.noise import BrownNoise, PinkNoise, WhiteNoise
from phonon.nodes.oscillators import Const, Line, Mtof, Pulse, Saw, Sig, Sine, Square, Tri
from phonon.plugins.testing import render_node

SR = 44100
N = 20000
t = np.arange(N) / SR
rng = np.random.default_rng(1)
A = (rng.random(N) * 2 - 1).astype(np.float32)
B = (0.8 * np.sin(2 * np.pi * 330 * t) + 0.1).astype(np.float32)
LOUD = (3 * A).astype(np.float32)
SWEEP = 200.0 + 3000.0 * (1 + np.sin(2 * np.pi * 3 * t))          # a modulating signal
STEPS = np.where(np.arange(N) % 5000 < 2500, 0.3, 0.7)             # a stepped pattern
EVENTS = [(k * 3000 + 11, 0.02) for k in range(6)]

CASES = {
    "sine": (Sine, [], {"freq": SWEEP}),
    "saw": (Saw, [], {"freq": SWEEP}),
    "square": (Square, [], {"freq": 1234.5, "width": STEPS}),
    "pulse": (Pulse, [], {"freq": SWEEP, "width": STEPS}),
    "tri": (Tri, [], {"freq": 440.0}),
    "noise": (WhiteNoise, [], {}),
    "pink": (PinkNoise, [], {}),
    "brown": (BrownNoise, [], {}),
    "const": (Const, [], {"value": 0.3}),
    "sig": (Sig, [], {"value": STEPS}),
    "mtof": (Mtof, [], {"note": STEPS * 100}),
    "line": (Line, [], {"start": 1.0, "end": -1.0, "dur": 0.2}),
    "lpf": (LowPass, [A], {"cutoff": SWEEP, "q": STEPS * 10}),
    "hpf": (HighPass, [A], {"cutoff": SWEEP}),
    "bpf": (BandPass, [A], {"cutoff": 1000.0, "q": 4.0}),
    "notch": (Notch, [A], {"cutoff": SWEEP}),
    "perc": (Perc, [], {"attack": 0.001, "release": 0.05}),
    "ar": (AR, [], {}),
    "adsr": (ADSR, [], {"sustain": STEPS}),
    "range": (Range, [B], {"lo": 100.0, "hi": STEPS}),
    "lag": (Lag, [A], {"time": 0.01}),
    "gain": (Gain, [A], {"amount": STEPS}),
    "pan": (Pan, [A], {"pos": STEPS - 0.5}),
    "add": (Add, [A, B], {}),
    "sub": (Sub, [A, B], {}),
    "mul": (Mul, [A, B], {}),
    "div": (Div, [A, B], {}),
    "mix": (Mix, [A, B, A], {}),
    "master": (Master, [LOUD], {}),
    "delay": (Delay, [A], {"time": 0.01 + 0.005 * np.sin(2 * np.pi * t), "feedback": 0.6}),
    "reverb": (Reverb, [A], {"room": STEPS}),
    "compressor": (Compressor, [LOUD], {"threshold": -20.0}),
    "limiter": (Limiter, [LOUD], {"ceiling": 0.9}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_block_64_and_4096_give_the_same_output(name):
    cls, inputs, params = CASES[name]
    events = EVENTS if cls.spec.event_param is not None else ()
    small = render_node(cls, frames=N, inputs=inputs, params=params, events=events, block=64)
    large = render_node(cls, frames=N, inputs=inputs, params=params, events=events, block=4096)
    assert np.max(np.abs(small)) > 0.0
    assert np.array_equal(small, large)


def _cut(value, a, b):
    return value[a:b] if isinstance(value, np.ndarray) else value


@pytest.mark.parametrize("name", sorted(CASES))
def test_state_handover_continues_the_render_exactly(name):
    cls, inputs, params = CASES[name]
    events = EVENTS if cls.spec.event_param is not None else ()
    whole = render_node(cls, frames=N, inputs=inputs, params=params, events=events, block=256)
    cut = 7000                                              # not a multiple of the block size
    first = cls()
    first.prepare(SR, 256, 2)
    head = render_node(first, frames=cut, inputs=[x[:cut] for x in inputs],
                       params={k: _cut(v, 0, cut) for k, v in params.items()},
                       events=[e for e in events if e[0] < cut], block=256)
    second = cls()
    second.prepare(SR, 256, 2)
    state = first.state()
    if state is not None:
        second.load_state(state)
    tail = render_node(second, frames=N - cut, inputs=[x[cut:] for x in inputs],
                       params={k: _cut(v, cut, N) for k, v in params.items()},
                       events=[(e[0] - cut, e[1]) for e in events if e[0] >= cut], block=256, start=cut)
    assert np.array_equal(np.concatenate([head, tail], axis=1), whole)

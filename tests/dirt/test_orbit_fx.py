"""SuperDirt's global effects over OSC: an event's `room`/`size`, `delay`/`delaytime`/
`delayfeedback` and `leslie` set its orbit's effects (phonon.samples.OrbitEffects) from the
event's sample on, over the orbit's whole dry sum, exactly as a program's orbit does."""
from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from phonon.dirt.clock import StreamClock
from phonon.dirt.engine import DirtEngine
from phonon.dirt.events import decode
from phonon.samples import OrbitEffects, SampleBank

SR = 44100
T0 = 1_800_000_000.0


@pytest.fixture
def bank(tmp_path):
    (tmp_path / "step").mkdir()
    sf.write(tmp_path / "step" / "0.wav", np.full(200, 0.5, np.float32), SR, subtype="FLOAT")
    return SampleBank([tmp_path], sr=SR, builtin=False)


def play(bank, events, seconds=1.0, block=256) -> np.ndarray:
    clock = StreamClock(SR)
    clock.stamp(0, T0)
    eng = DirtEngine(bank, SR, block, clock=clock)
    for t, args in events:
        eng.submit(decode(tuple(args), T0 + t, eng.n_orbits))
    out, n = [], int(seconds * SR)
    while sum(o.shape[1] for o in out) < n:
        out.append(eng.render(block).copy())
    return np.concatenate(out, axis=1)[:, :n]


def reference(dry: np.ndarray, onsets: list[tuple[int, dict]], cps: float = 0.5) -> np.ndarray:
    """The dry sum through one OrbitEffects, its values set at each onset."""
    fx = OrbitEffects(SR, dry.shape[1])
    buf = dry.copy()
    done = 0
    for at, c in onsets:
        fx.process(buf, done, at)
        fx.event(c, cps)
        done = at
    fx.process(buf, done, buf.shape[1])
    return buf


@pytest.mark.parametrize("fx", [{"room": 0.4, "size": 0.8},
                                {"delay": 0.5, "delaytime": 0.05, "delayfeedback": 0.5},
                                {"leslie": 1.0, "lrate": 3.0}])
def test_an_events_global_effect_runs_on_its_orbit_from_its_sample(bank, fx):
    events = [(0.01, ["s", "step"]), (0.2, ["s", "step", *sum(fx.items(), ())]),
              (0.3, ["s", "step"])]
    dry = play(bank, [(t, ["s", "step"]) for t, _ in events])      # the keys are the orbit's
    out = play(bank, events)
    onsets = [(round(t * SR), dict(zip(args[::2], args[1::2]))) for t, args in events]
    np.testing.assert_allclose(out, reference(dry, onsets), atol=1e-6)
    at = round(0.2 * SR)
    np.testing.assert_array_equal(out[:, :at], dry[:, :at])          # dry until the event
    assert np.abs(out - dry)[:, at:round(0.3 * SR)].max() > 1e-3     # the effect from it on


def test_global_effects_do_not_depend_on_the_block_size(bank):
    events = [(0.01 + 0.05 * i, ["s", "step", "room", 0.3, "delay", 0.4, "delaytime", 0.07,
                                 "orbit", i % 2]) for i in range(8)]
    outs = [play(bank, events, 0.8, block) for block in (64, 256, 1000)]
    for other in outs[1:]:
        np.testing.assert_array_equal(outs[0], other)

"""Steady calls (`Node.steady_call`): the block runner calls a node's steady-state kernel
directly, and the output is bit for bit what calling `process` gives: on the reference program
at several block sizes with partial blocks between full ones, after a node is reset for NaN,
and after a step is patched."""
from __future__ import annotations

import numpy as np
import pytest

from phonon.engine import SessionOptions, open_session
from phonon.engine.session import Session
from phonon.runtime import blocks
from phonon.runtime.blocks import BlockRunner

from tests.data_paths import REFERENCE, REFERENCE_SAMPLES
from tests.graph_fixtures import full_registry, graph, n

#: the reference's nodes that have no events and constant parameters
STEADY_KINDS = {"mix", "reverb", "delay", "compressor", "limiter", "master"}


@pytest.fixture
def no_steady_calls(monkeypatch):
    """Runners never ask for steady calls: every node runs `process` (the reference)."""
    def disable():
        monkeypatch.setattr(BlockRunner, "_ask_steady", lambda self, r: None)
        monkeypatch.setattr(BlockRunner, "_ask_quiet", lambda self: None)
    return disable


def reference_session(block: int) -> Session:
    return open_session(REFERENCE, SessionOptions(sr=44100, block=block,
                                                  samples=str(REFERENCE_SAMPLES)))


def render_in_pieces(block: int, pieces: list[int]) -> np.ndarray:
    with reference_session(block) as s:
        return np.concatenate([s.run_block(k).copy() for k in pieces], axis=1)


def steady_ids(s: Session) -> set[str]:
    """Steps on their steady call (not the quiet calls of event-driven steps)."""
    kinds = {t.id: t for t in s.bound.tasks}
    return {i for i in s.executor.runner.direct_ids() if kinds[i].triggers is None}


@pytest.mark.parametrize("block", [64, 256, 1024])
def test_the_reference_with_steady_calls_equals_calling_process(block, no_steady_calls):
    # full blocks, then partial ones (a live player's odd sizes), then full ones again
    pieces = [block] * 40 + [block // 3, block - block // 3, 7] + [block] * 40
    with reference_session(block) as s:
        y = np.concatenate([s.run_block(k).copy() for k in pieces], axis=1)
        tasks = {t.id: t for t in s.bound.tasks}
        kinds = {tasks[i].kind for i in s.executor.runner.direct_ids()}
    assert kinds - {"s"} == STEADY_KINDS         # the path under test is the one taken
    # (the sample voices take their quiet calls between events: tests/runtime/test_quiet_calls.py)
    no_steady_calls()
    reference = render_in_pieces(block, pieces)
    assert np.abs(reference).max() > 0.1
    np.testing.assert_array_equal(y, reference)


def nan_into_delay() -> Session:
    """`bad` turns NaN in block 4 (until reset), through a delay and a mix into the master."""
    g = graph(n("bad", "blowup", at=4.0),
              n("echo", "delay", ["bad"], time=0.003, feedback=0.5, mix=0.5),
              n("out", "mix", ["echo", "bad"], gains=[0.5, 0.25]),
              master="out")
    return Session(g, 44100, 64, registry=full_registry(), reporter=lambda m: None)


def test_a_node_reset_for_nan_drops_its_steady_call(no_steady_calls):
    s = nan_into_delay()
    y = s.render(64 * 40)
    assert {"echo", "out"} <= steady_ids(s)      # taken again after the reset
    assert s.executor.reset_nodes >= {"bad", "echo"}
    no_steady_calls()
    reference = nan_into_delay().render(64 * 40)
    np.testing.assert_array_equal(y, reference)
    assert np.all(np.isfinite(y)) and np.abs(y[:, -64:]).min() > 0.1   # plays again


def test_a_patched_step_is_called_instead_of_the_steady_call():
    with reference_session(64) as s:
        s.run_block()
        s.run_block()
        assert "~dly/0#1:delay" in steady_ids(s)
        task = next(t for t in s.bound.tasks if t.kind == "delay")
        seen = []
        task.steps[0].process = lambda ctx, ins, p, out: seen.append(ctx.frames)
        s.run_block()
        s.run_block()
    assert seen == [64, 64]


def test_nodes_are_asked_for_a_limited_number_of_blocks(monkeypatch):
    asked = []
    real = blocks.steady_of
    monkeypatch.setattr(blocks, "steady_of", lambda s: asked.append(s.task.id) or real(s))
    with reference_session(64) as s:
        for _ in range(10):
            s.run_block()
    ids = [t.id for t in s.bound.tasks if t.triggers is None]
    steady = steady_ids(s)
    # after the first full block every step, after the second the others, then none (the
    # event-driven steps are asked too until they take a quiet call: not counted here)
    assert [i for i in asked if i in ids] == ids + [i for i in ids if i not in steady]


@pytest.mark.parametrize("key", ["numba's fingerprint", "kinds in Python"])
def test_compiled_finds_the_version_numba_runs_for_each_kind_of_argument(key, monkeypatch):
    from numba import njit

    from phonon.dsp import direct
    from phonon.dsp.direct import compiled

    assert direct._fingerprint is not None       # this numba has the fast key
    monkeypatch.setattr(direct, "_found", {})
    if key == "kinds in Python":
        monkeypatch.setattr(direct, "_fingerprint", None)

    @njit(cache=False)
    def scaled(x, out, g):
        for i in range(x.shape[0]):
            out[i] = x[i] * g

    x32, out32 = np.arange(4, dtype=np.float32), np.zeros(4, np.float32)
    x64, out64 = np.arange(4, dtype=np.float64), np.zeros(4, np.float64)
    scaled(x32, out32, 2.0)
    scaled(x64, out64, 2.0)
    scaled(x64[::2], out64[:2], 2.0)                       # a strided (layout A) version
    read_only = np.arange(4, dtype=np.float64)
    read_only.flags.writeable = False
    scaled(read_only, out64, 2.0)
    f32 = compiled(scaled, (x32, out32, 2.0))
    f64 = compiled(scaled, (x64, out64, 2.0))
    fa = compiled(scaled, (x64[::2], out64[:2], 2.0))
    fr = compiled(scaled, (read_only, out64, 2.0))
    assert len({f32, f64, fa, fr}) == 4 and scaled not in (f32, f64, fa, fr)
    assert compiled(scaled, (np.zeros(4, np.float32), np.zeros(4, np.float32), 3.0)) is f32
    assert compiled(scaled, (x64, out64, 3)) is scaled       # never compiled for an int gain
    f64(x64, out64, 3.0)
    np.testing.assert_array_equal(out64, [0.0, 3.0, 6.0, 9.0])
    # never compiled for int arrays: the dispatcher itself (which compiles when called)
    assert compiled(scaled, (np.zeros(4, np.int64), np.zeros(4, np.int64), 1.0)) is scaled
    assert compiled(len, ([1],)) is len                   # not numba: as it is


def master_over_nan() -> Session:
    """The built-in `master` node (on its steady call by block 40) gets NaN in block 40."""
    g = graph(n("bad", "blowup", at=40.0), n("m", "master", ["bad"]), master="m")
    return Session(g, 44100, 64, registry=full_registry(), reporter=lambda m: None)


def test_the_master_on_its_steady_call_still_raises_the_nan_alarm(no_steady_calls):
    s = master_over_nan()
    y = s.render(64 * 60)
    assert s.executor.guard.trusts_master and "m" in steady_ids(s)
    assert s.nodes["m"].nonfinite_blocks == 1 and s.executor.reset_nodes == {"bad"}
    no_steady_calls()
    reference = master_over_nan()
    np.testing.assert_array_equal(y, reference.render(64 * 60))
    assert reference.nodes["m"].nonfinite_blocks == 1
    assert np.all(y[:, 40 * 64:41 * 64] == 0.0) and np.all(y[:, -64:] == 0.25)


def test_a_step_made_sets_every_field_and_counts_one_edit():
    """`Step` has its own constructor (one edit counted, not one per field): it must set
    every field the dataclass declares, and a later assignment still counts."""
    import dataclasses

    from phonon.runtime.binding import Step
    values = {f.name: object() for f in dataclasses.fields(Step)}
    before = Step.edits
    s = Step(**values)
    assert Step.edits == before + 1
    assert all(getattr(s, name) is v for name, v in values.items())
    s.ctx = object()
    assert Step.edits == before + 2

"""Quiet calls (`Node.quiet_call`): between events the block runner calls an event-driven
node's kernel directly and, while every such node is on its quiet call and no onset is due,
refreshes no events at all. The output is bit for bit what calling `process` every block gives:
on the reference program (sample voices) at several block sizes with partial blocks, with voice
effects and orbit effects (no quiet call), after a tempo change, under NaN diagnosis, and for a
node that reads its block context after leaving its quiet call."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from phonon.engine import SessionOptions, open_session
from phonon.engine.session import Session
from phonon.nodes.voices import SampleVoices
from phonon.plugins.api import Node, Param, node
from phonon.runtime.blocks import BlockRunner

from tests.data_paths import REFERENCE, REFERENCE_SAMPLES
from tests.graph_fixtures import CyclePattern, full_registry, graph, n

SR = 44100


@pytest.fixture
def counted(monkeypatch):
    """Counts `SampleVoices.process` calls (the class attribute: the bound steps see it)."""
    calls = [0]
    real = SampleVoices.process

    def process(self, ctx, ins, p, out):
        calls[0] += 1
        return real(self, ctx, ins, p, out)
    monkeypatch.setattr(SampleVoices, "process", process)
    return calls


def no_quiet_calls(monkeypatch) -> None:
    """Runners never ask for quiet calls: `process` every block (the reference)."""
    monkeypatch.setattr(BlockRunner, "_ask_quiet", lambda self: None)


def render(source: str, block: int, pieces: list[int]) -> np.ndarray:
    with open_session(source, SessionOptions(sr=SR, block=block,
                                             samples=str(REFERENCE_SAMPLES))) as s:
        return np.concatenate([s.run_block(k).copy() for k in pieces], axis=1)


@pytest.mark.parametrize("block", [64, 256, 2048])
def test_the_reference_with_quiet_calls_equals_calling_process(block, counted, monkeypatch):
    full = [block] * (4 * SR // block)                      # 4 s: every voice many times
    pieces = full + [block // 3, block - block // 3, 5] + full
    y = render(REFERENCE, block, pieces)
    quiet_process_calls = counted[0]
    no_quiet_calls(monkeypatch)
    counted[0] = 0
    reference = render(REFERENCE, block, pieces)
    assert np.abs(reference).max() > 0.1
    np.testing.assert_array_equal(y, reference)
    assert counted[0] == 4 * len(pieces)                    # four `s` nodes, every block
    if block == 64:                # one event per node every 43..689 blocks: mostly quiet
        assert quiet_process_calls < 0.15 * counted[0]
    else:
        assert quiet_process_calls < counted[0]


def test_the_runner_skips_the_event_refresh_while_every_node_is_quiet(monkeypatch):
    passes = []
    for name in ("_refresh_events", "_refresh_quiet"):
        def spy(self, events, index, start, frames, *rest, real=getattr(BlockRunner, name)):
            passes.append(start)
            return real(self, events, index, start, frames, *rest)
        monkeypatch.setattr(BlockRunner, name, spy)
    blocks = 4 * SR // 64
    render(REFERENCE, 64, [64] * blocks)
    # onsets every 1/16 cycle = 5512.5 samples (each needs a pass, the block after it
    # another to take the quiet call back): the rest of the ~86 blocks between are calm
    assert len(passes) < 0.1 * blocks
    assert len(passes) >= 2 * 32                            # 32 sixteenth steps in 4 s


VOICE_FX = """cps: 0.5
~a: s "hat*8" # cutoff 1500 # gain 0.8
~b: s "kick ~ snare kick" # room 0.3 # size 0.5
~c: s "perc*4" # speed "1 -1 2 0.5"
out: ~a + ~b + ~c
"""


@pytest.mark.parametrize("block", [64, 512])
def test_voice_and_orbit_effects_render_the_same_with_quiet_calls(block, monkeypatch):
    pieces = [block] * (3 * SR // block) + [block // 2] + [block] * 40
    y = render(VOICE_FX, block, pieces)
    no_quiet_calls(monkeypatch)
    reference = render(VOICE_FX, block, pieces)
    assert np.abs(reference).max() > 0.1
    np.testing.assert_array_equal(y, reference)


def test_an_orbit_or_voice_effects_refuse_the_quiet_call():
    with open_session(VOICE_FX, SessionOptions(sr=SR, block=64,
                                               samples=str(REFERENCE_SAMPLES))) as s:
        s.render(SR // 64 * 64)                             # full blocks only
        nodes = {t.id.split("/")[0]: t for t in s.bound.tasks if t.kind == "s"}
        quiet = {i.split("/")[0] for i in s.executor.runner.direct_ids() if i in
                 {t.id for t in nodes.values()}}
        step = nodes["~b"].steps[0]
        assert nodes["~b"].node.orbit is not None           # room: the orbit's reverb
        assert nodes["~b"].node.quiet_call(step.ctx, step.ins, step.params, step.out) is None
    assert "~b" not in quiet and "~c" in quiet


def test_a_tempo_change_between_quiet_blocks_renders_the_same(monkeypatch):
    def run() -> np.ndarray:
        with open_session(REFERENCE, SessionOptions(sr=SR, block=64,
                                                    samples=str(REFERENCE_SAMPLES))) as s:
            a = s.render(SR + 64 * 7)
            s.set_cps(Fraction(3, 4))                      # the streams' onsets move
            b = s.render(2 * SR)
        return np.concatenate([a, b], axis=1)
    y = run()
    no_quiet_calls(monkeypatch)
    np.testing.assert_array_equal(y, run())


# -- a node that reads its block context after its quiet stints
@node("rt_quiet_ramp", inputs=0)
class QuietRamp(Node):
    """Event-driven. Left: the absolute sample index (mod 2^16, over 2^16: the master clips
    to [-1, 1]) as `process` reads it from `ctx.start` (its quiet call counts on from where
    `process` left off); right: events seen so far, over 1024."""

    pattern = Param(None, kind="events")

    def prepare(self, sr, block, channels):
        self.next = np.zeros(1, np.int64)
        self.ramp = np.arange(block, dtype=np.int64)
        self.seen = np.zeros(1, np.float32)

    def process(self, ctx, ins, p, out):
        f = ctx.frames
        out[0, :f] = (ctx.start + self.ramp[:f]) % 65536 / 65536
        self.seen[0] += len(ctx.events)
        out[1, :f] = self.seen[0] / 1024
        self.next[0] = ctx.start + f

    def quiet_call(self, ctx, ins, p, out):
        return quiet_ramp, (self.next, self.ramp, self.seen, out)


def quiet_ramp(next_start: np.ndarray, ramp: np.ndarray, seen: np.ndarray,
               out: np.ndarray) -> None:
    out[0] = (next_start[0] + ramp) % 65536 / 65536
    out[1] = seen[0] / 1024
    next_start[0] += ramp.size


def ramp_session(diagnose_at: float | None = None) -> Session:
    nodes = [n("r", "rt_quiet_ramp", pattern=CyclePattern.seq([{"gain": 1.0}, None, None, None]))]
    master = "r"
    if diagnose_at is not None:              # a NaN puts the guard into diagnosis (checked blocks)
        nodes += [n("bad", "blowup", at=diagnose_at), n("out", "sum", ["r", "bad"])]
        master = "out"
    reg = full_registry()
    reg.register(QuietRamp, "tests")
    return Session(graph(*nodes, master=master, cps=2.0), SR, 64, registry=reg,
                   reporter=lambda m: None)


@pytest.mark.parametrize("diagnose_at", [None, 300.0])
def test_a_node_leaving_its_quiet_call_reads_the_current_block(diagnose_at):
    s = ramp_session(diagnose_at)
    pieces = [64] * 900 + [17, 47] + [64] * 300
    y = np.concatenate([s.run_block(k).copy() for k in pieces], axis=1)
    assert s.executor.runner._quiet_on == 1 or diagnose_at is not None
    if diagnose_at is None:                  # the left channel is the sample index, always
        np.testing.assert_array_equal(y[0], np.arange(y.shape[1]) % 65536 / 65536)
        # right: the count steps up at the start of each block holding an onset (cps 2: one
        # event per cycle), the blocks starting where `pieces` puts them
        onsets = np.arange(0, y.shape[1], SR // 2)
        starts = np.concatenate([[0], np.cumsum(pieces)[:-1]])
        steps = starts[np.searchsorted(starts, onsets[1:], side="right") - 1]
        np.testing.assert_array_equal(np.flatnonzero(np.diff(y[1])) + 1, steps)
        np.testing.assert_array_equal(y[1, steps], np.arange(2, onsets.size + 1) / 1024)
    else:
        reference = ramp_session(diagnose_at)
        reference.executor.runner._ask_quiet = lambda: None
        expected = np.concatenate([reference.run_block(k).copy() for k in pieces], axis=1)
        np.testing.assert_array_equal(y, expected)
        assert s.executor.reset_nodes >= {"bad"}


def test_new_jobs_while_nodes_are_quiet_run_the_steps_as_patched():
    with open_session(REFERENCE, SessionOptions(sr=SR, block=64,
                                                samples=str(REFERENCE_SAMPLES))) as s:
        s.render(64 * 200)
        runner = s.executor.runner
        assert runner._quiet_on >= 1
        seen = []
        for task in s.bound.tasks:
            for step in task.steps:
                step.process = lambda ctx, ins, p, out, i=task.id: seen.append(i)
        runner.set_jobs(runner.jobs)             # (as the actor runtime does when jobs move)
        s.run_block()
    assert sorted(seen) == sorted(t.id for t in s.bound.tasks)


def test_a_rotating_runner_keeps_the_ctx_of_its_other_ring_slots_current():
    """Two ring slots (the actor runtime's layout once rotating): slot 1's steps run `process`
    while slot 0's may be quiet, so the calm refresh must not leave their ctx behind."""
    from phonon.plan.planner import plan
    from phonon.runtime.binding import bind, instantiate
    from phonon.timing.clock import Clock

    g = graph(n("r", "rt_quiet_ramp", pattern=CyclePattern.seq([{"gain": 1.0}, None, None, None])),
              master="r", cps=2.0)
    reg = full_registry()
    reg.register(QuietRamp, "tests")
    p = plan(g, reg)
    nodes = instantiate(g, p, reg, {}, SR, 64)
    clock = Clock(SR, 2.0)
    bound = bind(g, p, nodes, clock, 64, slots=np.zeros((2, p.n_slots, 2, 64), np.float32))
    runner = BlockRunner(bound, clock, lambda *a: None)
    runner.rotating = True
    out = []
    for k in range(600):
        runner.refresh(k, k * 64, 64)
        runner.run(k + 1, 64, False)
        out.append(bound.master.steps[(k + 1) % 2].out[0].copy())
    y = np.concatenate(out)
    np.testing.assert_array_equal(y, np.arange(600 * 64) % 65536 / 65536)

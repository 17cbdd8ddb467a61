"""Hot swap on the render side: sample-exact boundary, state hand-over, no clicks."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from phonon.timing.clock import Clock
from phonon.engine.render import compile_source
from phonon.engine.session import Session
from phonon.lang.ir import GraphIR, Loc, NodeIR, PatternArg
from phonon.live import Player, next_boundary, successor_session
from phonon.patterns.pattern import Pattern
from phonon.patterns.timespan import Event, TimeSpan
from phonon.plugins.api import Node, Param, node
from phonon.plugins.registry import Registry
from phonon.runtime.options import RuntimeOptions

SR = 1000


class Steps(Pattern):
    """A pattern with onsets at the given fractions of every cycle (value 1)."""

    def __init__(self, fractions: list[Fraction]) -> None:
        self.fractions = [Fraction(f) for f in fractions]
        super().__init__(self.events)

    def events(self, span: TimeSpan) -> list[Event]:
        begin, end = span.begin, span.end
        out, k = [], begin.numerator // begin.denominator
        while k < end:
            for f in self.fractions:
                whole = TimeSpan(k + f, k + f + Fraction(1, 64))
                lo, hi = max(whole.begin, begin), min(whole.end, end)
                if lo < hi:
                    out.append(Event(whole, TimeSpan(lo, hi), 1.0))
            k += 1
        return out


@node("tick", inputs=0)
class Tick(Node):
    """1.0 at each onset sample, else 0."""

    pattern = Param(None, kind="events")

    def process(self, ctx, ins, p, out):
        out[:, :ctx.frames] = 0.0
        for t in ctx.events:
            out[:, t.offset] = 1.0


@node("cycle_tick", inputs=0)
class CycleTick(Node):
    """At each onset sample: 0.5 + the onset's cycle / 16 (within the output's [-1, 1])."""

    pattern = Param(None, kind="events")

    def process(self, ctx, ins, p, out):
        out[:, :ctx.frames] = 0.0
        for t in ctx.events:
            out[:, t.offset] = 0.5 + float(t.cycle) / 16


@node("count", inputs=0)
class Count(Node):
    """Outputs a running sample counter * 1e-4; hands the counter over on swap."""

    def prepare(self, sr, block, channels):
        self.n = 0

    def process(self, ctx, ins, p, out):
        f = ctx.frames
        out[:, :f] = (np.arange(self.n, self.n + f) * 1e-4)[None, :]
        self.n += f

    def state(self):
        return {"n": self.n}

    def load_state(self, state):
        self.n = state["n"]


def registry() -> Registry:
    reg = Registry()
    reg.register(Tick, "tests")
    reg.register(CycleTick, "tests")
    reg.register(Count, "tests")
    return reg


def tick_graph(fractions, cps=Fraction(1, 3), kind="tick") -> GraphIR:
    g = GraphIR(cps=cps)
    g.add(NodeIR(id="~d/0:tick", kind=kind, params={"pattern": PatternArg(Steps(fractions))},
                 loc=Loc("t.ph", 1, 1)))
    g.master = "~d/0:tick"
    return g


def onsets(x: np.ndarray) -> list[int]:
    return [int(i) for i in np.flatnonzero(x[0] > 0.5)]


def test_next_boundary_is_the_onset_sample_of_the_next_integer_cycle():
    clock = Clock(44100, Fraction(11, 20))          # 80181.81... samples per cycle
    assert next_boundary(clock, 1) == 80182
    assert next_boundary(clock, 80182) == 80182      # a boundary sample is its own boundary
    assert next_boundary(clock, 80183) == 160364
    assert next_boundary(clock, 0) == 0


@pytest.mark.parametrize("block", [64, 100, 256])
def test_new_rhythm_starts_exactly_on_the_cycle_boundary(block):
    reg = registry()
    old = Session(tick_graph([0, Fraction(1, 2)]), SR, block, registry=reg)
    player = Player(old)
    out = [player.render().copy() for _ in range(3)]   # play a little (into cycle 0)
    new = successor_session(old, tick_graph([Fraction(1, 4), Fraction(3, 4)]),
                            player.target_start())
    player.schedule(new)
    while player.position < 4 * 3000:
        out.append(player.render().copy())
    x = np.concatenate(out, axis=1)
    # cps 1/3 at 1000 Hz: a cycle is 3000 samples; the old rhythm (0, 1/2) plays until the
    # boundary at 3000, the new one (1/4, 3/4) from there on.
    assert player.swaps[0].sample == 3000 and player.swaps[0].cycle == 1
    assert onsets(x)[:7] == [0, 1500, 3750, 5250, 6750, 8250, 9750]


def test_block_mode_swaps_at_the_next_block_start():
    reg = registry()
    old = Session(tick_graph([0, Fraction(1, 2)]), SR, 100, registry=reg)
    player = Player(old, swap="block")
    x = [player.render().copy() for _ in range(7)]            # position 700
    player.schedule(successor_session(old, tick_graph([Fraction(1, 4), Fraction(3, 4)]),
                                      player.target_start()))
    x += [player.render().copy() for _ in range(30)]
    assert player.swaps[0].sample == 700
    assert onsets(np.concatenate(x, axis=1)) == [0, 750, 2250]


def test_matching_nodes_hand_over_their_state_and_continue_without_a_jump():
    reg = registry()
    g = GraphIR(cps=Fraction(1, 3))
    g.add(NodeIR(id="~c/0:count", kind="count", loc=Loc("t.ph", 1, 1)))
    g.master = "~c/0:count"
    old = Session(g, SR, 128, registry=reg)
    player = Player(old)
    x = [player.render().copy() for _ in range(5)]
    g2 = GraphIR(cps=Fraction(1, 3), nodes=dict(g.nodes), master=g.master)
    player.schedule(successor_session(old, g2, player.target_start()))
    x += [player.render().copy() for _ in range(30)]
    y = np.concatenate(x, axis=1)[0]
    assert player.swaps[0].transfer.kept == ["~c/0:count"]
    np.testing.assert_allclose(y, np.arange(y.size) * 1e-4, rtol=0, atol=1e-7)


def split_reference(source: str, block: int, swap_at: int, frames: int) -> np.ndarray:
    """`source` rendered uninterrupted, with the same block split at `swap_at`."""
    s = Session(compile_source(source), 44100, block)
    parts, pos = [], 0
    while pos < frames:
        n = block
        if pos < swap_at < pos + block:
            n = swap_at - pos
        parts.append(s.run_block(n).copy())
        pos += n
    return np.concatenate(parts, axis=1)[:, :frames]


def play_with_reload(first: str, second: str, block: int, frames: int, reload_at: int,
                     workers: int = 0, runtime: RuntimeOptions | None = None):
    player = Player(Session(compile_source(first), 44100, block, workers=workers, runtime=runtime))
    parts = []
    while player.position < frames:
        if player.position == reload_at:
            player.schedule(successor_session(player.session, compile_source(second),
                                              player.target_start()))
        parts.append(player.render().copy())
    return player, np.concatenate(parts, axis=1)[:, :frames]


REVERB = '~r: s "cp ~ ~ ~" # reverb 0.9 0.2 1\n~o: sine 220 # lpf 900 # gain 0.2\nout: ~r + ~o\n'


def test_reloading_the_same_program_is_bit_identical_to_never_reloading():
    """Reverb tail, ringing voices, oscillator phase and filter memory all continue."""
    block = 256
    player, x = play_with_reload(REVERB, REVERB, block, 4 * 88200, reload_at=256 * 200)
    swap = player.swaps[0]
    assert swap.sample == 88200 * 1                      # cps 0.5: the cycle-1 boundary
    assert sorted(swap.transfer.added) == [] and swap.transfer.failed == []
    ref = split_reference(REVERB, block, swap.sample, x.shape[1])
    assert np.array_equal(x, ref)


ECHO = '~r: s "cp ~ ~ ~" # delay 0.3 0.6 1\n~o: sine 220 # lpf 900 # gain 0.2\nout: ~r + ~o\n'


def test_nodes_in_worker_processes_hand_over_their_current_state():
    """With every node in a worker, the swap fetches the workers' state first (voices, delay
    line, phase, filter memory): the reload is bit-identical to never reloading. (Pedalboard
    plugin objects cannot leave their worker: docs/live.md.)"""
    block = 256
    runtime = RuntimeOptions(placement="all", pipeline=False)
    player, x = play_with_reload(ECHO, ECHO, block, 2 * 88200, reload_at=256 * 200,
                                 workers=1, runtime=runtime)
    try:
        swap = player.swaps[0]
        assert swap.transfer.added == [] and swap.transfer.failed == []
        ref = split_reference(ECHO, block, swap.sample, x.shape[1])
        assert np.array_equal(x, ref)
    finally:
        player.close()


def test_a_reload_that_leaves_a_bus_unchanged_keeps_its_reverb_and_voices():
    edited = REVERB.replace("sine 220", "saw 110")
    block = 256
    player, x = play_with_reload(REVERB, edited, block, 3 * 88200, reload_at=256 * 200)
    swap = player.swaps[0]
    def kinds(ids, bus):          # (the id format is the compiler's: `<bus>/<path>:<kind>`)
        return sorted(i.rsplit(":", 1)[1] for i in ids if i.startswith(bus + "/"))

    assert kinds(swap.transfer.kept, "~r") == ["reverb", "s"]
    assert kinds(swap.transfer.kept, "~o") == ["gain", "lpf"]
    assert kinds(swap.transfer.added, "~o") == ["saw"] and swap.transfer.added == [
        i for i in swap.transfer.added if i.startswith("~o/")]
    assert kinds(swap.transfer.dropped, "~o") == ["sine"]
    # the reverb bus alone: identical to an uninterrupted render of it
    only_r = '~r: s "cp ~ ~ ~" # reverb 0.9 0.2 1\nout: ~r\n'
    _, xr = play_with_reload(only_r, only_r, block, 3 * 88200, reload_at=256 * 200)
    ref = split_reference(only_r, block, swap.sample, xr.shape[1])
    assert np.array_equal(xr, ref)
    # the tail just before the next clap (end of cycle 1) is still there: not reset at 88200
    tail = x[:, 88200 + 40000: 88200 + 44000]
    assert np.sqrt(np.mean(tail.astype(np.float64) ** 2)) > 1e-3


def test_swap_leaves_no_step_larger_than_the_programs_own():
    block = 256
    player, x = play_with_reload(REVERB, REVERB.replace("lpf 900", "lpf 1400"), block,
                                 3 * 88200, reload_at=256 * 100)
    s = player.swaps[0].sample
    steps = np.abs(np.diff(x, axis=1)).max(axis=0)
    assert steps[s - 2:s + 2].max() <= steps[:s - 2].max()


def test_a_new_tempo_takes_over_at_the_boundary_without_a_jump_in_cycle_position():
    reg = registry()
    old = Session(tick_graph([0]), SR, 128, registry=reg)            # cps 1/3: 3000/cycle
    player = Player(old)
    x = [player.render().copy() for _ in range(4)]
    player.schedule(successor_session(old, tick_graph([0, Fraction(1, 2)], cps=Fraction(1, 2)),
                                      player.target_start()))
    x += [player.render().copy() for _ in range(60)]
    swap = player.swaps[0]
    assert (swap.sample, swap.cycle) == (3000, 1)
    assert player.session.clock.cycle_at(5000) == 2                   # 2000 samples per cycle
    assert onsets(np.concatenate(x, axis=1)) == [0, 3000, 4000, 5000, 6000, 7000, 8000]


def test_a_new_tempo_swapped_in_later_than_built_for_keeps_its_onsets_on_the_grid():
    """The successor was built for the boundary at 3000 but the player is past it when the
    swap is scheduled: it takes over at the next one (6000) with the clock rebased there."""
    reg = registry()
    old = Session(tick_graph([0]), SR, 128, registry=reg)            # cps 1/3: 3000/cycle
    player = Player(old)
    x = [player.render().copy() for _ in range(4)]
    new = successor_session(old, tick_graph([0, Fraction(1, 2)], cps=Fraction(1, 2),
                                            kind="cycle_tick"),
                            player.target_start())                    # built for 3000
    while player.position < 3200:
        x.append(player.render().copy())
    player.schedule(new)
    x += [player.render().copy() for _ in range(60)]
    swap = player.swaps[0]
    assert (swap.sample, swap.cycle) == (6000, 2)
    assert player.session.clock.sample_at(Fraction(3)) == 8000         # 2000 samples per cycle
    y = np.concatenate(x, axis=1)[0]
    assert onsets(y[None]) == [0, 3000, 6000, 7000, 8000, 9000, 10000]
    # each onset of the new program carries its own cycle: 2 at the boundary, 2.5, 3, ...
    assert ((y[6000:10001:1000] - 0.5) * 16).tolist() == [2.0, 2.5, 3.0, 3.5, 4.0]


def test_a_long_sample_and_a_reverb_tail_ring_on_across_a_reload_of_another_bus():
    """cr lasts 2 s, a cycle 0.5 s: swapping at cycle 1 while it rings; the edit changes only
    a silent bus, so the output must equal an uninterrupted render sample for sample."""
    first = 'cps: 2\n~long: s "cr ~ ~ ~ ~ ~ ~ ~" # reverb 0.9 0.3 0.5\n~o: sine 220 * 0\n' \
            'out: ~long + ~o\n'
    edited = first.replace("sine 220", "saw 110")
    block = 256
    player, x = play_with_reload(first, edited, block, 3 * 22050, reload_at=256 * 10)
    swap = player.swaps[0]
    assert swap.sample == 22050 and len(swap.transfer.added) == 1
    ref = split_reference(first, block, swap.sample, x.shape[1])
    assert np.array_equal(x, ref)
    assert np.abs(x[:, 22050:22050 + 4410]).max() > 0.05         # it is really ringing there


def test_a_swap_that_raises_keeps_the_old_program_playing(monkeypatch):
    import phonon.live.player as player_module

    def broken(old, new):
        raise RuntimeError("hand-over failed")

    monkeypatch.setattr(player_module, "transfer_state", broken)
    reg = registry()
    old = Session(tick_graph([0, Fraction(1, 2)]), SR, 100, registry=reg)
    player = Player(old)
    x = [player.render().copy() for _ in range(3)]
    player.schedule(successor_session(old, tick_graph([Fraction(1, 4)]), player.target_start()))
    x += [player.render().copy() for _ in range(60)]
    assert player.session is old and not player.pending and player.swaps == []
    assert "RuntimeError: hand-over failed" in player.failed_swaps[0]
    assert onsets(np.concatenate(x, axis=1)) == [0, 1500, 3000, 4500, 6000]


FEEDBACK_OLD = 'cps: 1\n~e: s "rim ~ ~ ~" + ~e * 0.5\nout: ~e\n'
FEEDBACK_NEW = 'cps: 1\n~e: s "rim ~ rim ~" + ~e * 0.5\nout: ~e\n'


def test_a_program_with_feedback_stops_exactly_at_the_boundary():
    """Such graphs render in 64-frame engine blocks; the old one must not run past the swap
    (its boundary onset would ring on in the new program as a second, shifted voice)."""
    player, x = play_with_reload(FEEDBACK_OLD, FEEDBACK_NEW, 256, 2 * 44100, reload_at=256 * 40)
    s = player.swaps[0].sample
    assert s == 44100 and s % player.session.engine_block != 0
    assert not player.swaps[0].transfer.failed
    fresh = Session(compile_source(FEEDBACK_NEW), 44100, 256).render(2 * 44100)
    np.testing.assert_allclose(x[:, s:], fresh[:, s:], rtol=0, atol=1e-6)


def test_a_feedback_loop_keeps_circulating_across_a_reload():
    """Reloading the same feedback program equals never reloading (to float rounding): the
    loop's buffer is handed over, rotated to the old session's last partial engine block."""
    loop = 'cps: 1\n~e: s "rim*8" * 0.2 + ~e * 0.95\nout: ~e\n'
    player, x = play_with_reload(loop, loop, 256, 2 * 44100, reload_at=256 * 40)
    swap = player.swaps[0]
    assert swap.sample == 44100 and len(swap.transfer.loops) == 1
    ref = Session(compile_source(loop), 44100, 256).render(2 * 44100)
    assert np.abs(ref[:, 44100 - 64:44100]).max() > 5e-4           # the loop is sounding
    np.testing.assert_allclose(x, ref, rtol=0, atol=1e-6)

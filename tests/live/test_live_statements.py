"""The clock and silence statements in `phonon live` (docs/language.md, "Statements"): what a
saved file with `setCycle`/`resetCycles`/`nudge`/`hush`/`panic` does at the swap. The render
side is driven directly (Player + successor sessions, no device): each program plays a level
per cycle (`"<0.1 0.2 ...>"`), so the output says which cycle is playing, sample for sample."""
from __future__ import annotations

import numpy as np
import pytest

from phonon.engine.render import compile_source
from phonon.engine.session import Session
from phonon.live import Player, successor_session
from phonon.live.player import PANIC_FADE_S

SR, BLOCK = 1000, 100                     # cps 1: 1000 samples a cycle, 10 blocks a cycle
STEPS = 'tempo: 1\nout: "<0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8>"\n'
LEVELS = np.float32([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])


class Live:
    """A player fed program texts as a live reload would (successor built off the render path,
    swapped at the next cycle boundary)."""

    def __init__(self, text: str) -> None:
        self.player = Player(Session(compile_source(text), SR, BLOCK))
        self.out: list[np.ndarray] = []

    def save(self, text: str) -> None:
        graph = compile_source(text)
        p = self.player
        start = p.position if graph.panic else p.target_start()
        p.schedule(successor_session(p.session, graph, start))

    def play(self, blocks: int) -> None:
        for _ in range(blocks):
            self.out.append(self.player.render().copy())
        self.player.close_retired()

    @property
    def left(self) -> np.ndarray:
        return np.concatenate(self.out, axis=1)[0]

    def close(self) -> None:
        self.player.close()


@pytest.fixture
def live():
    made: list[Live] = []

    def make(text: str) -> Live:
        made.append(Live(text))
        return made[-1]
    yield make
    for x in made:
        x.close()


def cycle_levels(x: np.ndarray) -> list[float]:
    """The level of each 1000-sample cycle (asserting it is constant within the cycle)."""
    out = []
    for k in range(len(x) // 1000):
        c = x[k * 1000:(k + 1) * 1000]
        assert np.all(c == c[0]), f"cycle {k} is not one level"
        out.append(round(float(c[0]), 3))
    return out


def test_set_cycle_moves_the_clock_once_at_the_swap(live):
    x = live(STEPS)
    x.play(25)                                  # cycles 0, 1 and half of 2
    x.save("setCycle 6\n" + STEPS)              # new: the clock jumps to 6 at the boundary
    x.play(10)
    x.save("setCycle 6\n" + STEPS + "-- an edit elsewhere\n")   # unchanged: no jump
    x.play(10)
    x.save(STEPS)                               # removed: the clock just goes on
    x.play(10)
    x.save("setCycle 1\n" + STEPS)              # a changed number jumps again
    x.play(15)
    assert cycle_levels(x.left) == [0.1, 0.2, 0.3, 0.7, 0.8, 0.1, 0.2]


def test_reset_cycles_at_the_swap(live):
    x = live(STEPS)
    x.play(45)
    x.save("resetCycles\n" + STEPS)
    x.play(15)
    x.save("resetCycles\n" + STEPS + "-- edit\n")
    x.play(10)
    assert cycle_levels(x.left) == [0.1, 0.2, 0.3, 0.4, 0.5, 0.1, 0.2]


def test_a_changed_nudge_shifts_the_clock_by_the_difference(live):
    x = live(STEPS)
    x.play(25)
    x.save("nudge 0.5\n" + STEPS)               # at sample 3000 (cycle 3) the clock reads 2.5
    x.play(21)
    y = x.left
    assert np.all(y[:1000] == LEVELS[0]) and np.all(y[2000:3000] == LEVELS[2])
    assert np.all(y[3000:3500] == LEVELS[2])    # the second half of cycle 2 again
    assert np.all(y[3500:4500] == LEVELS[3]) and y[4500] == LEVELS[4]


def test_hush_in_a_saved_file_silences_at_the_next_boundary(live):
    x = live(STEPS)
    x.play(15)
    x.save(STEPS + "hush\n")
    x.play(15)
    y = x.left
    assert np.all(y[1000:2000] == LEVELS[1]) and not y[2000:].any()
    x.save(STEPS)                               # removing hush plays on, in time
    x.play(10)
    assert np.all(x.left[3000:] == LEVELS[3])


def test_panic_cuts_at_the_next_block_with_a_short_fade_and_hands_nothing_over(live):
    x = live(STEPS)
    x.play(13)                                  # 1300 samples: mid-cycle
    x.save(STEPS + "panic\n")
    x.play(4)
    y = x.left
    fade = round(PANIC_FADE_S * SR)
    ramp = (1 - np.arange(1, fade + 1, dtype=np.float32) / fade) * LEVELS[1]
    assert np.all(y[1000:1300] == LEVELS[1])
    np.testing.assert_array_equal(y[1300:1300 + fade], ramp)
    assert not y[1300 + fade:].any()
    swap = x.player.swaps[-1]
    assert swap.sample == 1300 and swap.transfer.kept == []


def test_outputs_below_panic_start_fresh_right_away(live):
    x = live(STEPS)
    x.play(13)
    x.save(STEPS + 'panic\nout2: "0.05"\n')
    x.play(4)
    y = x.left
    fade = round(PANIC_FADE_S * SR)
    assert y[1300] == np.float32(0.05) + LEVELS[1] * np.float32(1 - 1 / fade)
    assert np.all(y[1300 + fade:] == np.float32(0.05))


def test_the_reloader_builds_a_panic_successor_for_the_next_block(tmp_path):
    from phonon.live.reloader import Reloader
    path = tmp_path / "p.ph"
    path.write_text(STEPS)
    player = Player(Session(compile_source(STEPS), SR, BLOCK))
    try:
        for _ in range(3):
            player.render()
        reloader = Reloader(path, player, lambda result: None)
        reloader.last_text = STEPS
        path.write_text(STEPS + "panic\n")
        assert reloader.reload().ok
        assert player._pending[0].position == 300        # not the boundary at 1000
        path.write_text(STEPS + "hush\n")
        assert reloader.reload().ok
        assert player._pending[0].position == 1000
    finally:
        player.close()

"""Hot reload: a plugin's `state()` reaches its successor, so ringing strings and the folder's
memory carry over a swap exactly (the swapped render equals an uninterrupted one)."""
from __future__ import annotations

import numpy as np
import pytest

from phonon.engine.render import compile_source
from phonon.engine.session import Session
from phonon.live.swap import successor_session, transfer_state

from .plugin_fixtures import require_installed

PROGRAM = 'tempo: 1\n~p: kspluck "0 7 ~ 12" :decay 3\nout: ~p * 0.5 # fold 0.4'
SR, BLOCK, SWAP = 44100, 512, 30000          # the swap falls while two strings ring


def _render_with_swap(program: str, hand_over: bool) -> np.ndarray:
    old = Session(compile_source(program), SR, BLOCK)
    first = old.render(SWAP)
    new = successor_session(old, compile_source(program), SWAP)
    if hand_over:
        moved = transfer_state(old, new)
        assert sorted(k.rsplit(":", 1)[1] for k in moved.kept
                      if k.endswith((":kspluck", ":fold"))) == ["fold", "kspluck"]
    second = new.render(2 * SR - SWAP)
    old.close()
    new.close()
    return np.concatenate([first, second], axis=1)


def test_state_hand_over_makes_a_swap_seamless():
    require_installed("phonon-fold")
    require_installed("phonon-pluck")
    with Session(compile_source(PROGRAM), SR, BLOCK) as s:
        uninterrupted = s.render(2 * SR)
    np.testing.assert_array_equal(_render_with_swap(PROGRAM, hand_over=True), uninterrupted)
    cold = _render_with_swap(PROGRAM, hand_over=False)
    np.testing.assert_array_equal(cold[:, :SWAP], uninterrupted[:, :SWAP])
    # without the hand-over the ringing strings stop dead at the swap (until the next onset)
    assert not cold[:, SWAP:33075].any() and np.abs(uninterrupted[:, SWAP:33075]).max() > 0.05

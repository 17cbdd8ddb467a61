"""The render side of live play: renders blocks and swaps programs sample-exactly.

`Player.render()` is called by the render thread for every block. When a successor session is
scheduled, the swap sample is the next cycle boundary (or the next block start with
`swap="block"`); a block that contains it is split there: the old session renders the frames
before the boundary, the new one (after taking over the old nodes' state) the rest, so the
new program's first onsets land exactly on the boundary.
"""
from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from ..engine.session import Session
from .swap import Transfer, next_boundary, rebase, transfer_feedback, transfer_state

SWAP_MODES = ("cycle", "block")
PANIC_FADE_S = 0.005       # `panic`: the old program fades out over 5 ms instead of clicking


@dataclass
class SwapReport:
    """One completed swap: where it happened and what moved."""

    sample: int                   # the first sample rendered by the new program
    cycle: Fraction               # its cycle position
    transfer: Transfer
    info: dict[str, Any] = field(default_factory=dict)   # from `schedule` (file, saved time...)
    rendered_at: float = 0.0      # time.time() when the swap block was rendered


class Player:
    """Owns the playing session; `render()` the next block, `schedule()` a successor."""

    def __init__(self, session: Session, swap: str = "cycle") -> None:
        if swap not in SWAP_MODES:
            raise ValueError(f"swap must be one of {SWAP_MODES}, got {swap!r}")
        self.session = session
        self.swap_mode = swap
        self.block = session.block
        self.swaps: list[SwapReport] = []
        self.failed_swaps: list[str] = []        # tracebacks of swaps that raised
        self.retired: list[Session] = []        # old sessions to close off the render path
        self._out = np.zeros((2, self.block), dtype=np.float32)
        self._pending: tuple[Session, dict] | None = None
        self._fade: tuple[Session, np.ndarray] | None = None    # panicked program, its ramp
        self._lock = threading.Lock()

    @property
    def position(self) -> int:
        """The next sample the player renders."""
        return self.session.position

    def swap_sample(self, position: int) -> int:
        """Where a successor scheduled now would start, seen from render position `position`."""
        if self.swap_mode == "block":
            return position
        return next_boundary(self.session.clock, position)

    def target_start(self) -> int:
        """The start sample to build a successor for (it may start later, never earlier)."""
        return self.swap_sample(self.session.position)

    def schedule(self, successor: Session, info: dict | None = None) -> None:
        """Play `successor` from the next swap point on (replaces one not yet swapped in)."""
        with self._lock:
            replaced, self._pending = self._pending, (successor, dict(info or {}))
        if replaced is not None:
            self.retired.append(replaced[0])

    @property
    def pending(self) -> bool:
        return self._pending is not None

    def render(self, frames: int | None = None) -> np.ndarray:
        """The next `frames` (default: a block) samples as a (2, frames) view."""
        frames = self.block if frames is None else frames
        session = self.session
        if self._pending is None:
            if self._fade is None:
                return session.run_block(frames)
            self._out[:, :frames] = session.run_block(frames)
            self._fade_out(0, frames)
            return self._out[:, :frames]
        pos = session.position
        if self._pending[0].source_graph.panic:          # `panic`: now, not at the boundary
            s = max(pos, self._pending[0].position)
        else:
            s = max(self.swap_sample(pos), self._pending[0].position)
            if self.swap_mode == "cycle" and s != self.swap_sample(s):
                s = next_boundary(session.clock, s)
        if s >= pos + frames:
            return session.run_block(frames)
        with self._lock:
            successor, info = self._pending
            self._pending = None
        head = s - pos
        out = self._out
        # the old session's engine-block grid is at `pos` unless it computed ahead (carry)
        grid = session.computed_ahead == 0
        if head:
            out[:, :head] = session.run_exactly(head)
        try:
            self._swap(successor, s, info, head if grid else None)
        except Exception:  # noqa: BLE001 - never lose the music: the old program plays on
            self.failed_swaps.append(traceback.format_exc())
            self.retired.append(successor)
        out[:, head:frames] = self.session.run_block(frames - head)
        if self._fade is not None:
            self._fade_out(head, frames)
        return out[:, :frames]

    def _swap(self, new: Session, at: int, info: dict, head: int | None) -> None:
        """`head`: frames the old session rendered in this block from its engine-block grid
        (None: unknown, its feedback loops are then not handed over). A program with `panic`
        takes over nothing: every voice, tail and loop starts from silence, and the old
        program fades out over PANIC_FADE_S instead of stopping with a click."""
        old = self.session
        rebase(new, old, at)
        if new.source_graph.panic:
            transfer = Transfer(added=list(new.nodes), dropped=list(old.nodes))
            self._retire_fade()
            n = max(1, round(PANIC_FADE_S * old.sr))
            self._fade = (old, (1.0 - np.arange(1, n + 1, dtype=np.float32) / n))
        else:
            transfer = transfer_state(old, new)
            if old.plan.delayed and head is not None:
                transfer.loops = transfer_feedback(old, new, head % old.engine_block)
            self.retired.append(old)
        self.session = new
        cycle = old.clock.cycle_at(at)
        if self.swap_mode == "cycle":        # the boundary's integer cycle (within half a sample)
            cycle = Fraction(round(cycle))
        self.swaps.append(SwapReport(sample=at, cycle=cycle, transfer=transfer, info=info,
                                     rendered_at=time.time()))

    def _fade_out(self, start: int, frames: int) -> None:
        """Add the panicked program's next frames, ramped down, to `_out[:, start:frames]`."""
        old, ramp = self._fade
        n = min(frames - start, ramp.shape[0])
        if n > 0:
            self._out[:, start:start + n] += old.run_block(n) * ramp[:n]
        if n >= ramp.shape[0]:
            self._retire_fade()
        else:
            self._fade = (old, ramp[n:])

    def _retire_fade(self) -> None:
        if self._fade is not None:
            self.retired.append(self._fade[0])
            self._fade = None

    def close_retired(self) -> None:
        """Close sessions swapped out (call from a non-audio thread)."""
        while self.retired:
            self.retired.pop().close()

    def active_voices(self) -> int:
        """Voices sounding in the playing session (sum over its nodes)."""
        total = 0
        for node in list(self.session.nodes.values()):
            try:
                total += int(node.active_voices())
            except Exception:  # noqa: BLE001 - a status display never fails the music
                pass
        return total

    def close(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, None
        if pending is not None:
            self.retired.append(pending[0])
        self._retire_fade()
        self.close_retired()
        self.session.close()

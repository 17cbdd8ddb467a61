"""Stereo feedback delay with fractional, per-sample modulatable time (own numba kernel)."""
from __future__ import annotations

import numpy as np

from phonon.dsp import delay as k
from phonon.dsp.params import ParamBuffers
from phonon.plugins.api import Block, Node, Param, Params, node

__all__ = ['Delay']

MAX_DELAY_SECONDS = 10.0


@node("delay", doc="Feedback delay: echoes at k*time, each `feedback` times the previous; "
      "out = dry*(1-mix) + wet*mix.", inputs=1, category="fx")
class Delay(Node):
    time = Param(0.25, unit="s", lo=0.0, hi=MAX_DELAY_SECONDS, doc="delay time (fractional, modulatable)")
    feedback = Param(0.5, lo=-1.0, hi=1.0, doc="gain of each repeat relative to the previous")
    mix = Param(0.5, lo=0.0, hi=1.0, doc="0 dry only .. 1 echoes only")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.line = np.zeros((channels, int(MAX_DELAY_SECONDS * sr) + 3), dtype=np.float32)
        self.head = np.zeros(1, dtype=np.int64)
        self.bufs = ParamBuffers(block, "time", "feedback", "mix")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        g = self.bufs.get
        k.feedback_delay(ins[0], out, n, g("time", p.time, n), g("feedback", p.feedback, n),
                         g("mix", p.mix, n), self.line, self.head, self.sr)

    def state(self) -> dict:
        return {"line": self.line, "head": int(self.head[0])}

    def load_state(self, state: dict) -> None:
        line = state.get("line")
        if line is not None and np.shape(line) == self.line.shape:
            self.line[:] = line
            self.head[0] = int(state.get("head", 0))

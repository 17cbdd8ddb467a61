"""Stereo feedback delay with fractional, per-sample modulatable time (own numba kernel)."""
from __future__ import annotations

import mmap

import numpy as np

from phonon.dsp import delay as k
from phonon.dsp.direct import compiled
from phonon.plugins import Block, Node, Param, ParamBuffers, Params, node

__all__ = ['Delay']

MAX_DELAY_SECONDS = 10.0


def zeroed_line(channels: int, frames: int) -> np.ndarray:
    """A zero float32 (channels, frames) line in fresh private anonymous pages.

    The 10 s stereo line is 3.5 MB: zeroing it up front (`np.zeros` memsets it once the
    allocator recycles memory) cost 0.4-1 ms of every session's start, a third of the
    reference program's fixed cost. Pages the kernel maps on first write are zero already, so
    nothing is written up front; the price is one page fault (~0.5 us) per 1024 samples per
    channel while the write head first goes round the line, i.e. during the first 10 s."""
    count = channels * frames
    pages = mmap.mmap(-1, max(count, 1) * 4, flags=mmap.MAP_PRIVATE)
    return np.frombuffer(pages, dtype=np.float32, count=count).reshape(channels, frames)


@node("delay", doc="Feedback delay: echoes at k*time, each `feedback` times the previous; "
      "out = dry*(1-mix) + wet*mix.", inputs=1, category="fx")
class Delay(Node):
    time = Param(0.25, unit="s", lo=0.0, hi=MAX_DELAY_SECONDS, doc="delay time (fractional, modulatable)")
    feedback = Param(0.5, lo=-1.0, hi=1.0, doc="gain of each repeat relative to the previous")
    mix = Param(0.5, lo=0.0, hi=1.0, doc="0 dry only .. 1 echoes only")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.line = zeroed_line(channels, int(MAX_DELAY_SECONDS * sr) + 3)
        self.head = np.zeros(1, dtype=np.int64)
        self.bufs = ParamBuffers(block, "time", "feedback", "mix")
        self.tap = np.zeros(block, dtype=np.float64)
        #: (time, feedback, mix, n, kernel, delay, feedback) of the last constant block
        self._last: tuple | None = None

    def steady_call(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> tuple | None:
        """The constant-parameter kernel `process` chose, with the values it computed."""
        last = self._last
        if last is None or last[3] != ctx.frames:
            return None
        args = (ins[0], out, last[3], last[5], last[6], last[2], self.line, self.head, self.tap)
        return compiled(last[4], args), args

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        time, feedback, mix = p.time, p.feedback, p.mix
        last = self._last
        if last is not None and type(time) is float and type(feedback) is float \
                and type(mix) is float and last[0] == time and last[1] == feedback \
                and last[2] == mix and last[3] == n:   # the same constants as last block
            last[4](ins[0], out, n, last[5], last[6], mix, self.line, self.head, self.tap)
            return
        self._last = None
        if type(time) is float and type(feedback) is float and type(mix) is float \
                and time == time and feedback == feedback and mix == mix:   # (not NaN)
            d = time * self.sr                  # the kernel's clamps, in the same float64 order
            d = 1.0 if d < 1.0 else min(d, self.line.shape[1] - 2.0)
            if d > n + 1 and n <= self.tap.shape[0]:    # no tap is written in its block
                fb = 1.0 if feedback > 1.0 else (-1.0 if feedback < -1.0 else feedback)
                if d.is_integer():                      # contiguous taps: all vectorised
                    kernel, d = k.feedback_delay_fixed, int(d)
                else:
                    kernel = k.feedback_delay_constant
                kernel(ins[0], out, n, d, fb, mix, self.line, self.head, self.tap)
                self._last = (time, feedback, mix, n, kernel, d, fb)
                return
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

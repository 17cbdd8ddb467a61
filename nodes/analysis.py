"""Analysis: `rms`, `peak_follower`, `amp_follower` (per-channel level followers: feed them to a
parameter, e.g. `lpf (~drums # rms 0.05 * 4000 + 200)`)."""
from __future__ import annotations

import numpy as np

from phonon.dsp import dynamics as k
from phonon.plugins import Block, Node, Param, ParamBuffers, Params, StateArrays, node

from .common import FiniteInputs

__all__ = ["Rms", "PeakFollower", "AmpFollower"]

MAX_WINDOW = 1.0            # seconds


class _Analysis(FiniteInputs, StateArrays, Node):
    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.bufs = ParamBuffers.for_spec(self.spec, block)


@node("rms", inputs=1, category="analysis",
      doc="Moving RMS of the input over the last `window` seconds (per channel).")
class Rms(_Analysis):
    """sqrt(mean of the squares of the last round(window*sr) samples): a sine of amplitude A
    reads A/sqrt(2) once the window is full (exactly, for a whole number of periods)."""

    window = Param(0.05, unit="s", lo=0.001, hi=MAX_WINDOW, doc="averaging window")
    state_arrays = ("ring", "sums")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.ring = np.zeros((channels, int(MAX_WINDOW * sr) + 2))
        self.sums = np.zeros(2 + channels)
        self.sums[1] = 1.0          # the window of the previous sample (the kernel's contract)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        k.moving_rms(ins[0], out, n, self.bufs.get("window", p.window, n), self.ring, self.sums,
                     self.sr)


@node("peak_follower", inputs=1, category="analysis",
      doc="Peak follower: abs(x) with a one-pole attack and release (seconds), per channel.")
class PeakFollower(_Analysis):
    """e += (|x| - e)(1 - exp(-1/(t*sr))), t = attack while |x| > e, else release: a step to 1
    reaches 63 % after `attack`; from 1 it falls to 37 % after `release`."""

    attack = Param(0.01, unit="s", lo=0.0, hi=10.0, doc="rise time constant (0 = instant)")
    release = Param(0.1, unit="s", lo=0.0, hi=10.0, doc="fall time constant")
    state_arrays = ("env",)

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.env = np.zeros(channels)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        k.follower(ins[0], out, n, *self.bufs.arrays(p, n, "attack", "release"), self.env, self.sr)


@node("amp_follower", inputs=1, category="analysis",
      doc="Amplitude follower: the moving RMS over `window`, smoothed with attack/release.")
class AmpFollower(_Analysis):
    """`rms window` then the `peak_follower attack release` smoother on its output."""

    attack = Param(0.01, unit="s", lo=0.0, hi=10.0, doc="rise time constant")
    release = Param(0.1, unit="s", lo=0.0, hi=10.0, doc="fall time constant")
    window = Param(0.01, unit="s", lo=0.001, hi=MAX_WINDOW, doc="RMS window")
    state_arrays = ("ring", "sums", "env")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.ring = np.zeros((channels, int(MAX_WINDOW * sr) + 2))
        self.sums = np.zeros(2 + channels)
        self.sums[1] = 1.0
        self.env = np.zeros(channels)
        self.level = np.zeros((channels, block), dtype=np.float32)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        if self.level.shape[1] < n:
            self.level = np.zeros((self.level.shape[0], n), dtype=np.float32)
        k.moving_rms(ins[0], self.level, n, self.bufs.get("window", p.window, n), self.ring,
                     self.sums, self.sr)
        k.follower(self.level, out, n, *self.bufs.arrays(p, n, "attack", "release"), self.env,
                   self.sr)

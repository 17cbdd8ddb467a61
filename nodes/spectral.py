"""`freeze`: spectral freeze (numpy FFT, one frame per 512-sample hop).

While the trigger is >= 0.5 the node plays the magnitude spectrum of the last 2048 input
samples before the trigger rose, resynthesised every hop with fresh random phases (a steady,
smeared "frozen" chord of the moment), and crossfades to it over one hop; when the trigger
falls it crossfades back to the input. Not frozen, the output is the input exactly (no latency).

Frames sit at absolute sample positions (multiples of the hop), so the output does not depend
on the block size; the phases come from a seeded generator whose state is part of the node's
state (identical renders, hot swap continues the same sequence).
"""
from __future__ import annotations

import numpy as np

from phonon.plugins import Block, Node, Param, Params, node, value_at

from .common import FiniteInputs

__all__ = ["Freeze"]

FRAME = 2048
HOP = 512
SEED = 0x5EED


@node("freeze", inputs=1, category="effect",
      doc="Spectral freeze: while `trigger` >= 0.5, hold the spectrum of the moment it rose.")
class Freeze(FiniteInputs, Node):
    """Hann analysis of the last 2048 samples when the trigger rises (checked every 512
    samples), resynthesised each hop with random phases and overlap-added (Hann, 75 %
    overlap, scaled to keep the captured level). Crossfades over 512 samples both ways."""

    trigger = Param(0.0, lo=0.0, hi=1.0, doc=">= 0.5 freezes (sampled every 512 samples)")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.channels = channels
        self.window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(FRAME) / FRAME)).astype(np.float64)
        w2 = float(np.sum(self.window ** 2))
        self.gain = float(np.sqrt(FRAME * HOP / (w2 * w2)))
        self.history = np.zeros((channels, FRAME))     # the last FRAME input samples
        self.acc = np.zeros((channels, FRAME))         # overlap-add of the frozen frames
        self.emit = np.zeros((channels, HOP))          # the frozen signal of the current hop
        self.magnitude = np.zeros((channels, FRAME // 2 + 1))
        self.frozen = False
        self.fade = 0.0                                # 0 = input .. 1 = frozen, at the hop start
        self.target = 0.0
        self.rng = np.random.Generator(np.random.PCG64(SEED))
        self.ramp = np.arange(1, HOP + 1) / HOP

    # ------------------------------------------------------------------ frames
    def _synth(self) -> None:
        """Add one frame of the frozen spectrum with random phases into the accumulator."""
        phase = self.rng.uniform(0.0, 2 * np.pi, self.magnitude.shape)
        frame = np.fft.irfft(self.magnitude * np.exp(1j * phase), n=FRAME, axis=1)
        self.acc += frame * (self.window * self.gain)

    def _shift(self) -> None:
        """Move the accumulator on by one hop; its first hop becomes the hop to play."""
        self.emit[:] = self.acc[:, :HOP]
        self.acc[:, :-HOP] = self.acc[:, HOP:]
        self.acc[:, -HOP:] = 0.0

    def _boundary(self, trig: float) -> None:
        """At a hop boundary: start/stop freezing, render the next hop of the frozen sound."""
        want = trig >= 0.5
        if want and not self.frozen:
            spectrum = np.fft.rfft(self.history * self.window, axis=1)
            self.magnitude[:] = np.abs(spectrum)
            self.acc[:] = 0.0
            for _ in range(FRAME // HOP - 1):         # prime the overlap-add: steady at once
                self._synth()
                self._shift()
        self.frozen = want
        self.fade = self.target
        self.target = 1.0 if want else 0.0
        if self.frozen or self.fade > 0.0:
            self._synth()
            self._shift()
        else:
            self.emit[:] = 0.0

    # ------------------------------------------------------------------ audio
    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        ins = self.finite(ins, n)
        x = ins[0]
        i = 0
        while i < n:
            pos = (ctx.start + i) % HOP
            if pos == 0:
                self._boundary(value_at(p.trigger, i))
            run = min(n - i, HOP - pos)
            self._play(x, out, i, run, pos)
            i += run

    def _play(self, x: np.ndarray, out: np.ndarray, i: int, run: int, pos: int) -> None:
        dry = x[:, i:i + run]
        h = self.history
        h[:, :-run] = h[:, run:]
        h[:, -run:] = np.nan_to_num(dry)
        if self.fade == 0.0 and self.target == 0.0:
            out[:, i:i + run] = dry
            return
        f = self.fade + (self.target - self.fade) * self.ramp[pos:pos + run]
        wet = self.emit[:, pos:pos + run]
        out[:, i:i + run] = dry + (wet - dry) * f

    # ------------------------------------------------------------------ hot swap
    def state(self) -> dict:
        return {"history": self.history.copy(), "acc": self.acc.copy(), "emit": self.emit.copy(),
                "magnitude": self.magnitude.copy(), "frozen": self.frozen, "fade": self.fade,
                "target": self.target, "rng": self.rng.bit_generator.state}

    def load_state(self, state: dict) -> None:
        if np.shape(state.get("history")) != self.history.shape:
            return
        for name in ("history", "acc", "emit", "magnitude"):
            getattr(self, name)[...] = state[name]
        self.frozen, self.fade, self.target = state["frozen"], state["fade"], state["target"]
        self.rng.bit_generator.state = state["rng"]

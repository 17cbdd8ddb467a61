"""`superpiano`: a struck-string piano voice, for SuperDirt's `s "superpiano"`.

SuperDirt's superpiano is SuperCollider's MdaPiano UGen (sc3-plugins), which Phonon does not
have; this is an additive model with the same role and controls' spirit, not a copy of its
sound. Each hit sounds `partials` partials of a stiff string, k x freq x sqrt(1 + B k^2)
(B = `stiffness` x 1e-4, a piano's inharmonicity), each a pair of strings detuned by
+-`detune` cents (the beating of a piano's unison strings); partial k starts at
`bright`^(k-1) / k (a harder strike is brighter) and falls 60 dB in `decay` / (1 + 0.4 (k-1))
seconds x sqrt(261.63 / freq) (high notes and high partials die sooner). Partials above 18 kHz
are left out. The strike rises over 2 ms. Hits at start, or at every `trig` onset (one voice,
retriggered; played by `s` as an instrument, every event its own voice).

Rendering is numpy per block from the samples since the hit, so the output does not depend on
the block size.
"""
from __future__ import annotations

import math

import numpy as np

from phonon.plugins import Block, Node, Param, Params, node, value_at

__all__ = ["SuperPiano"]

C5_HZ = 261.6255653005986
STRIKE_S = 0.002
MAX_PARTIALS = 24
TOP_HZ = 18000.0
LN_1000 = math.log(1000.0)


@node("superpiano", category="synth",
      doc="Piano: partials of a stiff string in detuned pairs, brighter and longer when low; "
          "hits at start or on :trig.")
class SuperPiano(Node):
    freq = Param(C5_HZ, unit="Hz", lo=20.0, hi=5000.0, doc="the note's fundamental")
    decay = Param(4.0, unit="s", lo=0.05, hi=30.0, doc="the fundamental's 60 dB fall at c5")
    bright = Param(0.6, lo=0.0, hi=0.95, doc="partial k starts at bright^(k-1) / k")
    detune = Param(0.8, unit="cents", lo=0.0, hi=20.0, doc="+- of the two strings of a partial")
    stiffness = Param(4.0, lo=0.0, hi=50.0, doc="inharmonicity B in 1e-4")
    partials = Param(16, lo=1, hi=MAX_PARTIALS, doc="most partials (constant)")
    trig = Param("", kind="events", doc="trigger pattern (hit at every onset); none: once at start")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.age = -1                               # samples since the hit; -1: silent
        self.start_pending = not self.static.get("trig")
        self.tone: tuple | None = None              # (freqs, amps, rates) of the sounding hit
        self.ramp = np.arange(block, dtype=np.float64)

    def _tone(self, p: Params) -> tuple:
        f0 = float(value_at(p.freq, 0))
        count = int(min(max(round(value_at(p.partials, 0)), 1), MAX_PARTIALS))
        k = np.arange(1, count + 1, dtype=np.float64)
        b = float(value_at(p.stiffness, 0)) * 1e-4
        fk = k * f0 * np.sqrt(1.0 + b * k * k)
        keep = fk < min(TOP_HZ, 0.45 * self.sr)
        k, fk = k[keep], fk[keep]
        cents = float(value_at(p.detune, 0))
        spread = 2.0 ** (cents / 1200.0)
        freqs = np.concatenate([fk / spread, fk * spread])
        amps = float(value_at(p.bright, 0)) ** (k - 1.0) / k
        amps = np.concatenate([amps, amps])
        amps *= 0.5 / float(amps.sum())                     # the strike's sum: 0.5
        seconds = float(value_at(p.decay, 0)) / (1.0 + 0.4 * (k - 1.0)) * math.sqrt(C5_HZ / f0)
        rates = np.concatenate([LN_1000 / seconds, LN_1000 / seconds])
        return (2.0 * math.pi * freqs[:, None], amps[:, None], rates[:, None])

    def hits(self, ctx: Block, p: Params) -> list[int]:
        offsets = sorted({e.offset for e in ctx.events if 0 <= e.offset < ctx.frames})
        if self.start_pending:
            self.start_pending = False
            if not p.get("trig") and (not offsets or offsets[0] != 0):
                offsets.insert(0, 0)
        return offsets

    def _sound(self, out: np.ndarray, a: int, b: int) -> None:
        if self.age < 0 or b <= a:
            out[0, a:b] = 0.0
            return
        w, amps, rates = self.tone
        t = (self.age + self.ramp[:b - a]) / self.sr
        x = (amps * np.exp(-rates * t) * np.sin(w * t)).sum(axis=0)
        x *= np.minimum(t / STRIKE_S, 1.0)
        out[0, a:b] = x
        self.age += b - a

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        done = 0
        for at in self.hits(ctx, p):
            self._sound(out, done, at)
            self.tone = self._tone(p)
            self.age = 0
            done = at
        self._sound(out, done, ctx.frames)

    def active_voices(self) -> int:
        return int(self.age >= 0)

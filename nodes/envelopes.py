"""Event-triggered envelopes: perc, ar, adsr (output 0..1 on both channels).

Each onset in `ctx.events` restarts the envelope at its sample; `ar` and `adsr` hold while the
event lasts (gate = the event's duration). Usage: `saw 110 * perc "x*4" 0.01 0.3`.
"""
from __future__ import annotations

import math

import numpy as np

from phonon.dsp import envelopes as k
from phonon.plugins import Block, Node, Param, ParamBuffers, Params, StateArrays, node

__all__ = ['Perc', 'AR', 'ADSR']

_STATE = 5


class _Envelope(StateArrays, Node):
    mode = k.PERC
    trig = Param(None, kind="events", doc="pattern whose onsets trigger the envelope")
    state_arrays = ("env",)

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.env = np.zeros(_STATE, dtype=np.float64)
        self.bufs = ParamBuffers(block, "attack", "decay", "sustain", "release")
        self.onsets = np.zeros(16, dtype=np.int64)
        self.gates = np.zeros(16, dtype=np.float64)

    def _load_events(self, ctx: Block) -> int:
        count = len(ctx.events)
        if count > self.onsets.shape[0]:
            self.onsets = np.zeros(2 * count, dtype=np.int64)
            self.gates = np.zeros(2 * count, dtype=np.float64)
        last = max(ctx.frames - 1, 0)
        for j, ev in enumerate(sorted(ctx.events, key=lambda e: e.offset)):
            self.onsets[j] = min(max(int(ev.offset), 0), last)
            gate = ev.duration * self.sr
            self.gates[j] = round(gate) if math.isfinite(gate) else 1e18
        return count

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        count = self._load_events(ctx)
        g = self.bufs.get
        attack = g("attack", p.attack, n)
        release = g("release", p.release, n)
        decay = g("decay", p.get("decay", 0.0), n)
        sustain = g("sustain", p.get("sustain", 1.0), n)
        k.envelope(out, n, self.onsets, self.gates, count, attack, decay, sustain, release,
                   self.env, self.mode, self.sr)

    def active_voices(self) -> int:
        return int(self.env[0] != k.IDLE)


@node("perc", doc="Percussive envelope: linear attack to 1, then linear release to 0.", category="envelope")
class Perc(_Envelope):
    mode = k.PERC
    attack = Param(0.005, unit="s", lo=0.0, doc="attack time")
    release = Param(0.3, unit="s", lo=0.0, doc="release time")


@node("ar", doc="Attack-release envelope: attack to 1, hold while the event lasts, then release.",
      category="envelope")
class AR(_Envelope):
    mode = k.AR
    attack = Param(0.01, unit="s", lo=0.0, doc="attack time")
    release = Param(0.3, unit="s", lo=0.0, doc="release time after the gate ends")


@node("adsr", doc="ADSR envelope gated by the event's duration.", category="envelope")
class ADSR(_Envelope):
    mode = k.ADSR
    attack = Param(0.01, unit="s", lo=0.0, doc="attack time")
    decay = Param(0.1, unit="s", lo=0.0, doc="decay time to the sustain level")
    sustain = Param(0.7, lo=0.0, hi=1.0, doc="sustain level (0..1)")
    release = Param(0.2, unit="s", lo=0.0, doc="release time after the gate ends")

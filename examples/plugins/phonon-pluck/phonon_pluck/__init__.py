"""phonon-pluck: a polyphonic Karplus-Strong plucked string, played by note patterns.

    ~gtr: kspluck "0 3 7 12" 1.5          -- notes (semitones, 0 = middle C), decay 1.5 s
    ~gtr: kspluck "<c4 e4 g4>*4" # lpf 3000
    ~gtr: kspluck "0 3 7" :damp 0.9       -- darker, duller string

Convention: `note` 0 is middle C (MIDI 60, 261.63 Hz; Tidal calls it c5, Phonon's note
names call it c4); note names are accepted. Each event may carry `note` (or `n`), `freq`
(Hz, overrides the note), `gain`, `pan` (-1..1, equal power), `decay` and `damp`.
Registered under the `phonon.nodes` entry point `kspluck = "phonon_pluck:Pluck"`.
"""
from __future__ import annotations

import math

import numpy as np

from phonon.plugins import (Block, Node, Param, Params, Trigger, control_number, event_spans, node,
                            note_to_freq, note_value, value_at)

from . import kernel as k

__all__ = ["Pluck", "note_to_freq"]
__version__ = "0.1.0"

MAX_VOICES = 64


@node("kspluck", category="instrument",
      doc="Karplus-Strong plucked string: one voice per event, note 0 = middle C.")
class Pluck(Node):
    """Polyphonic Karplus-Strong string; events start voices, the oldest is stolen when full."""

    notes = Param(None, kind="events", doc="note pattern (semitones or names) or control maps")
    decay = Param(2.0, unit="s", lo=0.01, hi=30.0, doc="time for the fundamental to fall 60 dB")
    damp = Param(0.5, lo=0.0, hi=1.0, doc="string damping: 0 bright and metallic, 1 dull")
    voices = Param(8, kind="any", lo=1, hi=MAX_VOICES, doc="voices ringing at once")
    seed = Param(0, kind="any", doc="noise seed of the kspluck excitation")

    def __init__(self, **static) -> None:
        super().__init__(**static)
        self.max_voices = int(min(max(1, static.get("voices", 8)), MAX_VOICES))
        self.seed = int(static.get("seed", 0))

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = sr
        self.lines = np.zeros((self.max_voices, k.line_length(sr)), dtype=np.float64)
        self.vi = np.zeros((k.N_INT, self.max_voices), dtype=np.int64)
        self.vf = np.zeros((k.N_FLOAT, self.max_voices), dtype=np.float64)
        self.serial = 0

    def active_voices(self) -> int:
        return int(self.vi[k.ACTIVE].sum())

    def _slot(self) -> int:
        free = np.flatnonzero(self.vi[k.ACTIVE] == 0)
        if free.size:
            return int(free[0])
        return int(np.argmin(self.vi[k.SERIAL]))          # steal the oldest voice

    def start(self, trig: Trigger, offset: int, p: Params) -> None:
        """Pluck a string for one event (at `offset` in the block)."""
        c = trig.value if isinstance(trig.value, dict) else {"note": trig.value}
        freq = control_number(c.get("freq"))
        if freq is None:
            note = note_value(c.get("note", c.get("n", c.get(self.spec.name, 0.0))))
            if note is None:
                return
            freq = note_to_freq(note)
        gain = control_number(c.get("gain"), 1.0)
        pan = control_number(c.get("pan")) or 0.0
        decay = control_number(c.get("decay")) or value_at(p.decay, offset)
        damp = control_number(c.get("damp"))
        damp = value_at(p.damp, offset) if damp is None else damp
        length, a, coef, rho = k.tuning(freq, self.sr, damp, decay)

        v = self._slot()
        rng = np.random.default_rng((self.seed, self.serial))
        burst = rng.uniform(-1.0, 1.0, length)
        burst -= burst.mean()
        burst *= 1.0 / np.abs(burst).max()
        self.lines[v, :length] = burst
        angle = (min(max(pan, -1.0), 1.0) + 1.0) * math.pi / 4.0
        self.vi[:, v] = 0
        self.vi[k.ACTIVE, v] = 1
        self.vi[k.LENGTH, v] = length
        self.vi[k.END, v] = int(math.ceil(decay * 4.0 / 3.0 * self.sr))   # -80 dB
        self.vi[k.SERIAL, v] = self.serial
        self.vf[:, v] = 0.0
        self.vf[k.RHO, v], self.vf[k.A, v], self.vf[k.C, v] = rho, a, coef
        self.vf[k.GAIN_L, v] = gain * math.cos(angle)
        self.vf[k.GAIN_R, v] = gain * math.sin(angle)
        self.serial += 1

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        out[:, :ctx.frames] = 0.0
        for a, b, trig in event_spans(ctx):       # the samples before each onset, then its voice
            k.render_voices(self.lines, self.vi, self.vf, out, a, b)
            if trig is not None:
                self.start(trig, b, p)

    # -- hot swap: ringing strings carry over to the successor
    def state(self) -> dict:
        return {"sr": self.sr, "lines": self.lines.copy(), "vi": self.vi.copy(),
                "vf": self.vf.copy(), "serial": self.serial}

    def load_state(self, state: dict) -> None:
        if state.get("sr") != self.sr or state["lines"].shape[1] != self.lines.shape[1]:
            return
        keep = min(self.max_voices, state["vi"].shape[1])
        self.lines[:keep] = state["lines"][:keep]
        self.vi[:, :keep] = state["vi"][:, :keep]
        self.vf[:, :keep] = state["vf"][:, :keep]
        self.serial = int(state["serial"])

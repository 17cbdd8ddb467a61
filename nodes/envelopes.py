"""Envelopes (output 0..1 on both channels, or an input multiplied by one): perc (`ad`), ar
(`tar`), adsr (`tadsr`), asr, env (`envelope`), env_trig, struct.

`perc`/`ar`/`adsr` restart at every onset of their `trig` pattern (`saw 110 * perc "x*4" 0.01
0.3`); `ar` and `adsr` hold while the event lasts (gate = the event's duration). Without a
pattern they are **cycle-synced**, as in the Rust original: `adsr 0.01 0.1 0.7 0.2` starts at
every cycle and ends its release at the cycle's end (gate = cycle length - release). A number as
the first argument is a time, not a pattern (docs/language.md, "Envelopes"). A chained
envelope multiplies its input: `x # adsr 0.01 0.1 0.7 0.2` is `x * adsr 0.01 0.1 0.7 0.2`.
"""
from __future__ import annotations

import math

import numpy as np

from phonon.dsp import control as ck
from phonon.dsp import envelopes as k
from phonon.plugins import Block, Node, Param, ParamBuffers, Params, StateArrays, node

from .common import FiniteInputs

__all__ = ['Perc', 'AR', 'ADSR', 'ASR', 'Env', 'EnvTrig', 'Struct']

_STATE = 5
_FALSE = (False, 0, 0.0, "f", "false", "0")


def truthy(value: object, key: str) -> bool:
    """Whether an event counts as a trigger: its value (under `key`) is not false/0/"f"."""
    v = value.get(key, True) if isinstance(value, dict) else value
    return not any(v is f or (type(v) is type(f) and v == f) for f in _FALSE)


def cycle_onsets(ctx: Block, sr: float) -> list[tuple[int, float]]:
    """(offset, cycle length in samples) of every cycle start inside the block: the first
    sample whose cycle position is >= an integer (tolerant of float rounding, so the onset is
    the same sample whatever block it falls in)."""
    if ctx.cps <= 0.0:
        return []
    per_cycle = sr / ctx.cps
    end = ctx.cycle + ctx.frames / per_cycle
    onsets = []
    for c in range(math.ceil(ctx.cycle - 1e-9), math.floor(end + 1e-9) + 1):
        offset = math.ceil((c - ctx.cycle) * per_cycle - 1e-6)
        if 0 <= offset < ctx.frames:
            onsets.append((offset, per_cycle))
    return onsets


class _Envelope(StateArrays, Node):
    """An envelope from onsets and gates (the `phonon.dsp.envelopes` kernel)."""

    mode = k.PERC
    #: events whose value is false (`"t f t t"`, `"1 0"`) do not trigger
    skip_false = False
    state_arrays = ("env",)

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.env = np.zeros(_STATE, dtype=np.float64)
        self.bufs = ParamBuffers(block, "attack", "decay", "sustain", "release")
        self.onsets = np.zeros(16, dtype=np.int64)
        self.gates = np.zeros(16, dtype=np.float64)
        self.level = np.zeros((channels, block), dtype=np.float32)

    def triggers(self, ctx: Block, p: Params) -> list[tuple[int, float]]:
        """(offset, gate in samples) of the onsets in this block."""
        if not self.patterned(p):
            release = p.get("release", 0.0)
            release = float(release[0]) if isinstance(release, np.ndarray) else float(release)
            rel = release * self.sr if math.isfinite(release) else 0.0
            return [(o, max(round(length - rel), 0)) for o, length in cycle_onsets(ctx, self.sr)]
        key = self.spec.name            # the events' values come under the node's name
        found = []
        for ev in ctx.events:
            if self.skip_false and not truthy(ev.value, key):
                continue
            gate = ev.duration * self.sr
            found.append((int(ev.offset), round(gate) if math.isfinite(gate) else 1e18))
        return found

    def patterned(self, p: Params) -> bool:
        """Whether the onsets come from a pattern (else: cycle-synced): the events parameter
        is required, or was given (the runtime passes the pattern, or the default "")."""
        param = self.spec.event_param
        value = p.get(param.name)
        return param.default is None or not (value is None or value == "")

    def _load(self, ctx: Block, p: Params) -> int:
        found = sorted(self.triggers(ctx, p))
        count = len(found)
        if count > self.onsets.shape[0]:
            self.onsets = np.zeros(2 * count, dtype=np.int64)
            self.gates = np.zeros(2 * count, dtype=np.float64)
        last = max(ctx.frames - 1, 0)
        for j, (offset, gate) in enumerate(found):
            self.onsets[j] = min(max(offset, 0), last)
            self.gates[j] = gate
        return count

    def render(self, ctx: Block, p: Params, out: np.ndarray) -> None:
        """The envelope's level into out[:, :ctx.frames]."""
        n = ctx.frames
        count = self._load(ctx, p)
        g = self.bufs.get
        attack = g("attack", p.attack, n)
        release = g("release", p.release, n)
        decay = g("decay", p.get("decay", 0.0), n)
        sustain = g("sustain", p.get("sustain", 1.0), n)
        k.envelope(out, n, self.onsets, self.gates, count, attack, decay, sustain, release,
                   self.env, self.mode, self.sr)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        self.render(ctx, p, out)

    def active_voices(self) -> int:
        return int(self.env[0] != k.IDLE)


TRIG = "pattern whose onsets trigger the envelope (none: every cycle start)"


@node("perc", aliases=("ad",), category="envelope",
      doc="Percussive envelope: linear attack to 1, then linear release to 0 (`ad a d`).")
class Perc(_Envelope):
    mode = k.PERC
    trig = Param("", kind="events", doc=TRIG)
    attack = Param(0.005, unit="s", lo=0.0, hi=60.0, doc="attack time")
    release = Param(0.3, unit="s", lo=0.0, hi=60.0, aliases=("decay",), doc="release (decay) time")


@node("ar", aliases=("tar",), category="envelope",
      doc="Attack-release envelope: attack to 1, hold while the event lasts, then release.")
class AR(_Envelope):
    mode = k.AR
    trig = Param("", kind="events", doc=TRIG)
    attack = Param(0.01, unit="s", lo=0.0, hi=60.0, doc="attack time")
    release = Param(0.3, unit="s", lo=0.0, hi=60.0, doc="release time after the gate ends")


@node("adsr", aliases=("tadsr",), category="envelope",
      doc="ADSR envelope gated by the event's duration (without a pattern: by each cycle).")
class ADSR(_Envelope):
    mode = k.ADSR
    trig = Param("", kind="events", doc=TRIG)
    attack = Param(0.01, unit="s", lo=0.0, hi=60.0, doc="attack time")
    decay = Param(0.1, unit="s", lo=0.0, hi=60.0, doc="decay time to the sustain level")
    sustain = Param(0.7, lo=0.0, hi=1.0, doc="sustain level (0..1)")
    release = Param(0.2, unit="s", lo=0.0, hi=60.0, doc="release time after the gate ends")


class _Gated(FiniteInputs, _Envelope):
    """An envelope multiplied into the node's input."""

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        x = self.finite(ins, n)[0]
        if self.level.shape[1] < n:
            self.level = np.zeros((self.level.shape[0], n), dtype=np.float32)
        self.render(ctx, p, self.level)
        np.multiply(x[:, :n], self.level[:, :n], out=out[:, :n])


@node("env", aliases=("envelope",), inputs=1, category="envelope",
      doc="The input times an ADSR that starts once, at the node's first sample, and then holds "
          "its sustain (`x # env a d s r`).")
class Env(_Gated):
    mode = k.ADSR
    attack = Param(0.01, unit="s", lo=0.0, hi=60.0, doc="attack time")
    decay = Param(0.1, unit="s", lo=0.0, hi=60.0, doc="decay time to the sustain level")
    sustain = Param(0.7, lo=0.0, hi=1.0, doc="sustain level held from then on (0..1)")
    release = Param(0.2, unit="s", lo=0.0, hi=60.0,
                    doc="accepted for the original's form; the envelope never releases")
    state_arrays = ("env", "started")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        super().prepare(sr, block, channels)
        self.started = np.zeros(1)

    def triggers(self, ctx: Block, p: Params) -> list[tuple[int, float]]:
        if self.started[0]:
            return []
        self.started[0] = 1.0
        return [(0, 1e18)]


@node("env_trig", inputs=1, category="envelope",
      doc="The input gated by a pattern-triggered ADSR: `x # env_trig \"x*4\" a d s r`.")
class EnvTrig(_Gated):
    mode = k.ADSR
    skip_false = True
    trig = Param(None, kind="events", doc="pattern whose true onsets trigger the envelope")
    attack = Param(0.001, unit="s", lo=0.0, hi=60.0, doc="attack time")
    decay = Param(0.1, unit="s", lo=0.0, hi=60.0, doc="decay time to the sustain level")
    sustain = Param(0.0, lo=0.0, hi=1.0, doc="sustain level while the event lasts (0..1)")
    release = Param(0.1, unit="s", lo=0.0, hi=60.0, doc="release time after the event ends")


@node("struct", inputs=1, category="envelope",
      doc="The input gated by a percussive envelope at each true step: `struct \"t ~ t t\" x`.")
class Struct(_Gated):
    """Each onset whose value is true (not `f`/`0`) starts a linear attack to 1 and an
    immediate linear release to 0 (`perc`), and the input is multiplied by it."""

    mode = k.PERC
    skip_false = True
    trig = Param(None, kind="events", doc="boolean pattern: t (or any value) hits, f/0 does not")
    attack = Param(0.001, unit="s", lo=0.0, hi=60.0, doc="attack time")
    release = Param(0.1, unit="s", lo=0.0, hi=60.0, doc="release time")


@node("asr", category="envelope",
      doc="Gate-driven envelope: rises to 1 in `attack` s while `gate` >= 0.5, falls in `release` s.")
class ASR(StateArrays, Node):
    gate = Param(0.0, lo=0.0, hi=1.0, doc="gate signal: >= 0.5 is on")
    attack = Param(0.01, unit="s", lo=0.0, hi=60.0, doc="time from 0 to 1")
    release = Param(0.3, unit="s", lo=0.0, hi=60.0, doc="time from 1 to 0")
    state_arrays = ("level",)

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.level = np.zeros(1)
        self.bufs = ParamBuffers.for_spec(self.spec, block)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        gate, attack, release = self.bufs.arrays(p, n, "gate", "attack", "release")
        ck.asr(gate, out, n, np.nan_to_num(attack, copy=False), np.nan_to_num(release, copy=False),
               self.level, self.sr)

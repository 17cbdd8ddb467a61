"""An orbit's global effects: SuperDirt's delay, reverb and leslie, driven by the events sent
to the orbit (DirtOrbit.sc, GlobalDirtEffect.sc, synths/core-synths-global.scd).

An orbit is a stereo bus: the dry sum of its voices plus the returns of its effects. The
effects are the orbit's, not the voices': each event that reaches the orbit sets the orbit's
parameters (as SuperDirt's `GlobalDirtEffect.set` does), and every effect processes the whole
dry bus with the latest values:

    delay    level `delay`, `delaytime` (x 1/cps with `lock 1`), `delayfeedback`
    reverb   `room` (the send of the dry bus), `size`, `dry` (1 - dry scales the reverb)
    leslie   `leslie` (dry x (1 - leslie) + the rotary x leslie), `lrate`, `lsize`

A value an event does not give stays as it was, except `delay`: SuperDirt sends every event's
`delay` (0 when absent) to the delay, so an event without it silences the echoes. An effect
exists only once some event has used one of its controls; until then the orbit is its dry
sum, bit for bit. Everything is sample-accurate: a block is processed in segments between the
events, with the values each event sets from its onset sample.

This class is the seam for events that come from outside a program (`phonon dirt`): make one
`OrbitEffects` per orbit, call `event(controls, cps)` at each event's sample and `process`
over the orbit's summed voices between events (docs/samples.md, "Orbits").
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ..dsp import orbit_fx as ofx

#: the controls of each global effect (the first ones create it)
DELAY_CONTROLS = ("delay", "delaytime", "delayfeedback", "lock")
REVERB_CONTROLS = ("room", "size", "dry")
LESLIE_CONTROLS = ("leslie", "lrate", "lsize")
ORBIT_EFFECT_CONTROLS = DELAY_CONTROLS + REVERB_CONTROLS + LESLIE_CONTROLS

#: SuperDirt's values before any event sets them (the SynthDefs' defaults)
DEFAULTS = {"delay": 0.0, "delaytime": 0.0, "delayfeedback": 0.0, "lock": 0.0, "room": 0.0,
            "size": 0.1, "dry": 0.0, "leslie": 0.5, "lrate": 6.7, "lsize": 0.3}


def _number(v) -> float | None:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def uses_orbit_effects(c: dict) -> bool:
    """Does this event set any global effect control?"""
    return any(k in c for k in ORBIT_EFFECT_CONTROLS)


class OrbitEffects:
    """The global effects of one orbit at sample rate `sr`, for blocks of up to `block` frames."""

    def __init__(self, sr: int, block: int) -> None:
        self.sr = float(sr)
        self.values = dict(DEFAULTS)
        self.cps = 0.5
        self.delay: dict | None = None
        self.reverb: dict | None = None
        self.leslie: dict | None = None
        self.x = np.zeros((2, block))
        self.out = np.zeros((2, block))

    @property
    def active(self) -> bool:
        """Does any effect exist (else `process` leaves the bus untouched)?"""
        return self.delay is not None or self.reverb is not None or self.leslie is not None

    # -- events
    def event(self, c: dict, cps: float) -> None:
        """An event reached the orbit: take its global-effect values (at its onset)."""
        cps_v = _number(c.get("cps"))
        self.cps = cps_v if cps_v is not None and cps_v > 0 else cps
        for k in ORBIT_EFFECT_CONTROLS:
            v = _number(c.get(k))
            if v is not None:
                self.values[k] = v
        if any(k in c for k in DELAY_CONTROLS) and self.delay is None:
            self._make_delay()
        if self.delay is not None and _number(c.get("delay")) is None:
            self.values["delay"] = 0.0                  # SuperDirt: ~delayAmp = ~delay ? 0
        if any(k in c for k in REVERB_CONTROLS) and self.reverb is None:
            self._make_reverb()
        if any(k in c for k in LESLIE_CONTROLS) and self.leslie is None:
            self._make_leslie()

    def _make_delay(self) -> None:
        state = np.zeros(7)
        state[ofx.DL_TIME] = self._delaytime()          # the first value at once, then lag 1 s
        self.delay = {"line": np.zeros((2, int(ofx.MAX_DELAY_S * self.sr) + 4)), "state": state}

    def _make_reverb(self) -> None:
        lines = ofx.reverb_line_lengths(self.sr)
        offsets = np.concatenate([[0], np.cumsum(lines)[:-1]]).astype(np.int64)
        state = np.zeros(ofx.RV_N)
        state[ofx.RV_LAGS + 1] = self.values["size"]
        state[ofx.RV_LAGS + 2] = 1.0 - self.values["dry"]
        self.reverb = {"lines": lines, "offsets": offsets, "buf": np.zeros(int(lines.sum())),
                       "state": state}

    def _make_leslie(self) -> None:
        state = np.zeros(ofx.LS_N)
        state[ofx.LS_RATES:ofx.LS_RATES + 4] = DEFAULTS["lrate"] * np.array([1.0, 0.8, 0.8, 1.0])
        pfreq = 800.0 * math.pi / self.sr                # SuperCollider's HPF(800)
        c = math.tan(pfreq)
        a0 = 1.0 / (1.0 + math.sqrt(2.0) * c + c * c)
        hp = np.array([a0, 2.0 * (1.0 - c * c) * a0, -(1.0 - math.sqrt(2.0) * c + c * c) * a0])
        self.leslie = {"line": np.zeros((2, int(self.sr) + 8)), "state": state, "hp": hp}

    def _delaytime(self) -> float:
        dt = self.values["delaytime"]
        return dt / self.cps if self.values["lock"] and self.cps > 0 else dt

    # -- audio
    def process(self, buf: np.ndarray, a: int, b: int) -> None:
        """Replace buf[:, a:b] (the orbit's dry sum) by the orbit's output."""
        n = b - a
        if n <= 0 or not self.active:
            return
        if self.x.shape[1] < n:
            self.x = np.zeros((2, n))
            self.out = np.zeros((2, n))
        x, out = self.x[:, :n], self.out[:, :n]
        x[...] = buf[:2, a:b]
        v = self.values
        if self.leslie is not None:
            np.multiply(x, 1.0 - v["leslie"], out=out)
        else:
            out[...] = x
        if self.delay is not None:
            ofx.dirt_delay(x, out, n, v["delay"], self._delaytime(), v["delayfeedback"],
                           self.delay["line"], self.delay["state"], self.sr)
        if self.reverb is not None:
            r = self.reverb
            ofx.dirt_reverb(x, out, n, v["room"], v["size"], v["dry"], r["lines"], r["offsets"],
                            r["buf"], r["state"], self.sr)
        if self.leslie is not None:
            le = self.leslie
            ofx.dirt_leslie(x, out, n, v["leslie"], v["lrate"], v["lsize"], le["hp"], le["line"],
                            le["state"], self.sr)
        buf[:2, a:b] = out

    # -- hot swap
    def state(self) -> dict:
        return {"values": dict(self.values), "cps": self.cps, "delay": self.delay,
                "reverb": self.reverb, "leslie": self.leslie, "sr": self.sr}

    def load_state(self, state: dict) -> None:
        if state.get("sr") != self.sr:
            return
        self.values = dict(state["values"])
        self.cps = state["cps"]
        self.delay, self.reverb, self.leslie = state["delay"], state["reverb"], state["leslie"]


def drive_orbit(orbit: OrbitEffects | None, events: list, buf: np.ndarray, frames: int, cps: float,
          make: Callable[[], OrbitEffects], owns: Callable[[dict], bool]) -> OrbitEffects | None:
    """Run an orbit over one block of its dry sum `buf[:, :frames]`: in segments between the
    `events` (onset-sorted triggers: `.offset`, `.value`), each event `owns` says is the
    orbit's setting the values from its onset. The orbit is made (`make()`) by the first
    event that uses a global effect; returns it (or None: nothing to do yet)."""
    done = 0
    for trig in events:
        c = trig.value
        if not (isinstance(c, dict) and owns(c)):
            continue
        if orbit is None:
            if not uses_orbit_effects(c):
                continue
            orbit = make()
        at = min(max(int(trig.offset), 0), frames)
        orbit.process(buf, done, at)
        orbit.event(c, cps)
        done = at
    if orbit is not None:
        orbit.process(buf, done, frames)
    return orbit

"""`/dirt/play` messages as events, read as SuperDirt reads them (SuperDirt.sc, DirtEvent.sc).

A message is `key, value, key, value...` in any order, any OSC type for any value (Tidal sends
`f`/`i`/`s`, Strudel `f`/`i`/`s`/`T`/`F`, other senders `d`/`h`). What SuperDirt does with it
and `decode` reproduces:

- `s` missing: `sound` is split on ':' into `s` and `n` (`sound "bd:3"`); `s "bd:3"` is split
  too (SuperDirt would look up a sound named "bd:3"; both clients send the index in `n`);
- `orbit` selects the orbit, wrapping modulo the number of orbits (`orbits @@ index`);
- `lag` (seconds) and `offset` (seconds x |speed|) delay the start beyond the timetag
  (`latencyOffset`); Tidal has already put `nudge` into the timetag, so it is dropped here;
- level, pan and the rest are SuperDirt's (`phonon.samples.SUPERDIRT`: pan 0..1, level
  amp (0.4) x (min(gain, 2) + overgain)^4), applied where the voice is built.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ..samples import split_name

#: keys the engine consumes itself (they are not sound controls)
ENGINE_KEYS = ("orbit", "lag", "offset", "nudge", "_id_", "id")


class EventError(ValueError):
    """A `/dirt/play` message that cannot be an event (the message says why)."""


@dataclass
class DirtEvent:
    """One event: when (Unix seconds; None = now), which orbit, which sound and its controls."""

    time: float | None
    orbit: int
    name: str | None          # the sound (sample folder or instrument); None: no sound
    index: int                # the file of the folder (wrapped by the bank)
    controls: dict            # every other key, as received (numbers as float/int)
    delay: float = 0.0        # seconds after `time` (lag + offset x |speed|)

    @property
    def cps(self) -> float:
        return _number(self.controls.get("cps"), 0.5) or 0.5

    @property
    def delta(self) -> float:
        """The event's duration in seconds (Tidal's `delta`)."""
        return max(_number(self.controls.get("delta"), 0.0), 0.0)


def _number(value, default: float = 0.0) -> float:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        v = float(value)
        return v if math.isfinite(v) else default
    if isinstance(value, str):
        try:
            v = float(value)
            return v if math.isfinite(v) else default
        except ValueError:
            return default
    return default


def pairs(args: tuple) -> dict:
    """The key/value pairs of a `/dirt/play` message (a trailing key without a value, or a
    key that is not a string, is an `EventError`)."""
    if len(args) % 2:
        raise EventError(f"odd number of arguments ({len(args)}): keys and values must pair")
    out = {}
    for i in range(0, len(args), 2):
        key = args[i]
        if not isinstance(key, str):
            raise EventError(f"argument {i} should be a key (a string), got {key!r}")
        out[key] = args[i + 1]
    return out


def decode(args: tuple, time: float | None, orbits: int) -> DirtEvent:
    """The event of a `/dirt/play` message's arguments arriving with timetag `time`."""
    c = pairs(args)
    token = c.pop("s", None)
    if token is None:
        token = c.pop("sound", None)
    else:
        c.pop("sound", None)
    name, index = None, 0
    if token is not None:
        name, colon = split_name(str(token))
        index = colon or 0
    if "n" in c:
        index = int(math.floor(_number(c["n"], 0.0)))
    orbit = int(math.floor(_number(c.pop("orbit", 0), 0.0)))
    orbit = orbit % orbits if orbits > 0 else 0
    speed = abs(_number(c.get("speed", 1.0), 1.0))
    delay = _number(c.pop("lag", 0.0)) + _number(c.pop("offset", 0.0)) * speed
    for key in ENGINE_KEYS:
        c.pop(key, None)
    return DirtEvent(time, orbit, name or None, index, c, max(delay, 0.0))

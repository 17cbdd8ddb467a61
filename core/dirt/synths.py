"""SuperDirt's synths by name: `s "superkick"` from Tidal plays Phonon's `superkick` node.

SuperDirt looks an `s` name up among its sample folders first and then among its synth
definitions (DirtEvent.sc); `phonon dirt` does the same with the registered nodes of category
`synth` (the built-in `superpiano`, `superkick`, `supersnare`, `superhat`, `supersaw`, `superpwm`,
`superchip`, `superfm`, `pluck`, and any plugin's). Each orbit plays a name on one `poly`
node over a one-node chain, so every event is its own voice (overlapping notes ring together,
as SuperDirt's synths do), started on its exact frame and rendered in segments that end at the
onsets (block-size independent).

What an event means for a synth voice (decisions, docs/dirt.md):

- pitch: SuperDirt's `freq = midinote.midicps` with `midinote = note ? n` + `octave` x 12
  (c5 = 261.63 Hz by default), or `freq`/`midinote` given. A pitched synth (a `freq`
  parameter, no trigger: `supersaw`, `superpwm`, `superchip`, `superfm`) plays at that
  frequency; a struck one (a node that hits on a trigger: `superkick`, `supersnare`,
  `superhat`, `pluck`, `superpiano`) keeps its own tuning and is transposed by the event's
  interval from c5 (`s "superkick" # n 12` is an octave higher than `s "superkick"`;
  `superpiano` is tuned to c5, so it plays the note).
- level and pan: SuperDirt's (`phonon.samples.SUPERDIRT`: pan 0..1 equal power, level amp 0.4
  x (min(gain, 2) + overgain)^4), as for samples.
- length: the voice's gate lasts SuperDirt's sustain (`sustain`, else `legato` x `delta`, else
  `delta`), then releases over `release` (default 10 ms); `attack` (default 1 ms for pitched
  synths, none for drums, which have their own) fades it in.
- SuperDirt's per-event effects (`vowel`, `shape`, `lpf`, `crush`, ...) run on every voice as
  on samples (`poly`'s effect chain). A synth's own SuperDirt controls (`voice`, `pitch1`,
  `decay`, ...) are not read: the Phonon node plays with its defaults.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..plugins import Block, Chain, ChainNode, Params, Trigger
from ..plugins.registry import Registry, default_registry
from ..samples import SUPERDIRT, event_freq

SYNTH_CATEGORY = "synth"
INSTRUMENT = "poly"
C5_HZ = 261.6255653005986            # SuperDirt's default pitch: midinote 60
ATTACK_S = 0.001                     # fade-in of a pitched synth voice (SuperDirt's fadeInTime)
RELEASE_S = 0.01                     # fade-out after the gate when the event gives no `release`
MAX_SYNTH_VOICES = 32                # per synth name and orbit (a new voice steals the oldest)


class SynthNames:
    """Which `s` names are synths, and the chain each one plays per voice."""

    def __init__(self, registry: Registry | None = None) -> None:
        self.registry = registry or default_registry()
        self._chains: dict[str, Chain | None] = {}

    def chain(self, name: str) -> Chain | None:
        """The one-node chain of synth `name`, or None when no synth has that name."""
        if name not in self._chains:
            self._chains[name] = self._make(name)
        return self._chains[name]

    def _make(self, name: str) -> Chain | None:
        cls = self.registry.get(name)
        if cls is None or cls.spec.category != SYNTH_CATEGORY:
            return None
        spec = cls.spec
        values = {p.name: p.default for p in spec.params
                  if p.kind not in ("events", "text", "any") and p.default is not None}
        freq = values.get("freq")
        transpose = ("freq",) if freq is not None else ()
        node = ChainNode(id=name, cls=cls, static={}, values=values, modulations=(), inputs=(),
                         transpose=transpose)
        return Chain(nodes=(node,), output=name, base_freq=float(freq) if freq else None,
                     name=name)

    def is_drum(self, name: str) -> bool:
        cls = self.registry.get(name)
        return cls is not None and cls.spec.event_param is not None


class SynthVoices:
    """One orbit's synth voices: a `poly` node per synth name played on it, fed the events'
    triggers at their block offsets."""

    def __init__(self, names: SynthNames, sr: int, block: int, max_voices: int) -> None:
        self.names = names
        self.sr = int(sr)
        self.block = int(block)
        self.max_voices = min(int(max_voices), MAX_SYNTH_VOICES)
        self.polys: dict[str, tuple[Any, Params, list[Trigger]]] = {}
        self._buf = np.zeros((2, block), np.float32)
        self.index = 0                                 # blocks rendered

    def knows(self, name: str) -> bool:
        return self.names.chain(name) is not None

    def _poly(self, name: str):
        entry = self.polys.get(name)
        if entry is None:
            chain = self.names.chain(name)
            cls = self.names.registry.get(INSTRUMENT)
            drum = self.names.is_drum(name)
            poly = cls(template=chain, voices=self.max_voices)
            params = Params(notes=None, template=chain, voices=self.max_voices,
                            attack=0.0 if drum else ATTACK_S, release=RELEASE_S)
            poly.prepare(self.sr, self.block, 2)
            entry = self.polys[name] = (poly, params, [])
        return entry

    def start(self, name: str, offset: int, controls: dict, delta: float, cps: float) -> bool:
        """Queue synth `name`'s voice for block offset `offset` (it starts in `render`)."""
        if self.names.chain(name) is None:
            return False
        value = voice_value(controls, self.names.chain(name), self.names.is_drum(name))
        if value is None:
            return False
        trig = Trigger(offset=int(offset), value=value, cycle=0,
                       duration=sustain_s(controls, delta))
        self._poly(name)[2].append(trig)
        return True

    def render(self, out: np.ndarray, frames: int, start: int, cps: float) -> None:
        """Add every synth voice of the block into out[:, :frames]."""
        if not self.polys:
            return
        buf = self._buf
        for poly, params, triggers in self.polys.values():
            ctx = Block(index=self.index, start=start, frames=frames, sr=self.sr, cps=cps,
                        cycle=0.0, events=sorted(triggers, key=lambda t: t.offset))
            poly.process(ctx, [], params, buf)
            triggers.clear()
            out[:, :frames] += buf[:, :frames]
        self.index += 1

    def active(self) -> int:
        return sum(poly.active_voices() for poly, _, _ in self.polys.values())


def sustain_s(c: dict, delta: float) -> float:
    """SuperDirt's sustain of a synth event (no sample: its unit duration is the event's)."""
    sustain = _number(c.get("sustain"))
    if sustain is not None:
        return max(sustain, 0.0)
    legato = _number(c.get("legato"))
    return max(delta * (legato if legato is not None else 1.0), 0.0)


def voice_value(c: dict, chain: Chain, drum: bool) -> dict | None:
    """The control map the poly voice reads: frequency, linear gain and -1..1 pan of the
    poly's conventions carrying SuperDirt's level and pan, and the effect controls."""
    level = SUPERDIRT.level(c)
    if not level > 0.0:
        return None
    pitch = dict(c)
    if "note" not in pitch and "n" in pitch:            # a synth's n is its note
        pitch["note"] = pitch["n"]
    freq = event_freq(pitch)
    value = {k: v for k, v in c.items() if k not in ("note", "n", "legato", "sustain", "s")}
    if chain.base_freq:
        value["freq"] = chain.base_freq * freq / C5_HZ if drum else freq
    # poly pans with sqrt(2) x (cos, sin) (unity at the centre); SuperDirt's pan is plain
    # equal power (0.707 at the centre): the level carries the 1/sqrt(2)
    value["gain"] = level / math.sqrt(2.0)
    value["pan"] = SUPERDIRT.pan(c)
    value["legato"] = 1.0
    return value


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        v = float(value)
    except ValueError:
        return None
    return v if math.isfinite(v) else None

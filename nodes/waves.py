"""Wave sources of the original's library: wavetable, additive, organ (organ_hz), soft_saw
(soft_saw_hz), blip, impulse, pm, vco and the cycle phasor.

Wavetable-based sources (`wavetable`, `additive`, `organ`, `soft_saw`) read mipmapped tables
(`phonon.dsp.waves`): every level holds only partials below 0.45 * sr for the pitch it is read
at, so nothing aliases, and a float64 phase accumulator keeps the pitch exact.
"""
from __future__ import annotations

import numpy as np

from phonon.dsp import oscillators as osc
from phonon.dsp import waves as k
from phonon.plugins import (Block, Node, Param, ParamBuffers, Params, PhononError, StateArrays,
                            node, value_at)

__all__ = ["Wavetable", "Additive", "Organ", "SoftSaw", "Blip", "Impulse", "PM", "VCO", "Phasor"]

PARTIALS = 256          # partials of the built-in saw/square/triangle tables


def _spectrum(name: str) -> tuple[np.ndarray, np.ndarray] | None:
    """(amplitudes, phases) of a named built-in table, or None."""
    k_ = np.arange(1, PARTIALS + 1, dtype=np.float64)
    odd = (k_ % 2 == 1)
    zero = np.zeros(PARTIALS)
    if name == "sine":
        return np.array([1.0]), np.zeros(1)
    if name == "saw":                                 # rising ramp 2t - 1 = -(2/pi) sum sin(k x)/k
        return 2 / np.pi / k_, np.full(PARTIALS, np.pi)
    if name == "square":
        return np.where(odd, 4 / np.pi / k_, 0.0), zero
    if name in ("triangle", "tri"):                   # cosine phase: peaks at phase 0.25
        return np.where(odd, 8 / np.pi ** 2 / k_ ** 2, 0.0), np.where((k_ % 4) == 3, np.pi, 0.0)
    if name == "organ":
        return ORGAN, np.zeros(len(ORGAN))
    if name in ("soft_saw", "softsaw"):
        return SOFT_SAW, np.zeros(len(SOFT_SAW))
    return None


#: drawbar-organ registration 16' 8' 5 1/3' 4' 2 2/3' 2' (partials 1 2 3 4 6 8), octaves stressed
ORGAN = np.array([1.0, 0.8, 0.45, 0.6, 0.0, 0.3, 0.0, 0.4])
#: a saw whose partials fall as 1/k^2 (16 of them): rounder than a saw, all harmonics
SOFT_SAW = 1.0 / np.arange(1, 17, dtype=np.float64) ** 2

TABLE_NAMES = ("sine", "saw", "square", "triangle", "organ", "soft_saw")


def parse_amplitudes(text: str, who: str) -> np.ndarray:
    """Partial amplitudes from a text like "1 0.5 0.25" (spaces or commas)."""
    try:
        amps = np.array([float(w) for w in text.replace(",", " ").split()], dtype=np.float64)
    except ValueError:
        raise PhononError(f"{who}: partial amplitudes must be numbers, got {text!r}",
                          hint=f'give them as a string: {who} 220 "1 0.5 0.33 0.25"') from None
    if len(amps) == 0 or not np.all(np.isfinite(amps)) or len(amps) > 512:
        raise PhononError(f"{who}: give 1 to 512 finite partial amplitudes, got {text!r}",
                          hint=f'{who} 220 "1 0.5 0.33 0.25"')
    return amps


class _Table(StateArrays, Node):
    """A wavetable source: subclasses set `self.tables, self.caps` in `make_tables`."""

    state_arrays = ("phase",)
    freq = Param(440.0, unit="Hz", lo=0.0, hi=20000.0, doc="frequency")

    def make_tables(self) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - abstract
        raise NotImplementedError

    def __init__(self, **static) -> None:
        super().__init__(**static)
        self.tables, self.caps = self.make_tables()

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.phase = np.zeros(1)
        self.bufs = ParamBuffers(block, "freq")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        k.wavetable(out, n, self.bufs.get("freq", p.freq, n), self.phase, self.tables, self.caps,
                    self.sr)


@node("wavetable", category="source",
      doc='Band-limited wavetable oscillator: `wavetable freq ["saw"|"square"|"triangle"|"sine"|"organ"|"soft_saw"|"1 0.5 ..."]`.')
class Wavetable(_Table):
    """Mipmapped wavetable: a built-in table by name (default "saw", peak 1) or partial
    amplitudes like `additive`."""

    table = Param("saw", kind="text", doc='a built-in table name or partial amplitudes "1 0.5 ..."')

    def make_tables(self) -> tuple[np.ndarray, np.ndarray]:
        text = str(self.static.get("table", "saw"))
        spec = _spectrum(text.strip().lower())
        if spec is None:
            if not any(ch.isdigit() for ch in text):
                raise PhononError(f"wavetable: unknown table {text!r}",
                                  hint="one of " + ", ".join(TABLE_NAMES) + ', or amplitudes "1 0.5 0.25"')
            spec = (parse_amplitudes(text, "wavetable"), None)
        return k.build_tables(*spec)


@node("additive", category="source",
      doc='Additive synthesis: harmonic partials with the given amplitudes, `additive 220 "1 0.5 0.25"`.')
class Additive(_Table):
    """sum_k a_k sin(2 pi k f t), partials above 0.45*sr left out (mipmapped), scaled down only
    when the waveform would exceed +-1."""

    partials = Param("1", kind="text", aliases=("amps",),
                     doc='partial amplitudes, fundamental first: "1 0.5 0.33"')

    def make_tables(self) -> tuple[np.ndarray, np.ndarray]:
        return k.build_tables(parse_amplitudes(str(self.static.get("partials", "1")), "additive"))


@node("organ", aliases=("organ_hz",), category="source",
      doc="Organ: drawbar partials 1 2 3 4 6 8 (octaves stressed), band-limited; peak 1.")
class Organ(_Table):
    """Partials 1, 2, 3, 4, 6, 8 at 1, 0.8, 0.45, 0.6, 0.3, 0.4 (the 16' 8' 5 1/3' 4' 2 2/3' 2'
    drawbars), scaled to peak 1."""

    def make_tables(self) -> tuple[np.ndarray, np.ndarray]:
        return k.build_tables(ORGAN)


@node("soft_saw", aliases=("soft_saw_hz",), category="source",
      doc="Soft saw: 16 harmonics falling as 1/k^2 (rounder than a saw), band-limited; peak 1.")
class SoftSaw(_Table):
    """sum_{k<=16} sin(2 pi k f t) / k^2, scaled to peak 1."""

    def make_tables(self) -> tuple[np.ndarray, np.ndarray]:
        return k.build_tables(SOFT_SAW)


@node("blip", category="source",
      doc="Band-limited impulse train: equal-amplitude cosine harmonics up to 0.45*sr, peak 1.")
class Blip(StateArrays, Node):
    """(1/N) sum_{k=1..N} cos(2 pi k f t): a click per period without aliasing and without DC;
    N = every harmonic below 0.45*sr, or `harmonics` when fewer."""

    state_arrays = ("phase",)
    freq = Param(440.0, unit="Hz", lo=0.0, hi=20000.0, doc="frequency")
    harmonics = Param(0.0, lo=0.0, hi=10000.0, doc="number of harmonics (0 = all below 0.45*sr)")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.phase = np.zeros(1)
        self.bufs = ParamBuffers(block, "freq", "harmonics")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        k.blip(out, n, *self.bufs.arrays(p, n, "freq", "harmonics"), self.phase, self.sr)


@node("impulse", category="source",
      doc="Single-sample clicks (1.0) at `freq` per second, the first on the first sample.")
class Impulse(StateArrays, Node):
    """A click on the sample where the phase wraps: the mean period is exactly sr/freq (a
    non-whole period alternates between its neighbours, like SuperCollider's Impulse)."""

    state_arrays = ("phase",)
    freq = Param(1.0, unit="Hz", lo=0.0, hi=22050.0, doc="clicks per second")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.phase = np.ones(1)
        self.bufs = ParamBuffers(block, "freq")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        k.impulse(out, n, self.bufs.get("freq", p.freq, n), self.phase, self.sr)


@node("pm", category="source",
      doc="Phase modulation: sin(2 pi carrier t + index * mod), `pm 440 (sine 110) 2`.")
class PM(StateArrays, Node):
    """A sine whose phase is pushed by any signal: `mod` (-1..1 typically) times `index`
    radians. With a sine modulator this is FM's spectrum (Bessel sidebands)."""

    state_arrays = ("phase",)
    carrier = Param(440.0, unit="Hz", lo=0.0, hi=20000.0, aliases=("freq",), doc="carrier frequency")
    mod = Param(0.0, lo=-1e6, hi=1e6, aliases=("modulator",), doc="modulating signal (any signal)")
    index = Param(1.0, unit="rad", lo=0.0, hi=100.0, doc="phase deviation per unit of `mod`")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.phase = np.zeros(1)
        self.bufs = ParamBuffers(block, "carrier", "mod", "index")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        k.pm(out, n, *self.bufs.arrays(p, n, "carrier", "mod", "index"), self.phase, self.sr)


#: vco's `wave` numbers -> the oscillator kernel's shapes (0 saw, 1 square, 2 triangle, 3 sine)
VCO_SHAPES = (osc.SAW, osc.PULSE, osc.TRI, osc.SINE)


@node("vco", category="source",
      doc="Voltage-controlled oscillator: `vco freq wave [pw]`, wave 0 saw, 1 square, 2 triangle, 3 sine.")
class VCO(StateArrays, Node):
    """The band-limited oscillators of `saw square tri sine` behind one node whose `wave` may be
    patterned (the phase runs on across a change: no click from a reset)."""

    state_arrays = ("phase", "ring")
    freq = Param(440.0, unit="Hz", lo=0.0, hi=20000.0, doc="frequency")
    wave = Param(0.0, lo=0.0, hi=3.0, aliases=("waveform",), doc="0 saw, 1 square, 2 triangle, 3 sine (rounded)")
    pw = Param(0.5, lo=0.0, hi=1.0, aliases=("width",), doc="pulse width of the square (0..1)")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.phase = np.zeros(2)
        self.ring = np.zeros(osc.RING)
        self.bufs = ParamBuffers(block, "freq", "pw", "wave")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        freq, pw = self.bufs.arrays(p, n, "freq", "pw")
        wave = self.bufs.get("wave", p.wave, n)
        choice = np.clip(np.rint(np.nan_to_num(wave, nan=0.0)), 0, 3).astype(np.int64)
        cuts = [0, *(np.flatnonzero(choice[1:] != choice[:-1]) + 1).tolist(), n]
        for a, b in zip(cuts[:-1], cuts[1:]):           # exact: split where the wave changes
            osc.oscillator(out[:, a:b], b - a, freq[a:b], pw[a:b], self.phase, self.ring,
                           VCO_SHAPES[choice[a]], self.sr, osc.RESIDUAL, osc.RAMP_RESIDUAL)


@node("phasor", category="control",
      doc="Cycle-synced ramp 0 -> 1: `speed` ramps per cycle, starting in phase with the cycle.")
class Phasor(StateArrays, Node):
    """frac(cycle * speed) at the render's start, then a float64 accumulator advancing
    speed * cps / sr per sample (tempo changes bend it, never jump it)."""

    state_arrays = ("phase",)
    speed = Param(1.0, lo=-1000.0, hi=1000.0, doc="ramps per cycle")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.phase = np.array([np.nan])
        self.bufs = ParamBuffers(block, "speed")

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        if not np.isfinite(self.phase[0]):                # the first block: sync to the cycle
            start = ctx.cycle * value_at(p.speed, 0)
            self.phase[0] = start - np.floor(start) if np.isfinite(start) else 0.0
        k.phasor(out, n, self.bufs.get("speed", p.speed, n), self.phase, ctx.cps / self.sr)

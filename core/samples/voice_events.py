"""What an event's controls mean for a voice, as SuperDirt's DirtEvent.sc computes it.

- `Conventions`: how level and pan read. A `.ph` program uses Phonon's (`PHONON`: pan -1..1,
  gain linear); events that arrive over OSC from Tidal use SuperDirt's (`SUPERDIRT`: pan 0..1,
  level amp * (min(gain, 2) + overgain)^4 with amp 0.4).
- `sound_plan`: the sample's slice, direction, rate (with `accelerate`, `unit`, pitch), how
  long the voice lasts (`sustain`, `legato`, `loop`) and its fades, in frames.
- `effect_row`: the per-event effect modules the event uses (a bit mask) and their parameters,
  fixed at the onset (`phonon.dsp.voice_fx` layout).

Everything here is plain Python, run once per distinct event (the `s` node caches the result
per control map).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
import numpy as np

from ..dsp import voice_fx as fx
from ..dsp import voice_fx_extra as xf
from ..patterns.controls import EFFECT_CONTROLS, ORBIT_CONTROLS, SOUND_CONTROLS
from ..patterns.notes import note_number

MIDDLE_C_HZ = 440.0 * 2.0 ** (-9.0 / 12.0)     # SuperDirt's 60.midicps
FADE_TIME_S = 0.001                             # SuperDirt's default fadeTime
MIN_SUSTAIN_FRAMES = 8                          # shorter events are dropped (DirtOrbit)
ENV_MARGIN_S = 0.11                           # effects may ring this long after the envelope


def number(c: dict, key: str, default: float | None = None) -> float | None:
    """The control `key` as a finite float; `default` when absent, text or not finite."""
    v = c.get(key)
    if v is None:
        return default
    try:
        x = float(v)
    except (TypeError, ValueError):
        return default
    return x if math.isfinite(x) else default


def voice_controls() -> tuple[str, ...]:
    """Every control a sample voice applies: the sound module's, the effect modules' and the
    orbit's (docs/samples.md)."""
    names = list(SOUND_CONTROLS)
    for controls in EFFECT_CONTROLS.values():
        names += [c for c in controls if c not in names]
    return tuple(names + [c for c in ORBIT_CONTROLS if c not in names])


@dataclass(frozen=True)
class Conventions:
    """How an event's pan and level read: `bipolar_pan` (-1..1, else SuperDirt's 0..1),
    level = amp * (gain' + overgain) ** `gain_exponent` * velocity * postgain, gain' =
    min(gain, `gain_limit`) when there is one, amp defaulting to `amp`."""

    name: str
    bipolar_pan: bool
    gain_exponent: float
    gain_limit: float | None
    amp: float

    def level(self, c: dict) -> float:
        gain = number(c, "gain", 1.0)
        if self.gain_limit is not None:
            gain = min(gain, self.gain_limit)
        g = gain + number(c, "overgain", 0.0)
        if self.gain_exponent != 1.0:
            g = max(g, 0.0) ** self.gain_exponent
        return (number(c, "amp", self.amp) * g * number(c, "velocity", 1.0)
                * number(c, "postgain", 1.0))

    def pan(self, c: dict) -> float:
        """The pan on the -1..1 scale (plus `channel`, as SuperDirt adds it), clamped."""
        if self.bipolar_pan:
            p = number(c, "pan", 0.0) + number(c, "channel", 0.0)
        else:
            p = (number(c, "pan", 0.5) + number(c, "channel", 0.0) / 2.0) * 2.0 - 1.0
        return min(max(p, -1.0), 1.0)


PHONON = Conventions("phonon", True, 1.0, None, 1.0)
SUPERDIRT = Conventions("superdirt", False, 4.0, 2.0, 0.4)


def event_freq(c: dict) -> float:
    """The event's pitch in Hz: `freq`, else `midinote`, else (note + (octave - 5) * 12)
    semitones above middle C (a sample's note defaults to 0: its own pitch)."""
    f = number(c, "freq")
    if f is not None:
        return f
    m = number(c, "midinote")
    if m is not None:
        return MIDDLE_C_HZ * 2.0 ** ((m - 60.0) / 12.0)
    note = number({"note": note_number(c.get("note"))}, "note", 0.0)
    return MIDDLE_C_HZ * 2.0 ** ((note + (number(c, "octave", 5.0) - 5.0) * 12.0) / 12.0)


@dataclass(frozen=True)
class SoundPlan:
    """How a sample plays (DirtEvent.orderTimeSpan/calcTimeSpan), in the engine's frames."""

    begin: float          # the slice, 0..1 fractions, begin <= end
    end: float
    reverse: bool
    rate: float           # |rate| at the onset, sample frames per output frame
    rate_end: float       # |rate| after `ramp` frames (accelerate)
    ramp: float           # frames over which the rate moves from `rate` to `rate_end`
    loops: float
    length: int           # frames the voice lasts (fades included)
    fade_in: int          # sine fade-in frames (begin != 0)
    fade_out: int         # sine fade-out frames ending at `length` (0: plays to its end)
    fade: int             # the voice's fadeTime in frames (a cut fades it over this)
    sustain_s: float      # SuperDirt's sustain in seconds (before the fades are taken off)


def _slice_frames(rate: float, rate_end: float, ramp: float, total: float) -> int:
    """Frames until the read position reaches `total` sample frames."""
    if rate_end == rate or ramp <= 0:
        return int(math.ceil(total / rate)) if rate > 0 else 0
    acc = (rate_end - rate) / (2.0 * ramp)
    at_ramp = rate * ramp + acc * ramp * ramp
    if at_ramp >= total:
        disc = rate * rate + 4.0 * acc * total
        if disc < 0:                                  # never gets there: it stops at rate 0
            return int(math.ceil(-rate / (2.0 * acc)))
        return int(math.ceil((-rate + math.sqrt(disc)) / (2.0 * acc)))
    if rate_end <= 0:
        return int(math.ceil(ramp))
    return int(math.ceil(ramp + (total - at_ramp) / rate_end))


def sound_plan(c: dict, frames: int, sr: float, duration: float, cps: float) -> SoundPlan | None:
    """The plan of a sample of `frames` frames (at the engine rate `sr`) for the event `c` of
    `duration` seconds at `cps`; None when SuperDirt would drop it (no sound)."""
    speed = number(c, "speed", 1.0)
    begin = min(max(number(c, "begin", 0.0), 0.0), 1.0)
    end = min(max(number(c, "end", 1.0), 0.0), 1.0)
    reverse = (speed < 0) != (end < begin)
    begin, end = min(begin, end), max(begin, end)
    length = end - begin
    pitch = event_freq(c) / MIDDLE_C_HZ
    if not (pitch > 0) or speed == 0.0 or length <= 0.0:
        return None
    unit_s = frames / sr / pitch                      # the sample's duration at this pitch
    unit = str(c.get("unit", "r"))
    speed = abs(speed)
    if unit == "c":
        speed *= unit_s * number(c, "cps", cps)
    accelerate = number(c, "accelerate")
    end_speed = speed * max(1.0 + accelerate, 0.0) if accelerate is not None else speed
    avg = (speed + end_speed) * 0.5                   # SuperCollider reads left to right
    natural_s = length if unit == "s" else unit_s * length / avg
    loops = abs(number(c, "loop", 1.0))
    natural_s *= loops
    sustain = number(c, "sustain")
    if sustain is None:
        legato = number(c, "legato")
        sustain = duration * legato if legato is not None else natural_s
    sustain = min(natural_s, sustain)
    fade_s = min(number(c, "fadeTime", FADE_TIME_S), sustain * 0.19098)
    starts_inside = end != 1.0 if reverse else begin != 0.0     # playback starts mid-file
    fade_in_s = fade_s if starts_inside else 0.0
    hold_s = sustain - fade_s - fade_in_s
    if sustain * sr < MIN_SUSTAIN_FRAMES or loops == 0.0:
        return None
    rate, rate_end = speed * pitch, end_speed * pitch
    ramp = max(hold_s, 0.0) * sr if accelerate is not None else 0.0
    span = max(1, int(round(end * frames)) - int(round(begin * frames)))
    natural = _slice_frames(rate, rate_end, ramp, span * loops)
    at_file_edge = (end == 1.0) if not reverse else (begin == 0.0)
    if sustain >= natural_s and at_file_edge:         # plays to the file's own end: no fade
        n, fade_out = natural, 0
    else:
        n = min(natural, max(int(round(sustain * sr)), 1))
        fade_out = max(1, int(round(fade_s * sr)))
    return SoundPlan(begin, end, reverse, rate, rate_end, ramp, loops, n,
                     int(round(fade_in_s * sr)), fade_out, max(1, int(round(fade_s * sr))),
                     sustain)


# ---------------------------------------------------------------- per-event effects
#: counter-tenor formants of the Vowel quark (Csound's table): freqs (Hz), amps (dB), widths
VOWELS: dict[str, tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]] = {
    "a": ((660, 1120, 2750, 3000, 3350), (0, -6, -23, -24, -38), (80, 90, 120, 130, 140)),
    "e": ((440, 1800, 2700, 3000, 3300), (0, -14, -18, -20, -20), (70, 80, 100, 120, 120)),
    "i": ((270, 1850, 2900, 3350, 3590), (0, -24, -24, -36, -36), (40, 90, 100, 120, 120)),
    "o": ((430, 820, 2700, 3000, 3300), (0, -10, -26, -22, -34), (40, 80, 100, 120, 120)),
    "u": ((370, 630, 2750, 3000, 3400), (0, -20, -23, -30, -34), (40, 60, 100, 120, 120)),
}


def _linlin(x: float, a: float, b: float, c: float, d: float) -> float:
    x = min(max(x, min(a, b)), max(a, b))
    return c + (x - a) / (b - a) * (d - c)


def _linexp(x: float, a: float, b: float, c: float, d: float) -> float:
    if x <= a:
        return c
    if x >= b:
        return d
    return c * (d / c) ** ((x - a) / (b - a))


def _vowel(p: np.ndarray, c: dict, sr: float) -> bool:
    table = VOWELS.get(str(c.get("vowel")))
    if table is None:
        return False
    res = number(c, "resonance", 0.5)
    amp_scale = _linlin(res, 0, 1, 50, 200)
    rq_scale = _linlin(res, 0, 1, 0.1, 0.5)
    for k, (f, db, bw) in enumerate(zip(*table)):
        f = min(float(f), sr / 2.0)
        a0, b1, b2 = fx.bpf_coefficients(f, bw / f / rq_scale, sr)
        p[fx.P_VOWEL + 4 * k:fx.P_VOWEL + 4 * k + 4] = (a0, b1, b2, 10 ** (db / 20) * amp_scale)
    x = (_linlin(res, 0, 1, -0.5, 1) + 1.0) * math.pi / 4.0        # XFade2, level 0.25
    p[fx.P_VOWEL + 20] = 0.25 * math.cos(x)
    p[fx.P_VOWEL + 21] = 0.25 * math.sin(x)
    return True


def _core_modules(p: np.ndarray, c: dict, sr: float, sustain_s: float) -> int:
    mask = 0
    if "vowel" in c and _vowel(p, c, sr):
        mask |= 1 << fx.VOWEL
    shape = number(c, "shape")
    if shape is not None and shape > 0:
        s = min(shape, 1.0 - 4e-10)
        p[fx.P_SHAPE] = 2.0 * s / (1.0 - s)
        mask |= 1 << fx.SHAPE
    hcut = number(c, "hcutoff")
    if hcut is not None and hcut != 0:
        p[fx.P_HPF:fx.P_HPF + 3] = fx.rhpf_coefficients(hcut, fx.rq_of(number(c, "hresonance", 0.0)), sr)
        mask |= 1 << fx.HPF
    bandf = number(c, "bandf")
    if bandf is not None:
        q = max(1.0, number(c, "bandq", 10.0))
        p[fx.P_BPF:fx.P_BPF + 3] = fx.bpf_coefficients(max(20.0, bandf), 1.0 / q, sr)
        p[fx.P_BPF + 3] = q
        mask |= 1 << fx.BPF
    crush = number(c, "crush")
    if crush is not None:
        p[fx.P_CRUSH] = 0.5 ** (crush - 1.0)
        mask |= 1 << fx.CRUSH
    coarse = number(c, "coarse")
    if coarse is not None and coarse > 1:
        p[fx.P_COARSE] = 1.0 / coarse
        mask |= 1 << fx.COARSE
    cutoff = number(c, "cutoff")
    if cutoff is not None:
        p[fx.P_LPF:fx.P_LPF + 3] = fx.rlpf_coefficients(cutoff, fx.rq_of(number(c, "resonance", 0.0)), sr)
        mask |= 1 << fx.LPF
    attack, release = number(c, "attack"), number(c, "release")
    if attack is not None or release is not None:
        p[fx.P_ENV] = max(attack or 0.0, 0.0) * sr
        p[fx.P_ENV + 1] = max(number(c, "hold", 0.0), 0.0) * sr
        p[fx.P_ENV + 2] = max(release, 0.0) * sr if release is not None else -1.0
        mask |= 1 << fx.ENVELOPE
    rate = number(c, "tremolorate")
    if rate is not None:
        p[fx.P_TREMOLO] = 2.0 * math.pi * rate / sr
        p[fx.P_TREMOLO + 1] = min(max(number(c, "tremolodepth", 0.5), 0.0), 1.0) * 0.5
        mask |= 1 << fx.TREMOLO
    rate = number(c, "phaserrate")
    if rate is not None:
        p[fx.P_PHASER] = 4.0 * rate / sr
        p[fx.P_PHASER + 1] = min(max(number(c, "phaserdepth", 0.5), 0.0), 1.0)
        p[fx.P_PHASER + 2] = max(1.0, sustain_s * sr)
        mask |= 1 << fx.PHASER
    return mask


def _extra_modules(p: np.ndarray, c: dict, sr: float, freq: float) -> int:
    q = fx.N_CORE_PARAMS
    mask = 0
    drop = number(c, "waveloss")
    if drop is not None:
        p[q + xf.X_WAVELOSS] = int(drop) / xf.WAVELOSS_OUTOF
        mask |= 1 << xf.WAVELOSS
    squiz = number(c, "squiz")
    if squiz is not None:
        p[q + xf.X_SQUIZ] = min(max(squiz, 1.0), float(xf.squiz_frames(sr)))
        mask |= 1 << xf.SQUIZ
    shift = number(c, "fshift")
    if shift is not None:
        hz = freq * number(c, "fshiftnote", 0.0) + shift
        p[q + xf.X_FSHIFT:q + xf.X_FSHIFT + 2] = (2.0 * math.pi * hz / sr, number(c, "fshiftphase", 0.0))
        mask |= 1 << xf.FSHIFT
    triode = number(c, "triode")
    if triode is not None:
        p[q + xf.X_TRIODE] = triode * 10.0 + 1e-3
        mask |= 1 << xf.TRIODE
    krush = number(c, "krush")
    if krush is not None:
        kcut = number(c, "kcutoff", 0.0)
        a0, b1, b2 = fx.rlpf_coefficients(min(max(kcut if kcut > 0 else 4000.0, 20.0), 10000.0), 1.0, sr)
        gd, gw = xf.select_x(krush * 2.0, 2)
        p[q + xf.X_KRUSH:q + xf.X_KRUSH + 6] = (krush, a0, b1, b2, gd, gw)
        mask |= 1 << xf.KRUSH
    if any(k in c for k in ("octer", "octersub", "octersubsub")):
        octer = number(c, "octer", 0.0)
        g = xf.select_x(octer, 3)
        p[q + xf.X_OCTER:q + xf.X_OCTER + 4] = (g[0], g[1] * octer, number(c, "octersub", 0.0),
                                                number(c, "octersubsub", 0.0))
        p[q + xf.X_OCTER + 4:q + xf.X_OCTER + 7] = xf.lpf_coefficients(440.0, sr)
        mask |= 1 << xf.OCTER
    ring = number(c, "ring")
    if ring is not None:
        f0 = number(c, "ringf", 0.0)
        p[q + xf.X_RING:q + xf.X_RING + 4] = (ring, f0, f0 + number(c, "ringdf", 0.0), sr)
        mask |= 1 << xf.RING
    distort = number(c, "distort")
    if distort is not None:
        gx, gm = xf.select_x(distort, 2)
        d = q + xf.X_DISTORT
        p[d:d + 3] = (gx, gm, 0.1 * distort)
        for k, t in enumerate(xf.DISTORT_TIMES):
            p[d + 3 + 2 * k:d + 5 + 2 * k] = xf.ringz_coefficients(t, sr)
        for k, f in enumerate(xf.DISTORT_FREQS):
            two_r, r2 = p[d + 3 + 2 * k], p[d + 4 + 2 * k]
            p[d + 11 + k] = two_r * (two_r * math.cos(2.0 * math.pi * f / sr) / (1.0 + r2))
        mask |= 1 << xf.DISTORT
    djf = number(c, "djf")
    if djf is not None:
        lo = _linexp(djf, 0.0, 0.5, 20.0, 10000.0)
        hi = _linexp(djf, 0.5, 1.0, 20.0, 10000.0)
        p[q + xf.X_DJF:q + xf.X_DJF + 3] = fx.rlpf_coefficients(lo, 1.0, sr)
        p[q + xf.X_DJF + 3:q + xf.X_DJF + 6] = fx.rhpf_coefficients(hi, 1.0, sr)
        mask |= 1 << xf.DJF
    return mask << fx.WAVELOSS


def effect_row(c: dict, sr: float, freq: float, sustain_s: float) -> tuple[int, np.ndarray | None]:
    """(module mask, parameter row) of the per-event effects event `c` uses; (0, None) for a
    dry event. `freq` is the event's pitch (fshiftnote), `sustain_s` its sustain (the phaser's
    longest delay)."""
    p = np.zeros(fx.N_PARAMS, np.float64)
    mask = _core_modules(p, c, sr, sustain_s) | _extra_modules(p, c, sr, freq)
    return (mask, p) if mask else (0, None)


def envelope_end(mask: int, p: np.ndarray | None, sr: float) -> int | None:
    """The age (frames) after which a voice's envelope module has silenced it (with a margin
    for the effects that ring on), or None."""
    if not mask & (1 << fx.ENVELOPE) or p[fx.P_ENV + 2] < 0:
        return None
    return int(math.ceil(p[fx.P_ENV] + p[fx.P_ENV + 1] + p[fx.P_ENV + 2] + ENV_MARGIN_S * sr))


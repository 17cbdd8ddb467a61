"""Transforms for samples and controls: chop, striate, slice, splice, loopAt, control
setters, and values -> controls (s, n, note)."""
from __future__ import annotations

from fractions import Fraction
from typing import Any, Callable

from ..arithmetic import compose_op
from ..combinators import sequence, slowcat
from ..notes import note_number
from ..pattern import pure, reify, silence
from ..timespan import Event, to_time
from .registry import as_int, register
from .time_ops import squeezed_period


# ---------------------------------------------------------------- sample manipulation
def _merge_slice(o: Any, b: float, e: float) -> dict:
    d = dict(o) if isinstance(o, dict) else {"s": o}
    if d.get("begin") is not None and d.get("end") is not None:
        span = d["end"] - d["begin"]
        b, e = d["begin"] + b * span, d["begin"] + e * span
    d["begin"], d["end"] = b, e
    return d


@register("chop", "n", "Cut each event into n parts, each playing a part of the sample.")
def chop(n, pat):
    n = as_int(n)
    out = pat.squeeze_bind(lambda o: sequence(*[_merge_slice(o, i / n, (i + 1) / n) for i in range(n)]))
    return squeezed_period(out, pat, Fraction(1))


@register("striate", "n", "Interlace n parts of each sample across n repetitions of the cycle.")
def striate(n, pat):
    n = as_int(n)
    slices = slowcat(*[{"begin": i / n, "end": (i + 1) / n} for i in range(n)])
    return pat.app_left(slices, lambda a, b: compose_op(a if isinstance(a, dict) else {"s": a}, b,
                                                        lambda x, y: y))._fast(n)


def _slice_value(n: Any, i: Any, o: Any) -> dict | None:
    d = dict(o) if isinstance(o, dict) else {"s": o}
    n = as_int(n)
    i = as_int(i, "index")
    if n <= 0:
        return None          # no slices: nothing plays (like `chop 0`)
    return {"begin": i / n, "end": (i + 1) / n, "_slices": n, **d}


@register("slice", "n index", "Play slice `index` of n equal slices of each sample.", patterned=False)
def slice_(n, index, pat):
    npat, ipat = reify(n), reify(index)
    return npat.inner_bind(lambda nv: ipat.outer_bind(lambda iv: pat.outer_bind(
        lambda o: pure(_slice_value(nv, iv, o))))).remove_none()


@register("splice", "n index", "Like slice, with speed set so each slice fills its event.",
          patterned=False)
def splice(n, index, pat):
    sliced = slice_(n, index, pat)

    def fix(ev: Event) -> Event:
        v = dict(ev.value)
        dur = float(ev.whole.end - ev.whole.begin) if ev.whole is not None else 1.0
        v = {"speed": (1 / v["_slices"]) / dur * v.get("speed", 1), "unit": "c", **{
            k: x for k, x in v.items() if k != "speed"}}
        return Event(ev.whole, ev.part, v)
    return sliced.with_event(fix)


@register("loopAt", "cycles", "Fit the sample to `cycles` cycles (speed 1/cycles, unit 'c').", "loopat")
def loop_at(factor, pat):
    f = to_time(factor)
    return pat.app_left(pure({"speed": float(1 / f), "unit": "c"}),
                        lambda a, b: {**(a if isinstance(a, dict) else {"s": a}),
                                      "speed": (a.get("speed", 1) if isinstance(a, dict) else 1) * b["speed"],
                                      "unit": "c"})._slow(f)


def _control_setter(name: str, doc: str, key: str | None = None) -> None:
    @register(name, "value", doc)
    def impl(value, pat):
        return pat.app_left(pure({key or name: value}), lambda a, b: compose_op(a, b, lambda x, y: y))


_control_setter("legato", "Set the legato control (event length relative to its slot).")
_control_setter("sustain", "Set the sustain control (event length in seconds).")
_control_setter("gain", "Set the gain control.")
_control_setter("pan", "Set the pan control (0 left .. 1 right).")
_control_setter("speed", "Set the speed control.")


# ---------------------------------------------------------------- value -> control conversions
def _as_control(name: str, multi: tuple[str, ...] = ()) -> Callable[[Any], dict]:
    names = (name, *multi)

    def conv(v: Any) -> Any:
        if isinstance(v, dict):
            return v
        if multi and isinstance(v, (tuple, list)):
            return {k: x for k, x in zip(names, v)}
        return {name: v}
    return conv


@register("s", "", "Turn values into the sound control (`bd:3` -> s=bd n=3).", "sound")
def s_(pat):
    return pat.fmap(_as_control("s", ("n", "gain")))


@register("n", "", "Turn values into the n control (note names -> semitones from c4, as note).")
def n_(pat):
    return pat.fmap(lambda v: {"n": note_number(v)} if not isinstance(v, dict) else v)


@register("note", "", "Turn values into the note control (note names -> semitones from c4).")
def note_(pat):
    return pat.fmap(lambda v: {"note": note_number(v)} if not isinstance(v, dict) else v)


_control_setter("staccato", "The Rust original's staccato: sets legato (event length relative to "
                "its slot).", key="legato")
_control_setter("accelerate", "Set the accelerate control (pitch glide of a sample, in octaves "
                "per sample length).")


_control_setter("dur", "The Rust original's dur: sets sustain (the note length in seconds).",
                key="sustain")


@register("gap", "n", "Tidal's gap: chop each event into n parts and keep the parts that fall in "
          "the even n-ths of the cycle (every other grain silent).")
def gap(n, pat):
    n = as_int(n)
    if n <= 0:
        return silence
    keep = slowcat(True, False)._fast(n)
    return keep.app_both(chop(n, pat), lambda k, v: v if k else None).remove_none()

"""Pattern transforms (Tidal names), callable Tidal-style with the pattern LAST.

    TRANSFORMS["every"].fn(3, lambda p: p.fast(2), pat)

Called with every argument but the pattern, a transform returns a function Pattern -> Pattern
(Tidal's partial application): `TRANSFORMS["fast"].fn(2)` is `fast 2`.

Arguments of kind "pattern" are patternable as in Tidal/Strudel: a plain number, a Pattern or
a mini-notation string. When every such argument is a plain value the transform is applied
directly; otherwise each event of the argument pattern picks the transform for its own time
span (inner join), exactly as Strudel's `register` does. Semantics follow Strudel 1.2 (the
conformance oracle) where it has the function, Tidal 1.9 otherwise (noted in the docs).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable

from .arithmetic import compose_op, num_add, num_div, num_mod, num_mul, num_sub, truthy
from .notes import note_number
from .pattern import (Pattern, fastcat, int_period, lcm_period, patternify, pure, reify, sequence,
                      silence, slowcat, slowcat_prime, stack, timecat)
from .signals import _irand, degrade_by_with, rand, randrun
from .timespan import Event, TimeSpan, sam, to_time

PatFn = Callable[[Pattern], Pattern]


@dataclass(frozen=True)
class ArgSpec:
    """One argument of a transform: kind is pattern, function, number or list."""
    name: str
    kind: str


@dataclass(frozen=True)
class TransformSpec:
    """A transform: `fn(*args, pat)`, its arguments (without the pattern) and a doc line."""
    name: str
    fn: Callable[..., Pattern]
    args: tuple[ArgSpec, ...]
    doc: str


TRANSFORMS: dict[str, TransformSpec] = {}


def _register(name: str, args: str, doc: str, *aliases: str, patterned: bool = True):
    """Register `impl(*args, pat)`; `args` is "name:kind name:kind" (kind defaults to pattern)."""
    specs = tuple(ArgSpec(*(a.split(":") if ":" in a else (a, "pattern"))) for a in args.split())

    def deco(impl: Callable[..., Pattern]) -> Callable[..., Pattern]:
        def make(label: str) -> Callable[..., Pattern]:
            def fn(*call_args: Any) -> Pattern:
                if len(call_args) == len(specs):  # partial application: a Pattern -> Pattern
                    return lambda p: fn(*call_args, p)
                if len(call_args) != len(specs) + 1:
                    raise TypeError(f"{label} expects {len(specs)} argument(s) and a pattern, "
                                    f"got {len(call_args)} value(s)")
                *vals, pat = call_args
                pat = reify(pat)
                if not patterned or not vals:
                    return impl(*vals, pat)
                return patternify(impl, *vals, pat=pat)
            fn.__name__ = label
            fn.__doc__ = doc
            TRANSFORMS[label] = TransformSpec(label, fn, specs, doc)
            return fn
        main = make(name)
        for alias in aliases:
            make(alias)
        return main
    return deco


def _int(x: Any) -> int:
    return int(math.floor(float(x))) if not isinstance(x, int) else x


# ---------------------------------------------------------------- time
@_register("fast", "factor", "Speed up by a factor.", "density")
def fast(factor, pat):
    return pat._fast(factor)


@_register("slow", "factor", "Slow down by a factor.", "sparsity")
def slow(factor, pat):
    return pat._slow(factor)


@_register("hurry", "factor", "Speed up and multiply the `speed` control by the same factor.")
def hurry(factor, pat):
    return pat._fast(factor).app_left(pure({"speed": factor}), lambda a, b: compose_op(a, b, num_mul))


@_register("early", "cycles", "Shift earlier in time by a number of cycles.", "rotL")
def early(offset, pat):
    return pat._early(offset)


@_register("late", "cycles", "Shift later in time by a number of cycles.", "rotR")
def late(offset, pat):
    return pat._late(offset)


@_register("fastGap", "factor", "Speed up, squashing each cycle into its start and leaving a gap.",
           "fastgap")
def fast_gap(factor, pat):
    return pat._fast_gap(factor)


@_register("compress", "begin end", "Squeeze each cycle into the span [begin, end) of the cycle.")
def compress(b, e, pat):
    return pat._compress(b, e)


@_register("zoom", "begin end", "Play only the span [begin, end) of each cycle, stretched to a cycle.",
           "zoomArc")
def zoom(b, e, pat):
    return pat._zoom(b, e)


@_register("linger", "fraction", "Repeat the first fraction of each cycle (negative: the last).")
def linger(t, pat):
    t = to_time(t)
    if t == 0:
        return silence
    if t < 0:
        return pat._zoom(1 + t, 1)._fast(-1 / t)
    return pat._zoom(0, t)._slow(t)


@_register("trunc", "fraction", "Play only the first fraction of each cycle, silencing the rest.")
def trunc(t, pat):
    t = to_time(t)
    if t <= 0:
        return silence
    if t >= 1:
        return pat
    return pat._zoom(0, t)._compress(0, t)


@_register("inside", "factor f:function", "Apply f inside a cycle slowed down by factor.")
def inside(n, f, pat):
    return f(pat._slow(n))._fast(n)


@_register("outside", "factor f:function", "Apply f outside: on the pattern sped up by factor.")
def outside(n, f, pat):
    return f(pat._fast(n))._slow(n)


@_register("ply", "factor", "Repeat each event factor times within its span.")
def ply(factor, pat):
    return _squeezed(pat.fmap(lambda x: pure(x)._fast(factor)).squeeze_join(), pat, 1 / to_time(factor))


def _squeezed(out: Pattern, pat: Pattern, inner_period: Fraction) -> Pattern:
    """Set the period of a squeeze of per-value patterns (all of period `inner_period`) into `pat`."""
    p = int_period(pat.period)
    out.period = None if p is None else lcm_period(Fraction(p), Fraction(int_period(inner_period)))
    return out


@_register("pressBy", "fraction", "Compress each event into its last (1 - fraction).", "pressby")
def press_by(r, pat):
    return _squeezed(pat.fmap(lambda x: pure(x)._compress(r, 1)).squeeze_join(), pat, Fraction(1))


@_register("press", "", "Compress each event into its second half.")
def press(pat):
    return press_by(0.5, pat)


@_register("segment", "n", "Sample the pattern n times per cycle.", "seg")
def segment(n, pat):
    return pat._segment(n)


@_register("swingBy", "amount n",
           "Delay the events in the second half of each of n slices per cycle by amount/2 slice "
           "(Strudel).", "swingby")
def swing_by(x, n, pat):
    return inside(n, lambda p: late(sequence(0, to_time(x) / 2), p), pat)


@_register("swing", "n", "swingBy 1/3.")
def swing(n, pat):
    return swing_by(Fraction(1, 3), n, pat)


@_register("repeatCycles", "n", "Repeat each cycle n times.")
def repeat_cycles(n, pat):
    return pat._repeat_cycles(n)


# ---------------------------------------------------------------- order
@_register("rev", "", "Reverse each cycle.")
def rev(pat):
    return pat._rev()


@_register("palindrome", "", "Reverse every other cycle (odd cycles).")
def palindrome(pat):
    return last_of(2, rev, pat)


def _iter(times: Any, pat: Pattern, back: bool) -> Pattern:
    times = to_time(times)
    n = _int(times)
    return slowcat(*[pat._late(Fraction(i) / times) if back else pat._early(Fraction(i) / times)
                     for i in range(n)])


@_register("iter", "n", "Shift the start by 1/n of a cycle further each cycle.")
def iter_(n, pat):
    return _iter(n, pat, False)


@_register("iterBack", "n", "Like iter, in the other direction.", "iterback")
def iter_back(n, pat):
    return _iter(n, pat, True)


# ---------------------------------------------------------------- conditionals
@_register("firstOf", "n f:function", "Apply f on the first of every n cycles (cycle 0, n, 2n...).",
           "every")
def first_of(n, f, pat):
    n = _int(n)
    if n <= 0:
        return pat
    return slowcat_prime(f(pat), *[pat] * (n - 1))


@_register("lastOf", "n f:function", "Apply f on the last of every n cycles.")
def last_of(n, f, pat):
    n = _int(n)
    if n <= 0:
        return pat
    return slowcat_prime(*[pat] * (n - 1), f(pat))


@_register("whenmod", "a b f:function", "Apply f when cycle mod a >= b (Tidal).")
def whenmod(a, b, f, pat):
    a_, b_ = to_time(a), to_time(b)
    applied = f(pat)

    def q(span: TimeSpan) -> list[Event]:
        cyc = sam(span.begin)
        return (applied if cyc % a_ >= b_ else pat)._query(span)
    return Pattern(q).split_queries()


@_register("when", "on f:function", "Apply f where the boolean pattern `on` is true.")
def when(on, f, pat):
    return f(pat) if truthy(on) else pat


def _chunk(n: Any, f: PatFn, pat: Pattern, back: bool = False, fast_: bool = False) -> Pattern:
    n = _int(n)
    binary = sequence(True, *[False] * (n - 1))
    binary_pat = _iter(n, binary, not back)
    if not fast_:
        pat = pat._repeat_cycles(n)
    return when(binary_pat, f, pat)


@_register("chunk", "n f:function", "Apply f to one of n parts per cycle, moving on each cycle.",
           "slowChunk", "slowchunk")
def chunk(n, f, pat):
    return _chunk(n, f, pat)


@_register("chunkBack", "n f:function", "Like chunk, moving backwards.", "chunkback")
def chunk_back(n, f, pat):
    return _chunk(n, f, pat, back=True)


@_register("fastChunk", "n f:function", "Like chunk, without repeating cycles.", "fastchunk")
def fast_chunk(n, f, pat):
    return _chunk(n, f, pat, fast_=True)


@_register("within", "begin end f:function", "Apply f to the events starting in [begin, end] of a cycle.")
def within(b, e, f, pat):
    b, e = to_time(b), to_time(e)

    def inside_(ev: Event) -> bool:
        pos = ev.whole.begin - sam(ev.whole.begin)
        return b <= pos <= e
    return stack(f(pat.filter_events(lambda ev: ev.whole is not None and inside_(ev))),
                 pat.filter_events(lambda ev: ev.whole is not None and not inside_(ev)))


# ---------------------------------------------------------------- layering
@_register("superimpose", "f:function", "Play the pattern together with f applied to it.")
def superimpose(f, pat):
    return stack(pat, f(pat))


@_register("off", "cycles f:function", "Superimpose f applied to a shifted copy.")
def off(t, f, pat):
    return stack(pat, f(late(t, pat)))


def _pan_shift(val: Any, by: float) -> dict:
    d = dict(val) if isinstance(val, dict) else {"value": val}
    d["pan"] = d.get("pan", 0.5) + by
    return d


@_register("juxBy", "amount f:function", "Like jux, panned apart by amount (0..1).", "juxby")
def jux_by(by, f, pat):
    half = by / 2 if not isinstance(by, Fraction) else float(by) / 2
    left = pat.fmap(lambda v: _pan_shift(v, -half))
    right = f(pat.fmap(lambda v: _pan_shift(v, half)))
    return stack(left, right)


@_register("jux", "f:function", "Pattern left (pan 0), f applied right (pan 1).")
def jux(f, pat):
    return jux_by(1, f, pat)


def _gain(g: float, pat: Pattern) -> Pattern:
    return pat.app_left(pure({"gain": g}), lambda a, b: compose_op(a, b, lambda x, y: y))


@_register("echo", "count time feedback", "count copies, each `time` later and gain × feedback^i.")
def echo(count, time, feedback, pat):
    t = to_time(time)
    return stack(*[_gain(feedback ** i, pat._late(t * i)) for i in range(_int(count))])


@_register("stut", "count feedback time", "Tidal's stut: like echo with arguments in Tidal's order.")
def stut(count, feedback, time, pat):
    return echo(count, time, feedback, pat)


@_register("echoWith", "count time f:function",
           "count layers, each `time` later with f applied once more (Tidal stutWith).",
           "stutWith", "echowith", "stutwith")
def echo_with(count, time, f, pat):
    t = to_time(time)
    # layers: p, f(p late t), f(f(p late t) late t) ...
    out, cur = [pat], pat
    for _ in range(_int(count) - 1):
        cur = f(cur._late(t))
        out.append(cur)
    return stack(*out)


@_register("stutter", "count time", "Repeat each event count times, `time` apart.")
def stutter(count, time, pat):
    t = to_time(time)
    return stack(*[pat._late(t * i) for i in range(_int(count))])


# ---------------------------------------------------------------- randomness
@_register("degradeBy", "amount", "Drop events at random with probability amount.", "degradeby")
def degrade_by(x, pat):
    return degrade_by_with(rand, x, pat)


@_register("degrade", "", "Drop half of the events at random.")
def degrade(pat):
    return degrade_by(0.5, pat)


@_register("unDegradeBy", "amount", "Keep only the events degradeBy would drop.", "undegradeBy",
           "undegradeby")
def undegrade_by(x, pat):
    return degrade_by_with(rand.fmap(lambda r: 1 - r), x, pat)


@_register("sometimesBy", "probability f:function", "Apply f to events at random with probability.",
           "sometimesby")
def sometimes_by(x, f, pat):
    return stack(degrade_by(x, pat), f(undegrade_by(1 - x, pat)))


def _sometimes_fixed(name: str, prob: float, doc: str) -> None:
    @_register(name, "f:function", doc)
    def impl(f, pat):
        return sometimes_by(prob, f, pat)


_sometimes_fixed("sometimes", 0.5, "sometimesBy 0.5")
_sometimes_fixed("often", 0.75, "sometimesBy 0.75")
_sometimes_fixed("rarely", 0.25, "sometimesBy 0.25")
_sometimes_fixed("almostNever", 0.1, "sometimesBy 0.1")
_sometimes_fixed("almostAlways", 0.9, "sometimesBy 0.9")


@_register("always", "f:function", "Always apply f.")
def always(f, pat):
    return f(pat)


@_register("never", "f:function", "Never apply f.")
def never(f, pat):
    return pat


@_register("someCyclesBy", "probability f:function", "Apply f to whole cycles at random.",
           "somecyclesBy")
def some_cycles_by(x, f, pat):
    return stack(degrade_by_with(rand._segment(1), x, pat),
                 f(degrade_by_with(rand.fmap(lambda r: 1 - r)._segment(1), 1 - x, pat)))


@_register("someCycles", "f:function", "someCyclesBy 0.5")
def some_cycles(f, pat):
    return some_cycles_by(0.5, f, pat)


def _rearrange_with(ipat: Pattern, n: int, pat: Pattern) -> Pattern:
    parts = [pat._zoom(Fraction(i, n), Fraction(i + 1, n)) for i in range(n)]
    return ipat.fmap(lambda i: parts[i]._repeat_cycles(n)._fast(n)).inner_join()


@_register("shuffle", "n", "Play the n parts of each cycle in a random order (each once).")
def shuffle(n, pat):
    n = _int(n)
    return _rearrange_with(randrun(n), n, pat) if n > 0 else silence


@_register("scramble", "n", "Play n random parts of each cycle (repeats possible).")
def scramble(n, pat):
    n = _int(n)
    return _rearrange_with(_irand(n)._segment(n), n, pat) if n > 0 else silence


@_register("brak", "", "Squash every other cycle into half a cycle, offset by a quarter.")
def brak(pat):
    return when(slowcat(False, True), lambda x: fastcat(x, silence)._late(Fraction(1, 4)), pat)


# ---------------------------------------------------------------- structure
@_register("struct", "bools", "Impose the structure of a boolean pattern ('t'/'1' = event).",
           patterned=False)
def struct(bools, pat):
    return pat.struct(bools)


@_register("mask", "bools", "Silence the parts of the pattern where bools is false.",
           patterned=False)
def mask(bools, pat):
    return pat.mask(bools)


@_register("invert", "", "Swap true and false.", "inv")
def invert(pat):
    return pat.fmap(lambda x: not truthy(x))


def bjorklund(ons: int, steps: int) -> list[int]:
    """The Euclidean rhythm of `ons` onsets in `steps` steps (negative ons: inverted)."""
    inverted = ons < 0
    steps = max(steps, 0)
    ons = min(abs(ons), steps)  # Strudel rejects ons > steps; we fill every step
    offs = steps - ons
    a = [[1] for _ in range(ons)]
    b = [[0] for _ in range(max(offs, 0))]
    n_on, n_off = ons, max(offs, 0)
    while min(n_on, n_off) > 1:
        if n_on > n_off:  # Rohan Drape's "left" step
            head, rest = a[:n_off], a[n_off:]
            a, b = [x + y for x, y in zip(head, b)], rest
            n_on, n_off = n_off, n_on - n_off
        else:  # "right" step
            head, rest = b[:n_on], b[n_on:]
            a, b = [x + y for x, y in zip(a, head)], rest
            n_on, n_off = n_on, n_off - n_on
    out = [x for grp in a for x in grp] + [x for grp in b for x in grp]
    return [1 - x for x in out] if inverted else out


def _euclid_bools(pulses: Any, steps: Any, rotation: Any = 0) -> list[int]:
    bits = bjorklund(_int(pulses), _int(steps))
    r = _int(rotation)
    if r:
        bits = bits[-r:] + bits[:-r]
    return bits


@_register("euclid", "pulses steps", "Euclidean rhythm: pulses onsets spread over steps.")
def euclid(pulses, steps, pat):
    return struct(sequence(*_euclid_bools(pulses, steps)), pat)


@_register("euclidRot", "pulses steps rotation", "Euclid rotated later by rotation steps (Strudel).",
           "euclidrot")
def euclid_rot(pulses, steps, rotation, pat):
    return struct(sequence(*_euclid_bools(pulses, steps, rotation)), pat)


@_register("euclidInv", "pulses steps", "The rests of the Euclidean rhythm (Tidal).", "euclidinv")
def euclid_inv(pulses, steps, pat):
    return struct(sequence(*[1 - b for b in _euclid_bools(pulses, steps)]), pat)


@_register("euclidFull", "pulses steps other",
           "`other` on the Euclidean hits, the pattern on the rests (Tidal).",
           "euclidfull")
def euclid_full(pulses, steps, other, pat):
    return stack(euclid(pulses, steps, other), euclid_inv(pulses, steps, pat))


def _euclid_legato(pulses: Any, steps: Any, rotation: Any, pat: Pattern) -> Pattern:
    if _int(pulses) < 1:
        return silence
    bits = "".join(str(b) for b in _euclid_bools(pulses, steps))
    gapless = [(len(s) + 1, True) for s in bits.split("1")[1:]]
    return struct(timecat(*gapless), pat)._late(to_time(rotation) / to_time(steps))


@_register("euclidLegato", "pulses steps", "Euclid with each onset held until the next.")
def euclid_legato(pulses, steps, pat):
    return _euclid_legato(pulses, steps, 0, pat)


@_register("euclidLegatoRot", "pulses steps rotation", "euclidLegato rotated later by rotation steps.")
def euclid_legato_rot(pulses, steps, rotation, pat):
    return _euclid_legato(pulses, steps, rotation, pat)


# ---------------------------------------------------------------- arithmetic and ranges
def _arith(name: str, func: Callable[[Any, Any], Any], doc: str) -> None:
    @_register(name, "amount", doc)
    def impl(amount, pat):
        return pat.app_left(reify(amount), lambda a, b: compose_op(a, b, func))


_arith("add", num_add, "Add (structure from the pattern).")
_arith("sub", num_sub, "Subtract (structure from the pattern).")
_arith("mul", num_mul, "Multiply (structure from the pattern).")
_arith("div", num_div, "Divide (structure from the pattern).")
_arith("mod", num_mod, "Modulo (structure from the pattern).")


@_register("range", "min max", "Scale values from 0..1 to min..max.")
def range_(lo, hi, pat):
    return pat.fmap(lambda x: compose_op(compose_op(x, num_sub(hi, lo), num_mul), lo, num_add))


@_register("rangex", "min max", "Scale values from 0..1 exponentially to min..max.")
def rangex(lo, hi, pat):
    lo_, hi_ = math.log(lo), math.log(hi)
    return pat.fmap(lambda x: math.exp(x * (hi_ - lo_) + lo_))


@_register("range2", "min max", "Scale values from -1..1 to min..max.")
def range2(lo, hi, pat):
    return range_(lo, hi, pat.fmap(lambda x: (x + 1) / 2))


# ---------------------------------------------------------------- sample manipulation
def _merge_slice(o: Any, b: float, e: float) -> dict:
    d = dict(o) if isinstance(o, dict) else {"s": o}
    if d.get("begin") is not None and d.get("end") is not None:
        span = d["end"] - d["begin"]
        b, e = d["begin"] + b * span, d["begin"] + e * span
    d["begin"], d["end"] = b, e
    return d


@_register("chop", "n", "Cut each event into n parts, each playing a part of the sample.")
def chop(n, pat):
    n = _int(n)
    out = pat.squeeze_bind(lambda o: sequence(*[_merge_slice(o, i / n, (i + 1) / n) for i in range(n)]))
    return _squeezed(out, pat, Fraction(1))


@_register("striate", "n", "Interlace n parts of each sample across n repetitions of the cycle.")
def striate(n, pat):
    n = _int(n)
    slices = slowcat(*[{"begin": i / n, "end": (i + 1) / n} for i in range(n)])
    return pat.app_left(slices, lambda a, b: compose_op(a if isinstance(a, dict) else {"s": a}, b,
                                                        lambda x, y: y))._fast(n)


def _slice_value(n: Any, i: Any, o: Any) -> dict:
    d = dict(o) if isinstance(o, dict) else {"s": o}
    n = _int(n)
    i = _int(i)
    return {"begin": i / n, "end": (i + 1) / n, "_slices": n, **d}


@_register("slice", "n index", "Play slice `index` of n equal slices of each sample.", patterned=False)
def slice_(n, index, pat):
    npat, ipat = reify(n), reify(index)
    return npat.inner_bind(lambda nv: ipat.outer_bind(lambda iv: pat.outer_bind(
        lambda o: pure(_slice_value(nv, iv, o)))))


@_register("splice", "n index", "Like slice, with speed set so each slice fills its event.",
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


@_register("loopAt", "cycles", "Fit the sample to `cycles` cycles (speed 1/cycles, unit 'c').", "loopat")
def loop_at(factor, pat):
    f = to_time(factor)
    return pat.app_left(pure({"speed": float(1 / f), "unit": "c"}),
                        lambda a, b: {**(a if isinstance(a, dict) else {"s": a}),
                                      "speed": (a.get("speed", 1) if isinstance(a, dict) else 1) * b["speed"],
                                      "unit": "c"})._slow(f)


def _control_setter(name: str, doc: str) -> None:
    @_register(name, "value", doc)
    def impl(value, pat):
        return pat.app_left(pure({name: value}), lambda a, b: compose_op(a, b, lambda x, y: y))


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


@_register("s", "", "Turn values into the sound control (`bd:3` -> s=bd n=3).", "sound")
def s_(pat):
    return pat.fmap(_as_control("s", ("n", "gain")))


@_register("n", "", "Turn values into the n control.")
def n_(pat):
    return pat.fmap(_as_control("n"))


@_register("note", "", "Turn values into the note control (note names -> semitones from c4).")
def note_(pat):
    return pat.fmap(lambda v: {"note": note_number(v)} if not isinstance(v, dict) else v)


__all__ = ["TRANSFORMS", "TransformSpec", "ArgSpec", "bjorklund"]

"""Transforms that layer copies of a pattern: superimpose, off, jux, echo, stut, stutter."""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from ..arithmetic import compose_op
from ..combinators import stack
from ..pattern import Pattern, pure, reify, silence
from ..timespan import to_time
from .registry import as_int, register, register_variant
from .time_ops import late, ply


# ---------------------------------------------------------------- layering
@register("superimpose", "f:function", "Play the pattern together with f applied to it.")
def superimpose(f, pat):
    return stack(pat, f(pat))


@register("off", "cycles f:function", "Superimpose f applied to a shifted copy.")
def off(t, f, pat):
    return stack(pat, f(late(t, pat)))


def _pan_shift(val: Any, by: float) -> dict:
    """`val` with its pan moved by `by` on Phonon's -1..1 scale (centre 0 when it has none)."""
    d = dict(val) if isinstance(val, dict) else {"value": val}
    d["pan"] = d.get("pan", 0.0) + by
    return d


@register("juxBy", "amount f:function",
          "Like jux, the copies panned apart by amount (0..1): pan -amount and +amount.", "juxby")
def jux_by(by, f, pat):
    # Strudel pans 0.5 -+ by/2 on its 0..1 scale; on Phonon's -1..1 scale that is 0 -+ by
    by = float(by)
    left = pat.fmap(lambda v: _pan_shift(v, -by))
    right = f(pat.fmap(lambda v: _pan_shift(v, by)))
    return stack(left, right)


@register("jux", "f:function", "Pattern hard left (pan -1), f applied hard right (pan 1).")
def jux(f, pat):
    return jux_by(1, f, pat)


def _gain(g: float, pat: Pattern) -> Pattern:
    return pat.app_left(pure({"gain": g}), lambda a, b: compose_op(a, b, lambda x, y: y))


@register("echo", "count time feedback", "count copies, each `time` later and gain × feedback^i.")
def echo(count, time, feedback, pat):
    t = to_time(time)
    return stack(*[_gain(feedback ** i, pat._late(t * i)) for i in range(as_int(count))])


@register("stut", "count feedback time", "Tidal's stut: like echo with arguments in Tidal's order.")
def stut(count, feedback, time, pat):
    return echo(count, time, feedback, pat)


@register("echoWith", "count time f:function",
          "count layers, each `time` later with f applied once more (Tidal stutWith).",
           "stutWith", "echowith", "stutwith")
def echo_with(count, time, f, pat):
    t = to_time(time)
    # layers: p, f(p late t), f(f(p late t) late t) ...
    out, cur = [pat], pat
    for _ in range(as_int(count) - 1):
        cur = f(cur._late(t))
        out.append(cur)
    return stack(*out)


@register("stutter", "count time", "Repeat each event count times, `time` apart.")
def stutter(count, time, pat):
    t = to_time(time)
    return stack(*[pat._late(t * i) for i in range(as_int(count))])


@register_variant("stutter", "count", "The Rust original's stutter n: each event split into n "
                  "equal repeats (ply n).")
def stutter_ply(count, pat):
    return ply(count, pat)


def _set_pan(val: Any, pan: float) -> dict:
    d = dict(val) if isinstance(val, dict) else {"value": val}
    d["pan"] = pan
    return d


@register("spin", "copies", "Tidal's spin: `copies` layers, layer i shifted i/copies of a cycle "
          "earlier and panned to i/copies of the way from left to right.")
def spin(copies, pat):
    n = as_int(copies)
    if n <= 0:
        return silence
    return stack(*[pat._early(Fraction(i, n)).fmap(lambda v, i=i: _set_pan(v, (2 * i - n) / n))
                   for i in range(n)])


@register("weave", "cycles pats:list",
          "Tidal's weave: the pattern (a control pattern such as pan saw) spread over `cycles` "
          "cycles and merged into each pattern of the list, each offset by an equal share.")
def weave(cycles, pats, pat):
    t = to_time(cycles)
    if not pats or t <= 0:
        return silence
    n = len(pats)
    slowed = pat._slow(t)
    return stack(*[reify(other).merge(slowed)._early(Fraction(i, n) * t)
                   for i, other in enumerate(pats)])

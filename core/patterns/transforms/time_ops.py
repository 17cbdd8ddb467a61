"""Transforms of time and order: speed, shifts, zooms, per-event repeats, reversal, iteration."""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from ..arithmetic import compose_op, num_mul
from ..combinators import fastcat, sequence, slowcat
from ..pattern import Pattern, int_period, lcm_period, pure, silence
from ..timespan import Event, TimeSpan, sam, to_time
from .registry import as_int, register


# ---------------------------------------------------------------- time
@register("fast", "factor", "Speed up by a factor (`dup`: the Rust original's name).", "density", "dup")
def fast(factor, pat):
    return pat._fast(factor)


@register("slow", "factor", "Slow down by a factor.", "sparsity")
def slow(factor, pat):
    return pat._slow(factor)


@register("hurry", "factor", "Speed up and multiply the `speed` control by the same factor.")
def hurry(factor, pat):
    return pat._fast(factor).app_left(pure({"speed": factor}), lambda a, b: compose_op(a, b, num_mul))


@register("early", "cycles", "Shift earlier in time by a number of cycles.", "rotL")
def early(offset, pat):
    return pat._early(offset)


@register("late", "cycles", "Shift later in time by a number of cycles (`offset`, `wait`: the Rust "
          "original's names).", "rotR", "offset", "wait")
def late(offset, pat):
    return pat._late(offset)


@register("fastGap", "factor", "Speed up, squashing each cycle into its start and leaving a gap.",
          "fastgap")
def fast_gap(factor, pat):
    return pat._fast_gap(factor)


@register("compress", "begin end", "Squeeze each cycle into the span [begin, end) of the cycle, silent "
          "elsewhere (`compressGap`: the Rust original's name).", "compressGap", "compressgap")
def compress(b, e, pat):
    return pat._compress(b, e)


@register("zoom", "begin end", "Play only the span [begin, end) of each cycle, stretched to a cycle.",
          "zoomArc")
def zoom(b, e, pat):
    return pat._zoom(b, e)


@register("linger", "fraction", "Repeat the first fraction of each cycle (negative: the last).")
def linger(t, pat):
    t = to_time(t)
    if t == 0:
        return silence
    if t < 0:
        return pat._zoom(1 + t, 1)._fast(-1 / t)
    return pat._zoom(0, t)._slow(t)


@register("trunc", "fraction", "Play only the first fraction of each cycle, silencing the rest.")
def trunc(t, pat):
    t = to_time(t)
    if t <= 0:
        return silence
    if t >= 1:
        return pat
    return pat._zoom(0, t)._compress(0, t)


@register("inside", "factor f:function", "Apply f inside a cycle slowed down by factor.")
def inside(n, f, pat):
    return f(pat._slow(n))._fast(n)


@register("outside", "factor f:function", "Apply f outside: on the pattern sped up by factor.")
def outside(n, f, pat):
    return f(pat._fast(n))._slow(n)


@register("ply", "factor", "Repeat each event factor times within its span.")
def ply(factor, pat):
    return squeezed_period(pat.fmap(lambda x: pure(x)._fast(factor)).squeeze_join(), pat, 1 / to_time(factor))


def squeezed_period(out: Pattern, pat: Pattern, inner_period: Fraction) -> Pattern:
    """Set the period of a squeeze of per-value patterns (all of period `inner_period`) into `pat`."""
    p = int_period(pat.period)
    out.period = None if p is None else lcm_period(Fraction(p), Fraction(int_period(inner_period)))
    return out


@register("pressBy", "fraction", "Compress each event into its last (1 - fraction).", "pressby")
def press_by(r, pat):
    return squeezed_period(pat.fmap(lambda x: pure(x)._compress(r, 1)).squeeze_join(), pat, Fraction(1))


@register("press", "", "Compress each event into its second half.")
def press(pat):
    return press_by(0.5, pat)


@register("segment", "n", "Sample the pattern n times per cycle (`discretise`: Tidal's old name).",
          "seg", "discretise")
def segment(n, pat):
    return pat._segment(n)


@register("swingBy", "amount n",
          "Delay the events in the second half of each of n slices per cycle by amount/2 slice "
           "(Strudel).", "swingby")
def swing_by(x, n, pat):
    return inside(n, lambda p: late(sequence(0, to_time(x) / 2), p), pat)


@register("swing", "n", "swingBy 1/3.")
def swing(n, pat):
    return swing_by(Fraction(1, 3), n, pat)


@register("repeatCycles", "n", "Repeat each cycle n times.")
def repeat_cycles(n, pat):
    return pat._repeat_cycles(n)


# ---------------------------------------------------------------- order
@register("rev", "", "Reverse each cycle.")
def rev(pat):
    return pat._rev()


def iter_shifts(times: Any, pat: Pattern, back: bool) -> Pattern:
    times = to_time(times)
    n = as_int(times)
    return slowcat(*[pat._late(Fraction(i) / times) if back else pat._early(Fraction(i) / times)
                     for i in range(n)])


@register("iter", "n", "Shift the start by 1/n of a cycle further each cycle.")
def iter_(n, pat):
    return iter_shifts(n, pat, False)


@register("iterBack", "n", "Like iter, in the other direction.", "iterback")
def iter_back(n, pat):
    return iter_shifts(n, pat, True)


# ---------------------------------------------------------------- more time (Tidal, Strudel, the original)
@register("squeeze", "factor", "The Rust original's squeeze: each cycle squeezed into its first "
          "1/factor, silent after (fastGap).")
def squeeze(factor, pat):
    return pat._fast_gap(factor)


@register("focus", "begin end", "Like compress, without the gaps: the cycle plays sped up so that "
          "one cycle spans [begin, end) (Tidal, Strudel).")
def focus(b, e, pat):
    b, e = to_time(b), to_time(e)
    return silence if e <= b else pat._focus(b, e)


@register("trim", "begin end", "Keep the events that start in [begin, end) of each cycle, in place "
          "(the Rust original's trim).")
def trim(b, e, pat):
    b, e = to_time(b), to_time(e)

    def inside_(ev) -> bool:
        pos = ev.whole.begin - sam(ev.whole.begin)
        return ev.whole is not None and b <= pos < e
    return pat.filter_events(lambda ev: ev.whole is not None and inside_(ev))


@register("loop", "n", "The Rust original's loop: the pattern played n times per cycle (fast n); "
          "`# loop n` is still the sample-looping control.")
def loop(n, pat):
    return pat._fast(n)


@register("loopback", "", "The Rust original's loopback: each cycle forwards in its first half and "
          "backwards in its second.")
def loopback(pat):
    return fastcat(pat, pat._rev())


@register("reset", "n", "The Rust original's reset: the pattern starts again every n cycles "
          "(cycle c plays its cycle c mod n).", "restart")
def reset(n, pat):
    n = to_time(n)
    if n <= 0:
        return silence
    query = pat._query

    def q(span: TimeSpan) -> list[Event]:
        cycle = sam(span.begin)
        delta = cycle - cycle % n
        return [e.with_span(lambda s: TimeSpan(s.begin + delta, s.end + delta))
                for e in query(TimeSpan(span.begin - delta, span.end - delta))]
    out = Pattern(q).split_queries()
    out.period = n if n.denominator == 1 else None
    return out


@register("stretch", "", "Zoom each cycle onto the span between its first onset and its last "
          "offset, so it starts and ends without silence (Tidal).")
def stretch(pat):
    query = pat._query

    def q(span: TimeSpan) -> list[Event]:
        cycle = sam(span.begin)
        evs = query(TimeSpan(cycle, cycle + 1))
        if not evs:
            return []
        b = min(e.whole_or_part().begin for e in evs)
        e = max(e.whole_or_part().end for e in evs)
        b, e = b - sam(b), e - sam(b)
        return pat._zoom(b, e)._query(span)
    return Pattern(q).split_queries()._cyclic(pat)

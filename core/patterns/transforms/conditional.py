"""Transforms applied on some cycles or parts of cycles: every/firstOf, lastOf, whenmod,
when, chunk, within, palindrome, brak."""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from ..arithmetic import truthy
from ..combinators import fastcat, sequence, slowcat, slowcat_prime, stack
from ..pattern import Pattern, silence
from ..timespan import Event, TimeSpan, sam, to_time
from .registry import PatFn, as_int, register, register_variant
from .time_ops import iter_shifts, rev


# ---------------------------------------------------------------- conditionals
@register("firstOf", "n f:function", "Apply f on the first of every n cycles (cycle 0, n, 2n...).",
          "every")
def first_of(n, f, pat):
    n = as_int(n)
    if n <= 0:
        return pat
    return slowcat_prime(f(pat), *[pat] * (n - 1))


@register("lastOf", "n f:function", "Apply f on the last of every n cycles.")
def last_of(n, f, pat):
    n = as_int(n)
    if n <= 0:
        return pat
    return slowcat_prime(*[pat] * (n - 1), f(pat))


@register("whenmod", "a b f:function", "Apply f when cycle mod a >= b (Tidal).")
def whenmod(a, b, f, pat):
    a_, b_ = to_time(a), to_time(b)
    applied = f(pat)

    def q(span: TimeSpan) -> list[Event]:
        cyc = sam(span.begin)
        return (applied if cyc % a_ >= b_ else pat)._query(span)
    return Pattern(q).split_queries()


@register("when", "on f:function", "Apply f where the boolean pattern `on` is true.")
def when(on, f, pat):
    return f(pat) if truthy(on) else pat


def _chunk(n: Any, f: PatFn, pat: Pattern, back: bool = False, fast_: bool = False) -> Pattern:
    n = as_int(n)
    binary = sequence(True, *[False] * (n - 1))
    binary_pat = iter_shifts(n, binary, not back)
    if not fast_:
        pat = pat._repeat_cycles(n)
    return when(binary_pat, f, pat)


@register("chunk", "n f:function", "Apply f to one of n parts per cycle, moving on each cycle.",
          "slowChunk", "slowchunk")
def chunk(n, f, pat):
    return _chunk(n, f, pat)


@register("chunkBack", "n f:function", "Like chunk, moving backwards.", "chunkback")
def chunk_back(n, f, pat):
    return _chunk(n, f, pat, back=True)


@register("fastChunk", "n f:function", "Like chunk, without repeating cycles.", "fastchunk")
def fast_chunk(n, f, pat):
    return _chunk(n, f, pat, fast_=True)


@register("within", "begin end f:function", "Apply f to the events starting in [begin, end] of a cycle.")
def within(b, e, f, pat):
    b, e = to_time(b), to_time(e)

    def inside_(ev: Event) -> bool:
        pos = ev.whole.begin - sam(ev.whole.begin)
        return b <= pos <= e
    return stack(f(pat.filter_events(lambda ev: ev.whole is not None and inside_(ev))),
                 pat.filter_events(lambda ev: ev.whole is not None and not inside_(ev)))


@register("palindrome", "", "Reverse every other cycle (odd cycles; `mirror`: the Rust original's "
          "name).", "mirror")
def palindrome(pat):
    return last_of(2, rev, pat)


@register("brak", "", "Squash every other cycle into half a cycle, offset by a quarter.")
def brak(pat):
    return when(slowcat(False, True), lambda x: fastcat(x, silence)._late(Fraction(1, 4)), pat)


def _by_cycle(test, f: PatFn, pat: Pattern) -> Pattern:
    """`f(pat)` on the cycles c where `test(c)`, `pat` elsewhere (Tidal's `when` on cycles)."""
    applied = f(pat)

    def q(span: TimeSpan) -> list[Event]:
        c = span.begin.numerator // span.begin.denominator
        return (applied if test(c) else pat)._query(span)
    return Pattern(q).split_queries()


@register("every'", "n offset f:function", "Apply f on the cycles c where c mod n == offset "
          "(Tidal's every').", "everyOffset")
def every_offset(n, o, f, pat):
    n, o = as_int(n), as_int(o)
    if n <= 0:
        return pat
    return _by_cycle(lambda c: c % n == o, f, pat)


@register("foldEvery", "ns:any f:any",
          "Tidal: foldEvery [3, 5] f applies f on cycles divisible by any of the numbers (nested "
          "every). The Rust original's foldEvery [f, g] n: every n cycles the next function of "
          "the list.", "foldevery", patterned=False)
def fold_every(a, b, pat):
    if callable(b):  # Tidal: numbers, then a function
        for n in reversed(list(a)):
            pat = first_of(n, b, pat)
        return pat
    fs, n = list(a), as_int(b)
    if n <= 0 or not fs:
        return pat
    applied = [f(pat) for f in fs]

    def q(span: TimeSpan) -> list[Event]:
        c = span.begin.numerator // span.begin.denominator
        return (applied[(c // n) % len(fs)] if c % n == 0 else pat)._query(span)
    return Pattern(q).split_queries()


@register("binary", "bit", "The Rust original's binary: play the cycles whose number has bit `bit` "
          "set (cycle & 2^bit).")
def binary(bit, pat):
    bit = as_int(bit)
    return pat.filter_events(lambda ev: ev.whole is not None
                             and (int(sam(ev.whole.begin)) >> bit) & 1 == 1)


@register_variant("inside", "begin end f:function", "The Rust original's inside b e f: f applied "
                  "to the events starting in [begin, end) of each cycle.")
def inside_span(b, e, f, pat):
    inside, outside = _split_span(b, e, pat)
    return stack(f(inside), outside)


@register_variant("outside", "begin end f:function", "The Rust original's outside b e f: f applied "
                  "to the events starting outside [begin, end) of each cycle.")
def outside_span(b, e, f, pat):
    inside, outside = _split_span(b, e, pat)
    return stack(f(outside), inside)


def _split_span(b, e, pat) -> tuple[Pattern, Pattern]:
    """(the events of `pat` starting in [b, e) of their cycle, those starting elsewhere);
    events without a whole are in neither."""
    b, e = to_time(b), to_time(e)

    def inside_(ev: Event) -> bool:
        pos = ev.whole.begin - sam(ev.whole.begin)
        return b <= pos < e
    return (pat.filter_events(lambda ev: ev.whole is not None and inside_(ev)),
            pat.filter_events(lambda ev: ev.whole is not None and not inside_(ev)))

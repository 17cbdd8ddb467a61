"""Random transforms, seeded like Strudel: degrade, sometimes, someCycles, shuffle, scramble."""
from __future__ import annotations

from fractions import Fraction

from ..combinators import stack
from ..pattern import Pattern, silence
from ..signals import _irand, degrade_by_with, rand, randrun
from .registry import as_int, register


# ---------------------------------------------------------------- randomness
@register("degradeBy", "amount", "Drop events at random with probability amount.", "degradeby")
def degrade_by(x, pat):
    return degrade_by_with(rand, x, pat)


@register("degrade", "", "Drop half of the events at random.")
def degrade(pat):
    return degrade_by(0.5, pat)


@register("unDegradeBy", "amount", "Keep only the events degradeBy would drop.", "undegradeBy",
          "undegradeby")
def undegrade_by(x, pat):
    return degrade_by_with(rand.fmap(lambda r: 1 - r), x, pat)


@register("sometimesBy", "probability f:function", "Apply f to events at random with probability.",
          "sometimesby")
def sometimes_by(x, f, pat):
    return stack(degrade_by(x, pat), f(undegrade_by(1 - x, pat)))


def _sometimes_fixed(name: str, prob: float, doc: str) -> None:
    @register(name, "f:function", doc)
    def impl(f, pat):
        return sometimes_by(prob, f, pat)


_sometimes_fixed("sometimes", 0.5, "sometimesBy 0.5")
_sometimes_fixed("often", 0.75, "sometimesBy 0.75")
_sometimes_fixed("rarely", 0.25, "sometimesBy 0.25")
_sometimes_fixed("almostNever", 0.1, "sometimesBy 0.1")
_sometimes_fixed("almostAlways", 0.9, "sometimesBy 0.9")


@register("always", "f:function", "Always apply f.")
def always(f, pat):
    return f(pat)


@register("never", "f:function", "Never apply f.")
def never(f, pat):
    return pat


@register("someCyclesBy", "probability f:function", "Apply f to whole cycles at random.",
          "somecyclesBy")
def some_cycles_by(x, f, pat):
    return stack(degrade_by_with(rand._segment(1), x, pat),
                 f(degrade_by_with(rand.fmap(lambda r: 1 - r)._segment(1), 1 - x, pat)))


@register("someCycles", "f:function", "someCyclesBy 0.5")
def some_cycles(f, pat):
    return some_cycles_by(0.5, f, pat)


def _rearrange_with(ipat: Pattern, n: int, pat: Pattern) -> Pattern:
    parts = [pat._zoom(Fraction(i, n), Fraction(i + 1, n)) for i in range(n)]
    return ipat.fmap(lambda i: parts[i]._repeat_cycles(n)._fast(n)).inner_join()


@register("shuffle", "n", "Play the n parts of each cycle in a random order (each once).")
def shuffle(n, pat):
    n = as_int(n)
    return _rearrange_with(randrun(n), n, pat) if n > 0 else silence


@register("scramble", "n", "Play n random parts of each cycle (repeats possible).")
def scramble(n, pat):
    n = as_int(n)
    return _rearrange_with(_irand(n)._segment(n), n, pat) if n > 0 else silence

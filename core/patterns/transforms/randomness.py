"""Random transforms, seeded like Strudel: degrade, sometimes, someCycles, shuffle, scramble."""
from __future__ import annotations

import math
from fractions import Fraction

from ..combinators import stack
from ..pattern import Pattern, silence
from ..signals import _irand, degrade_by_with, rand, rand_at, randrun
from ..timespan import Event, TimeSpan, sam
from .registry import as_int, register
from .structure import map_numbers, per_cycle


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


# ---------------------------------------------------------------- more randomness
MINI_SEED_OFFSET = Fraction(3, 10000)  # mini-notation's `?` shifts the random stream 0.0003 per seed


@register("degradeSeed", "seed", "degrade with the random stream of seed `seed`: the events "
          "\"x?\" would drop if its `?` had that seed number (the Rust original's degradeSeed).",
          "degradeseed")
def degrade_seed(seed, pat):
    return degrade_by_with(rand._early(MINI_SEED_OFFSET * as_int(seed)), 0.5, pat)


@register("undegrade", "", "Keep exactly the events degrade drops (Strudel's undegrade: "
          "unDegradeBy 0.5).")
def undegrade(pat):
    return undegrade_by(0.5, pat)


def _stripe_arcs(n: int, cycle: int) -> list[tuple[Fraction, Fraction]]:
    """Tidal's randArcs: n spans of one cycle with random weights 1, 2 or 3 (drawn from this
    engine's random stream at cycle + 1/2 + i/n; Tidal's own stream differs from Strudel's)."""
    weights = [Fraction(1 + math.floor(rand_at(cycle + Fraction(1, 2) + Fraction(i, n)) * 3))
               for i in range(n)]
    total = sum(weights)
    bounds, acc = [Fraction(0)], Fraction(0)
    for w in weights:
        acc += w / total
        bounds.append(acc)
    bounds[-1] = Fraction(1)
    return list(zip(bounds[:-1], bounds[1:]))


@register("stripe", "n", "Tidal's stripe: n repetitions of the cycle in each cycle, at random "
          "speeds (durations in the ratio of random weights 1, 2 or 3).")
def stripe(n, pat):
    n = as_int(n)
    if n <= 0:
        return silence
    query = pat._query

    def q(span: TimeSpan) -> list[Event]:
        c = int(sam(span.begin))
        out = []
        for i, (b, e) in enumerate(_stripe_arcs(n, c)):
            piece = TimeSpan(c + b, c + e).intersection(span)
            if piece is None or (piece.begin == piece.end and span.begin != span.end):
                continue
            rotated = Pattern(query)._late(i * n)._compress(b, e) if e > b else silence
            out.extend(rotated._query(piece))
        return out
    return Pattern(q).split_queries()


@register("walk", "step", "The Rust original's walk: each cycle's values wander by a random step "
          "in [-step, step] per event (a random walk that starts afresh every cycle).")
def walk(step, pat):
    st = float(step)

    def wander(evs: list[Event]) -> list[Event]:
        out, offset = [], 0.0
        for e in evs:
            offset += (2 * rand_at(e.whole.begin) - 1) * st
            out.append(Event(e.whole, e.part, map_numbers(lambda x, o=offset: x + o)(e.value)))
        return out
    return per_cycle(pat, wander)

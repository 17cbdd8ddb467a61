"""Continuous signals as patterns, and Tidal/Strudel's deterministic randomness.

Signals have no `whole`; their value is sampled at the start of the query span (so
`sine.segment(4)` samples at 0, 1/4, ...). Randomness reproduces Strudel's default ("legacy")
generator exactly: the time is folded into 300-cycle periods, scaled to 29 bits and run
through a 32-bit xorshift, so the same time always gives the same number.

A seed selects another, equally deterministic stream: `set_seed(n)` (or `with seeded(n):`)
adds a 29-bit offset derived from `n` to the scaled time before the xorshift, i.e. reads
Strudel's generator shifted in time by `offset / 2**29 * 300` cycles (an XOR would not do:
the xorshift is linear, so it would flip the same bits of every number). Seed 0 (the default)
is Strudel's own stream. The engine sets the session's seed while it queries patterns
(`SessionOptions.seed`, `phonon batch` jobs) and restores the caller's after. The seed is
per process, not part of a pattern: two threads of one process that render at the same time
must use the same seed (batch workers are processes).
"""
from __future__ import annotations

import math
from contextlib import contextmanager
from fractions import Fraction
from typing import Any, Callable

from .budget import check_count
from .combinators import fastcat
from .pattern import Pattern, pure, reify, signal, silence

_RAND_PERIOD = 300
_SCALE = 536870912  # 2 ** 29


def _int32(x: int) -> int:
    x &= 0xFFFFFFFF
    return x - 0x100000000 if x & 0x80000000 else x


def _xorwise(x: int) -> int:
    """One xorshift step on a signed 32-bit integer (JavaScript `<<`, `>>`, `^`)."""
    x = _int32(x)
    a = _int32(x << 13) ^ x
    b = (a >> 17) ^ a
    return _int32(b << 5) ^ b


_seed = 0
_seed_offset = 0


def seed_offset(seed: int) -> int:
    """The 29-bit time offset of a seed: 0 for seed 0, distinct for seeds that differ mod
    2**29 (a multiplicative hash spreads neighbouring seeds over the whole period)."""
    return (int(seed) * 0x9E3779B1) & (_SCALE - 1)


def set_seed(seed: int) -> int:
    """Select the random stream of every pattern queried from now on; returns the old seed."""
    global _seed, _seed_offset
    old, _seed, _seed_offset = _seed, int(seed), seed_offset(seed)
    return old


def get_seed() -> int:
    """The seed of the random stream in use (0: Strudel's)."""
    return _seed


@contextmanager
def seeded(seed: int):
    """`with seeded(n):` queries patterns with seed `n`, then restores the previous seed."""
    old = set_seed(seed)
    try:
        yield
    finally:
        set_seed(old)


def _time_to_int_seed(t: float) -> int:
    x = t / _RAND_PERIOD
    return _xorwise(math.trunc((x - math.trunc(x)) * _SCALE) + _seed_offset)


def _int_seed_to_rand(seed: int) -> float:
    return math.fmod(seed, _SCALE) / _SCALE


def time_to_rands(t: float, n: int) -> float | list[float]:
    """`n` random numbers for time `t` (one number in [0, 1) when n == 1), as Strudel."""
    seed = _time_to_int_seed(t)
    if n == 1:
        return abs(_int_seed_to_rand(seed))
    out = []
    for _ in range(n):
        out.append(_int_seed_to_rand(seed))
        seed = _xorwise(seed)
    return out


def rand_at(t: Fraction | float) -> float:
    """The random number in [0, 1) at time `t` (cycles)."""
    return time_to_rands(float(t), 1)


def _from_bipolar(x: float) -> float:
    return (x + 1) / 2


# ---------------------------------------------------------------- signals
saw = signal(lambda t: float(t - (t.numerator // t.denominator)))
isaw = signal(lambda t: float(1 - (t - (t.numerator // t.denominator))))
sine2 = signal(lambda t: math.sin(math.pi * 2 * float(t)))
sine = sine2.fmap(_from_bipolar)
cosine = sine._early(Fraction(1, 4))
square = signal(lambda t: float(math.floor((float(t) * 2) % 2)))
tri = fastcat(saw, isaw)
time = signal(lambda t: t)
rand = signal(rand_at)
saw2 = saw.fmap(lambda x: x * 2 - 1)
isaw2 = isaw.fmap(lambda x: x * 2 - 1)
cosine2 = sine2._early(Fraction(1, 4))
square2 = square.fmap(lambda x: x * 2 - 1)
tri2 = fastcat(saw2, isaw2)
rand2 = rand.fmap(lambda x: x * 2 - 1)


def _perlin_at(t: Fraction) -> float:
    ft = float(t)
    ta = math.floor(ft)
    ra, rb = rand_at(ta), rand_at(ta + 1)
    x = ft - ta
    smooth = 6.0 * x ** 5 - 15.0 * x ** 4 + 10.0 * x ** 3
    return ra + smooth * (rb - ra)


perlin = signal(_perlin_at)


def _irand(n: Any) -> Pattern:
    return rand.fmap(lambda x: math.trunc(x * n))


def irand(n: Any) -> Pattern:
    """Random integers in [0, n) (n patternable)."""
    return reify(n).fmap(_irand).inner_join()


def degrade_by_with(with_pat: Pattern, amount: float, pat: Pattern) -> Pattern:
    """Keep the events of `pat` where `with_pat` (sampled at the onset) is above `amount`."""
    return pat.app_left(with_pat.filter_values(lambda v: v > amount), lambda a, _b: a)


def choose_in_with(choice: Pattern, pats: list[Any]) -> Pattern:
    """Pick one of `pats` by the value (0..1) of `choice`, inner-joined (Strudel chooseInWith)."""
    ps = [reify(p) for p in pats]
    if not ps:
        return silence
    n = len(ps)

    def pick(x: float) -> Pattern:
        return ps[min(max(math.floor(x * n + 0), 0), n - 1)]
    return choice.fmap(pick).inner_join()


def choose_with(choice: Pattern, pats: list[Any]) -> Pattern:
    """Like choose_in_with, but outer-joined (structure from `choice`)."""
    ps = [reify(p) for p in pats]
    if not ps:
        return silence
    n = len(ps)
    return choice.fmap(lambda x: ps[min(max(math.floor(x * n + 0), 0), n - 1)]).outer_join()


def choose(*values: Any) -> Pattern:
    """A continuous random choice among `values`."""
    return choose_with(rand, list(values))


def randcat(*pats: Any) -> Pattern:
    """One of `pats` at random each cycle."""
    return choose_in_with(rand._segment(1), list(pats))


def _randrun_at(n: int) -> Callable[[Fraction], int]:
    def at(t: Fraction) -> int:
        cycle = t.numerator // t.denominator
        rands = time_to_rands(cycle + 0.5, n) if n > 1 else [time_to_rands(cycle + 0.5, 1)]
        order = [i for _, i in sorted(zip(rands, range(n)), key=lambda ri: ri[0])]
        return order[math.floor((t - cycle) * n) % n]
    return at


def randrun(n: int) -> Pattern:
    """A random permutation of 0..n-1 every cycle (Strudel's randrun)."""
    if n < 1:
        return silence
    return signal(_randrun_at(check_count(n, "randrun")))._segment(n)


def run(n: Any) -> Pattern:
    """0, 1, ... n-1 in one cycle (n patternable)."""
    pat = reify(n)
    if pat.is_pure:
        return fastcat(*range(check_count(int(pat._pure), "run")))
    return pat.fmap(lambda k: fastcat(*range(check_count(int(k), "run")))).inner_join()


def signal_from(func: Callable[[Fraction], Any]) -> Pattern:
    """A continuous pattern from a function of time (cycles)."""
    return signal(func)


__all__ = ["set_seed", "get_seed", "seeded", "seed_offset", "sine", "cosine", "saw", "isaw", "tri", "square", "rand", "irand", "perlin", "time",
           "sine2", "cosine2", "saw2", "isaw2", "tri2", "square2", "rand2", "rand_at",
           "time_to_rands", "degrade_by_with", "choose_in_with", "choose_with", "choose",
           "randcat", "signal_from", "randrun", "run", "pure"]

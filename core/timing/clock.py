"""The clock: exact mapping between audio samples (integers) and pattern time (cycles).

Sample `n` sits at cycle `c0 + (n - n0) * cps / sr`, computed as an exact `Fraction`.
The reverse mapping rounds the exact position to the nearest sample, **half to even**
(Python's `round` on an exact `Fraction`): an onset at cycle `c` lands on sample
`round(n0 + (c - c0) * sr / cps)`, i.e. `round(c / cps * sr)` for a render that starts at
cycle 0 with a constant tempo.
`set_cps` rebases the mapping at a sample (`n0`, `c0` move there), so a tempo change never
makes the cycle position jump.

A tempo given as a float is read as the nearest fraction with a denominator of at most
1,000,000 (so `1/3` typed as 0.333... is exactly one third); pass a `Fraction` to be exact.
"""
from __future__ import annotations

from fractions import Fraction
from numbers import Rational

CPS_MAX_DENOMINATOR = 1_000_000


def exact_cps(cps: float | Fraction) -> Fraction:
    """A tempo as an exact positive fraction (floats: nearest fraction, denominator <= 1e6)."""
    if isinstance(cps, Rational):
        value = Fraction(cps)
    else:
        value = Fraction(float(cps)).limit_denominator(CPS_MAX_DENOMINATOR)
    if value <= 0:
        raise ValueError(f"tempo must be positive, got {cps}")
    return value


class Clock:
    """Sample <-> cycle mapping with tempo changes that rebase without jumps."""

    def __init__(self, sr: int, cps: float | Fraction = Fraction(1, 2), *, n0: int = 0,
                 c0: Fraction = Fraction(0)) -> None:
        self.sr = int(sr)
        self.cps = exact_cps(cps)
        self.n0 = int(n0)
        self.c0 = Fraction(c0)
        self.version = 0            # bumped by every tempo change (event streams re-map)
        self._refresh()

    def _refresh(self) -> None:
        """Integer pieces of the mapping, so `sample_at` (and `cycle_at` of a sample) needs
        no Fraction arithmetic."""
        k = self.sr / self.cps                       # samples per cycle (exact)
        self._kn, self._kd = k.numerator, k.denominator
        self._c0n, self._c0d = self.c0.numerator, self.c0.denominator
        # cycle_at(n) = (c0n * cpd * sr + (n - n0) * cpn * c0d) / (c0d * cpd * sr)
        cpn, cpd = self.cps.numerator, self.cps.denominator
        self._cn, self._cd, self._cc0 = cpn * self._c0d, self._c0d * cpd * self.sr, \
            self._c0n * cpd * self.sr

    def cycle_at(self, n: int | Fraction) -> Fraction:
        """The cycle position of sample `n` (exact)."""
        if type(n) is int:            # one normalised Fraction instead of four operations
            return Fraction(self._cc0 + (n - self.n0) * self._cn, self._cd)
        return self.c0 + (n - self.n0) * self.cps / self.sr

    def position(self, cycle: Fraction) -> Fraction:
        """The exact (fractional) sample position of `cycle`."""
        return self.n0 + (Fraction(cycle) - self.c0) * self.sr / self.cps

    def sample_at(self, cycle: Fraction) -> int:
        """The sample an onset at `cycle` lands on: round(position(cycle)), half to even,
        computed with integers only (this runs once per event)."""
        c = cycle if type(cycle) is Fraction else Fraction(cycle)
        return self.sample_of(c.numerator, c.denominator)

    def _position_of(self, cn: int, cd: int) -> tuple[int, int]:
        """`position(Fraction(cn, cd))` as (numerator, denominator > 0), not reduced."""
        den = cd * self._c0d * self._kd
        return (cn * self._c0d - self._c0n * cd) * self._kn + self.n0 * den, den

    def sample_of(self, cn: int, cd: int) -> int:
        """`sample_at(Fraction(cn, cd))` for integers cn, cd > 0, without making the Fraction."""
        num, den = self._position_of(cn, cd)
        q, r = divmod(num, den)
        twice = 2 * r
        if twice > den or (twice == den and q & 1):
            q += 1
        return q

    def floor_position(self, cycle: Fraction | int) -> int:
        """floor of the exact sample position of `cycle` (integers only, as `sample_of`)."""
        if type(cycle) is int:
            cn, cd = cycle, 1
        else:
            c = cycle if type(cycle) is Fraction else Fraction(cycle)
            cn, cd = c.numerator, c.denominator
        num, den = self._position_of(cn, cd)
        return num // den

    def set_cps(self, cps: float | Fraction, at: int) -> None:
        """Change the tempo from sample `at` on; the cycle position at `at` is unchanged."""
        self.c0 = self.cycle_at(at)
        self.n0 = int(at)
        self.cps = exact_cps(cps)
        self.version += 1
        self._refresh()

    def set_mapping(self, other: "Clock") -> None:
        """Take `other`'s mapping (tempo, n0, c0); when it differs, the version is bumped so
        event streams re-map their pending onsets (a hot-swapped program that starts later
        than it was built for)."""
        if (other.cps, other.n0, other.c0) == (self.cps, self.n0, self.c0):
            return
        self.cps, self.n0, self.c0 = other.cps, other.n0, other.c0
        self.version += 1
        self._refresh()

    def follow(self, other: "Clock") -> None:
        """Become an exact copy of `other`, version included (a worker process follows its
        coordinator's tempo changes)."""
        self.sr, self.cps, self.n0, self.c0 = other.sr, other.cps, other.n0, other.c0
        self.version = other.version
        self._refresh()

    def retime(self, at: int, cycle: Fraction, cps: float | Fraction) -> None:
        """From sample `at` on, sample `at` is cycle `cycle` and the tempo is `cps` (a tempo
        follower: Ableton Link). Unlike `set_cps` the cycle position may jump; event streams
        re-map their pending onsets (onsets of a skipped stretch are dropped, none is
        repeated)."""
        self.n0 = int(at)
        self.c0 = Fraction(cycle)
        self.cps = exact_cps(cps)
        self.version += 1
        self._refresh()

    def __repr__(self) -> str:
        return f"Clock(sr={self.sr}, cps={self.cps}, n0={self.n0}, c0={self.c0})"

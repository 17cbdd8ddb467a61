"""The compiler's view of the pattern engine (`phonon.patterns`), behind a small interface.

The compiler needs seven things from the pattern engine: `mini(text)`, `pure(value)`,
`control(name, pattern)`, the transform table, the control names, a check that a pattern
holds numbers, and the list functions of the original's expressions (`stack [a, b]`, `cat`,
`wedge` ...: `list_function(name)`). `PatternBackend` names them; `PatternEngine` provides
them from `phonon.patterns`, imported normally (a missing or broken engine fails at import,
loudly).
Tests may pass another `PatternBackend` to `compile_program(..., patterns=...)`.
"""
from __future__ import annotations

import bisect
import itertools
from fractions import Fraction
from typing import Any, Callable, Mapping, Protocol

from ..patterns import TRANSFORMS, fastcat, mini, pure, randcat, slowcat, stack
from ..patterns.arithmetic import numeral, truthy
from ..patterns.mini import zero_factors
from ..patterns.controls import CONTROLS, control
from ..patterns.signals import choose_in_with, rand

_NUMERIC_CACHE_LIMIT = 4096


class PatternBackend(Protocol):
    """What the compiler asks of a pattern engine."""

    def mini(self, text: str) -> Any: ...
    def pure(self, value: Any) -> Any: ...
    def control(self, name: str, pattern: Any) -> Any: ...
    def transforms(self) -> Mapping[str, Any]: ...
    def controls(self) -> frozenset[str]: ...
    def non_numeric(self, pattern: Any, key: str | None = None) -> Any: ...
    def list_function(self, name: str) -> Callable[..., Any]: ...


class PatternEngine:
    """The backend over `phonon.patterns`."""

    def __init__(self) -> None:
        self._controls = frozenset(CONTROLS)
        self._numeric_cache: dict[str, Any] = {}

    def mini(self, text: str) -> Any:
        return mini(text)

    def zero_factors(self, text: str) -> tuple[int, ...]:
        """Offsets of `*0` and `/0` in a mini-notation string (a warning each)."""
        return zero_factors(text)

    def pure(self, value: Any) -> Any:
        return pure(value)

    def control(self, name: str, pattern: Any) -> Any:
        return control(name, pattern)

    def transforms(self) -> Mapping[str, Any]:
        return TRANSFORMS

    def controls(self) -> frozenset[str]:
        return self._controls

    def list_function(self, name: str) -> Callable[..., Any]:
        """`stack`, `cat`/`slowcat`, `fastcat`, `randcat`/`choose` (patterns...) ->
        pattern; `wchoose` ((pattern, weight)...); `wedge` (t, p, q); `sew`/`stitch`
        (bools, p, q)."""
        return LIST_FUNCTIONS[name]

    def non_numeric(self, pattern: Any, key: str | None = None) -> Any:
        """The first value in cycle 0 that is neither a number nor a note name, else None.
        `key` (the mini-notation text) caches the answer across recompiles."""
        if key is None:
            return _first_non_numeric(pattern)
        if key not in self._numeric_cache:
            if len(self._numeric_cache) > _NUMERIC_CACHE_LIMIT:
                self._numeric_cache.clear()
            self._numeric_cache[key] = _first_non_numeric(pattern)
        return self._numeric_cache[key]


def _first_non_numeric(pattern: Any) -> Any:
    for event in pattern.query(0, 1):
        value = event.value
        if isinstance(value, (bool, int, float)):
            continue
        try:
            numeral(value)
        except ValueError:
            return value
    return None


def _wchoose(*pairs: tuple[Any, float]) -> Any:
    """One pattern per cycle, chosen at random with the given weights (Strudel's
    wchooseCycles): the per-cycle random value picks where it falls in the cumulative weights."""
    pats = [p for p, _ in pairs]
    cumulative = list(itertools.accumulate(float(w) for _, w in pairs))
    total, n = cumulative[-1], len(pats)

    def position(r: float) -> float:        # the middle of the chosen item's 1/n slot
        i = min(bisect.bisect_right(cumulative, r * total), n - 1)
        return (i + 0.5) / n
    return choose_in_with(rand._segment(1).fmap(position), pats)


def _wedge(t: Any, p: Any, q: Any) -> Any:
    """Tidal's wedge: `p` squashed into the first `t` of each cycle, `q` into the rest."""
    t = Fraction(t)
    if t <= 0:
        return q
    if t >= 1:
        return p
    return stack(p._fast_gap(1 / t), q._fast_gap(1 / (1 - t))._late(t))


def _sew(bools: Any, p: Any, q: Any) -> Any:
    """Tidal's sew: `p` where `bools` is true, `q` where it is false (events cut at switches)."""
    return stack(p.mask(bools), q.mask(bools.fmap(lambda v: not truthy(v))))


def _stitch(bools: Any, p: Any, q: Any) -> Any:
    """Tidal's stitch: the structure of `bools`, values from `p` where true, `q` where false."""
    return stack(p.struct(bools.filter_values(truthy)),
                 q.struct(bools.filter_values(lambda v: not truthy(v)).fmap(lambda _: True)))


LIST_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "stack": stack, "cat": slowcat, "slowcat": slowcat, "fastcat": fastcat,
    "randcat": randcat, "choose": randcat, "wchoose": _wchoose,
    "wedge": _wedge, "sew": _sew, "stitch": _stitch,
}

_default: PatternEngine | None = None


def default_backend() -> PatternEngine:
    """The process-wide backend over `phonon.patterns`."""
    global _default
    if _default is None:
        _default = PatternEngine()
    return _default

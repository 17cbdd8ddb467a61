"""The compiler's view of the pattern engine (`phonon.patterns`), behind a small interface.

The compiler needs six things from the pattern engine: `mini(text)`, `pure(value)`,
`control(name, pattern)`, the transform table, the control names and a check that a pattern
holds numbers. `PatternBackend` names them; `PatternEngine` provides them from
`phonon.patterns`, imported normally (a missing or broken engine fails at import, loudly).
Tests may pass another `PatternBackend` to `compile_program(..., patterns=...)`.
"""
from __future__ import annotations

from typing import Any, Mapping, Protocol

from ..patterns import TRANSFORMS, mini, pure
from ..patterns.arithmetic import numeral
from ..patterns.controls import CONTROLS, control

_NUMERIC_CACHE_LIMIT = 4096


class PatternBackend(Protocol):
    """What the compiler asks of a pattern engine."""

    def mini(self, text: str) -> Any: ...
    def pure(self, value: Any) -> Any: ...
    def control(self, name: str, pattern: Any) -> Any: ...
    def transforms(self) -> Mapping[str, Any]: ...
    def controls(self) -> frozenset[str]: ...
    def non_numeric(self, pattern: Any, key: str | None = None) -> Any: ...


class PatternEngine:
    """The backend over `phonon.patterns`."""

    def __init__(self) -> None:
        self._controls = frozenset(CONTROLS)
        self._numeric_cache: dict[str, Any] = {}

    def mini(self, text: str) -> Any:
        return mini(text)

    def pure(self, value: Any) -> Any:
        return pure(value)

    def control(self, name: str, pattern: Any) -> Any:
        return control(name, pattern)

    def transforms(self) -> Mapping[str, Any]:
        return TRANSFORMS

    def controls(self) -> frozenset[str]:
        return self._controls

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


_default: PatternEngine | None = None


def default_backend() -> PatternEngine:
    """The process-wide backend over `phonon.patterns`."""
    global _default
    if _default is None:
        _default = PatternEngine()
    return _default

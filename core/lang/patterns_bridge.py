"""The compiler's view of the pattern engine (`phonon.patterns`), behind a small interface.

The compiler needs five things from the pattern engine: `mini(text)`, `pure(value)`,
`control(name, pattern)`, the transform table and the control names. `RealPatterns` takes them
from `phonon.patterns`; `StubPatterns` stands in (structure only: patterns are opaque
`StubPattern`s that remember their source) where a part of the engine is not importable, and
lets the language tests run against a fixed, small set of transforms and controls.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

# Tidal's per-event controls (used when the pattern engine does not provide its own list).
DEFAULT_CONTROLS = frozenset(
    "s sound n note gain pan speed begin end cut attack release hold legato loop shape vowel orbit "
    "accelerate unit cutoff resonance hcutoff hresonance room size dry crush coarse squiz velocity "
    "amp sustain octave".split())


@dataclass(frozen=True)
class ArgSpec:
    name: str
    kind: str          # "pattern" | "function" | "number" | "list"


@dataclass(frozen=True)
class TransformSpec:
    """Mirror of `phonon.patterns.transforms.TransformSpec` (for stubs and tests)."""

    name: str
    fn: Callable[..., Any]
    args: tuple[ArgSpec, ...] = ()
    doc: str = ""


class StubPattern:
    """An opaque pattern that only remembers how it was made (for structure-only compiles)."""

    def __init__(self, source: str) -> None:
        self.source = source

    def _op(self, op: str, other: Any) -> "StubPattern":
        o = other.source if isinstance(other, StubPattern) else repr(other)
        return StubPattern(f"({self.source} {op} {o})")

    def __add__(self, o): return self._op("+", o)
    def __sub__(self, o): return self._op("-", o)
    def __mul__(self, o): return self._op("*", o)
    def __truediv__(self, o): return self._op("/", o)
    def __radd__(self, o): return StubPattern(f"({o!r} + {self.source})")
    def __rsub__(self, o): return StubPattern(f"({o!r} - {self.source})")
    def __rmul__(self, o): return StubPattern(f"({o!r} * {self.source})")
    def __rtruediv__(self, o): return StubPattern(f"({o!r} / {self.source})")
    def __neg__(self): return StubPattern(f"(-{self.source})")

    def merge(self, other: Any) -> "StubPattern":
        return self._op("#", other)

    def __repr__(self) -> str:
        return f"StubPattern({self.source})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StubPattern) and other.source == self.source

    def __hash__(self) -> int:
        return hash(self.source)


@dataclass
class StubPatterns:
    """Structure-only backend: no mini-notation checking, transforms given explicitly."""

    transform_table: dict[str, Any] = field(default_factory=dict)
    control_names: frozenset[str] = DEFAULT_CONTROLS

    def mini(self, text: str) -> Any:
        return StubPattern(f'"{text}"')

    def pure(self, value: Any) -> Any:
        return StubPattern(repr(value))

    def control(self, name: str, pattern: Any) -> Any:
        src = pattern.source if isinstance(pattern, StubPattern) else repr(pattern)
        return StubPattern(f"{name} {src}")

    def transforms(self) -> Mapping[str, Any]:
        return self.transform_table

    def non_numeric(self, pattern: Any, key: str | None = None) -> Any:
        return None

    def controls(self) -> frozenset[str]:
        return self.control_names


def _attr(module_names: tuple[str, ...], attr: str) -> Any:
    """The first `attr` found in the given modules (None if none is importable)."""
    for name in module_names:
        try:
            module = importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a half-written engine module must not break the compiler
            continue
        value = getattr(module, attr, None)
        if value is not None and not (attr == "mini" and isinstance(value, type(module))):
            return value
    return None


class RealPatterns:
    """The backend over `phonon.patterns`, with stub fallbacks for parts not yet importable."""

    def __init__(self) -> None:
        stub = StubPatterns()
        self._mini = _attr(("phonon.patterns", "phonon.patterns.mini"), "mini") or stub.mini
        self._pure = _attr(("phonon.patterns", "phonon.patterns.pattern"), "pure") or stub.pure
        self._control = _attr(("phonon.patterns.controls", "phonon.patterns"), "control") or stub.control
        self._transforms = _attr(("phonon.patterns.transforms",), "TRANSFORMS") or {}
        controls = _attr(("phonon.patterns.controls",), "CONTROLS")
        self._controls = frozenset(controls) if controls else DEFAULT_CONTROLS
        self._numeral = _attr(("phonon.patterns.pattern", "phonon.patterns"), "numeral")
        self._numeric_cache: dict[str, Any] = {}
        self.complete = stub.mini is not self._mini and bool(self._transforms)

    def mini(self, text: str) -> Any:
        return self._mini(text)

    def pure(self, value: Any) -> Any:
        return self._pure(value)

    def control(self, name: str, pattern: Any) -> Any:
        return self._control(name, pattern)

    def transforms(self) -> Mapping[str, Any]:
        return self._transforms

    def non_numeric(self, pattern: Any, key: str | None = None) -> Any:
        """The first value in cycle 0 that is neither a number nor a note name, else None.
        `key` (the mini-notation text) caches the answer across recompiles."""
        if key is not None:
            if key not in self._numeric_cache:
                if len(self._numeric_cache) > 4096:
                    self._numeric_cache.clear()
                self._numeric_cache[key] = self.non_numeric(pattern)
            return self._numeric_cache[key]
        numeral = self._numeral
        query = getattr(pattern, "query", None)
        if numeral is None or query is None:
            return None
        for event in query(0, 1):
            value = event.value
            if isinstance(value, (bool, int, float)):
                continue
            try:
                numeral(value)
            except Exception:  # noqa: BLE001 - "not a number" in whatever form the engine says it
                return value
        return None

    def controls(self) -> frozenset[str]:
        return self._controls


_default: RealPatterns | None = None


def default_backend() -> RealPatterns:
    """The process-wide backend over `phonon.patterns` (re-probed until the engine is complete)."""
    global _default
    if _default is None or not _default.complete:
        _default = RealPatterns()
    return _default

"""The transform table: `TRANSFORMS` (name -> `TransformSpec`), filled by `register`."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from ..pattern import Pattern, patternify, reify

PatFn = Callable[[Pattern], Pattern]


@dataclass(frozen=True)
class ArgSpec:
    """One argument of a transform: kind is pattern, function, number or list."""
    name: str
    kind: str


@dataclass(frozen=True)
class TransformSpec:
    """A transform: `fn(*args, pat)`, its arguments (without the pattern) and a doc line."""
    name: str
    fn: Callable[..., Pattern]
    args: tuple[ArgSpec, ...]
    doc: str


TRANSFORMS: dict[str, TransformSpec] = {}


def register(name: str, args: str, doc: str, *aliases: str, patterned: bool = True):
    """Register `impl(*args, pat)`; `args` is "name:kind name:kind" (kind defaults to pattern)."""
    specs = tuple(ArgSpec(*(a.split(":") if ":" in a else (a, "pattern"))) for a in args.split())

    def deco(impl: Callable[..., Pattern]) -> Callable[..., Pattern]:
        def make(label: str) -> Callable[..., Pattern]:
            def fn(*call_args: Any) -> Pattern:
                if len(call_args) == len(specs):  # partial application: a Pattern -> Pattern
                    return lambda p: fn(*call_args, p)
                if len(call_args) != len(specs) + 1:
                    raise TypeError(f"{label} expects {len(specs)} argument(s) and a pattern, "
                                    f"got {len(call_args)} value(s)")
                *vals, pat = call_args
                pat = reify(pat)
                if not patterned or not vals:
                    return impl(*vals, pat)
                return patternify(impl, *vals, pat=pat)
            fn.__name__ = label
            fn.__doc__ = doc
            TRANSFORMS[label] = TransformSpec(label, fn, specs, doc)
            return fn
        main = make(name)
        for alias in aliases:
            make(alias)
        return main
    return deco


def as_int(x: Any) -> int:
    """A count argument as an int (floored)."""
    return int(math.floor(float(x))) if not isinstance(x, int) else x

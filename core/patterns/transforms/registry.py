"""The transform table: `TRANSFORMS` (name -> `TransformSpec`), filled by `register`."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Callable

from ..budget import check_count
from ..pattern import Pattern, patternify, reify

PatFn = Callable[[Pattern], Pattern]


@dataclass(frozen=True)
class ArgSpec:
    """One argument of a transform: kind is pattern, function, number or list."""
    name: str
    kind: str


@dataclass(frozen=True)
class TransformSpec:
    """A transform: `fn(*args, pat)`, its arguments (without the pattern) and a doc line.

    `variants` are other argument lists under the same name, each a TransformSpec of its own:
    the Rust original's calls that Tidal does not accept (`stutter 4` beside Tidal's
    `stutter 4 (1/16)`), told apart by their number of arguments (see `for_arity`).
    """
    name: str
    fn: Callable[..., Pattern]
    args: tuple[ArgSpec, ...]
    doc: str
    variants: tuple["TransformSpec", ...] = ()

    def forms(self) -> tuple["TransformSpec", ...]:
        """This spec and its variants."""
        return (self, *self.variants)

    def for_arity(self, n: int) -> "TransformSpec | None":
        """The form that takes exactly `n` arguments before the pattern, if any."""
        return next((f for f in self.forms() if len(f.args) == n), None)


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


def register_variant(name: str, args: str, doc: str, *aliases: str, patterned: bool = True):
    """Register `impl(*args, pat)` as another argument list of the transform `name` (and of
    its `aliases`), already registered. Its own `fn` checks its own argument count."""
    def deco(impl: Callable[..., Pattern]) -> Callable[..., Pattern]:
        label = f"{name}/{len(args.split())}"
        holder: dict[str, TransformSpec] = {}
        register(label, args, doc, patterned=patterned)(impl)
        spec = TRANSFORMS.pop(label)
        for target in (name, *aliases):
            main = TRANSFORMS[target]
            if main.for_arity(len(spec.args)) is not None:
                raise ValueError(f"{target} already takes {len(spec.args)} argument(s)")
            holder[target] = replace(spec, name=target)
            TRANSFORMS[target] = replace(main, variants=(*main.variants, holder[target]))
        return spec.fn
    return deco


def as_int(x: Any, what: str = "count") -> int:
    """A count argument as an int (floored). Every count builds something of its size before
    any query (a list of steps, of shifted patterns), so its size is bounded by `MAX_COUNT`
    (ValueError past it, or for a value that is not a finite number)."""
    if not isinstance(x, int):
        try:
            f = float(x)
        except (TypeError, ValueError):
            raise ValueError(f"{what}: expected a whole number, got {x!r}") from None
        if not math.isfinite(f):
            raise ValueError(f"{what}: expected a whole number, got {x!r}")
        x = int(math.floor(f))
    return check_count(x, what)

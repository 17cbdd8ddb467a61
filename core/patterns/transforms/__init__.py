"""Pattern transforms (Tidal names), callable Tidal-style with the pattern LAST.

    TRANSFORMS["every"].fn(3, lambda p: p.fast(2), pat)

Called with every argument but the pattern, a transform returns a function Pattern -> Pattern
(Tidal's partial application): `TRANSFORMS["fast"].fn(2)` is `fast 2`.

Arguments of kind "pattern" are patternable as in Tidal/Strudel: a plain number, a Pattern or
a mini-notation string. When every such argument is a plain value the transform is applied
directly; otherwise each event of the argument pattern picks the transform for its own time
span (inner join), exactly as Strudel's `register` does. Semantics follow Strudel 1.2 (the
conformance oracle) where it has the function, Tidal 1.9 otherwise (noted in the docs).

The transforms are grouped in modules (time_ops, conditional, layering, randomness, tonal, feel,
structure, sample_ops); each registers its transforms into `TRANSFORMS` when imported, and
all of them are imported here.
"""
from __future__ import annotations

from .registry import TRANSFORMS, ArgSpec, TransformSpec
from . import time_ops, conditional, layering, randomness, structure, sample_ops, tonal, feel  # noqa: F401 - they register
from .structure import bjorklund, euclid, euclid_rot

__all__ = ["TRANSFORMS", "TransformSpec", "ArgSpec", "bjorklund", "euclid", "euclid_rot"]

"""Tidal-style patterns: exact-time event patterns, mini-notation, transforms and controls.

    from phonon.patterns import mini
    mini("bd*2 [~ sn]").query(0, 1)   # -> [Event(...), ...]

Imports inside the package point one way: timespan/values/notes <- arithmetic <- pattern (the
algebra) <- combinators <- signals <- transforms <- mini <- controls/schedule. The algebra needs two things from above it
(strings read as mini-notation by `reify`, and transforms reachable as methods, `pat.fast(2)`);
they are attached here, in one place, after the modules that provide them are imported.
"""
from . import pattern as _algebra
from .timespan import Event, TimeSpan, to_time
from .pattern import Pattern, patternify, pure, reify, signal, silence, steady
from .combinators import cat, fastcat, sequence, slowcat, stack, timecat
from .mini import mini
from .signals import (choose, cosine, irand, isaw, perlin, rand, randcat, run, saw, sine, square,
                      time, tri)
from . import controls, transforms
from .transforms import TRANSFORMS, ArgSpec, TransformSpec

_algebra.attach(read_mini=mini, methods=TRANSFORMS)

__all__ = [
    "Event", "TimeSpan", "to_time", "Pattern", "pure", "silence", "stack", "fastcat", "slowcat",
    "cat", "timecat", "sequence", "signal", "steady", "reify", "patternify", "mini",
    "sine", "cosine", "saw", "isaw", "tri", "square", "rand", "irand", "perlin", "time", "choose",
    "randcat", "run", "controls", "transforms", "TRANSFORMS", "TransformSpec", "ArgSpec",
]

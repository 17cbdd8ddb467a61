"""Calling a numba kernel without its dispatcher's type resolution (the per-block fast paths).

Calling a numba function from Python first types every argument and looks up the compiled
version for those types (0.15-0.25 us for a kernel of ten arguments), then calls that version's
entry point, which unboxes the arguments and runs the machine code. A node that calls the same
kernel with arguments of the same types every block (its steady state) can take the entry
point once (`compiled`) and call it directly: the same machine code, without the look-up.

The versions found are kept per kernel and argument types, keyed by numba's own type
fingerprint of each argument (`numba._dispatcher.compute_fingerprint`, what its dispatcher
caches argument types by: arrays by rank, layout, writability and dtype; numbers by kind;
tuples by their items'), computed in C: ~1 us for a kernel of ten arguments, where keying
them in Python cost ~4 (a session's first block finds about ten kernels).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

try:
    from numba._dispatcher import compute_fingerprint as _fingerprint
except ImportError:                  # (numba's internal name moved: key in Python instead)
    _fingerprint = None

#: (kernel, argument types) -> the compiled version found for them (numba's own typing of the
#: arguments costs ~10 us each: once per process and kind, not per session)
_found: dict[tuple, Callable[..., Any]] = {}


def compiled(kernel: Any, args: tuple) -> Callable[..., Any]:
    """The compiled version of numba function `kernel` that `kernel(*args)` runs (the kernel
    has run with such arguments before), callable with arguments of exactly those types; the
    kernel itself when there is none (not compiled for these exact types, or not numba)."""
    try:
        key = (kernel, _types(args))
    except (TypeError, ValueError, NotImplementedError):   # a kind not keyed here
        key = None
    found = _found.get(key) if key is not None else None
    if found is not None:
        return found
    try:
        signature = tuple(kernel.typeof_pyval(a) for a in args)
        version = kernel.overloads.get(signature)
    except Exception:  # noqa: BLE001 - not a numba dispatcher: call it as it is
        return kernel
    if version is None:
        return kernel
    if key is not None:
        _found[key] = version.entry_point
    return version.entry_point


def _types(args: tuple) -> tuple:
    """The key of the arguments' numba types: their fingerprints (or kinds, see `_kind`)."""
    if _fingerprint is not None:
        return tuple(map(_fingerprint, args))
    return tuple(map(_kind, args))


def _kind(a: Any) -> tuple:
    """What numba's type of argument `a` depends on (arrays: class, dtype, rank, layout,
    writability, alignment; tuples: their items'; numbers: their Python or numpy type)."""
    if isinstance(a, np.ndarray):
        f = a.flags
        return (type(a), a.dtype.str, a.ndim, f.c_contiguous, f.f_contiguous, f.writeable,
                f.aligned)
    if isinstance(a, tuple):
        return ("tuple",) + tuple(_kind(x) for x in a)
    if isinstance(a, (bool, int, float, complex, np.generic)):
        return (type(a),)
    raise TypeError(f"no kind for {type(a).__name__}")

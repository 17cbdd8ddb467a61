"""Calling a numba kernel without its dispatcher's type resolution (the per-block fast paths).

Calling a numba function from Python first types every argument and looks up the compiled
version for those types (0.15-0.25 us for a kernel of ten arguments), then calls that version's
entry point, which unboxes the arguments and runs the machine code. A node that calls the same
kernel with arguments of the same types every block (its steady state) can take the entry
point once (`compiled`) and call it directly: the same machine code, without the look-up.
"""
from __future__ import annotations

from typing import Any, Callable


def compiled(kernel: Any, args: tuple) -> Callable[..., Any]:
    """The compiled version of numba function `kernel` that `kernel(*args)` runs (the kernel
    has run with such arguments before), callable with arguments of exactly those types; the
    kernel itself when there is none (not compiled for these exact types, or not numba)."""
    try:
        signature = tuple(kernel.typeof_pyval(a) for a in args)
        version = kernel.overloads.get(signature)
    except Exception:  # noqa: BLE001 - not a numba dispatcher: call it as it is
        return kernel
    return kernel if version is None else version.entry_point

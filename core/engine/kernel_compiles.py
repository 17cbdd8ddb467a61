"""Watch numba compile DSP kernels: with a cold cache (the first run after install or an upgrade)
the first blocks pay for compiling the kernels the program uses; later runs load them from the
cache in milliseconds.

    with KernelCompiles(announce=lambda name, n: print(f"compiling {name} ({n})")) as jit:
        session.render(frames)
    jit.count, jit.seconds      # kernels compiled, wall time spent compiling them

Only compilations in this process are seen (actor workers compile in their own processes).
"""
from __future__ import annotations

import time
from contextlib import ExitStack
from typing import Callable

from numba.core import event


class KernelCompiles(event.Listener):
    """Counts and times the top-level kernel compilations inside `with`; `announce(name, n)` is
    called as the n-th one (1-based) starts. Nested compilations (numba's own helpers, kernels
    called by the one being compiled) count as part of their caller."""

    def __init__(self, announce: Callable[[str, int], None] | None = None) -> None:
        self.announce = announce
        self.count = 0
        self.seconds = 0.0
        self._depth = 0
        self._t0 = 0.0
        self._stack = ExitStack()

    # numba's listener hooks
    def on_start(self, ev: event.Event) -> None:
        self._depth += 1
        if self._depth == 1:
            self.count += 1
            self._t0 = time.perf_counter()
            if self.announce is not None:
                self.announce(_kernel_name(ev), self.count)

    def on_end(self, ev: event.Event) -> None:
        self._depth -= 1
        if self._depth == 0:
            self.seconds += time.perf_counter() - self._t0

    def __enter__(self) -> "KernelCompiles":
        self._stack.enter_context(event.install_listener("numba:compile", self))
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()


def _kernel_name(ev: event.Event) -> str:
    func = getattr((ev.data or {}).get("dispatcher"), "py_func", None)
    return getattr(func, "__name__", "kernel")

"""Offline rendering: program text (or a compiled graph) -> a (2, n) float32 array."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..lang.ir import GraphIR
from .session import FEEDBACK_BLOCK, Session, make_sample_bank


def sample_names(bank: Any) -> set[str] | None:
    """The sample names a bank offers (for the compiler's did-you-mean), if it can tell."""
    for attr in ("names", "available", "keys"):
        fn = getattr(bank, attr, None)
        if callable(fn):
            try:
                return set(fn())
            except Exception:  # noqa: BLE001
                return None
    return None


def compile_source(source: str, *, file: str = "<input>", registry=None, bank: Any = None) -> GraphIR:
    """Compile program text with `phonon.lang.compile_program` (raises `PhononError`)."""
    from ..lang import compile_program  # the language engineer's compiler
    if registry is None:
        from ..plugins.registry import default_registry
        registry = default_registry()
    names = sample_names(bank) if bank is not None else None
    return compile_program(source, file=file, registry=registry, sample_names=names)


def render(source: str | GraphIR, seconds: float, sr: int = 44100, block: int = 2048, *,
           samples: Any = None, file: str = "<input>", workers: int = 0, registry=None,
           runtime: dict | None = None,
           reporter: Callable[[str], None] | None = None,
           progress: Callable[[int], None] | None = None,
           feedback_block: int = FEEDBACK_BLOCK) -> np.ndarray:
    """Render `seconds` of a program to a (2, round(seconds*sr)) float32 array.

    `source` is program text (or an already compiled `GraphIR`); `samples` a folder, a list of
    folders or a `SampleBank`; the length is exact. `workers`/`runtime` select the actor
    runtime; `reporter(message)` receives runtime problems (default: stderr); `progress(frames)`
    is called after each block; `feedback_block` is the engine block of graphs with feedback.
    """
    bank = None
    if isinstance(source, GraphIR):
        graph = source
        if samples is not None:
            bank = make_sample_bank(samples, sr)
    else:
        try:
            bank = make_sample_bank(samples, sr)
        except ImportError:  # no sample library in this build: programs without `s` still run
            bank = None
        graph = compile_source(source, file=file, registry=registry, bank=bank)
    session = Session(graph, sr, block, registry=registry,
                      samples=bank if bank is not None else samples,
                      reporter=reporter, workers=workers, runtime=runtime,
                      feedback_block=feedback_block)
    try:
        return session.render(round(seconds * sr), progress=progress)
    finally:
        session.close()

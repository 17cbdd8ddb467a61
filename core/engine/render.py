"""From a program to sound: compile it, open a `Session` for it, render offline.

`open_session(source, SessionOptions(...))` is the one way from a program to a playable
Session (the `phonon render` and `phonon live` commands, `phonon.render` and the live hot swap
all use it): the sample bank first (its names make the compiler's did-you-mean), then the
compiled graph, then the Session."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .. import collector
from ..lang.ir import GraphIR
from ..program_file import read_program
from ..runtime.options import RuntimeOptions
from ..timing.clock import Clock
from .options import SessionOptions
from .session import FEEDBACK_BLOCK, Session, make_sample_bank
from .stems import StemTaps


def compile_source(source: str, *, file: str = "<input>", registry=None, bank: Any = None) -> GraphIR:
    """Compile program text with `phonon.lang.compile_program` (raises `PhononError`)."""
    from ..lang import compile_program
    if registry is None:
        from ..plugins.registry import default_registry
        registry = default_registry()
    names = bank.names() if bank is not None else None    # the compiler's did-you-mean
    return compile_program(source, file=file, registry=registry, sample_names=names)


def open_session(source: str | os.PathLike | GraphIR, options: SessionOptions | None = None, *,
                 file: str | None = None, registry=None,
                 reporter: Callable[[str], None] | None = None, start: int = 0,
                 clock: Clock | None = None) -> Session:
    """A playable `Session` for `source`: program text, a program file (`os.PathLike`) or a
    compiled `GraphIR`.

    Text is compiled (`file` names it in error messages; a path names itself) with the sample
    bank of `options.samples` at hand, and that bank is the session's; raises `PhononError`
    when the program does not compile. `reporter(message)` receives runtime problems (default:
    stderr); `start` and `clock` continue another session (live hot swap, see `Session`)."""
    options = options or SessionOptions()
    samples = options.samples
    if isinstance(source, os.PathLike):
        file = file or str(source)
        source = read_program(source)
    if isinstance(source, GraphIR):
        graph = source
        if samples is not None:
            samples = make_sample_bank(samples, options.sr)
    else:
        samples = make_sample_bank(samples, options.sr)
        graph = compile_source(source, file=file or "<input>", registry=registry, bank=samples)
    session = Session(graph, options.sr, options.block, registry=registry, samples=samples,
                      reporter=reporter, workers=options.workers, runtime=options.runtime,
                      start=start, clock=clock, feedback_block=options.feedback_block,
                      optimize_graph=options.optimize, seed=options.seed,
                      resources=options.resources)
    collector.start_up_over()          # the command line's start-up is over (no-op otherwise)
    return session


def render(source: str | os.PathLike | GraphIR, seconds: float, sr: int = 44100,
           block: int = 2048, *, samples: Any = None, file: str = "<input>", workers: int = 0,
           registry=None, runtime: RuntimeOptions | None = None,
           reporter: Callable[[str], None] | None = None,
           progress: Callable[[int], None] | None = None,
           feedback_block: int = FEEDBACK_BLOCK, seed: int = 0,
           stems: bool | list[str] = False,
           stems_post: bool = False) -> np.ndarray | dict[str, np.ndarray]:
    """Render `seconds` of a program to a (2, round(seconds*sr)) float32 array.

    `source` is program text, a program file (`os.PathLike`) or a compiled `GraphIR`;
    `samples` a folder, a list of folders or a `SampleBank`; the length is exact.
    `workers`/`runtime` select the actor runtime; `reporter(message)` receives runtime problems
    (default: stderr); `progress(frames)` is called after each block; `feedback_block` is the
    engine block of graphs with feedback; `seed` the random stream (see `SessionOptions`).
    `stems=True` (or a list of stem names) returns `{name: (2, n) array}` instead: every bus
    feeding an output and `master`, taken before the master stage (after it with
    `stems_post=True`); see docs/render.md.
    """
    options = SessionOptions(sr=sr, block=block, samples=samples, workers=workers,
                             runtime=runtime or RuntimeOptions(), feedback_block=feedback_block,
                             seed=seed)
    frames = round(seconds * sr)
    if stems or stems_post:
        session, taps = open_stem_session(source, options, stems=stems or None,
                                          post=stems_post, file=file, registry=registry,
                                          reporter=reporter)
        try:
            return taps.collect(session, frames, session.render(frames, progress=progress))
        finally:
            session.close()
    session = open_session(source, options, file=file, registry=registry, reporter=reporter)
    try:
        return session.render(frames, progress=progress)
    finally:
        session.close()


def open_stem_session(source: str | os.PathLike | GraphIR, options: SessionOptions | None = None,
                      *, stems: list[str] | bool | None = None, post: bool = False,
                      file: str | None = None, registry=None,
                      reporter: Callable[[str], None] | None = None) -> tuple[Session, StemTaps]:
    """A Session that also records stems (see `phonon.engine.stems`): `stems` names them (None
    or True: every bus feeding an output, and `master`), `post` takes them after the master
    stage. Runs inline and unoptimised (same samples). Render it, then
    `taps.collect(session, frames, master)`."""
    from dataclasses import replace

    from ..plugins.registry import default_registry
    from .stems import select, tap_graph, with_taps
    options = options or SessionOptions()
    registry = registry or default_registry()
    if isinstance(source, os.PathLike):
        file = file or str(source)
        source = read_program(source)
    bank = make_sample_bank(options.samples, options.sr)
    graph = source if isinstance(source, GraphIR) else \
        compile_source(source, file=file or "<input>", registry=registry, bank=bank)
    names = select(graph, None if stems is True else stems)
    tapped, taps = tap_graph(graph, names, post)
    inline = replace(options, samples=bank, workers=0, runtime=RuntimeOptions(), optimize=False)
    session = open_session(tapped, inline, registry=with_taps(registry), reporter=reporter)
    return session, StemTaps(names, taps, post)

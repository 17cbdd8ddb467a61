"""`phonon render FILE OUTDIR --stems [BUS ...]` (and `--stems-post`): one file per stem.

OUTDIR is a folder (made when missing; its parent must exist). Each stem is written as
`OUTDIR/<name>.<format>` (default wav) through the same checked, atomic writer as a single
render, all sample-aligned and of the same length; `master` is the mix as `phonon render`
writes it. See phonon.engine.stems and docs/render.md ("Stems").
"""
from __future__ import annotations

import argparse
import math
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..errors import PhononError
from ..engine.stems import MASTER
from .render_output import (EXTENSIONS, AudioWriter, Destination, RenderOutputError,
                            check_destination, check_size)


def _folder(args: argparse.Namespace) -> Path:
    """OUTDIR, checked (and made) before anything renders; raises RenderOutputError."""
    folder = Path(args.out).expanduser()
    if folder.exists() and not folder.is_dir():
        raise RenderOutputError(f"{args.out} is a file: --stems writes one file per stem into "
                                "a folder")
    if not folder.exists():
        if folder.suffix.lower() in EXTENSIONS:
            raise RenderOutputError(f"--stems writes a folder of files, and {args.out} looks like "
                                    f"a file name: name a folder (e.g. {folder.with_suffix('')})")
        if not folder.parent.is_dir():
            raise RenderOutputError(f"cannot write {args.out}: the folder {folder.parent} does "
                                    "not exist")
        folder.mkdir()
    return folder


def run_stems(args: argparse.Namespace, sr: int, out, err, render_fn, print_summary) -> int:
    """The stems variant of `phonon render`'s run (sr already checked). `render_fn(session,
    frames, err)` and `print_summary(...)` are the single-file command's own progress display
    and summary (passed in: this module is imported by it)."""
    from ..engine.options import SessionOptions
    from ..engine.render import open_stem_session

    def fail(message: str, code: int) -> int:
        err.print(f"phonon render: {message}", markup=False, soft_wrap=True)
        return code

    if args.workers:
        return fail("--stems renders inline: drop -j (the worker processes do not hand back "
                    "each bus)", 2)
    fmt = args.format or "wav"
    file = "<stdin>" if args.file == "-" else args.file
    from ..program_file import ProgramFileError, read_program
    try:
        source = sys.stdin.read() if args.file == "-" else read_program(args.file)
    except ProgramFileError as exc:
        return fail(str(exc), 1)
    try:
        folder = _folder(args)
    except RenderOutputError as exc:
        return fail(str(exc), 2)
    options = SessionOptions(sr=sr, block=args.block, samples=args.samples or None,
                             seed=getattr(args, "seed", 0))
    try:
        session, taps = open_stem_session(
            source, options, stems=args.stems or None, post=args.stems_post, file=file,
            reporter=lambda m: err.print(f"phonon: {m}", markup=False))
    except PhononError as exc:
        err.print(exc.with_source(source).format(), markup=False, soft_wrap=True)
        return 1
    if args.cycles is not None:
        seconds = float(Fraction(args.cycles) / session.clock.cps)
    else:
        seconds = 8.0 if args.duration is None else args.duration
    frames = round(seconds * sr)
    if frames <= 0:
        session.close()
        return fail("the length must be positive", 2)
    program = None if args.file == "-" else args.file
    ext = next(e for e, f in EXTENSIONS.items() if f == fmt)            # ".wav"
    writers: dict[str, AudioWriter] = {}

    def abort() -> None:
        for w in writers.values():
            w.abort()

    try:
        for name in taps.names:
            dest = check_destination(str(folder / f"{name}{ext}"), fmt, sr, program)
            check_size(dest, frames)
            writers[name] = AudioWriter(dest, sr)
        taps.stream(session, lambda name, block: writers[name].write(block))
        master = writers.get(MASTER)
        _, wall, jit = render_fn(session, frames, err,
                                 master.write if master is not None else _discard)
        for w in writers.values():
            w.commit()
    except (RenderOutputError, OSError, RuntimeError) as exc:
        abort()
        return fail(f"cannot write the stems: {getattr(exc, 'strerror', None) or exc}", 1)
    except BaseException:
        abort()
        raise
    finally:
        session.close()
    where = "after" if args.stems_post else "before"
    out.print(f"wrote {len(writers)} stems to {folder.resolve()} ({fmt}, {sr} Hz, stereo, "
              f"taken {where} the master stage)", markup=False, soft_wrap=True)
    for name, w in writers.items():
        levels = w.levels
        rms = math.sqrt(levels.squares / levels.samples) if levels.samples else 0.0
        out.print(f"  {name + ext:<24} peak {_db(levels.peak):6.1f} dBFS   RMS {_db(rms):6.1f} "
                  "dBFS", markup=False, soft_wrap=True)
    if master is not None:
        print_summary(out, err, Destination(folder / f"master{ext}", fmt), master.levels, sr,
                      wall, jit)
    return 0


def _discard(block: np.ndarray) -> None:
    """The master's blocks when `master` is not among the stems asked for."""


def _db(x: float) -> float:
    return 20.0 * math.log10(x) if x > 0 else float("-inf")

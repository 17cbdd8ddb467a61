"""`phonon render FILE OUT`: render a program offline to an audio file.

The format comes from OUT's extension: WAV and AIFF as 32-bit float (the engine's own samples),
FLAC as 24-bit PCM (FLAC has no float format), OGG as Vorbis. The destination is checked before
rendering (render_output.py). A progress line shows while rendering, and while the DSP kernels
compile on the first run; the summary gives the file, length, peak and RMS level (dBFS), the
real-time factor (compile time excluded, reported on its own line) and a warning when samples
clipped. `--midi OUT.mid` also writes what the program's MIDI nodes send (render_midi.py).
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from typing import Callable

import numpy as np

from ..engine.limits import BLOCK_MAX, SR_MAX, SR_MIN, check_block, check_cycle_count, \
    check_cycles, check_sample_rate, check_seconds
from ..errors import PhononError
from ..program_file import ProgramFileError, read_program
from ..runtime.machine import default_workers
from . import render_midi
from .console import console
from .plugin_paths import add_plugin_path_argument, apply_plugin_paths
from .render_output import FORMATS, AudioWriter, Levels, RenderOutputError, check_destination, \
    check_size, output_format

HELP = "render a program to an audio file (wav, flac, ogg or aiff)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the .ph program ('-' reads standard input)")
    parser.add_argument("out", help="output audio file: .wav, .flac, .ogg or .aiff")
    length = parser.add_mutually_exclusive_group()
    length.add_argument("-d", "--duration", type=float, metavar="SECONDS",
                        help="length in seconds (default 8)")
    length.add_argument("-c", "--cycles", type=float, metavar="CYCLES",
                        help="length in cycles, at the program's tempo")
    parser.add_argument("-s", "--sample-rate", type=int, default=44100, metavar="SR",
                        help=f"sample rate, {SR_MIN}-{SR_MAX} (default 44100)")
    parser.add_argument("-b", "--block", type=int, default=2048, metavar="BLOCK",
                        help=f"block size in frames, 1-{BLOCK_MAX} (default 2048)")
    parser.add_argument("--samples", action="append", default=[], metavar="DIR",
                        help="sample root (Dirt-Samples layout); may be repeated")
    parser.add_argument("--format", choices=sorted(FORMATS), default=None,
                        help="file format (default: from the OUT extension; must agree with it)")
    parser.add_argument("-j", "--workers", type=int, default=None, metavar="N",
                        help="up to N worker processes beside this one (default: cores - 1 = "
                             f"{default_workers()}; 0 renders inline); never more busy "
                             "processes than cores; the cost model keeps light programs inline")
    parser.add_argument("--isolate", action="append", default=[], metavar="KIND",
                        help="run every node of this kind (e.g. vst3) in its own worker process, "
                             "so a crash only silences it; may be repeated or comma-separated")
    parser.add_argument("--seed", type=int, default=0,
                        help="random stream of the patterns and noise (default 0: Tidal's)")
    parser.add_argument("--stems", nargs="*", metavar="BUS", default=None,
                        help="OUT is a folder: one file per bus feeding the outputs (or per "
                             "BUS named) plus master, taken before the master stage")
    parser.add_argument("--stems-post", action="store_true",
                        help="stems taken after the master stage (each bus through its own "
                             "copy of the output's effects); implies --stems")
    parser.add_argument("--profile", action="store_true",
                        help="print each node's wave, worker, µs per block and share, "
                             "and the barrier waiting time")
    render_midi.add_arguments(parser)
    add_plugin_path_argument(parser)


def level_dbfs(x: float) -> float:
    """A linear level in dBFS (-inf for silence)."""
    return 20.0 * math.log10(x) if x > 0 else float("-inf")


def summary(y: np.ndarray | Levels, sr: int, wall: float) -> dict:
    """Length, peak and RMS (dBFS) of a (2, n) render (or its `Levels`) and its real-time
    factor."""
    levels = y if isinstance(y, Levels) else Levels.of(y, sr)
    seconds = levels.frames / sr
    return {"seconds": seconds, "frames": levels.frames, "peak_dbfs": level_dbfs(levels.peak),
            "rms_dbfs": level_dbfs(levels.rms),
            "rtf": seconds / wall if wall > 0 else float("inf")}


def run(args: argparse.Namespace) -> int:
    out = console()
    err = console(stderr=True)

    def fail(message: str, code: int) -> int:
        err.print(f"phonon render: {message}", markup=False, soft_wrap=True)
        return code

    file = "<stdin>" if args.file == "-" else args.file
    apply_plugin_paths(args)
    try:
        sr = check_sample_rate(args.sample_rate)
        check_block(args.block)
        if args.duration is not None:
            check_seconds(args.duration)
        elif args.cycles is not None:
            check_cycle_count(args.cycles)            # the tempo comes with the program
        if args.workers is not None and args.workers < 0:
            return fail("-j/--workers must not be negative", 2)
        isolate = isolated_kinds(args.isolate)
        if args.stems is not None or args.stems_post:
            from .render_stems import run_stems
            return run_stems(args, sr, out, err, _render, _print_summary)
        dest = check_destination(args.out, output_format(args.out, args.format), sr,
                                 None if args.file == "-" else args.file)
    except (ValueError, RenderOutputError) as exc:
        return fail(str(exc), 2)
    problem = render_midi.check(args)
    if problem:
        return fail(problem, 2)
    midi = render_midi.hub(args)
    try:
        source = sys.stdin.read() if args.file == "-" else read_program(args.file)
    except ProgramFileError as exc:
        return fail(str(exc), 1)
    try:
        session = _session(args, source, file, sr, err, midi, isolate)
    except PhononError as exc:
        err.print(exc.with_source(source).format(), markup=False, soft_wrap=True)
        return 1
    for w in session.source_graph.warnings:
        err.print(w.format(), markup=False, soft_wrap=True)
    try:
        status = _render_file(args, session, dest, sr, out, err, fail)
    finally:
        session.close()
    if status:
        return status
    if midi is not None:
        from ..sync import SyncUnavailable
        try:
            out.print(render_midi.write(args, midi, sr, session.source_graph.cps),
                      markup=False, soft_wrap=True)
        except (OSError, SyncUnavailable) as exc:
            return fail(f"cannot write {args.midi}: {exc}", 1)
    return 0


def _render_file(args: argparse.Namespace, session, dest, sr: int, out, err, fail) -> int:
    """Render the program into `dest`, streamed block by block (`AudioWriter`), and print the
    summary; returns the exit status (the caller closes the session)."""
    try:
        seconds = 8.0 if args.duration is None else args.duration
        if args.cycles is not None:
            seconds = check_cycles(args.cycles, session.clock.cps)
        frames = max(1, round(seconds * sr))
        check_size(dest, frames)
        writer = AudioWriter(dest, sr)
    except (ValueError, RenderOutputError) as exc:
        return fail(str(exc), 2 if isinstance(exc, ValueError) else 1)
    try:
        _, wall, jit = _render(session, frames, err, writer.write)
        if args.profile:
            out.print(session.executor.profile().rich_table())
        runtime = session.executor.describe()
        writer.commit()
    except RenderOutputError as exc:             # the disk filled up while rendering
        return fail(str(exc), 1)
    except BaseException:
        writer.abort()
        raise
    _print_summary(out, err, dest, writer.levels, sr, wall, jit)
    out.print(runtime, markup=False, soft_wrap=True)
    return 0


def isolated_kinds(items: list[str]) -> tuple[str, ...]:
    """`--isolate` values (repeated or comma-separated) as node kinds; an unknown kind is a
    ValueError with a did-you-mean."""
    kinds = tuple(k.strip() for item in items for k in item.split(",") if k.strip())
    if not kinds:
        return ()
    from ..errors import did_you_mean
    from ..plugins.registry import default_registry
    registry = default_registry()
    known = []
    for kind in kinds:
        cls = registry.get(kind)
        if cls is None:
            hint = did_you_mean(kind, registry.names(with_aliases=True))
            raise ValueError(f"--isolate {kind}: no node kind of that name"
                             + (f" ({hint})" if hint else " (see `phonon nodes`)"))
        known.append(cls.spec.name)
    return tuple(known)


def _session(args: argparse.Namespace, source: str, file: str, sr: int, err, midi=None,
             isolate: tuple[str, ...] = ()):
    """A playable session for the program (raises PhononError); `midi`: its MIDI hub;
    `isolate`: the node kinds to run in their own processes."""
    from ..engine.options import SessionOptions
    from ..engine.render import open_session
    from ..runtime.options import RuntimeOptions

    options = SessionOptions(sr=sr, block=args.block, samples=args.samples or None,
                             workers=default_workers() if args.workers is None else args.workers,
                             seed=args.seed,
                             runtime=RuntimeOptions(isolate=isolate, profile=args.profile),
                             resources={"midi": midi} if midi is not None else {})
    return open_session(source, options, file=file,
                        reporter=lambda m: err.print(f"phonon: {m}", markup=False))


COMPILING = "compiling DSP kernels (first run only)"


def _render(session, frames: int, err, sink: Callable[[np.ndarray], None] | None = None):
    """Render `frames` with a transient progress line on a terminal (which also names the kernel
    being compiled on a cold cache); off a terminal, one plain line when compiling starts.
    Each block goes to `sink(block)` as it is rendered (bounded memory) when given, else into
    one array. Returns (audio or None, wall seconds, KernelCompiles)."""
    from ..engine.kernel_compiles import KernelCompiles

    def run(progress=None):
        if sink is None:
            return session.render(frames, progress=progress)
        session.stream(frames, lambda block, done: sink(block), progress)
        return None

    if not err.is_terminal:
        def announce(name: str, n: int) -> None:
            if n == 1:
                err.print(f"{COMPILING}...", markup=False)
        t0 = time.perf_counter()
        with KernelCompiles(announce) as jit:
            y = run()
        return y, time.perf_counter() - t0, jit

    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
    with Progress(TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.percentage:>3.0f}%"), TimeRemainingColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("rendering", total=frames)

        def compiling(name: str, n: int) -> None:
            bar.update(task, description=f"{COMPILING}: {n} ({name})")

        def progress(done: int) -> None:
            bar.update(task, completed=done, description="rendering")

        t0 = time.perf_counter()
        with KernelCompiles(compiling) as jit:
            y = run(progress)
        wall = time.perf_counter() - t0
    return y, wall, jit


def _print_summary(out, err, dest, y: np.ndarray | Levels, sr: int, wall: float, jit) -> None:
    levels = y if isinstance(y, Levels) else Levels.of(y, sr)
    s = summary(levels, sr, max(wall - jit.seconds, 1e-9))
    out.print(f"wrote {dest.path.resolve()} ({dest.format}, {sr} Hz, stereo)", markup=False,
              soft_wrap=True)
    out.print(f"length {s['seconds']:.3f} s ({s['frames']} frames)   peak {s['peak_dbfs']:.1f} dBFS"
              f"   RMS {s['rms_dbfs']:.1f} dBFS   {s['rtf']:.1f}x real time", markup=False,
              soft_wrap=True)
    if jit.count:
        out.print(f"compiled {jit.count} DSP kernel{'s' if jit.count != 1 else ''} in "
                  f"{jit.seconds:.1f} s (first run only; cached for the next runs)",
                  markup=False, soft_wrap=True)
    clipped = levels.clip_report()
    if clipped:
        err.print(clipped, markup=False, soft_wrap=True)

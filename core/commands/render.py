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
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..engine.limits import SR_MAX, SR_MIN, check_sample_rate
from ..errors import PhononError
from ..runtime.machine import default_workers
from . import render_midi
from .render_output import FORMATS, RenderOutputError, check_destination, clip_report, \
    output_format, write_audio

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
                        help="block size in frames (default 2048)")
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


def level_dbfs(x: float) -> float:
    """A linear level in dBFS (-inf for silence)."""
    return 20.0 * math.log10(x) if x > 0 else float("-inf")


def summary(y: np.ndarray, sr: int, wall: float) -> dict:
    """Length, peak and RMS (dBFS) of a (2, n) render and its real-time factor."""
    seconds = y.shape[1] / sr
    peak = float(np.max(np.abs(y))) if y.size else 0.0
    rms = float(np.sqrt(np.mean(np.square(y, dtype=np.float64)))) if y.size else 0.0
    return {"seconds": seconds, "frames": y.shape[1], "peak_dbfs": level_dbfs(peak),
            "rms_dbfs": level_dbfs(rms), "rtf": seconds / wall if wall > 0 else float("inf")}


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    out = Console(highlight=False)
    err = Console(stderr=True, highlight=False)

    def fail(message: str, code: int) -> int:
        err.print(f"phonon render: {message}", markup=False, soft_wrap=True)
        return code

    file = "<stdin>" if args.file == "-" else args.file
    try:
        sr = check_sample_rate(args.sample_rate)
        if args.block <= 0:
            return fail("the block size must be positive", 2)
        if args.workers is not None and args.workers < 0:
            return fail("-j/--workers must not be negative", 2)
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
        source = sys.stdin.read() if args.file == "-" else Path(args.file).read_text()
    except OSError as exc:
        return fail(f"cannot read {args.file}: {exc.strerror}", 1)
    try:
        session = _session(args, source, file, sr, err, midi)
    except PhononError as exc:
        err.print(exc.with_source(source).format(), markup=False, soft_wrap=True)
        return 1
    for w in session.source_graph.warnings:
        err.print(w.format(), markup=False, soft_wrap=True)

    if args.cycles is not None:
        seconds = float(Fraction(args.cycles) / session.clock.cps)
    else:
        seconds = 8.0 if args.duration is None else args.duration
    frames = round(seconds * sr)
    if frames <= 0:
        session.close()
        return fail("the length must be positive", 2)
    try:
        y, wall, jit = _render(session, frames, err)
        if args.profile:
            out.print(session.executor.profile().rich_table())
        runtime = session.executor.describe()
    finally:
        session.close()
    try:
        write_audio(dest, y, sr)
    except (OSError, RuntimeError) as exc:
        return fail(f"cannot write {args.out}: {getattr(exc, 'strerror', None) or exc}", 1)
    _print_summary(out, err, dest, y, sr, wall, jit)
    out.print(runtime, markup=False, soft_wrap=True)
    if midi is not None:
        from ..sync import SyncUnavailable
        try:
            out.print(render_midi.write(args, midi, sr, session.source_graph.cps),
                      markup=False, soft_wrap=True)
        except (OSError, SyncUnavailable) as exc:
            return fail(f"cannot write {args.midi}: {exc}", 1)
    return 0


def _session(args: argparse.Namespace, source: str, file: str, sr: int, err, midi=None):
    """A playable session for the program (raises PhononError); `midi`: its MIDI hub."""
    from ..engine.options import SessionOptions
    from ..engine.render import open_session
    from ..runtime.options import RuntimeOptions

    isolate = tuple(k for item in args.isolate for k in item.split(",") if k)
    options = SessionOptions(sr=sr, block=args.block, samples=args.samples or None,
                             workers=default_workers() if args.workers is None else args.workers,
                             seed=args.seed,
                             runtime=RuntimeOptions(isolate=isolate, profile=args.profile),
                             resources={"midi": midi} if midi is not None else {})
    return open_session(source, options, file=file,
                        reporter=lambda m: err.print(f"phonon: {m}", markup=False))


COMPILING = "compiling DSP kernels (first run only)"


def _render(session, frames: int, err):
    """Render `frames` with a transient progress line on a terminal (which also names the kernel
    being compiled on a cold cache); off a terminal, one plain line when compiling starts.
    Returns (audio, wall seconds, KernelCompiles)."""
    from ..engine.kernel_compiles import KernelCompiles

    if not err.is_terminal:
        def announce(name: str, n: int) -> None:
            if n == 1:
                err.print(f"{COMPILING}...", markup=False)
        t0 = time.perf_counter()
        with KernelCompiles(announce) as jit:
            y = session.render(frames)
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
            y = session.render(frames, progress=progress)
        wall = time.perf_counter() - t0
    return y, wall, jit


def _print_summary(out, err, dest, y: np.ndarray, sr: int, wall: float, jit) -> None:
    s = summary(y, sr, max(wall - jit.seconds, 1e-9))
    out.print(f"wrote {dest.path.resolve()} ({dest.format}, {sr} Hz, stereo)", markup=False,
              soft_wrap=True)
    out.print(f"length {s['seconds']:.3f} s ({s['frames']} frames)   peak {s['peak_dbfs']:.1f} dBFS"
              f"   RMS {s['rms_dbfs']:.1f} dBFS   {s['rtf']:.1f}x real time", markup=False,
              soft_wrap=True)
    if jit.count:
        out.print(f"compiled {jit.count} DSP kernel{'s' if jit.count != 1 else ''} in "
                  f"{jit.seconds:.1f} s (first run only; cached for the next runs)",
                  markup=False, soft_wrap=True)
    clipped = clip_report(y, sr)
    if clipped:
        err.print(clipped, markup=False, soft_wrap=True)

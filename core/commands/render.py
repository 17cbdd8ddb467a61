"""`phonon render FILE OUT`: render a program offline to a WAV or FLAC file.

WAV files are written as 32-bit float (no quantisation; the engine's own samples), FLAC as
24-bit PCM (FLAC has no float format). A progress bar shows for renders longer than a second;
the summary gives the file, length, peak and RMS level (dBFS) and the real-time factor.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..errors import PhononError

HELP = "render a program to an audio file (wav or flac)"

SUBTYPES = {"wav": "FLOAT", "flac": "PCM_24"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the .ph program ('-' reads standard input)")
    parser.add_argument("out", help="output audio file (.wav or .flac)")
    length = parser.add_mutually_exclusive_group()
    length.add_argument("-d", "--duration", type=float, metavar="SECONDS",
                        help="length in seconds (default 8)")
    length.add_argument("-c", "--cycles", type=float, metavar="CYCLES",
                        help="length in cycles, at the program's tempo")
    parser.add_argument("-s", "--sample-rate", type=int, default=44100, metavar="SR",
                        help="sample rate (default 44100)")
    parser.add_argument("-b", "--block", type=int, default=2048, metavar="BLOCK",
                        help="block size in frames (default 2048)")
    parser.add_argument("--samples", action="append", default=[], metavar="DIR",
                        help="sample root (Dirt-Samples layout); may be repeated")
    parser.add_argument("--format", choices=sorted(SUBTYPES), default=None,
                        help="file format (default: from the OUT extension, else wav)")
    parser.add_argument("-j", "--workers", type=int, default=0,
                        help="worker processes for the actor runtime (default 0: inline)")
    parser.add_argument("--isolate", action="append", default=[], metavar="KIND",
                        help="run every node of this kind (e.g. vst3) in its own worker process, "
                             "so a crash only silences it; may be repeated or comma-separated")
    parser.add_argument("--profile", action="store_true",
                        help="print each node's wave, worker, µs per block and share, "
                             "and the barrier waiting time")


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


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    return "flac" if Path(args.out).suffix.lower() == ".flac" else "wav"


def run(args: argparse.Namespace) -> int:
    import soundfile as sf
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from ..engine.options import SessionOptions
    from ..engine.render import open_session
    from ..runtime.options import RuntimeOptions

    out = Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    file = "<stdin>" if args.file == "-" else args.file
    try:
        source = sys.stdin.read() if args.file == "-" else Path(args.file).read_text()
    except OSError as exc:
        err.print(f"phonon render: cannot read {args.file}: {exc.strerror}", markup=False, soft_wrap=True)
        return 1
    sr, block = args.sample_rate, args.block
    if sr <= 0 or block <= 0:
        err.print("phonon render: sample rate and block size must be positive", markup=False, soft_wrap=True)
        return 2
    isolate = tuple(k for item in args.isolate for k in item.split(",") if k)
    options = SessionOptions(sr=sr, block=block, samples=args.samples or None,
                             workers=args.workers,
                             runtime=RuntimeOptions(isolate=isolate, profile=args.profile))
    try:
        session = open_session(source, options, file=file,
                               reporter=lambda m: err.print(f"phonon: {m}", markup=False))
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
        err.print("phonon render: the length must be positive", markup=False, soft_wrap=True)
        return 2

    t0 = time.perf_counter()
    try:
        if seconds > 1.0:
            with Progress(TextColumn("rendering"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                          TimeRemainingColumn(), console=err, transient=True) as bar:
                task = bar.add_task("render", total=frames)
                y = session.render(frames, progress=lambda done: bar.update(task, completed=done))
        else:
            y = session.render(frames)
        if args.profile:
            out.print(session.executor.profile().rich_table())
    finally:
        session.close()
    wall = time.perf_counter() - t0

    fmt = _format(args)
    try:
        sf.write(args.out, y.T, sr, format=fmt.upper(), subtype=SUBTYPES[fmt])
    except (OSError, RuntimeError, sf.LibsndfileError) as exc:
        err.print(f"phonon render: cannot write {args.out}: {exc}", markup=False, soft_wrap=True)
        return 1
    s = summary(y, sr, wall)
    out.print(f"wrote {Path(args.out).resolve()} ({fmt}, {sr} Hz, stereo)", markup=False, soft_wrap=True)
    out.print(f"length {s['seconds']:.3f} s ({s['frames']} frames)   peak {s['peak_dbfs']:.1f} dBFS"
              f"   RMS {s['rms_dbfs']:.1f} dBFS   {s['rtf']:.1f}x real time", markup=False, soft_wrap=True)
    return 0

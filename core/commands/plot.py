"""`phonon plot FILE|AUDIO`: pictures of a program (its events, its sound) or of an audio file.

`roll`/`punchcard` come from the pattern engine's exact events (nothing is rendered), `wave`
and `spectrogram` from a render of the program (or the audio file as it is), `all` puts the
roll above the spectrogram on one time axis. Drawn with matplotlib's Agg/SVG writers: no
display is needed. The picture is written to a temporary file first and moved into place, so
a failure never leaves half a file or clobbers an existing one.
"""
from __future__ import annotations

import argparse
import os
import sys
from fractions import Fraction
from pathlib import Path

from ..errors import PhononError
from ..program_file import ProgramFileError, check_regular_file, read_program
from .plugin_paths import add_plugin_path_argument, apply_plugin_paths

HELP = "draw a program's events (roll, punchcard) or its sound (wave, spectrogram) to PNG/SVG"

PICTURE_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
AUDIO_SUFFIXES = {".wav", ".flac", ".aiff", ".aif", ".ogg", ".mp3"}
DEFAULT_CYCLES = 4


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..plot import KINDS
    parser.add_argument("file", help="a .ph program ('-' reads standard input) or an audio file")
    parser.add_argument("-o", "--out", metavar="OUT",
                        help="picture file, .png, .svg or .pdf (default: FILE-KIND.png here)")
    parser.add_argument("--kind", choices=KINDS, default="all",
                        help="what to draw (default all: the roll above the spectrogram)")
    length = parser.add_mutually_exclusive_group()
    length.add_argument("-c", "--cycles", type=Fraction, metavar="CYCLES",
                        help=f"cycles of a program to draw (default {DEFAULT_CYCLES})")
    length.add_argument("-d", "--duration", type=float, metavar="SECONDS",
                        help="seconds of a program to draw instead")
    parser.add_argument("-s", "--sample-rate", type=int, default=44100, metavar="SR",
                        help="render sample rate (default 44100)")
    parser.add_argument("--samples", action="append", default=[], metavar="DIR",
                        help="sample root (Dirt-Samples layout); may be repeated")
    parser.add_argument("--stems", nargs="*", metavar="BUS", default=None,
                        help="wave/spectrogram: one row per stem (every bus feeding the "
                             "outputs, or the BUSes named, and master); see docs/render.md")
    parser.add_argument("--stems-post", action="store_true",
                        help="with --stems: stems after the master stage")
    parser.add_argument("--seed", type=int, default=0,
                        help="random stream of the program (as phonon render/batch --seed)")
    parser.add_argument("--cps", type=float, metavar="CPS",
                        help="an audio file's tempo: draw its time axis in cycles")
    parser.add_argument("--width", type=float, default=11.0, metavar="INCHES",
                        help="picture width in inches (default 11)")
    parser.add_argument("--dpi", type=int, default=100, help="PNG resolution (default 100)")
    add_plugin_path_argument(parser)


def _fail(message: str, code: int = 1) -> int:
    print(f"phonon plot: {message}", file=sys.stderr)
    return code


def _destination(args: argparse.Namespace) -> Path:
    if args.out:
        return Path(args.out)
    stem = "stdin" if args.file == "-" else Path(args.file).stem
    return Path(f"{stem}-{args.kind}.png")


def _program_figure(args: argparse.Namespace, source: str, file: str):
    """(figure, description) for a program; raises PhononError for a broken program."""
    from ..engine.render import compile_source, render
    from ..engine.session import make_sample_bank
    from ..plot.events import layout, program_events
    from ..plot.figures import figure

    bank = make_sample_bank(args.samples or None, args.sample_rate)
    graph = compile_source(source, file=file, bank=bank)
    cps = Fraction(graph.cps).limit_denominator(10**6)
    cycles = args.cycles if args.cycles is not None else \
        (Fraction(args.duration) * cps if args.duration is not None else Fraction(DEFAULT_CYCLES))
    if cycles <= 0:
        raise ValueError("the length must be positive")
    roll = None
    if args.kind in ("roll", "punchcard", "all"):
        roll = layout(program_events(graph, cycles, seed=args.seed),
                      "punchcard" if args.kind == "punchcard" else "roll", cycles)
    signals = {}
    stems = args.stems is not None or args.stems_post
    if stems and args.kind not in ("wave", "spectrogram"):
        raise ValueError("--stems draws audio: use --kind wave or spectrogram")
    if stems:
        signals = render(graph, float(cycles / cps), args.sample_rate, samples=bank,
                         seed=args.seed, stems=args.stems or True, stems_post=args.stems_post)
    elif args.kind in ("wave", "spectrogram", "all"):
        signals["master"] = render(graph, float(cycles / cps), args.sample_rate, samples=bank,
                                   seed=args.seed)
    fig = figure(args.kind, signals=signals, sr=args.sample_rate, cps=float(cps), roll=roll,
                 width=args.width, dpi=args.dpi)
    events = f", {len(roll.events)} events" if roll is not None else ""
    rows = f", stems {' '.join(signals)}" if stems else ""
    return fig, f"{float(cycles):g} cycles{events}{rows}"


def _audio_figure(args: argparse.Namespace):
    import soundfile as sf

    from ..plot.figures import figure
    if args.kind in ("roll", "punchcard"):
        raise ValueError(f"--kind {args.kind} needs a program: an audio file has no events")
    check_regular_file(args.file, "give an audio file")
    y, sr = sf.read(args.file, dtype="float32", always_2d=True)
    fig = figure(args.kind, signals={Path(args.file).name: y.T}, sr=sr, cps=args.cps,
                 width=args.width, dpi=args.dpi)
    return fig, f"{y.shape[0] / sr:.3f} s"


def _save(fig, out: Path, fmt: str, dpi: int) -> None:
    """Write to a temporary file beside `out`, then move it into place."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.part")     # created with the umask
    try:
        fig.savefig(tmp, format=fmt, dpi=dpi)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def run(args: argparse.Namespace) -> int:
    apply_plugin_paths(args)
    out = _destination(args)
    fmt = PICTURE_FORMATS.get(out.suffix.lower())
    if fmt is None:
        return _fail(f"cannot tell the picture format of {out}: use .png, .svg or .pdf", 2)
    if not out.parent.resolve().is_dir():
        return _fail(f"cannot write {out}: folder {out.parent} does not exist")
    is_audio = args.file != "-" and Path(args.file).suffix.lower() in AUDIO_SUFFIXES
    file = "<stdin>" if args.file == "-" else args.file
    source = ""
    try:
        if is_audio:
            fig, what = _audio_figure(args)
        else:
            source = sys.stdin.read() if args.file == "-" else read_program(args.file)
            fig, what = _program_figure(args, source, file)
    except PhononError as exc:
        print(exc.with_source(source).format(), file=sys.stderr)
        return 1
    except ProgramFileError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot read {args.file}: {exc.strerror or exc}")
    except ValueError as exc:
        return _fail(str(exc), 2)
    except RuntimeError as exc:          # soundfile: not an audio file it can read
        return _fail(f"cannot read {args.file}: {exc}")
    try:
        _save(fig, out, fmt, args.dpi)
    except OSError as exc:
        return _fail(f"cannot write {out}: {exc.strerror or exc}")
    print(f"wrote {out.resolve()} ({args.kind}, {what})")
    return 0

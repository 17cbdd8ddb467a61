"""Where `phonon render` writes: the file format (from the extension), checks of the destination
before rendering, a write that never leaves a half file, and the clipping report.

Every problem is one line naming the cause (`RenderOutputError`); the existing output file is
kept whatever happens, and the program file is never the destination.
"""
from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# extension -> format; format -> (libsndfile subtype, highest sample rate it writes)
EXTENSIONS = {".wav": "wav", ".flac": "flac", ".ogg": "ogg", ".aiff": "aiff", ".aif": "aiff"}
FORMATS = {"wav": ("FLOAT", None), "flac": ("PCM_24", None), "ogg": ("VORBIS", 192000),
           "aiff": ("FLOAT", None)}
NAMES = ".wav, .flac, .ogg or .aiff"


class RenderOutputError(Exception):
    """A destination `phonon render` refuses, with the one-line reason."""


@dataclass(frozen=True)
class Destination:
    path: Path
    format: str            # wav, flac, ogg, aiff

    @property
    def subtype(self) -> str:
        return FORMATS[self.format][0]


def output_format(out: str, requested: str | None) -> str:
    """The format of `out`, from its extension; `requested` (--format) must agree with it."""
    ext = Path(out).suffix.lower()
    known = EXTENSIONS.get(ext)
    if requested is not None:
        if ext and known != requested:
            raise RenderOutputError(
                f"--format {requested} does not match the name {out} "
                f"(name it {Path(out).with_suffix('.' + requested).name} or drop --format)")
        return requested
    if known is None:
        what = f"extension {ext}" if ext else "no extension"
        raise RenderOutputError(f"cannot tell the format of {out} ({what}): name it {NAMES}")
    return known


def check_destination(out: str, fmt: str, sr: int, program: str | None) -> Destination:
    """Refuse, before any rendering, a destination that cannot be written: the program file
    itself, a missing or read-only folder, a folder in place of the file, a rate the format
    cannot store."""
    path = Path(out).expanduser()
    if program is not None and _same_file(path, Path(program)):
        raise RenderOutputError(f"{out} is the program file itself: choose another output name")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise RenderOutputError(_errno_text(errno.ENOENT, out, f"the folder {folder} does not exist"))
    if not folder.is_dir():
        raise RenderOutputError(_errno_text(errno.ENOTDIR, out, f"{folder} is not a folder"))
    if path.is_dir():
        raise RenderOutputError(_errno_text(errno.EISDIR, out, "it is a folder"))
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise RenderOutputError(_errno_text(errno.EACCES, out, "no write permission"))
    top = FORMATS[fmt][1]
    if top is not None and sr > top:
        raise RenderOutputError(f"{fmt} files store at most {top} Hz, not {sr}: "
                                f"use -s {top} or lower, or a .wav/.flac name")
    return Destination(path, fmt)


def write_audio(dest: Destination, y: np.ndarray, sr: int) -> None:
    """Write the (channels, n) render to `dest` through a temporary file in the same folder,
    then move it into place: a failure leaves any existing file as it was. The same audio
    always gives the same bytes (`phonon.engine.audiofile`)."""
    import soundfile as sf

    from ..engine.audiofile import make_reproducible

    # created by libsndfile like any new file (the umask applies), beside the destination
    tmp = str(dest.path.parent / f".{dest.path.name}.{os.getpid()}.part")
    try:
        sf.write(tmp, y.T, sr, format=dest.format.upper(), subtype=dest.subtype)
        make_reproducible(tmp, dest.format)
        os.replace(tmp, dest.path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def clip_report(y: np.ndarray, sr: int, spans_shown: int = 4) -> str | None:
    """None when no sample reached full scale; otherwise how many frames clipped (at +-1, where
    the master stage clips) and where, in seconds."""
    hit = np.flatnonzero(np.any(np.abs(y) >= 1.0, axis=0))
    if hit.size == 0:
        return None
    breaks = np.flatnonzero(np.diff(hit) > sr // 100) + 1      # gaps over 10 ms split spans
    starts, ends = hit[np.r_[0, breaks]], hit[np.r_[breaks - 1, hit.size - 1]]
    shown = ", ".join(_span(a, b, sr) for a, b in zip(starts[:spans_shown], ends[:spans_shown]))
    more = f" and {len(starts) - spans_shown} more" if len(starts) > spans_shown else ""
    share = 100.0 * hit.size / y.shape[1]
    return (f"warning: {hit.size} frames clipped ({share:.2g} % of the render) at {shown}{more}: "
            f"lower the gain or end the chain with `# limiter 0.95`")


def _span(a: int, b: int, sr: int) -> str:
    return f"{a / sr:.2f} s" if b - a < sr // 100 else f"{a / sr:.2f}-{b / sr:.2f} s"


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def _errno_text(code: int, out: str, detail: str) -> str:
    return f"cannot write {out}: {os.strerror(code)} ({detail})"

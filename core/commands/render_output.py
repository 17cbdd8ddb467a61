"""Where `phonon render` writes: the file format (from the extension), checks of the destination
before rendering (folder, permissions, free space, the format's size limit), the streaming
writer (`AudioWriter`: block by block into a temporary file beside the destination, renamed into
place when complete) and the levels and clipping report.

Every problem is one line naming the cause and its errno (`RenderOutputError`); the existing
output file is kept whatever happens (a full disk, a kill), and the program file is never the
destination.
"""
from __future__ import annotations

import errno
import os
import resource
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# extension -> format; format -> (libsndfile subtype, highest sample rate it writes)
EXTENSIONS = {".wav": "wav", ".flac": "flac", ".ogg": "ogg", ".aiff": "aiff", ".aif": "aiff"}
FORMATS = {"wav": ("FLOAT", None), "flac": ("PCM_24", None), "ogg": ("VORBIS", 192000),
           "aiff": ("FLOAT", None)}
NAMES = ".wav, .flac, .ogg or .aiff"
# bytes per sample written (flac: at most, uncompressed), for the free-space check
SAMPLE_BYTES = {"wav": 4, "aiff": 4, "flac": 3, "ogg": 0}
RIFF_MAX = 0xFFFFFFFF - 4096    # a .wav/.aiff file's 32-bit size fields


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
    if out == "-":
        raise RenderOutputError("writing audio to standard output is not supported: name the "
                                "output file (e.g. out.wav)")
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


def check_size(dest: Destination, frames: int, channels: int = 2) -> None:
    """Refuse, before rendering, a render the destination cannot hold: more than a .wav/.aiff
    file stores (4 GiB), more than the free space of its disk or the file-size limit."""
    need = SAMPLE_BYTES[dest.format] * channels * frames
    if dest.format in ("wav", "aiff") and need > RIFF_MAX:
        raise RenderOutputError(f"cannot write {dest.path}: a .{dest.format} file holds at most "
                                f"4 GiB, this render needs {_size(need)}: render less, or to a "
                                ".flac file")
    folder = dest.path.parent if str(dest.path.parent) else Path(".")
    try:
        st = os.statvfs(folder)
        free = st.f_bavail * st.f_frsize
    except OSError:
        free = None
    if free is not None and need + 65536 > free:
        raise RenderOutputError(_errno_text(errno.ENOSPC, str(dest.path),
                                            f"the render needs {_size(need)}, {folder} has "
                                            f"{_size(free)} free"))
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    if limit != resource.RLIM_INFINITY and need + 4096 > limit:
        raise RenderOutputError(_errno_text(errno.EFBIG, str(dest.path),
                                            f"the render needs {_size(need)}, the file-size "
                                            f"limit is {_size(limit)}"))


def part_name(path: Path, pid: int | None = None) -> Path:
    """The temporary file a render writes before renaming it to `path`: `.NAME.PID.part`."""
    return path.parent / f".{path.name}.{os.getpid() if pid is None else pid}.part"


def remove_stale_parts(path: Path) -> None:
    """Delete temporary files of earlier renders to `path` whose process is gone (killed)."""
    prefix, folder = f".{path.name}.", path.parent if str(path.parent) else Path(".")
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(".part")]
    except OSError:
        return
    for name in names:
        pid = name[len(prefix):-len(".part")]
        if pid.isdigit() and not _alive(int(pid)):
            try:
                (folder / name).unlink()
            except OSError:
                pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class Levels:
    """Peak, RMS and clipped frames of a render, gathered block by block (bounded memory): the
    clipping report keeps the first `spans_shown` spans and counts the rest."""

    sr: int
    spans_shown: int = 4
    frames: int = 0
    peak: float = 0.0
    squares: float = 0.0
    samples: int = 0
    clipped: int = 0
    spans: list[list[int]] = field(default_factory=list)   # [first, last] clipped frame
    span_count: int = 0
    _last_hit: int = -(1 << 62)

    @classmethod
    def of(cls, y: np.ndarray, sr: int) -> "Levels":
        levels = cls(sr)
        levels.add(y)
        return levels

    def add(self, block: np.ndarray) -> None:
        """Count one (channels, n) block, the next after those added so far."""
        n = block.shape[1]
        if n:
            mag = np.abs(block)
            self.peak = max(self.peak, float(mag.max()))
            self.squares += float(np.sum(np.square(block, dtype=np.float64)))
            self.samples += block.size
            hit = np.flatnonzero(np.any(mag >= 1.0, axis=0))
            if hit.size:
                self._add_hits(hit + self.frames)
        self.frames += n

    def _add_hits(self, hit: np.ndarray) -> None:
        self.clipped += hit.size
        gap = self.sr // 100                                   # gaps over 10 ms split spans
        starts = np.flatnonzero(np.diff(np.r_[self._last_hit, hit]) > gap)
        ends = np.r_[starts[1:] - 1, hit.size - 1].astype(np.int64)
        first = starts[0] if starts.size else hit.size
        if first > 0 and len(self.spans) == self.span_count:   # the open span goes on
            self.spans[-1][1] = int(hit[first - 1])
        for s, e in zip(starts, ends):
            self.span_count += 1
            if self.span_count <= self.spans_shown:
                self.spans.append([int(hit[s]), int(hit[e])])
        self._last_hit = int(hit[-1])

    @property
    def rms(self) -> float:
        return float(np.sqrt(self.squares / self.samples)) if self.samples else 0.0

    def clip_report(self) -> str | None:
        """None when no sample reached full scale; otherwise how many frames clipped (at +-1,
        where the master stage clips) and where, in seconds."""
        if not self.clipped:
            return None
        shown = ", ".join(_span(a, b, self.sr) for a, b in self.spans)
        extra = self.span_count - len(self.spans)
        more = f" and {extra} more" if extra > 0 else ""
        share = 100.0 * self.clipped / self.frames
        return (f"warning: {self.clipped} frames clipped ({share:.2g} % of the render) at "
                f"{shown}{more}: lower the gain or end the chain with `# limiter 0.95`")


def clip_report(y: np.ndarray, sr: int, spans_shown: int = 4) -> str | None:
    """`Levels.clip_report` of a whole (channels, n) render."""
    levels = Levels(sr, spans_shown)
    levels.add(y)
    return levels.clip_report()


class AudioWriter:
    """Streams a render into `dest`: each block goes to `.NAME.PID.part` beside it (bounded
    memory), `commit()` renames that into place, `abort()` deletes it. A write error is a
    `RenderOutputError` naming its errno; the existing file is untouched until `commit`."""

    def __init__(self, dest: Destination, sr: int, channels: int = 2) -> None:
        import soundfile as sf

        self.dest = dest
        self.levels = Levels(sr)
        remove_stale_parts(dest.path)
        self.tmp = part_name(dest.path)
        self._interleaved = np.zeros((0, channels), dtype=np.float32)
        try:      # created by libsndfile like any new file (the umask applies)
            self.file = sf.SoundFile(str(self.tmp), "w", sr, channels, dest.subtype,
                                     format=dest.format.upper())
        except (OSError, RuntimeError) as exc:
            self.tmp.unlink(missing_ok=True)
            raise RenderOutputError(f"cannot write {dest.path}: {_reason(exc, None)}") from None

    def write(self, block: np.ndarray) -> None:
        """Append one (channels, n) block."""
        n = block.shape[1]
        self.levels.add(block)
        if self._interleaved.shape[0] < n:
            self._interleaved = np.zeros((n, block.shape[0]), dtype=np.float32)
        frames = self._interleaved[:n]
        frames[...] = block.T
        try:
            self.file.write(frames)
        except (OSError, RuntimeError, AssertionError) as exc:
            reason = _reason(exc, self.file)
            self.abort()
            raise RenderOutputError(f"cannot write {self.dest.path}: {reason}") from None

    def commit(self) -> None:
        """Finish the file and move it into place."""
        from ..engine.audiofile import make_reproducible

        try:
            self.file.close()
            make_reproducible(self.tmp, self.dest.format)   # the same audio, the same bytes
            os.replace(self.tmp, self.dest.path)
        except (OSError, RuntimeError) as exc:
            reason = _reason(exc, None)
            self.abort()
            raise RenderOutputError(f"cannot write {self.dest.path}: {reason}") from None

    def abort(self) -> None:
        """Drop the temporary file (the destination stays as it was)."""
        try:
            self.file.close()
        except Exception:  # noqa: BLE001 - a failed file: only removing it matters now
            pass
        self.tmp.unlink(missing_ok=True)


def write_audio(dest: Destination, y: np.ndarray, sr: int) -> None:
    """Write the (channels, n) render to `dest` through a temporary file in the same folder,
    then move it into place: a failure leaves any existing file as it was. The same audio
    always gives the same bytes (`phonon.engine.audiofile`)."""
    writer = AudioWriter(dest, sr, y.shape[0])
    try:
        for a in range(0, y.shape[1], 1 << 16):
            writer.write(y[:, a:a + (1 << 16)])
    except BaseException:
        writer.abort()
        raise
    writer.commit()


def _reason(exc: BaseException, file) -> str:
    """The cause of a failed write as `strerror (ENAME)` where the OS said why."""
    code = getattr(exc, "errno", None)
    if isinstance(code, int) and code in errno.errorcode:
        return f"{os.strerror(code)} ({errno.errorcode[code]})"
    text = str(exc).strip() or type(exc).__name__
    if file is not None:                 # libsndfile keeps the system's reason on the file
        try:
            import soundfile as sf
            detail = sf._ffi.string(sf._snd.sf_strerror(file._file)).decode(errors="replace")
        except Exception:  # noqa: BLE001 - private API: keep the generic text
            detail = ""
        if detail and not detail.lower().startswith("no error"):
            text = detail
    text = text.removeprefix("System error : ").rstrip(".")
    return f"{text} ({_ERRNO_BY_TEXT[text]})" if text in _ERRNO_BY_TEXT else text


_ERRNO_BY_TEXT = {os.strerror(c): name for c, name in errno.errorcode.items()}


def _size(n: float) -> str:
    """A byte count for people: 635.0 MB."""
    for unit in ("bytes", "KB", "MB"):
        if n < 1000:
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def _span(a: int, b: int, sr: int) -> str:
    return f"{a / sr:.2f} s" if b - a < sr // 100 else f"{a / sr:.2f}-{b / sr:.2f} s"


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def _errno_text(code: int, out: str, detail: str) -> str:
    return f"cannot write {out}: {os.strerror(code)} ({detail})"

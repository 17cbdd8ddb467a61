"""`tap` (`probe`): pass the signal through unchanged and record its first seconds to a file.

A program may name a file to write, so the node is strict about where (docs/effects.md,
"tap"): a relative path inside the working directory (no `..`, no absolute path, no symlink
leading out of it), ending in .wav or .flac, in a folder that exists; an existing file is
replaced only if it is already an audio file (a program, a text or anything else is never
overwritten); the file is written atomically (a temporary file in the same folder, renamed),
and every write is reported on stderr. Recording is bounded (at most MAX_SECONDS).
"""
from __future__ import annotations

import os
import sys
import tempfile
import weakref
from pathlib import Path
from typing import Any

import numpy as np

from phonon.plugins import Block, Node, Param, Params, PhononError, control_number, node

from .common import FiniteInputs

__all__ = ["Tap"]

MAX_SECONDS = 120.0
FORMATS = {".wav": "WAV", ".flac": "FLAC"}
HINT = 'tap "name.wav" 4 writes name.wav in the working directory (a sub-folder that exists is fine)'


def tap_path(name: str, base: Path | None = None) -> Path:
    """The file `tap "name"` may write, resolved inside `base` (default: the working
    directory), or a PhononError saying why not."""
    base = Path(os.getcwd() if base is None else base).resolve()
    text = str(name).strip()
    if not text:
        raise PhononError("tap: needs a file name", hint=HINT)
    rel = Path(text)
    if rel.is_absolute() or text.startswith("~"):
        raise PhononError(f"tap: '{text}' is not inside the working directory: give a relative "
                          "path", hint=HINT)
    if ".." in rel.parts:
        raise PhononError(f"tap: '{text}' climbs out of the working directory ('..')", hint=HINT)
    if rel.suffix.lower() not in FORMATS:
        raise PhononError(f"tap: '{text}' must end in .wav or .flac", hint=HINT)
    target = (base / rel).resolve()
    if base not in target.parents:
        raise PhononError(f"tap: '{text}' leads out of the working directory (a symlink)", hint=HINT)
    if not target.parent.is_dir():
        raise PhononError(f"tap: the folder of '{text}' does not exist", hint=HINT)
    if target.exists() and not _is_audio(target):
        raise PhononError(f"tap: '{text}' exists and is not an audio file; it is not overwritten",
                          hint="pick another name")
    return target


def _is_audio(path: Path) -> bool:
    import soundfile as sf

    if not path.is_file():
        return False
    try:
        sf.info(str(path))
    except Exception:  # noqa: BLE001 - anything soundfile cannot read is not one of our taps
        return False
    return True


def write_atomically(path: Path, audio: np.ndarray, sr: int) -> None:
    """Write (channels, frames) float32 audio to `path` via a temporary file in its folder."""
    import soundfile as sf

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    os.close(fd)
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)            # an ordinary file's mode, not mkstemp's 0600
    try:
        sf.write(tmp, audio.T, sr, format=FORMATS[path.suffix.lower()], subtype="FLOAT"
                 if path.suffix.lower() == ".wav" else "PCM_24")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _flush(path: Path, audio: np.ndarray, count: list, sr: int, done: list) -> None:
    """Write what was recorded (at most once; also called when the node is discarded)."""
    if done[0] or count[0] == 0:
        return
    done[0] = True
    n = count[0]
    try:
        write_atomically(path, audio[:, :n], sr)
    except OSError as exc:
        sys.stderr.write(f"phonon: tap could not write {path}: {exc.strerror or exc}\n")
        return
    peak = float(np.abs(audio[:, :n]).max()) if n else 0.0
    level = f"{20 * np.log10(peak):.1f} dBFS" if peak > 0 else "silent"
    sys.stderr.write(f"phonon: tap wrote {path} ({n / sr:.2f} s, peak {level})\n")


@node("tap", inputs=1, aliases=("probe",), category="analysis",
      doc='Pass the signal through and record its first `seconds` to a WAV/FLAC file: '
          '`~x # tap "x.wav" 4` (relative to the working directory).')
class Tap(FiniteInputs, Node):
    """The output is the input, bit for bit. The first `seconds` seconds (from the node's first
    sample, continuing across hot swaps) are written, as 32-bit float WAV or 24-bit FLAC, in
    the block where they are complete; a program that stops earlier writes what it recorded
    when the node is discarded (in the main process). See the module docstring for the rules
    on where a tap may write."""

    file = Param("", kind="text", required=True, doc="file to write: relative .wav or .flac path")
    seconds = Param(4.0, kind="any", unit="s", lo=0.01, hi=MAX_SECONDS,
                    doc="how much to record (a constant, at most 120 s)")

    def __init__(self, **static: Any) -> None:
        super().__init__(**static)
        self.path = tap_path(str(static.get("file", "")))
        seconds = control_number(static.get("seconds"), 4.0)
        if not 0.0 < seconds <= MAX_SECONDS:
            raise PhononError(f"tap: seconds must be in 0..{MAX_SECONDS:g}, got {seconds:g}",
                              hint='tap "x.wav" 4')
        self.seconds = seconds

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = sr
        self.audio = np.zeros((channels, max(1, int(round(self.seconds * sr)))), dtype=np.float32)
        self.count = [0]
        self.done = [False]
        self._finalizer = weakref.finalize(self, _flush, self.path, self.audio, self.count, sr,
                                           self.done)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        out[:, :n] = ins[0][:, :n]
        if self.done[0]:
            return
        x = self.finite(ins, n)[0]
        k = min(n, self.audio.shape[1] - self.count[0])
        self.audio[:, self.count[0]:self.count[0] + k] = x[:self.audio.shape[0], :k]
        self.count[0] += k
        if self.count[0] >= self.audio.shape[1]:
            _flush(self.path, self.audio, self.count, self.sr, self.done)

    def state(self) -> dict:
        """The recording so far; the successor continues it (and this node will not write)."""
        self._finalizer.detach()
        return {"path": self.path, "audio": self.audio, "count": self.count[0],
                "done": self.done[0]}

    def load_state(self, state: dict) -> None:
        if state.get("path") != self.path or np.shape(state.get("audio")) != self.audio.shape:
            return
        self.audio[...] = state["audio"]
        self.count[0] = int(state["count"])
        self.done[0] = bool(state["done"])

"""Sample banks: Dirt-Samples folders (plus the built-in kit) loaded once into one arena.

Layout (as SuperDirt's Dirt-Samples): `<root>/<name>/*.wav|flac|aiff|aif`; a name's files are
sorted by file name and `name:i` picks file `i mod count`. The first root holding a name wins;
a name found in no root falls back to the built-in kit (`phonon.samples.kit`).

Every loaded sound lives in ONE contiguous float32 array, the **arena**, at the engine rate
(files are resampled once, with `scipy.signal.resample_poly`). A sound of `c` channels and `n`
frames occupies `c * n` floats from its offset, channel-planar (channel k at `offset + k * n`).
`SampleRef` records (offset, frames, channels). Voice kernels read the arena directly.

Hostile folders: only regular files are sounds (a FIFO named `a.wav` would block the read
forever); a file larger than `MAX_SAMPLE_BYTES`, longer than `MAX_SAMPLE_SECONDS` or whose
header claims a rate outside `FILE_SR_RANGE` is skipped with one warning (a header claiming
2147483647 Hz asked for a 320 GiB resampling filter). Awkward rate ratios are resampled through
the nearest ratio of terms up to `RATIO_TERMS` (a pitch error below 0.01 %), so the filter
stays small whatever the file claims.

Shared-memory seam: `arena_snapshot()` returns the arena and its table; a worker process
rebuilds a read-only bank with `SampleBank.from_snapshot(snap, arena=shared)` where `shared` is
an `np.ndarray` over a `multiprocessing.shared_memory` copy of `snap.arena`, so samples are
loaded once and never copied per process.
"""
from __future__ import annotations

import logging
import os
import stat
import threading
import uuid
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import soundfile as sf

from . import kit

log = logging.getLogger("phonon.samples")

AUDIO_SUFFIXES = (".wav", ".flac", ".aiff", ".aif")
ENV_VAR = "PHONON_SAMPLES"
CONFIG_FILE = Path("~/.config/phonon/samples.txt")
MAX_SAMPLE_BYTES = 256 << 20            # 256 MiB: ten minutes of 24-bit stereo at 96 kHz
MAX_SAMPLE_SECONDS = 600.0
FILE_SR_RANGE = (1000, 768000)          # Hz a sample file's header may claim
RATIO_TERMS = 10000                     # resampling ratios up/down with both terms below this


class SampleLoadError(RuntimeError):
    """A sample file that exists but cannot be read; the message names the file and why."""


@dataclass(frozen=True)
class SampleRef:
    """Where one loaded sound lives in the arena: channel k is
    `arena[offset + k * frames : offset + (k + 1) * frames]`."""

    offset: int
    frames: int
    channels: int


@dataclass(frozen=True)
class ArenaSnapshot:
    """Everything a read-only bank in another process needs: see `SampleBank.from_snapshot`."""

    arena: np.ndarray
    refs: dict[tuple[str, int], SampleRef]
    counts: dict[str, int]
    sr: int
    token: str = ""


def default_roots(
    extra: Iterable[str | Path] = (),
    *,
    env: Mapping[str, str] | None = None,
    config: Path | None = None,
) -> list[Path]:
    """Sample roots in priority order: `extra` (from `--samples DIR`), then `PHONON_SAMPLES`
    (an `os.pathsep`-separated list), then `~/.config/phonon/samples.txt` (one path per line,
    `#` comments). `~` is expanded; duplicates and folders that do not exist are dropped."""
    env = os.environ if env is None else env
    config = CONFIG_FILE.expanduser() if config is None else config
    candidates: list[str | Path] = list(extra)
    candidates += [p for p in env.get(ENV_VAR, "").split(os.pathsep) if p.strip()]
    if config.is_file():
        for line in config.read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                candidates.append(line)
    roots: list[Path] = []
    for c in candidates:
        path = Path(c).expanduser()
        if path.is_dir() and path not in roots:
            roots.append(path)
    return roots


def split_name(token: str) -> tuple[str, int | None]:
    """`"bd:3"` -> `("bd", 3)`; `"bd"` -> `("bd", None)`."""
    name, sep, index = str(token).partition(":")
    if sep:
        try:
            return name, int(float(index))
        except ValueError:
            return str(token), None
    return name, None


def _regular(path: Path) -> bool:
    """Whether `path` is a regular file (following links): no FIFO, device or socket."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _check_file(path: Path) -> None:
    """Refuse, before reading it, a file that is not a sound one may load (see the module)."""
    try:
        st = os.stat(path)
    except OSError as e:
        raise SampleLoadError(f"cannot read sample file {path}: {e.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise SampleLoadError(f"sample file {path} is not a regular file: skipped")
    if st.st_size > MAX_SAMPLE_BYTES:
        raise SampleLoadError(f"sample file {path} is {st.st_size / 2**20:.0f} MiB, more than "
                              f"the {MAX_SAMPLE_BYTES >> 20} MiB a sample may be: skipped")
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError, OSError) as e:
        raise SampleLoadError(
            f"cannot read sample file {path}: {e} (is it a valid wav/flac/aiff file?)") from None
    lo, hi = FILE_SR_RANGE
    if not lo <= info.samplerate <= hi:
        raise SampleLoadError(f"sample file {path} claims a sample rate of {info.samplerate} Hz "
                              f"(a sample may have {lo}-{hi} Hz): skipped")
    if info.frames > MAX_SAMPLE_SECONDS * info.samplerate:
        raise SampleLoadError(f"sample file {path} is {info.frames / info.samplerate:.0f} s "
                              f"long, more than the {MAX_SAMPLE_SECONDS:.0f} s a sample may be: "
                              "skipped")


def resampling_ratio(sr: int, file_sr: int) -> tuple[int, int]:
    """(up, down) taking `file_sr` to `sr`: exact when both terms stay below `RATIO_TERMS`,
    else the closest ratio that does (the polyphase filter grows with the terms)."""
    ratio = Fraction(int(sr), int(file_sr))
    if max(ratio.numerator, ratio.denominator) >= RATIO_TERMS:
        ratio = ratio.limit_denominator(max(1, int(RATIO_TERMS / max(1.0, float(ratio))) - 1))
    return ratio.numerator, ratio.denominator


def _read(path: Path, sr: int) -> np.ndarray:
    """Read an audio file as float32 `(channels, frames)` (1 or 2 channels) at rate `sr`."""
    _check_file(path)
    try:
        data, file_sr = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, OSError) as e:
        raise SampleLoadError(
            f"cannot read sample file {path}: {e} (is it a valid wav/flac/aiff file?)"
        ) from e
    data = data[:, :2].T                      # (channels, frames); more than 2 channels: keep L/R
    up, down = resampling_ratio(sr, file_sr)
    if up != down and data.shape[1] > 0:
        from scipy.signal import resample_poly   # imported on use: scipy.signal loads slowly
        data = resample_poly(data, up, down, axis=1)
    return np.ascontiguousarray(data, dtype=np.float32)


class SampleBank:
    """Named sounds from Dirt-Samples roots and the built-in kit, at one engine rate.

    Loading is lazy (a name's file is read on first `get`) and thread-safe; `preload(names)`
    loads everything a program references before it plays. Unknown names are reported once in
    `warnings` (and the log) by `lookup`, which the voice node uses; `get` raises `KeyError`.
    """

    def __init__(self, roots: Iterable[str | Path] = (), sr: int = 44100, builtin: bool = True):
        self.roots = [Path(r).expanduser() for r in roots]
        self.sr = int(sr)
        self.builtin = builtin
        self.warnings: list[str] = []
        self._warned: set[str] = set()
        self._failed: dict[tuple[str, int], SampleLoadError] = {}
        self._lock = threading.RLock()
        self._files: dict[str, list[Path]] | None = None      # name -> sorted files (scanned once)
        self._refs: dict[tuple[str, int], SampleRef] = {}
        self._arena = np.zeros(0, dtype=np.float32)
        self._used = 0
        self._frozen: dict[str, int] | None = None    # name -> count, for a read-only arena view
        #: identifies this arena's layout (shared by read-only views of it): voice state that
        #: refers to arena offsets is only valid in a bank with the same token
        self.token = uuid.uuid4().hex

    # -- catalogue
    def _catalogue(self) -> dict[str, list[Path]]:
        if self._files is None:
            with self._lock:
                if self._files is None:
                    self._files = self._scan()
        return self._files

    def _scan(self) -> dict[str, list[Path]]:
        found: dict[str, list[Path]] = {}
        for root in self.roots:
            if not root.is_dir():
                continue
            for folder in sorted(root.iterdir()):
                if folder.name in found or folder.name.startswith(".") or not folder.is_dir():
                    continue
                files = []
                for f in sorted(folder.iterdir(), key=lambda f: f.name):
                    if f.suffix.lower() not in AUDIO_SUFFIXES or f.name.startswith("."):
                        continue
                    if _regular(f):
                        files.append(f)
                    else:
                        self._warn_once(str(f), f"sample file {f} is not a regular file: "
                                                "skipped")
                if files:
                    found[folder.name] = files
        return found

    def names(self) -> set[str]:
        """Every playable name: folders of the roots plus the built-in kit."""
        if self._frozen is not None:
            return set(self._frozen)
        names = set(self._catalogue())
        if self.builtin:
            names.update(kit.names())
        return names

    def count(self, name: str) -> int:
        """How many sounds `name` has (files in its folder, or kit variants); 0 if unknown."""
        if self._frozen is not None:
            return self._frozen.get(name, 0)
        files = self._catalogue().get(name)
        if files:
            return len(files)
        return kit.count(name) if self.builtin else 0

    def __contains__(self, name: str) -> bool:
        return self.count(name) > 0

    def path(self, name: str, index: int = 0) -> Path | None:
        """The file that `name:index` plays (None for a kit sound or an unknown name)."""
        files = self._catalogue().get(name)
        return files[int(index) % len(files)] if files else None

    # -- loading
    def ref(self, name: str, index: int = 0) -> SampleRef:
        """Load `name:index` (index taken mod count) if needed; its place in the arena.

        Raises `KeyError` for an unknown name and `SampleLoadError` for an unreadable file
        (remembered: the file is not read again)."""
        n = self.count(name)
        if n == 0:
            raise KeyError(name)
        key = (name, int(index) % n)
        ref = self._refs.get(key)
        if ref is None:
            with self._lock:
                ref = self._refs.get(key)
                if ref is None:
                    if self._frozen is not None:
                        raise KeyError(f"{name}:{key[1]} is not in this shared arena")
                    if key in self._failed:
                        raise self._failed[key]
                    try:
                        audio = self._load(*key)
                    except SampleLoadError as e:
                        self._failed[key] = e
                        raise
                    ref = self._store(audio)
                    self._refs[key] = ref
        return ref

    def _load(self, name: str, index: int) -> np.ndarray:
        path = self.path(name, index)
        if path is not None:
            return _read(path, self.sr)
        return kit.render(name, index, self.sr)

    def _store(self, audio: np.ndarray) -> SampleRef:
        channels, frames = audio.shape
        size = channels * frames
        if self._used + size > self._arena.size:          # grow geometrically: O(1) amortized
            grown = np.zeros(max(2 * self._arena.size, self._used + size, 1 << 16), np.float32)
            grown[: self._used] = self._arena[: self._used]
            self._arena = grown                           # old views stay valid (still referenced)
        self._arena[self._used : self._used + size] = audio.reshape(-1)
        ref = SampleRef(self._used, frames, channels)
        self._used += size
        return ref

    def get(self, name: str, index: int = 0) -> np.ndarray:
        """`name:index` as float32 `(channels, frames)` at the bank's rate: a read-only view
        into the arena. Raises `KeyError` (unknown name) or `SampleLoadError` (unreadable file)."""
        ref = self.ref(name, index)
        view = self._arena[ref.offset : ref.offset + ref.channels * ref.frames]
        view = view.reshape(ref.channels, ref.frames)
        view.flags.writeable = False                  # the arena is shared: never write into it
        return view

    def lookup(self, name: str, index: int = 0) -> SampleRef | None:
        """Like `ref`, but an unknown name or an unreadable file gives None and one warning
        (playing goes on, silent)."""
        try:
            return self.ref(name, index)
        except KeyError:
            self.warn_unknown(name)
        except SampleLoadError as e:
            self._warn_once(str(e), str(e))
        return None

    def _warn_once(self, key: str, text: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            self.warnings.append(text)
            log.warning(text)

    def warn_unknown(self, name: str) -> None:
        """Record (once per name) that `name` is not in the bank."""
        if name in self._warned:
            return
        from ..errors import did_you_mean

        hint = did_you_mean(name, self.names())
        self._warn_once(name, f"unknown sample {name!r}: playing silence"
                        + (f" ({hint})" if hint else ""))

    def preload(self, names: Iterable[str]) -> list[str]:
        """Load every sound of each name (`"bd"` or `"bd:3"`) now; returns the unknown names.

        Unreadable files are skipped with a warning (see `warnings`)."""
        unknown = []
        for token in names:
            name, index = split_name(token)
            n = self.count(name)
            if n == 0:
                unknown.append(name)
                continue
            for i in range(n) if index is None else (index,):
                self.lookup(name, i)
        return unknown

    # -- arena (the shared-memory seam)
    @property
    def arena(self) -> np.ndarray:
        """The float32 array holding every loaded sound (read it after `ref`/`lookup`)."""
        return self._arena

    def move_arena(self, arena: np.ndarray) -> None:
        """Read the loaded sounds from `arena`, a copy of `self.arena` (e.g. in shared memory,
        so that forked worker processes read the same pages); sounds loaded later grow a
        private arena again."""
        with self._lock:
            if arena.shape != self._arena.shape or arena.dtype != self._arena.dtype:
                raise ValueError("the new arena must have the current arena's shape and dtype")
            self._arena = arena

    def arena_snapshot(self) -> "ArenaSnapshot":
        """The used part of the arena with the table of loaded sounds and the name counts,
        e.g. to copy into shared memory once for the worker processes."""
        with self._lock:
            names = {name for name, _ in self._refs}
            return ArenaSnapshot(
                self._arena[: self._used], dict(self._refs), {n: self.count(n) for n in names},
                self.sr, self.token,
            )

    @classmethod
    def from_snapshot(cls, snap: "ArenaSnapshot", arena: np.ndarray | None = None) -> "SampleBank":
        """A read-only bank over a snapshot's sounds, reading `arena` (default: the snapshot's
        own array; pass a shared-memory copy to share it between processes without copies)."""
        bank = cls((), sr=snap.sr, builtin=False)
        bank._files = {}
        bank._arena = snap.arena if arena is None else arena
        bank._used = bank._arena.size
        bank._refs = dict(snap.refs)
        bank._frozen = dict(snap.counts)
        bank.token = snap.token or bank.token
        return bank

    def __getstate__(self) -> dict:
        """Pickling copies the loaded audio (prefer `arena_snapshot` + shared memory)."""
        state = self.__dict__.copy()
        del state["_lock"]
        state["_arena"] = self._arena[: self._used].copy()
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()

    @property
    def loaded_bytes(self) -> int:
        """Bytes of audio loaded so far."""
        return self._used * 4

    def __repr__(self) -> str:
        return (f"SampleBank(roots={[str(r) for r in self.roots]}, sr={self.sr}, "
                f"builtin={self.builtin}, loaded={len(self._refs)})")

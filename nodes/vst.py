"""VST3 hosting: the `vst3` node and the plugin scan behind `phonon plugins`.

`~drums # vst3 "ZamComp" :threshold_db -30 :ratio 10` loads the plugin by name (searched in
`PHONON_VST3_PATH` and the standard VST3 folders) or by path, and sets its parameters by the
names pedalboard reports (case-insensitive; the parameter's display name works too, e.g.
`:Threshold` for `threshold_db`). Parameter values may be patterns or signals like any other:
the block is split at pattern onsets and signals update the plugin every 64 samples.

How keyword arguments reach the node: `vst3` is declared with `extra_params=True`, so the
compiler accepts any `:name value`; constants arrive in the constructor's `static` (checked at
once, so a misspelled parameter is a compile error), and every extra parameter also arrives in
`p` each block under its lower-cased name (float or float64 array), which is what is applied.

Channels: buses are stereo. A plugin that only accepts mono runs one instance per channel; a
stereo-only plugin on a mono bus gets the signal on both inputs and its two outputs averaged.
Plugin state (envelopes, tails) survives across blocks (`reset=False`) and across hot swaps
(the instances are handed to the successor node).
"""
from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from phonon.dsp.segments import segments, value_at
from phonon.errors import PhononError, did_you_mean
from phonon.plugins.api import Block, Node, Param, Params, node

__all__ = ["VST3", "PluginInfo", "vst3_dirs", "find_bundles", "resolve_plugin", "load_plugin",
           "scan_plugins", "cache_path"]

CACHE_VERSION = 1
DEFAULT_SCAN_TIMEOUT = 30.0   # seconds per plugin (some plugins take minutes to load)


# --------------------------------------------------------------------------------- discovery
def vst3_dirs() -> list[Path]:
    """Folders searched for `.vst3` bundles: `PHONON_VST3_PATH` entries, then the standard ones."""
    dirs = [Path(p).expanduser() for p in os.environ.get("PHONON_VST3_PATH", "").split(os.pathsep) if p]
    home = Path.home()
    if sys.platform == "darwin":
        dirs += [home / "Library/Audio/Plug-Ins/VST3", Path("/Library/Audio/Plug-Ins/VST3")]
    elif sys.platform == "win32":
        common = os.environ.get("COMMONPROGRAMFILES", r"C:\Program Files\Common Files")
        dirs += [Path(common) / "VST3", Path(os.environ.get("LOCALAPPDATA", str(home))) / "Programs/Common/VST3"]
    else:
        dirs += [home / ".vst3", Path("/usr/lib/vst3"), Path("/usr/local/lib/vst3")]
    return dirs


def find_bundles() -> dict[str, Path]:
    """Installed bundles by name (the bundle's file name without `.vst3`), first folder wins."""
    found: dict[str, Path] = {}
    for d in vst3_dirs():
        if not d.is_dir():
            continue
        for entry in sorted(d.iterdir()):
            if entry.suffix.lower() == ".vst3":
                found.setdefault(entry.stem, entry)
    return found


def resolve_plugin(name_or_path: str) -> Path:
    """The bundle for a plugin name (case-insensitive) or a path; unknown names get a did-you-mean."""
    text = str(name_or_path).strip()
    candidate = Path(text).expanduser()
    if candidate.suffix.lower() == ".vst3" or os.sep in text or "/" in text:
        if candidate.exists():
            return candidate
        raise PhononError(f"vst3: no plugin at '{text}'", hint="give an installed plugin name or the path of a .vst3 bundle")
    bundles = find_bundles()
    by_lower = {name.lower(): path for name, path in bundles.items()}
    if text.lower() in by_lower:
        return by_lower[text.lower()]
    for path_text, entry in _read_cache().items():       # a plugin's own name, if scanned before
        if str(entry.get("name", "")).lower() == text.lower() and Path(path_text).exists():
            return Path(path_text)
    hint = closest_names(text, sorted(bundles))
    raise PhononError(f"vst3: unknown plugin '{text}'", hint=hint)


def closest_names(text: str, names: list[str]) -> str:
    """A hint naming the installed plugins closest to `text` (case-insensitive)."""
    if not names:
        return ("no VST3 plugins found; searched " + ", ".join(str(d) for d in vst3_dirs())
                + " (set PHONON_VST3_PATH)")
    lowered = {n.lower(): n for n in names}
    close = difflib.get_close_matches(text.lower(), list(lowered), n=3, cutoff=0.5)
    if close:
        return "did you mean " + " or ".join(f"'{lowered[c]}'" for c in close) + "?"
    return "installed: " + ", ".join(names[:12]) + (" ..." if len(names) > 12 else "")


def load_plugin(path: Path, label: str | None = None):
    """Load a VST3 bundle with pedalboard; a failure is a PhononError naming plugin and reason."""
    import pedalboard

    try:
        return pedalboard.load_plugin(str(path))
    except Exception as exc:  # noqa: BLE001 - pedalboard raises several types; all are user errors
        reason = " ".join(ln.strip() for ln in str(exc).splitlines() if ln.strip()) or type(exc).__name__
        name = label or Path(path).stem
        hint = closest_names(name, sorted(n for n in find_bundles() if n != Path(path).stem))
        raise PhononError(f"vst3: cannot load plugin '{name}' ({path}): {reason}", hint=hint) from None


# ------------------------------------------------------------------------------- scan + cache
@dataclass
class PluginInfo:
    """One scanned bundle: its name, path, parameters (or the reason it could not be loaded)."""

    name: str
    path: str
    params: dict[str, dict] = field(default_factory=dict)
    error: str | None = None
    stamp: float = 0.0

    def to_json(self) -> dict:
        return {"name": self.name, "path": self.path, "params": self.params, "error": self.error,
                "stamp": self.stamp}


def cache_path() -> Path:
    """`$XDG_CACHE_HOME/phonon/vst3.json` (default `~/.cache/phonon/vst3.json`)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "phonon" / "vst3.json"


def _read_cache() -> dict[str, dict]:
    """The cached scan: bundle path -> PluginInfo fields (empty if missing or unreadable)."""
    try:
        data = json.loads(cache_path().read_text())
    except (OSError, ValueError):
        return {}
    return data.get("plugins", {}) if data.get("version") == CACHE_VERSION else {}


def _stamp(path: Path) -> float:
    """The newest modification time of anything in the bundle (a bundle is a folder)."""
    newest = path.stat().st_mtime
    if path.is_dir():
        for root, dirs, files in os.walk(path):
            for f in files + dirs:
                try:
                    newest = max(newest, os.stat(os.path.join(root, f)).st_mtime)
                except OSError:
                    pass
    return newest


# Runs in a child process so a plugin that hangs or crashes cannot take Phonon with it.
_PROBE = r"""
import json, sys
import pedalboard
p = pedalboard.load_plugin(sys.argv[1])
params = {}
for key, prm in p.parameters.items():
    lo, hi, step = prm.range
    value = getattr(p, key)
    try:
        value = float(value)
    except (TypeError, ValueError):
        value = str(value)
    params[key] = {"name": prm.name, "units": prm.label or "", "min": lo, "max": hi,
                   "default": value, "values": list(prm.valid_values) if lo is None else None}
print(json.dumps({"name": p.name, "params": params}))
"""


def _probe(path: Path, timeout: float) -> PluginInfo:
    info = PluginInfo(name=path.stem, path=str(path), stamp=_stamp(path))
    try:
        res = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True,
                             timeout=timeout)
    except subprocess.TimeoutExpired:
        info.error = f"did not load within {timeout:g} s (retry with --refresh --timeout SECONDS)"
        return info
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("{")]
    if res.returncode != 0 or not lines:
        err = [ln for ln in res.stderr.strip().splitlines() if ln.strip()]
        info.error = err[-1] if err else f"loader exited with status {res.returncode}"
        return info
    data = json.loads(lines[-1])
    info.name = data["name"] or path.stem
    info.params = data["params"]
    return info


def scan_plugins(match: str | None = None, refresh: bool = False,
                 timeout: float = DEFAULT_SCAN_TIMEOUT, workers: int = 2) -> list[PluginInfo]:
    """Installed bundles (those whose name contains `match`, if given) with their parameters.

    A bundle whose cached entry has the same modification stamp comes from the cache; the
    others are loaded in child processes, at most `timeout` seconds each, and the cache file is
    updated (entries of bundles not scanned this time are kept).
    """
    cfile = cache_path()
    cached = _read_cache()
    result: dict[str, PluginInfo] = {}
    todo: list[Path] = []
    for name, path in find_bundles().items():
        if match and match.lower() not in name.lower():
            continue
        entry = cached.get(str(path))
        if not refresh and entry is not None and entry.get("stamp") == _stamp(path):
            result[str(path)] = PluginInfo(**entry)
        else:
            todo.append(path)
    if todo:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for info in pool.map(lambda p: _probe(p, timeout), todo):
                result[info.path] = info
                cached[info.path] = info.to_json()
        try:
            cfile.parent.mkdir(parents=True, exist_ok=True)
            tmp = cfile.with_suffix(".tmp")
            tmp.write_text(json.dumps({"version": CACHE_VERSION, "plugins": cached}, indent=1))
            tmp.replace(cfile)
        except OSError:
            pass
    return sorted(result.values(), key=lambda i: i.name.lower())


# ------------------------------------------------------------------------------------ node
def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


@node("vst3", inputs=1, aliases=("vst",), extra_params=True, category="effect",
      doc='Host a VST3 effect: `vst3 "ZamComp" :threshold_db -30 :ratio 10` (params by plugin names).')
class VST3(Node):
    plugin = Param("", kind="text", required=True, doc="installed plugin name or path of a .vst3 bundle")

    def __init__(self, **static: Any) -> None:
        super().__init__(**static)
        self.label = str(static.get("plugin", ""))
        if not self.label:
            raise PhononError("vst3: needs a plugin name", hint='vst3 "ZamComp" :threshold_db -20')
        self.path = resolve_plugin(self.label)
        self.instances = [load_plugin(self.path, self.label)]
        main = self.instances[0]
        self.keys = list(main.parameters)
        self.lookup: dict[str, str] = {}
        for key, prm in main.parameters.items():
            self.lookup.setdefault(_norm(prm.name), key)
        for key in self.keys:
            self.lookup[key] = key
        self.values: dict[str, Any] = {}
        for name, value in static.items():
            if name != "plugin":
                self.values[self.param_key(name)] = value
        self.layout = "native"
        self.stereo_in_mono = False

    # -- parameters
    def param_key(self, name: str) -> str:
        """The pedalboard key for a user's parameter name; unknown names are a PhononError."""
        key = self.lookup.get(name) or self.lookup.get(_norm(name))
        if key is None:
            hint = did_you_mean(_norm(name), self.keys) or ("parameters: " + ", ".join(self.keys))
            raise PhononError(f"vst3 '{self.instances[0].name}': unknown parameter '{name}'", hint=hint)
        return key

    def _set(self, key: str, value: Any) -> None:
        prm = self.instances[0].parameters[key]
        if not isinstance(value, str):
            lo, hi, _ = prm.range
            if lo is not None:
                value = min(hi, max(lo, float(value)))
            elif prm.valid_values:
                value = prm.valid_values[int(min(len(prm.valid_values) - 1, max(0, round(float(value)))))]
        try:
            for inst in self.instances:
                setattr(inst, key, value)
        except (ValueError, TypeError) as exc:
            raise PhononError(f"vst3 '{self.instances[0].name}': bad value {value!r} for '{key}': {exc}") from None

    def _apply_all(self) -> None:
        for key, value in self.values.items():
            self._set(key, value)

    # -- audio
    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.channels = channels
        self.applied: dict[str, float] = {}
        self.extra: dict[str, str] = {}
        main = self.instances[0]
        self.stereo_in_mono = False
        if self._accepts(main, channels):
            self.layout = "native"
            self.instances = self.instances[:1]
        elif channels > 1 and self._accepts(main, 1):
            self.layout = "per-channel"
            while len(self.instances) < channels:
                self.instances.append(load_plugin(self.path, self.label))
        elif channels == 1 and self._accepts(main, 2):
            self.layout = "native"
            self.stereo_in_mono = True
        else:
            raise PhononError(f"vst3 '{main.name}': accepts neither mono nor stereo audio")
        self._apply_all()

    def _accepts(self, plugin, channels: int) -> bool:
        try:
            plugin.process(np.zeros((channels, 64), dtype=np.float32), self.sr, reset=True)
            return True
        except Exception:  # noqa: BLE001 - pedalboard reports unsupported layouts as RuntimeError/ValueError
            return False

    def _run(self, x: np.ndarray, a: int, b: int, y: np.ndarray) -> None:
        if self.layout == "per-channel":
            for c, inst in enumerate(self.instances):
                y[c:c + 1, a:b] = inst.process(x[c:c + 1, a:b], self.sr, reset=False)
        elif self.stereo_in_mono:
            stereo = np.repeat(x[:, a:b], 2, axis=0)
            y[:, a:b] = self.instances[0].process(stereo, self.sr, reset=False).mean(axis=0, keepdims=True)
        else:
            y[:, a:b] = self.instances[0].process(x[:, a:b], self.sr, reset=False)

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        x = ins[0][:, :n]
        names = []
        for name, value in p.items():
            if name == "plugin":
                continue
            key = self.extra.get(name)
            if key is None:
                key = self.extra[name] = self.param_key(name)
            names.append((key, value))
        for a, b in segments([v for _, v in names], n):
            for key, value in names:
                v = value if isinstance(value, str) else value_at(value, a)
                if self.applied.get(key) != v:
                    self._set(key, v)
                    self.applied[key] = v
            self._run(x, a, b, out)

    # -- hot swap
    def state(self) -> dict:
        return {"path": str(self.path), "instances": self.instances}

    def load_state(self, state: dict) -> None:
        if state.get("path") == str(self.path) and state.get("instances"):
            self.instances = list(state["instances"])
            if self.layout == "per-channel":
                while len(self.instances) < getattr(self, "channels", 1):
                    self.instances.append(load_plugin(self.path, self.label))
            self.applied = {}
            self._apply_all()

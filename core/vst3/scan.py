"""`scan_plugins`: every installed VST3 plugin with its parameters (behind `phonon vst3`).

Each bundle is loaded in a child process (at most `timeout` seconds) so a plugin that hangs or
crashes cannot take Phonon with it; what it reports is cached (`phonon.vst3.cache`).
"""
from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .bundles import find_bundles
from .cache import bundle_stamp, read_cache, write_cache

DEFAULT_SCAN_TIMEOUT = 30.0   # seconds per plugin (some plugins take minutes to load)


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


# Runs in the child process: prints the plugin's name and parameters as one JSON line.
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
    """Load one bundle in a child process and read what it reports."""
    info = PluginInfo(name=path.stem, path=str(path), stamp=bundle_stamp(path))
    try:
        res = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True,
                             timeout=timeout)
    except subprocess.TimeoutExpired:
        info.error = f"did not load within {timeout:g} s (retry with --refresh --timeout SECONDS)"
        return info
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("{")]
    if res.returncode != 0 or not lines:
        err = [ln for ln in res.stderr.strip().splitlines() if ln.strip()]
        info.error = err[-1].strip() if err else f"loader exited with status {res.returncode}"
        return info
    data = json.loads(lines[-1])
    info.name = data["name"] or path.stem
    info.params = data["params"]
    return info


def plugin_info(path: Path, timeout: float = DEFAULT_SCAN_TIMEOUT) -> PluginInfo:
    """One bundle's name and parameters: from the cache when the bundle is unchanged, else
    loaded in a child process (and cached), so nothing of the plugin runs in this process."""
    cached = read_cache()
    entry = cached.get(str(path))
    if entry is not None and entry.get("stamp") == bundle_stamp(path):
        return PluginInfo(**entry)
    info = _probe(path, timeout)
    cached[info.path] = info.to_json()
    write_cache(cached)
    return info


def scan_plugins(match: str | None = None, refresh: bool = False,
                 timeout: float = DEFAULT_SCAN_TIMEOUT, workers: int = 2,
                 progress: Callable[[PluginInfo, int, int], None] | None = None,
                 ) -> list[PluginInfo]:
    """Installed bundles (those whose name contains `match`, if given) with their parameters.

    A bundle whose cached entry has the same modification stamp comes from the cache; the
    others are loaded in child processes, at most `timeout` seconds each, and the cache file is
    updated (entries of bundles not scanned this time are kept). `progress(info, done, total)`
    is called as each of those loads finishes.
    """
    cached = read_cache()
    result: dict[str, PluginInfo] = {}
    todo: list[Path] = []
    for name, path in find_bundles().items():
        if match and match.lower() not in name.lower():
            continue
        entry = cached.get(str(path))
        if not refresh and entry is not None and entry.get("stamp") == bundle_stamp(path):
            result[str(path)] = PluginInfo(**entry)
        else:
            todo.append(path)
    if todo:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for done, info in enumerate(pool.map(lambda p: _probe(p, timeout), todo), 1):
                result[info.path] = info
                cached[info.path] = info.to_json()
                if progress is not None:
                    progress(info, done, len(todo))
        write_cache(cached)
    return sorted(result.values(), key=lambda i: i.name.lower())

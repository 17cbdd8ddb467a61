"""The scan cache: `$XDG_CACHE_HOME/phonon/vst3.json`, one entry per bundle path.

An entry holds what `phonon.vst3.scan` found (name, parameters or the load error) and the
bundle's modification stamp, so a bundle is loaded again only when it changed.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

CACHE_VERSION = 1


def cache_path() -> Path:
    """`$XDG_CACHE_HOME/phonon/vst3.json` (default `~/.cache/phonon/vst3.json`)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "phonon" / "vst3.json"


def read_cache() -> dict[str, dict]:
    """The cached scan: bundle path -> `PluginInfo` fields (empty if missing or unreadable)."""
    try:
        data = json.loads(cache_path().read_text())
    except (OSError, ValueError):
        return {}
    return data.get("plugins", {}) if data.get("version") == CACHE_VERSION else {}


def write_cache(entries: dict[str, dict]) -> None:
    """Replace the cache file atomically with `entries`; a cache that cannot be written is
    skipped (the next scan loads the plugins again)."""
    cfile = cache_path()
    try:
        cfile.parent.mkdir(parents=True, exist_ok=True)
        tmp = cfile.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": CACHE_VERSION, "plugins": entries}, indent=1))
        tmp.replace(cfile)
    except OSError:
        pass


def bundle_stamp(path: Path) -> float:
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

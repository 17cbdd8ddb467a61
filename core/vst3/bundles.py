"""Where VST3 plugins are, which bundle a name means, and loading one with pedalboard."""
from __future__ import annotations

import difflib
import os
import sys
from pathlib import Path

from ..errors import PhononError
from .cache import read_cache


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
    for path_text, entry in read_cache().items():       # a plugin's own name, if scanned before
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

"""Where VST3 plugins are, which bundle a name means, and loading one with pedalboard.

The folder rule: a program loads plugins only from the VST3 folders (`plugin_folders`: the
standard ones, `PHONON_VST3_PATH`, and the folders the command line allowed with
`--allow-plugin-path DIR`, see `allow_plugin_folders`). A plugin is native code that runs
inside Phonon as soon as it loads: a program file naming `any/dir/evil.vst3` must not be able
to run it.
"""
from __future__ import annotations

import difflib
import os
import sys
from pathlib import Path

from ..errors import PhononError
from .cache import read_cache


_allowed: list[Path] = []           # --allow-plugin-path folders of this process


def allow_plugin_folders(folders: list[str | os.PathLike]) -> None:
    """Let programs also load plugins from `folders` (the `--allow-plugin-path` flag); they
    join the search for plugin names too. Replaces any earlier call's folders."""
    _allowed[:] = [Path(f).expanduser() for f in folders]


def plugin_folders() -> list[Path]:
    """Every folder a program may load a plugin from: the allowed ones, then `vst3_dirs()`."""
    return [*_allowed, *vst3_dirs()]


def in_plugin_folder(path: Path) -> bool:
    """Whether `path` lies inside one of `plugin_folders()` (`..` resolved; a bundle linked
    into a plugin folder counts as inside)."""
    plain, real = Path(os.path.abspath(path)), path.resolve()
    for folder in plugin_folders():
        if plain.is_relative_to(os.path.abspath(folder)) or real.is_relative_to(folder.resolve()):
            return True
    return False


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
    for d in plugin_folders():
        if not d.is_dir():
            continue
        for entry in sorted(d.iterdir()):
            if entry.suffix.lower() == ".vst3":
                found.setdefault(entry.stem, entry)
    return found


def resolve_plugin(name_or_path: str) -> Path:
    """The bundle for a plugin name (case-insensitive) or a path inside the plugin folders;
    unknown names get a did-you-mean, a path outside the folders is refused (see the module)."""
    text = str(name_or_path).strip()
    candidate = Path(text).expanduser()
    if candidate.suffix.lower() == ".vst3" or os.sep in text or "/" in text:
        if not candidate.exists():
            raise PhononError(f"vst3: no plugin at '{text}'", hint="give an installed plugin name or the path of a .vst3 bundle")
        if not in_plugin_folder(candidate):
            raise PhononError(
                f"vst3: '{text}' is outside the VST3 plugin folders: a program loads plugins "
                "only from " + ", ".join(str(d) for d in plugin_folders()),
                hint=f"install the plugin there, add its folder to PHONON_VST3_PATH, or allow it "
                     f"with --allow-plugin-path {candidate.parent}")
        return candidate
    bundles = find_bundles()
    by_lower = {name.lower(): path for name, path in bundles.items()}
    if text.lower() in by_lower:
        return by_lower[text.lower()]
    for path_text, entry in read_cache().items():       # a plugin's own name, if scanned before
        if str(entry.get("name", "")).lower() == text.lower() and Path(path_text).exists() \
                and in_plugin_folder(Path(path_text)):
            return Path(path_text)
    hint = closest_names(text, sorted(bundles))
    raise PhononError(f"vst3: unknown plugin '{text}'", hint=hint)


def closest_names(text: str, names: list[str]) -> str:
    """A hint naming the installed plugins closest to `text` (case-insensitive)."""
    if not names:
        return ("no VST3 plugins found; searched " + ", ".join(str(d) for d in plugin_folders())
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

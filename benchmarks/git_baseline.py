"""Load an old version of a Phonon module straight from the git history, as a baseline that a
benchmark times against the current code in the same run (no copy of the old code in the tree).

    old = load("cd5d82c", "core/samples/voicepool.py", "phonon.samples")

The file at that commit is written once to a cache folder (its relative imports made absolute
against `package`) and imported from there, so its numba kernels are cached like any other.
Needs the repository's history (a clone, not an exported tree).
"""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path.home() / ".cache" / "phonon-bench"


def load(commit: str, path: str, package: str) -> ModuleType:
    """The module at `path` as it was at `commit` (`from .x import` reads `package`.x)."""
    name = f"baseline_{Path(path).stem}_{commit}"
    if name in sys.modules:
        return sys.modules[name]
    file = CACHE / f"{name}.py"
    if not file.exists():
        try:
            source = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:{path}"],
                                    check=True, capture_output=True, text=True).stdout
        except (OSError, subprocess.CalledProcessError) as exc:
            raise SystemExit(f"cannot read {path} at {commit} from git ({exc}): the baseline "
                             "needs the repository's history") from None
        CACHE.mkdir(parents=True, exist_ok=True)
        file.write_text(re.sub(r"^from \.(\w)", rf"from {package}.\1", source, flags=re.M))
    spec = importlib.util.spec_from_file_location(name, file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module

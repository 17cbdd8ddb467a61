"""Phonon: live-coding music with Tidal-style patterns and a block-based synthesis graph."""
from __future__ import annotations

import os

TYPE_CHECKING = False                  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from pathlib import Path

__version__ = "0.1.0"

__all__ = ["__version__", "render"]


def render(source: str | os.PathLike, seconds: float, sr: int = 44100, block: int = 2048, *,
           seed: int = 0, **opts):
    """Render a program to a float32 array of shape (2, n). See `phonon.engine.render`.

    `source` is the program's text or its file: a `pathlib.Path`, or a str naming an existing
    `.ph` file (`phonon.render("examples/demo.ph", 8)`); errors then name that file.
    `seed` selects the random stream of the patterns (`?`, `sometimes`, `rand`, ...) and of the
    noise sources; 0 is Tidal/Strudel's own. The same seed always renders the same samples."""
    from .engine.render import render as _render

    path = _program_path(source)
    if path is not None:
        opts.setdefault("file", str(path))
        source = path.read_text(encoding="utf-8")
    return _render(source, seconds, sr=sr, block=block, seed=seed, **opts)


def _program_path(source) -> Path | None:
    """The program file `source` names, or None when it is the program's text."""
    from pathlib import Path        # here, not at import: `phonon` starts with almost nothing

    if isinstance(source, os.PathLike):
        path = Path(source)
    elif isinstance(source, str) and "\n" not in source and source.strip().endswith(".ph"):
        path = Path(source.strip())           # one line ending in .ph: a file name, not a program
    else:
        return None
    if not path.is_file():
        raise FileNotFoundError(f"no program file {str(path)!r}: pass the program's text or a Path "
                                "to an existing .ph file")
    return path

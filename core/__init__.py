"""Phonon: live-coding music with Tidal-style patterns and a block-based synthesis graph."""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "render"]


def render(source: str, seconds: float, sr: int = 44100, block: int = 2048, *, seed: int = 0,
           **opts):
    """Render program text to a float32 array of shape (2, n). See `phonon.engine.render`.

    `seed` selects the random stream of the patterns (`?`, `sometimes`, `rand`, ...) and of the
    noise sources; 0 is Tidal/Strudel's own. The same seed always renders the same samples."""
    from .engine.render import render as _render

    return _render(source, seconds, sr=sr, block=block, seed=seed, **opts)

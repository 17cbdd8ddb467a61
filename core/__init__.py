"""Phonon: live-coding music with Tidal-style patterns and a block-based synthesis graph."""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "render"]


def render(source: str, seconds: float, sr: int = 44100, block: int = 2048, **opts):
    """Render program text to a float32 array of shape (2, n). See `phonon.engine.render`."""
    from .engine.render import render as _render

    return _render(source, seconds, sr=sr, block=block, **opts)

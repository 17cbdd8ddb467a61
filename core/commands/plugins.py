"""`phonon plugins`: the old name of `phonon vst3` (installed VST3 plugins), kept as an alias.

It is not about `phonon.plugins`, the node plugin API; node plugins are listed by `phonon nodes`.
"""
from __future__ import annotations

from .vst3 import add_arguments, format_plugin, run

__all__ = ["HELP", "add_arguments", "format_plugin", "run"]

HELP = "alias of `phonon vst3`: installed VST3 plugins (node plugins: `phonon nodes`)"

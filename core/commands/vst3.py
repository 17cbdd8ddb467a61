"""`phonon vst3 [--json] [NAME]`: list installed VST3 plugins and their parameters.

(`phonon plugins` is the same command under its old name; node plugins are listed by
`phonon nodes`.) The scan itself is `phonon.vst3.scan_plugins`.
"""
from __future__ import annotations

from .plugins import add_arguments, format_plugin, run

__all__ = ["HELP", "add_arguments", "format_plugin", "run"]

HELP = "list installed VST3 plugins and their parameters (scan cached in ~/.cache/phonon/vst3.json)"

"""`--allow-plugin-path DIR` of `phonon render`, `live` and `check`: the folders outside the
VST3 folders a program may load plugins from (the folder rule: `phonon.vst3.bundles`)."""
from __future__ import annotations

import argparse


def add_plugin_path_argument(parser: argparse.ArgumentParser) -> None:
    """`--allow-plugin-path DIR` (render, live, check): see `apply_plugin_paths`."""
    parser.add_argument("--allow-plugin-path", action="append", default=[], metavar="DIR",
                        help="also let the program load VST3 plugins from DIR (programs load "
                             "plugins only from the VST3 folders and PHONON_VST3_PATH); "
                             "may be repeated")


def apply_plugin_paths(args: argparse.Namespace) -> None:
    """Put the `--allow-plugin-path` folders in force for this process."""
    folders = getattr(args, "allow_plugin_path", None)
    if folders:
        from ..vst3.bundles import allow_plugin_folders
        allow_plugin_folders(folders)

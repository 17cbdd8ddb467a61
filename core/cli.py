"""`phonon` command line: dispatches to the modules in `phonon.commands`."""
from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__
from .commands import COMMANDS


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, object]]:
    parser = argparse.ArgumentParser(
        prog="phonon",
        description="Phonon: live-coding music with patterns and a modular synthesis graph.",
    )
    parser.add_argument("--version", action="version", version=f"phonon {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules: dict[str, object] = {}
    for module_name, command in COMMANDS:
        try:
            module = importlib.import_module(f"phonon.commands.{module_name}")
        except ImportError as exc:  # a command whose module is not there yet
            p = sub.add_parser(command, help=f"(unavailable: {exc})")
            modules[command] = None
            continue
        p = sub.add_parser(command, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        modules[command] = module
    return parser, modules


def main(argv: list[str] | None = None) -> int:
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    module = modules.get(args.command)
    if module is None:
        print(f"phonon: command '{args.command}' is not available in this build", file=sys.stderr)
        return 2
    try:
        return int(module.run(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

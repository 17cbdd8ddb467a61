"""`phonon` command line: dispatches to the modules in `phonon.commands`.

Ctrl-C at any moment ends a command with status 130 and no traceback: `main` handles it from
its first line, before the parser and the command's imports are built (an exception a Ctrl-C
caused, such as the ImportError of an interrupted C-extension import, ends the command as the
Ctrl-C it was); this module and the package's `__init__` import nothing heavy (not even
argparse or pathlib), so the launcher's `from phonon.cli import main` is over in about a
millisecond. Once the command is done the process ignores further Ctrl-C while it exits. A
Ctrl-C before `main` runs (the interpreter's own start, ~20-60 ms here, and that import) is
Python's: it prints Python's traceback.
"""
from __future__ import annotations

import importlib
import os
import signal
import sys
import warnings

from . import __version__, collector
from .commands import COMMANDS

SIGPIPE_STATUS = 128 + 13       # what a Unix tool reports when the reader of its output left


def build_parser(only: str | None = None) -> tuple[argparse.ArgumentParser, dict[str, object]]:
    """The parser and each command's module. Every command module is imported (one that fails
    to import is a broken installation, and the ImportError says so: never a silent gap),
    unless `only` names the one command to run: then only its module is imported, so
    `phonon render` does not pay for the imports of `live`, `dirt` or `plot`."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="phonon",
        description="Phonon: live-coding music with patterns and a modular synthesis graph.",
    )
    parser.add_argument("--version", action="version", version=f"phonon {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules: dict[str, object] = {}
    for module_name, command in COMMANDS:
        if only is not None and command != only:
            continue
        module = importlib.import_module(f"phonon.commands.{module_name}")
        p = sub.add_parser(command, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        modules[command] = module
    return parser, modules


def command_of(argv: list[str]) -> str | None:
    """The subcommand `argv` runs when its first argument names one, else None."""
    names = {command for _, command in COMMANDS}
    return argv[0] if argv and argv[0] in names else None


def main(argv: list[str] | None = None) -> int:
    """Run `phonon ARGS` (`argv`, default the command line); the exit status. Called as the
    process's entry point (`argv` None), it leaves SIGINT ignored once the command is over,
    and keeps the garbage collector out of the process's start-up and exit
    (`phonon.collector`)."""
    interrupted: list[int] = []
    entry = argv is None
    if entry:
        collector.pause_for_start_up()

    def on_sigint(signum: int, frame: object) -> None:
        interrupted.append(signum)
        raise KeyboardInterrupt

    previous = _set_sigint(on_sigint)
    try:
        status = _main(argv)
    except KeyboardInterrupt:
        status = 130
    except BaseException:
        # a Ctrl-C inside a C extension's import surfaces as an ImportError (numpy's: "could
        # not import module datetime"), and may break other code the same way: after a
        # Ctrl-C, whatever ends the command is the Ctrl-C
        if not interrupted:
            raise
        status = 130
    finally:
        _set_sigint(signal.SIG_IGN if argv is None else previous)  # exiting: no late traceback
    if interrupted and status not in (0, 130):
        # the command failed after a Ctrl-C it did not handle (an interrupted plugin import
        # skipped by the registry): the Ctrl-C ended it. A command that stops on Ctrl-C
        # (live, dirt) and returns 0 keeps its status.
        status = 130
    if entry:
        collector.freeze_for_exit()
    return status


def _set_sigint(handler):
    """Install a SIGINT handler (only the main thread can); the previous one."""
    try:
        return signal.signal(signal.SIGINT, handler)
    except ValueError:                          # not the main thread: leave signals alone
        return None


def _main(argv: list[str] | None) -> int:
    # numpy's floating-point warnings ("overflow encountered in multiply") are internal texts:
    # the engine handles non-finite samples itself (the master guard resets the node and
    # says so), so they never reach the user
    warnings.filterwarnings("ignore", category=RuntimeWarning,
                            message=r"(overflow|invalid value|divide by zero|underflow) encountered")
    argv = sys.argv[1:] if argv is None else list(argv)
    parser, modules = build_parser(command_of(argv))
    args = parser.parse_args(argv)
    if not args.command:                       # `phonon` alone: what it can do, as an error
        parser.print_help(sys.stderr)
        return 2
    try:
        status = int(modules[args.command].run(args) or 0)
        sys.stdout.flush()                     # a closed pipe shows here, not at exit
        return status
    except BrokenPipeError:                    # `phonon nodes --json | head`: the reader left
        _silence_stdout()
        return SIGPIPE_STATUS


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush has nowhere to fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):               # stdout replaced by something without a fd
        pass


if __name__ == "__main__":
    sys.exit(main())

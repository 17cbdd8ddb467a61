"""The console a command prints with: rich on a terminal, plain `print` off one.

`phonon render` prints a few plain lines (no markup, no wrapping); importing and setting up
`rich` for them costs about 15 ms of every run, which matters to batch jobs and scripts that
call `phonon render` many times. `console(stderr)` returns a `rich.console.Console` when the
stream is a terminal (progress bars, tables) and a `PlainConsole` otherwise, which prints
plain text itself and hands anything else (a table, markup, wrapped text) to rich.
"""
from __future__ import annotations

import sys
from typing import Any, TextIO


class PlainConsole:
    """The part of `rich.console.Console` the commands use, for a stream that is no terminal."""

    def __init__(self, stderr: bool = False) -> None:
        self.stderr = stderr
        self._rich: Any = None

    @property
    def file(self) -> TextIO:
        return sys.stderr if self.stderr else sys.stdout

    @property
    def is_terminal(self) -> bool:
        return False

    def print(self, *objects: Any, markup: bool | None = None, soft_wrap: bool | None = None,
              **options: Any) -> None:
        """Plain strings without markup or wrapping are printed as they are; anything else
        the way rich prints it off a terminal."""
        if markup is False and soft_wrap and not options \
                and all(isinstance(x, str) for x in objects):
            print(*objects, file=self.file)
            return
        if self._rich is None:
            from rich.console import Console
            self._rich = Console(stderr=self.stderr, highlight=False)
        self._rich.print(*objects, markup=markup, soft_wrap=soft_wrap, **options)


def console(stderr: bool = False):
    """A rich Console (highlight off) on a terminal, else a `PlainConsole`."""
    stream = sys.stderr if stderr else sys.stdout
    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError):
        terminal = False
    if terminal:
        from rich.console import Console
        return Console(stderr=stderr, highlight=False)
    return PlainConsole(stderr)

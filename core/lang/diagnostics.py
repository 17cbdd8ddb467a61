"""Diagnostics of one compile: errors located at file:line:col, warnings, guarded engine calls."""
from __future__ import annotations

from typing import Any, Callable

from ..errors import Diagnostic, MiniNotationError, PhononError
from . import ast as A
from .ir import Loc
from .values import Err


class Reporter:
    """Collects every error of a compile (`errors`) and appends warnings to `warnings`."""

    def __init__(self, file: str, lines: list[str], warnings: list[Diagnostic]) -> None:
        self.file = file
        self.lines = lines
        self.warnings = warnings
        self.errors: list[PhononError] = []
        self.context: list[str | None] = []   # "~fx, used at 3:17": a definition being expanded

    def source_line(self, line: int) -> str | None:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else None

    def error(self, pos: A.Pos, message: str, hint: str | None = None) -> Err:
        """Record an error at `pos`; returns the poison value that stops follow-up errors.
        Inside an expanded definition the message says where it was used."""
        if self.context and self.context[-1]:
            message = f"{message} (in {self.context[-1]})"
        self.errors.append(PhononError(message, file=self.file, line=pos.line, col=pos.col,
                                       source_line=self.source_line(pos.line), hint=hint))
        return Err()

    def mini_error(self, e: MiniNotationError, pos: A.Pos) -> Err:
        """Record a mini-notation error of the string literal at `pos` (its column inside it)."""
        self.errors.append(e.relocate(file=self.file, line=pos.line, col_offset=pos.col,
                                      source_line=self.source_line(pos.line)))
        return Err()

    def warn(self, pos: A.Pos, message: str) -> None:
        self.warnings.append(Diagnostic(message, self.file, pos.line, pos.col))

    def guard(self, pos: A.Pos, what: str, fn: Callable[[], Any]) -> Any:
        """Run a pattern-engine call; any failure becomes a located PhononError (or Err)."""
        try:
            return fn()
        except PhononError as e:
            return self.error(pos, e.message, e.hint)
        except RecursionError:
            return self.error(pos, f"{what}: pattern nested too deeply")
        except Exception as e:  # noqa: BLE001 - the engine's own errors, made user-facing
            return self.error(pos, f"{what}: {e}")

    def loc(self, pos: A.Pos) -> Loc:
        return Loc(self.file, pos.line, pos.col)

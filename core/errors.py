"""The one error type the language raises, with a position a performer can act on.

Every problem in a program (mini-notation, syntax, unknown names, bad arguments) is a
`PhononError` carrying `file:line:col`, the offending source line, a caret and, where there is
one, a suggestion. Several problems found in one pass travel together as `PhononErrors`.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Iterable


#: the longest message, hint and source line an error shows, and how many errors a list shows
MESSAGE_CHARS = 300
LINE_CHARS = 120
ERRORS_SHOWN = 10


def _capped(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _window(line: str, col: int) -> tuple[str, int]:
    """At most `LINE_CHARS` characters of `line` around 0-based `col`, and col's place in them."""
    if len(line) <= LINE_CHARS:
        return line, max(0, col)
    body = LINE_CHARS - 6                       # room for "..." on both sides
    start = min(max(0, col - LINE_CHARS // 3), len(line) - body)
    end = start + body
    head = "..." if start > 0 else ""
    tail = "..." if end < len(line) else ""
    return head + line[start:end] + tail, len(head) + max(0, col - start)


class PhononError(Exception):
    """A user-facing error located in program text.

    `line` and `col` are 1-based. `source_line` is the text of that line (without newline).
    `hint` is an optional suggestion, e.g. "did you mean 'lpf'?".
    """

    def __init__(
        self,
        message: str,
        *,
        file: str = "<input>",
        line: int = 1,
        col: int = 1,
        source_line: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.col = col
        self.source_line = source_line
        self.hint = hint
        super().__init__(self.format())

    def relocate(self, *, file: str | None = None, line: int | None = None, col_offset: int = 0,
                 source_line: str | None = None) -> "PhononError":
        """Return a copy moved into a larger text (e.g. a mini-notation string inside a program)."""
        err = type(self).__new__(type(self))
        PhononError.__init__(
            err,
            self.message,
            file=file if file is not None else self.file,
            line=line if line is not None else self.line,
            col=self.col + col_offset,
            source_line=source_line if source_line is not None else self.source_line,
            hint=self.hint,
        )
        return err

    def with_source(self, text: str) -> "PhononError":
        """This error with its source line filled in from the program `text` (when missing)."""
        lines = text.splitlines()
        if self.source_line is not None or not 1 <= self.line <= len(lines):
            return self
        return self.relocate(source_line=lines[self.line - 1])

    @property
    def headline(self) -> str:
        text = f"{self.file}:{self.line}:{self.col}: {_capped(self.message, MESSAGE_CHARS)}"
        if self.hint:
            text += f" — {_capped(self.hint, MESSAGE_CHARS)}"
        return text

    def format(self) -> str:
        """`file:line:col: message — hint`, then the source line and a caret under the column
        (a long line is shown around the column: never more than `LINE_CHARS` characters)."""
        out = [self.headline]
        if self.source_line is not None:
            shown, caret = _window(self.source_line.replace("\t", " "), self.col - 1)
            out.append("    " + shown)
            out.append("    " + " " * caret + "^")
        return "\n".join(out)

    def __str__(self) -> str:  # the full, formatted text
        return self.format()


class MiniNotationError(PhononError):
    """A mini-notation string that does not parse (`"bd [sn hh"` -> expected ']' at col 10)."""


class PhononErrors(PhononError):
    """Several problems found in one pass; `errors` holds them in source order."""

    def __init__(self, errors: Iterable[PhononError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.file, e.line, e.col))
        first = self.errors[0]
        super().__init__(first.message, file=first.file, line=first.line, col=first.col,
                         source_line=first.source_line, hint=first.hint)

    def with_source(self, text: str) -> "PhononErrors":
        return PhononErrors([e.with_source(text) for e in self.errors])

    def format(self, limit: int | None = None) -> str:
        """Every error (the first `limit`, default `ERRORS_SHOWN`, then how many more)."""
        errors = getattr(self, "errors", [])
        if not errors:
            return super().format()
        limit = ERRORS_SHOWN if limit is None else limit
        shown = [e.format() for e in errors[:limit]]
        if len(errors) > limit:
            more = len(errors) - limit
            shown.append(f"... and {more} more error{'s' if more != 1 else ''}")
        return "\n".join(shown)


def did_you_mean(word: str, candidates: Iterable[str], n: int = 1) -> str | None:
    """A did-you-mean hint for an unknown name, or None when nothing is close."""
    close = difflib.get_close_matches(word, list(candidates), n=n, cutoff=0.6)
    if not close:
        return None
    return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"


@dataclass
class Diagnostic:
    """A non-fatal diagnostic (same location fields as PhononError)."""

    message: str
    file: str = "<input>"
    line: int = 1
    col: int = 1
    extra: dict = field(default_factory=dict)

    def format(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: warning: {self.message}"

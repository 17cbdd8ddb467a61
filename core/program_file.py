"""Reading a program (or manifest) file safely: only a regular file, bounded size, UTF-8.

`phonon check /dev/zero` read without end; a FIFO named `beat.ph` blocked forever. Every
command reads its program through `read_program`, which refuses such a file in one line.
"""
from __future__ import annotations

import os
import stat

MAX_PROGRAM_BYTES = 4 << 20       # 4 MiB: far more than any program a person writes


class ProgramFileError(OSError):
    """A program file that cannot be read; the message names the file and the `reason`."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"cannot read {name}: {reason}")
        self.name, self.reason = name, reason

    def __reduce__(self):
        return type(self), (self.name, self.reason)


def read_program(path: str | os.PathLike) -> str:
    """The text of program `path`; `ProgramFileError` for a missing, unreadable or special
    file (device, FIFO, folder), one larger than `MAX_PROGRAM_BYTES`, or not UTF-8."""
    return read_text_file(path, MAX_PROGRAM_BYTES, "a program", "give a .ph program file")


def read_text_file(path: str | os.PathLike, limit: int, what: str, instead: str) -> str:
    """The UTF-8 text of the regular file `path` (at most `limit` bytes), newlines as text mode
    reads them; `ProgramFileError` naming the file and the reason otherwise. `what` names the
    kind of file in messages ("a manifest"), `instead` says what to give instead of a
    special file."""
    name = os.fspath(path)
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK)     # a FIFO must not block the open
    except OSError as exc:
        raise ProgramFileError(name, str(exc.strerror)) from None
    try:
        st = os.fstat(fd)
        _refuse_special(name, st, instead)
        if st.st_size > limit:
            raise ProgramFileError(name, f"{st.st_size} bytes is too large for "
                                   f"{what} (at most {limit >> 20} MiB)")
        with os.fdopen(os.dup(fd), "rb") as f:
            # as much as fstat said (a read of `limit` would allocate that much first) ...
            data = f.read(st.st_size + 1)
            if len(data) > st.st_size:            # ... and on, if it grew since, to the limit
                data += f.read(limit + 1 - len(data))
    except ProgramFileError:
        raise
    except OSError as exc:
        raise ProgramFileError(name, str(exc.strerror)) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise ProgramFileError(name, f"too large for {what} (at most "
                               f"{limit >> 20} MiB)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProgramFileError(name, f"not UTF-8 text (byte {exc.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")     # as text mode reads it


def check_regular_file(path: str | os.PathLike, instead: str) -> None:
    """`ProgramFileError` unless `path` is a regular file (reading a FIFO or a device would
    block or never end)."""
    name = os.fspath(path)
    try:
        st = os.stat(name)
    except OSError as exc:
        raise ProgramFileError(name, str(exc.strerror)) from None
    _refuse_special(name, st, instead)


def _refuse_special(name: str, st: os.stat_result, instead: str) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise ProgramFileError(name, "it is a folder")
    if not stat.S_ISREG(st.st_mode):
        raise ProgramFileError(name, f"not a regular file (a device, FIFO or "
                               f"socket): {instead}")

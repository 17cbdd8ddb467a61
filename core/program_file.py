"""Reading a program file safely: only a regular file, at most `MAX_PROGRAM_BYTES`, UTF-8.

`phonon check /dev/zero` read without end; a FIFO named `beat.ph` blocked forever. Every
command reads its program through `read_program`, which refuses such a file in one line.
"""
from __future__ import annotations

import os
import stat

MAX_PROGRAM_BYTES = 4 << 20       # 4 MiB: far more than any program a person writes


class ProgramFileError(OSError):
    """A program file that cannot be read; the message names the file and the reason."""


def read_program(path: str | os.PathLike) -> str:
    """The text of program `path`; `ProgramFileError` for a missing, unreadable or special
    file (device, FIFO, folder), one larger than `MAX_PROGRAM_BYTES`, or not UTF-8."""
    name = os.fspath(path)
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK)     # a FIFO must not block the open
    except OSError as exc:
        raise ProgramFileError(f"cannot read {name}: {exc.strerror}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise ProgramFileError(f"cannot read {name}: it is a folder")
        if not stat.S_ISREG(st.st_mode):
            raise ProgramFileError(f"cannot read {name}: not a regular file (a device, FIFO or "
                                   "socket): give a .ph program file")
        if st.st_size > MAX_PROGRAM_BYTES:
            raise ProgramFileError(f"cannot read {name}: {st.st_size} bytes is too large for a "
                                   f"program (at most {MAX_PROGRAM_BYTES >> 20} MiB)")
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(MAX_PROGRAM_BYTES + 1)
    except ProgramFileError:
        raise
    except OSError as exc:
        raise ProgramFileError(f"cannot read {name}: {exc.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_PROGRAM_BYTES:
        raise ProgramFileError(f"cannot read {name}: too large for a program (at most "
                               f"{MAX_PROGRAM_BYTES >> 20} MiB)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProgramFileError(f"cannot read {name}: not UTF-8 text (byte {exc.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")     # as text mode reads it

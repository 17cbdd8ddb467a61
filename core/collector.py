"""CPython's cyclic garbage collector around a command-line run's start-up and exit.

A `phonon` command imports numpy, numba, the node library and the cached kernels, then
compiles the program and builds the session: ~180 k objects that live until the process ends.
Meanwhile CPython's collector runs ~270 collections over them (~0.09 s of a 0.9 s
`phonon render -d 1`, measured on a 2-core machine), and at exit the interpreter's last
collections walk them all once more (~0.15 s); of all that only ~1 k objects were garbage.
For the command-line process only (`phonon.cli.main` as the entry point):

- `pause_for_start_up()`: the youngest generation's threshold is raised to
  `START_UP_THRESHOLD`, so start-up triggers no collection (and a command that never opens a
  session still collects, after that many new objects);
- `start_up_over()`, called when a session is open (and by `phonon batch` when its workers
  run): what exists now is long-lived and is frozen (kept out of every later collection: the
  render loop's and a live set's collections stay short), and the usual thresholds are back;
- `freeze_for_exit()`: when the command is over, everything still alive is frozen, so the
  interpreter's last collections skip it. Exit still runs the `atexit` hooks (shared-memory
  unlinking, `weakref.finalize` callbacks such as `tap`'s file) and frees what reference
  counting frees; only garbage in reference cycles is left to the operating system.

A program that imports phonon as a library is not affected: nothing pauses its collector.
"""
from __future__ import annotations

import gc

__all__ = ["START_UP_THRESHOLD", "pause_for_start_up", "start_up_over", "paused",
           "freeze_for_exit"]

#: new container objects after which start-up collects anyway (a command's start-up makes
#: ~180 k; the default threshold is 700)
START_UP_THRESHOLD = 500_000

_usual: tuple[int, int, int] | None = None     # the thresholds before the pause, while paused


def pause_for_start_up() -> None:
    """No collections while the command starts (see the module doc)."""
    global _usual
    if _usual is None:
        _usual = gc.get_threshold()
        gc.set_threshold(START_UP_THRESHOLD, *_usual[1:])


def start_up_over() -> None:
    """Freeze what start-up made and restore the usual thresholds (once; no-op unless
    `pause_for_start_up` is in force)."""
    global _usual
    if _usual is not None:
        gc.freeze()
        gc.set_threshold(*_usual)
        _usual = None


def paused() -> bool:
    """Whether start-up's pause is in force."""
    return _usual is not None


def freeze_for_exit() -> None:
    """The process is about to end: keep everything alive out of its last collections."""
    start_up_over()
    gc.freeze()

"""Hot reload: watch the program's folder, compile edits off the audio path, schedule swaps.

Editors save in many ways (write in place, write a temp file and rename it over the original),
so the whole folder is watched (watchdog) and any event that touches the program's path counts.
The file is read once it is complete and stable: `quiet` seconds after the writer closed it
(or renamed it into place), or `open_quiet` seconds after the last change while a writer still
holds it open (a save caught half-written, the rest arriving 0.4 s later, used to play for a
cycle). When its text changed it is compiled and instantiated (a successor `Session`) on this
thread; the player swaps it in at its next swap point. A program that fails (a syntax error, an
event flood over the budget) keeps the old one playing; the error (file, line, column, caret)
goes to `on_result`.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..engine.render import compile_source
from ..errors import PhononError, PhononErrors
from ..program_file import ProgramFileError, read_program
from .player import Player
from .swap import successor_session, warm_kernels

QUIET_S = 0.05          # after the writer closed the file (or renamed it into place)
OPEN_QUIET_S = 1.0      # after the last change while the file is still open for writing
#: watchdog events after which the file is complete (closed after writing, renamed, deleted)
COMPLETE = ("closed", "moved", "deleted")


@dataclass
class ReloadResult:
    """The outcome of one reload attempt."""

    ok: bool
    message: str                  # one line for the status display
    detail: str = ""              # the full error text (with caret) when not ok
    saved_at: float = 0.0         # time.time() of the last file event
    ready_at: float = 0.0         # time.time() when the successor was scheduled


class Reloader:
    """Watches `path`; `start()` / `stop()`. `reload()` runs one attempt synchronously."""

    def __init__(self, path: str | os.PathLike, player: Player,
                 on_result: Callable[[ReloadResult], None], *, quiet: float = QUIET_S,
                 open_quiet: float = OPEN_QUIET_S, registry=None, reporter: Callable[[str], None] | None = None) -> None:
        self.path = Path(path).resolve()
        self.player = player
        self.on_result = on_result
        self.quiet = quiet
        self.open_quiet = open_quiet
        self._complete = True                  # the last event left the file complete
        self.registry = registry
        self.reporter = reporter
        self.warmed: set[tuple] = set()       # node signatures whose kernels are loaded
        self.last_text: str | None = None
        self._last_event = 0.0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()          # no file event pending, no reload running
        self._idle.set()
        self._thread: threading.Thread | None = None
        self._observer = None

    # -- file events
    def _touches(self, *paths: str) -> bool:
        for p in paths:
            if p and Path(os.fsdecode(p)).resolve() == self.path:
                return True
        return False

    def notify(self, complete: bool = True) -> None:
        """A file event for the program (also callable by hand, e.g. from tests); `complete`:
        the writer is done with the file (closed or renamed it)."""
        self._complete = complete
        self._last_event = time.time()
        self._idle.clear()
        self._wake.set()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every file event seen so far has been handled (debounced, read,
        compiled); False when `timeout` seconds passed first."""
        return self._idle.wait(timeout)

    def start(self) -> None:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        reloader = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event):  # noqa: D102 - watchdog callback
                if event.event_type in ("opened", "closed_no_write"):
                    return
                if reloader._touches(event.src_path, getattr(event, "dest_path", "")):
                    reloader.notify(complete=event.event_type in COMPLETE)

        self._observer = Observer()
        self._observer.schedule(Handler(), str(self.path.parent), recursive=False)
        self._observer.daemon = True
        self._observer.start()
        self._thread = threading.Thread(target=self._run, name="phonon-reload", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=2)
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(timeout=0.5)
            self.player.close_retired()
            if self._stop.is_set():
                break
            if not self._wake.is_set():
                self._settle()
                continue
            # debounce: wait until the file is complete and quiet (see the module)
            while not self._stop.is_set():
                idle = time.time() - self._last_event
                wait = self.quiet if self._complete else self.open_quiet
                if idle >= wait:
                    break
                time.sleep(min(wait - idle, 0.05))
            self._wake.clear()
            if not self._stop.is_set():
                self.reload()
            self._settle()

    def _settle(self) -> None:
        """Idle unless a file event arrived meanwhile (`notify` clears it before waking us)."""
        self._idle.set()
        if self._wake.is_set():
            self._idle.clear()

    # -- one attempt
    def reload(self) -> ReloadResult | None:
        """Read, compile and schedule the program; None when the text did not change."""
        saved_at = self._last_event or time.time()
        try:
            text = read_program(self.path)
        except ProgramFileError as exc:   # mid-rename, deleted: the next event retries
            result = ReloadResult(False, str(exc), str(exc), saved_at)
            self.on_result(result)
            return result
        if text == self.last_text or not text.strip():
            return None       # unchanged, or caught between an in-place save's truncate and write
        try:
            graph = compile_source(text, file=str(self.path), registry=self.registry,
                                   bank=self.player.session.sample_bank())
            warm_kernels(graph, self.player.session, self.warmed)
            start = self.player.position if graph.panic else self.player.target_start()
            successor = successor_session(self.player.session, graph, start,
                                          reporter=self.reporter)
        except (PhononError, PhononErrors) as exc:
            result = ReloadResult(False, "error: " + _first_line(exc), str(exc), saved_at)
        except Exception as exc:  # noqa: BLE001 - never lose the music to a bad program
            result = ReloadResult(False, f"error: {type(exc).__name__}: {exc}",
                                  f"{type(exc).__name__}: {exc}", saved_at)
        else:
            self.last_text = text
            self.player.schedule(successor, {"file": str(self.path), "saved_at": saved_at})
            ready = time.time()
            result = ReloadResult(True, f"ok ({1000 * (ready - saved_at):.0f} ms after the save)",
                                  "", saved_at, ready)
        self.on_result(result)
        return result


def _first_line(exc: PhononError) -> str:
    """`file:line:col: message` of the first error (and how many more there are)."""
    more = len(exc.errors) - 1 if isinstance(exc, PhononErrors) else 0
    return exc.headline + (f" (+{more} more)" if more > 0 else "")

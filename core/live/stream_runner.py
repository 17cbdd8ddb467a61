"""What the runners of `phonon live` and `phonon dirt` share around their render thread.

Both render blocks into the ring of a shared-memory `Link` that the device process
(`phonon.live.output`) plays; `StreamRunner` is the rest: reports from any thread printed by
the main thread, the `--record` tap, filling the ring before the device starts (saying when DSP
kernels compile), the status display, the main thread's wait for Ctrl-C or `duration`, and the
clean stop.
"""
from __future__ import annotations

import gc
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from ..engine.kernel_compiles import KernelCompiles
from .device import DeviceError
from .link import Link
from .output import AudioOutput, OutputEvent
from .priority import normal_priority, raise_all_threads
from .record import RecordTap
from .ring import BlockRing

# The render thread needs the GIL back quickly from the other threads.
SWITCH_INTERVAL = 0.0005
# `--duration`: the run ends when the device (or the clock, while it is away) has played that
# much, and never later than this on the wall clock.
DURATION_SLACK_S = 0.5


def ring_target(block: int, latency: float, sr: int) -> int:
    """Frames the render thread keeps in the ring: `latency` in whole blocks, at least two."""
    return max(2 * block, int(round(latency * sr / block)) * block)


class StreamRunner:
    """The main-thread side of a stream played through `output` (device already chosen).

    Subclasses render (`_render_loop` in their thread), and say what a device loss and return
    mean for them (`_device_lost`, `_device_back`)."""

    def __init__(self, output: AudioOutput, console: Any, sr: int, sync: Any = None) -> None:
        self.output = output
        self.device = output.device
        self.console = console
        self.sr = sr
        self.sync = sync                    # Link, MIDI (phonon.live.sync / dirt.sync) or None
        self.link: Link | None = None
        self.tap: RecordTap | None = None
        self._display: Any = None           # rich's Live status line on a terminal
        self._stop = threading.Event()
        self._reports: list[str] = []
        self._reports_lock = threading.Lock()
        output.on_event = self._on_output

    # -- reporting from any thread
    def report(self, text: str) -> None:
        """Print `text` from any thread (the main thread prints it above the status)."""
        with self._reports_lock:
            self._reports.append(text)

    def _take_reports(self) -> list[str]:
        """The reports since the last call."""
        with self._reports_lock:
            reports, self._reports = self._reports, []
        return reports

    def _print(self, text: str) -> None:
        """Print on the console (above the status line while it shows)."""
        self.console.print(text, markup=False, highlight=False, soft_wrap=True)

    def _on_output(self, ev: OutputEvent) -> None:
        """The audio device went away or came back (from the output's watch thread)."""
        where = f"{ev.device.name!r} [{ev.device.hostapi}]"
        if ev.kind == "lost":
            self.report(self._device_lost(where, ev))
        elif ev.kind == "back":
            self.report(self._device_back(where, ev))
        else:
            self.report(f"audio device: {ev.text}")

    def _device_lost(self, where: str, ev: OutputEvent) -> str:
        raise NotImplementedError

    def _device_back(self, where: str, ev: OutputEvent) -> str:
        raise NotImplementedError

    def _audio_state(self) -> str:
        """For the status line: empty while the device plays, else that it is being sought."""
        out = self.output
        return "" if out.state == "playing" else \
            f"LOST {self.device.name!r}, reconnecting ({out.away_for():.0f} s)"

    # -- before the device starts
    def _open_record(self, path: str | None, ring: BlockRing, channels: int = 2) -> None:
        """The `--record` tap (`self.tap`, None without `--record`); DeviceError when it
        cannot write."""
        if not path:
            return
        try:
            self.tap = RecordTap(path, self.sr, played=lambda: ring.read, channels=channels)
        except (RuntimeError, OSError) as exc:
            raise DeviceError(f"cannot write {path}: {exc}") from exc

    def _write(self, ring: BlockRing, out: np.ndarray) -> None:
        """One rendered block into the ring (and the recording)."""
        ring.write(out)
        if self.tap is not None:
            self.tap.write(out)

    def _fill(self, ring: BlockRing, target: int, block: int,
              render: Callable[[], np.ndarray]) -> None:
        """Render until the ring holds `target` frames."""
        while ring.filled + block <= target:
            self._write(ring, render())

    @contextmanager
    def _compiling(self) -> Iterator[None]:
        """Says when DSP kernels compile inside (a cold cache: why the start waits)."""
        with KernelCompiles(self._announce_compiling) as jit:
            yield
        if jit.count:
            self._print(f"compiled {jit.count} DSP kernel{'s' if jit.count != 1 else ''} in "
                        f"{jit.seconds:.1f} s (first run only; cached for the next runs)")

    def _announce_compiling(self, name: str, n: int) -> None:
        if n == 1:
            self._print("compiling DSP kernels (first run only)...")

    @staticmethod
    def _freeze_heap() -> None:
        """What exists now is long-lived: keep it out of later collections."""
        gc.collect()
        gc.freeze()

    # -- playing
    def _start_output(self, link: Link, block: int) -> float:
        """Start the device process on `link`; the wall time it started."""
        sys.setswitchinterval(SWITCH_INTERVAL)
        self.output.start(link, self.sr, block)
        return time.time()

    def _announce(self, target: int, describe: Callable[[float], str]) -> float:
        """Raise the threads, print `describe(latency_ms)` and start the status display on a
        terminal; the output latency in ms (the ring's `target` frames plus the device's)."""
        raise_all_threads()
        latency_ms = 1000.0 * (target / self.sr + self.output.latency)
        self._print(describe(latency_ms))
        if self.console.is_terminal:
            from rich.live import Live
            self._display = Live(console=self.console, refresh_per_second=4, transient=True)
            self._display.start()
        return latency_ms

    def _wait(self, ring: BlockRing, duration: float | None, t_start: float,
              tick: Callable[[], None]) -> None:
        """The main thread while the music plays: `tick()` every 20 ms until stopped or
        `duration` seconds were played (by the device, or by the clock while the device is
        away; never more than DURATION_SLACK_S late on the wall clock)."""
        until = None if duration is None else duration * self.sr
        while not self._stop.is_set():
            if until is not None and (ring.read >= until or
                                      time.time() - t_start > duration + DURATION_SLACK_S):
                break
            time.sleep(0.02)
            tick()

    # -- the clean stop (inside `ignoring_stop_signals`)
    def _stop_output(self, switch: float) -> None:
        """First the device stops taking frames, then the render thread is told to stop."""
        self.output.close()
        self._stop.set()
        sys.setswitchinterval(switch)
        normal_priority()
        if self._display is not None:
            self._display.stop()

    def _close_stream(self, render: threading.Thread | None, ring: BlockRing) -> None:
        """After the inputs stopped: wait for the render thread, end the sync (notes off,
        clock stop, leave Link) and the recording."""
        if render is not None and render.ident is not None:
            render.join(timeout=5)
        if self.sync is not None:
            self.sync.close(ring.read)
        if self.tap is not None:
            self.tap.close()


@contextmanager
def ignoring_stop_signals() -> Iterator[None]:
    """Ctrl-C / SIGTERM during the clean-up are ignored (it is bounded and already stopping)."""
    try:
        previous = {sig: signal.signal(sig, signal.SIG_IGN)
                    for sig in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:            # not the main thread
        previous = {}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

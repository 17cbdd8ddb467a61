"""A live session end to end: render thread -> block ring -> audio output, hot reload,
status line, recording, clean stop.

Threads: the render thread keeps the ring (shared memory) filled `latency` ahead and hands
each block to the recording tap; the device process's callback copies frames out of the ring
(`phonon.live.output`, which also keeps the show going when the device goes away); the reload
thread compiles edits; the main thread shows the status and waits for Ctrl-C or `duration`.
"""
from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..engine.kernel_compiles import KernelCompiles
from ..engine.session import Session
from .device import DeviceError
from .link import Link
from .output import AudioOutput, OutputEvent
from .player import Player
from .record import RecordTap
from .reloader import ReloadResult, Reloader
from .ring import BlockRing
from .status import Status
from .swap import warm_kernels

LOAD_SMOOTHING = 0.05
# The render thread needs the GIL back quickly from the reload and watch threads.
SWITCH_INTERVAL = 0.0005
# `--duration`: the run ends when the device (or the clock, while it is away) has played that
# much, and never later than this on the wall clock.
DURATION_SLACK_S = 0.5
# Scheduling of the live threads when the system allows it (root or CAP_SYS_NICE):
# real-time FIFO below JACK's own threads (JACK's default is 10), else nice -10.
RENDER_NICE = -10
RENDER_RT_PRIORITY = 5


@dataclass
class RenderStats:
    """Render-path cost per block, as a share of the block's duration."""

    load: float = 0.0            # exponential mean, %
    peak: float = 0.0            # worst block, %
    blocks: int = 0


def raise_priority(nice: int = RENDER_NICE, tid: int | None = None) -> bool:
    """Give a thread (default: the calling one) a higher scheduling priority, so background
    jobs do not starve the render path: real-time (SCHED_FIFO, priority RENDER_RT_PRIORITY,
    below JACK's own) when permitted, else nice `nice`; False when neither is permitted."""
    tid = threading.get_native_id() if tid is None else tid
    try:
        policy = os.SCHED_FIFO | getattr(os, "SCHED_RESET_ON_FORK", 0)   # children: normal
        os.sched_setscheduler(tid, policy, os.sched_param(RENDER_RT_PRIORITY))
        return True
    except (OSError, AttributeError):
        pass
    try:
        os.setpriority(os.PRIO_PROCESS, tid, nice)
        return True
    except (OSError, AttributeError):
        return False


def normal_priority() -> None:
    """Put the calling thread back to normal scheduling (best effort)."""
    try:
        os.sched_setscheduler(threading.get_native_id(), os.SCHED_OTHER, os.sched_param(0))
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 0)
    except (OSError, AttributeError):
        pass


def raise_all_threads(nice: int = RENDER_NICE) -> None:
    """Raise every thread of this process: any of them may hold the GIL the render thread
    needs, and must not sit preempted by background jobs while holding it."""
    try:
        tids = [int(t) for t in os.listdir("/proc/self/task")]
    except OSError:
        return
    for tid in tids:
        raise_priority(nice, tid)


@dataclass
class LiveOptions:
    """What `phonon live` was asked for (the session itself is built by the caller)."""

    path: str
    latency: float = 0.05        # render-ahead (ring) in seconds
    duration: float | None = None
    record: str | None = None
    swap: str = "cycle"
    quiet: float = 0.05          # reload debounce
    text: str | None = None      # the program text the first session was compiled from


@dataclass
class LiveResult:
    """How a live run went (for the summary line)."""

    seconds: float = 0.0
    underruns: int = 0
    device_xruns: int = 0
    reloads_ok: int = 0
    reloads_failed: int = 0
    swaps: list = field(default_factory=list)
    outages: int = 0             # times the audio device went away
    outage_s: float = 0.0        # seconds without a device


class LiveRunner:
    """Plays `options.path` through `output` (device already chosen) until stopped."""

    def __init__(self, options: LiveOptions, *, output: AudioOutput, console: Any,
                 sync: Any = None) -> None:
        self.opt = options
        self.sync = sync                 # phonon.live.sync.LiveSync: Link, MIDI (or None)
        self.output = output
        self.device = output.device
        self.console = console
        self.sr = int(self.device.samplerate)
        self.stats = RenderStats()
        self.last_reload = ReloadResult(True, "none yet")
        self.reloads_ok = 0
        self.reloads_failed = 0
        self.link: Link | None = None
        self.player: Player | None = None
        self.interrupted = False
        self._failed_swaps_seen = 0
        self._swaps_seen = 0
        self._stop = threading.Event()
        self._events: list[str] = []
        self._lock = threading.Lock()
        output.on_event = self._on_output

    # -- reporting from other threads
    def report(self, text: str) -> None:
        """Print `text` from any thread (the main thread prints it above the status)."""
        with self._lock:
            self._events.append(text)

    def _on_reload(self, result: ReloadResult) -> None:
        self.last_reload = result
        if result.ok:
            self.reloads_ok += 1
            when = "the next " + ("cycle" if self.opt.swap == "cycle" else "block")
            if self.output.state == "lost":
                when += " (heard when the audio device is back)"
            self.report(f"reload {result.message}: {Path(self.opt.path).name}, swapping at "
                        f"{when}")
        else:
            self.reloads_failed += 1
            self.report(f"reload failed, the old program keeps playing:\n{result.detail}")

    def _on_output(self, ev: OutputEvent) -> None:
        """The audio device went away or came back (from the output's watch thread)."""
        where = f"{ev.device.name!r} [{ev.device.hostapi}]"
        cycle = self.cycle_now()
        at = f" at cycle {cycle:.2f}" if cycle is not None else ""
        if ev.kind == "lost":
            self.report(f"audio device lost{at}: {where}: {ev.text}; the program keeps "
                        f"running on its clock (edits still apply), reconnecting when the "
                        f"device is back; Ctrl-C to stop")
        elif ev.kind == "back":
            self.report(f"audio device back after {ev.seconds:.1f} s: {where}; resuming{at}")
        else:
            self.report(f"audio device: {ev.text}")

    # -- the render thread
    def _render_loop(self, player: Player, ring: BlockRing, target: int,
                     tap: RecordTap | None) -> None:
        block, budget = player.block, player.block / self.sr
        stats = self.stats
        silence = np.zeros((2, block), dtype=np.float32)
        failures = 0
        render = self._render if self.sync is not None else player.render
        raise_priority()
        while not self._stop.is_set():
            short = ring.filled + block - target
            if short > 0:               # sleep until the device has taken that much more
                time.sleep(min(short, block) / self.sr)
                continue
            t0 = time.perf_counter()
            try:
                out = render()
            except Exception as exc:  # noqa: BLE001 - keep the device fed, say it once
                if not failures:
                    self.report(f"render error (this block is silent): {type(exc).__name__}: "
                                f"{exc}\n{traceback.format_exc()}")
                failures += 1
                out = silence
            ring.write(out)
            if tap is not None:
                tap.write(out)
            if out is silence:
                continue
            share = 100.0 * (time.perf_counter() - t0) / budget
            stats.load += LOAD_SMOOTHING * (share - stats.load) if stats.blocks else share
            stats.peak = max(stats.peak, share) if stats.blocks > 8 else stats.peak
            stats.blocks += 1

    def _render(self) -> np.ndarray:
        """The next block, with the sync hooks around it: where the device stream is on
        JACK's timeline (from the device process's stamps), Link before, MIDI clock after."""
        sync, player = self.sync, self.player
        if sync.jack is None:           # else the MIDI client reads it in every JACK cycle
            sync.on_stream(self.link)
        start = player.position
        sync.before_block(player.session, player.block)
        out = player.render()
        sync.after_block(player.session, start, player.block)
        return out

    def ear_time(self, sample: int) -> float | None:
        """Wall time at which `sample` of the stream reached the device (None: not yet)."""
        before, wall = self.link.dac()
        if before < sample or wall == 0.0:
            return None
        return wall - (before - sample) / self.sr

    def cycle_now(self) -> float | None:
        """The cycle being played (None before the player exists)."""
        player, link = self.player, self.link
        if player is None or link is None:
            return None
        session = player.session
        return float(session.clock.cycle_at(min(link.ring.read, session.position)))

    # -- main
    def run(self, session: Session) -> LiveResult:
        opt = self.opt
        player = self.player = Player(session, swap=opt.swap)
        block = session.block
        target = max(2 * block, int(round(opt.latency * self.sr / block)) * block)
        link = self.link = Link.create(target + 2 * block)
        ring = link.ring
        if self.sync is not None:
            self.sync.set_render_ahead(target + 2 * block)
            self.sync.link = link
        reloader = Reloader(opt.path, player, self._on_reload, quiet=opt.quiet,
                            registry=session.registry, reporter=self.report)
        reloader.last_text = opt.text
        tap = render = live = None
        t_start = time.time()
        switch = sys.getswitchinterval()
        try:
            tap = self._open_record(ring)
            self._prime(player, ring, target, tap, reloader.warmed)
            reloader.start()             # imports watchdog before the render path runs
            sys.setswitchinterval(SWITCH_INTERVAL)
            if self.sync is not None:          # its MIDI client runs after the audio one
                self.output.on_opened = self.sync.stream_opened
            self.output.start(link, self.sr, block)
            t_start = time.time()
            render = threading.Thread(target=self._render_loop,
                                      args=(player, ring, target, tap),
                                      name="phonon-render", daemon=True)
            render.start()
            raise_all_threads()
            latency_ms = 1000.0 * (target / self.sr + self.output.latency)
            self._print(f"playing {opt.path} on {self.device.name!r} [{self.device.hostapi}], "
                        f"{self.sr} Hz, block {block}, output latency {latency_ms:.1f} ms; "
                        f"edit the file to hot-reload, Ctrl-C to stop")
            if self.sync is not None and self.sync.opt.midi_in:
                from .sync import command_reader
                command_reader(lambda line: self._command(line, player, ring))
            if self.console.is_terminal:
                from rich.live import Live
                live = Live(console=self.console, refresh_per_second=4, transient=True)
                live.start()
            self._play(player, ring, live, latency_ms, t_start)
        except KeyboardInterrupt:     # Ctrl-C (or SIGTERM), also while starting: a normal stop
            self.interrupted = True
        finally:
            with ignoring_stop_signals():     # a second Ctrl-C must not break the clean-up
                self.output.close()           # first: the device stops taking frames
                self._stop.set()
                sys.setswitchinterval(switch)
                normal_priority()
                if live is not None:
                    live.stop()
                reloader.stop()
                if render is not None and render.ident is not None:
                    render.join(timeout=5)
                if self.sync is not None:
                    self.sync.close(ring.read)    # notes off, clock stop, leave Link
                if tap is not None:
                    tap.close()
                self._report(player, None)
                player.close()
                link.close()
        return LiveResult(seconds=time.time() - t_start, underruns=ring.underruns,
                          device_xruns=link.xruns, reloads_ok=self.reloads_ok,
                          reloads_failed=self.reloads_failed, swaps=list(player.swaps),
                          outages=self.output.outages, outage_s=self.output.outage_s)

    def _open_record(self, ring: BlockRing) -> RecordTap | None:
        """The `--record` tap (None without `--record`); DeviceError when it cannot write."""
        if not self.opt.record:
            return None
        try:
            return RecordTap(self.opt.record, self.sr, played=lambda: ring.read)
        except (RuntimeError, OSError) as exc:
            raise DeviceError(f"cannot write {self.opt.record}: {exc}") from exc

    def _prime(self, player: Player, ring: BlockRing, target: int, tap: RecordTap | None,
               warmed: set) -> None:
        """Warm the kernels and fill the ring before the device starts."""
        session = player.session
        render = self._render if self.sync is not None else player.render
        with KernelCompiles(self._announce_compiling) as jit:    # a cold cache: say why we wait
            warm_kernels(session.graph, session, warmed)         # partial-block kernels
            while ring.filled + session.block <= target:
                out = render()
                ring.write(out)
                if tap is not None:
                    tap.write(out)
        if jit.count:
            self._print(f"compiled {jit.count} DSP kernel{'s' if jit.count != 1 else ''} in "
                        f"{jit.seconds:.1f} s (first run only; cached for the next runs)")
        gc.collect()
        gc.freeze()          # what exists now is long-lived: keep it out of later collections

    def _play(self, player: Player, ring: BlockRing, live, latency_ms: float,
              t_start: float) -> None:
        """The main thread while the music plays: reports and the status line, until stopped
        or `duration` seconds were played (by the device, or by the clock while the device
        is away; never more than DURATION_SLACK_S late on the wall clock)."""
        opt = self.opt
        until = None if opt.duration is None else opt.duration * self.sr
        while not self._stop.is_set():
            if until is not None and (ring.read >= until or
                                      time.time() - t_start > opt.duration + DURATION_SLACK_S):
                break
            time.sleep(0.02)
            self._report(player, live)
            if live is not None:
                live.update(self.status(player, ring, latency_ms).line())
        self._report(player, live)

    def _command(self, line: str, player: Player, ring: BlockRing) -> None:
        """A performer command from standard input: `record [CYCLES] [GRID]` prints the notes
        played in the last CYCLES cycles (default 4) as mini-notation on GRID steps (16)."""
        words = line.split()
        if words[0] not in ("record", "rec", "r"):
            self.report(f"unknown command {words[0]!r}; commands: record [CYCLES] [GRID]")
            return
        try:
            cycles = int(words[1]) if len(words) > 1 else 4
            grid = int(words[2]) if len(words) > 2 else 16
            if cycles < 1 or grid < 1:
                raise ValueError
        except ValueError:
            self.report("usage: record [CYCLES] [GRID] (whole numbers, at least 1)")
            return
        text = self.sync.record(player.session, min(ring.read, player.position), cycles, grid)
        self.report(f"recorded {cycles} cycle{'s' if cycles != 1 else ''}: {text}")

    def status(self, player: Player, ring: BlockRing, latency_ms: float) -> Status:
        session = player.session
        played = min(ring.read, session.position)
        out = self.output
        audio = "" if out.state == "playing" else \
            f"LOST {self.device.name!r}, reconnecting ({out.away_for():.0f} s)"
        return Status(cycle=float(session.clock.cycle_at(played)), cps=float(session.clock.cps),
                      load=self.stats.load, peak=self.stats.peak, voices=player.active_voices(),
                      underruns=ring.underruns, xruns=self.link.xruns, latency_ms=latency_ms,
                      reload=self.last_reload.message, reload_ok=self.last_reload.ok,
                      sync=self.sync.status() if self.sync is not None else "", audio=audio)

    def _announce_compiling(self, name: str, n: int) -> None:
        if n == 1:
            self._print("compiling DSP kernels (first run only)...")

    def _print(self, text: str, live: Any = None) -> None:
        (live.console if live is not None else self.console).print(
            text, markup=False, highlight=False, soft_wrap=True)

    def _report(self, player: Player, live: Any) -> None:
        """Print what happened since the last call: reports, failed swaps, swaps heard."""
        while self._failed_swaps_seen < len(player.failed_swaps):
            self.report("swap failed, the old program keeps playing:\n"
                        + player.failed_swaps[self._failed_swaps_seen])
            self._failed_swaps_seen += 1
        with self._lock:
            events, self._events = self._events, []
        for text in events:
            self._print(text, live)
        swaps = player.swaps
        while self._swaps_seen < len(swaps):
            sw = swaps[self._swaps_seen]
            ear = self.ear_time(sw.sample)
            if ear is None and not self._stop.is_set() and self.output.state == "playing":
                break                      # report once it has reached the device
            t = sw.transfer
            cycle = str(sw.cycle) if sw.cycle.denominator == 1 else f"{float(sw.cycle):.3f}"
            text = (f"swapped at cycle {cycle} (sample {sw.sample}): kept {len(t.kept)} "
                    f"nodes, {len(t.added)} new, {len(t.dropped)} dropped")
            saved = sw.info.get("saved_at")
            if ear is not None and saved:
                text += f"; edit-to-ear {1000.0 * (ear - saved):.0f} ms"
            self._print(text, live)
            self._swaps_seen += 1


@contextmanager
def ignoring_stop_signals():
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

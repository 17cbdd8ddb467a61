"""A live session end to end: render thread -> block ring -> device callback, hot reload,
status line, recording, clean stop.

Threads: the PortAudio callback only copies frames out of the ring (and into the recording
tap); the render thread keeps the ring filled `latency` ahead; the reload thread compiles
edits; the main thread shows the status and waits for Ctrl-C or `duration`.
"""
from __future__ import annotations

import gc
import os
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..engine.kernel_compiles import KernelCompiles
from ..engine.session import Session
from .device import DeviceError
from .player import Player
from .reloader import ReloadResult, Reloader
from .ring import BlockRing
from .status import Status
from .swap import warm_kernels

LOAD_SMOOTHING = 0.05
# The callback needs the GIL to copy its frames: let other threads hand it over quickly.
SWITCH_INTERVAL = 0.0005
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
    """Raise every thread of this process: any of them may hold the GIL the render thread and
    the callback need, and must not sit preempted by background jobs while holding it."""
    try:
        tids = [int(t) for t in os.listdir("/proc/self/task")]
    except OSError:
        return
    for tid in tids:
        raise_priority(nice, tid)


class RecordTap:
    """What the callback sent to the device, drained to a WAV file by a writer thread."""

    def __init__(self, path: str, sr: int, seconds: float = 8.0) -> None:
        import soundfile as sf
        self.file = sf.SoundFile(path, "w", samplerate=sr, channels=2, subtype="FLOAT")
        self.buf = np.zeros((int(sr * seconds), 2), dtype=np.float32)
        self.written = 0
        self.drained = 0
        self.lost = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="phonon-record", daemon=True)
        self._thread.start()

    def write(self, frames: np.ndarray) -> None:    # audio callback: copy only
        n, cap = frames.shape[0], self.buf.shape[0]
        w = self.written % cap
        first = min(n, cap - w)
        self.buf[w:w + first] = frames[:first]
        if first < n:
            self.buf[:n - first] = frames[first:]
        self.written += n

    def _drain(self) -> None:
        end, cap = self.written, self.buf.shape[0]
        if end - self.drained > cap:             # the writer fell behind: report, skip ahead
            self.lost += end - self.drained - cap
            self.drained = end - cap
        while self.drained < end:
            r = self.drained % cap
            n = min(end - self.drained, cap - r)
            self.file.write(self.buf[r:r + n])
            self.drained += n

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self._drain()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._drain()
        self.file.close()


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


class LiveRunner:
    """Plays `options.path` on the chosen device until stopped."""

    def __init__(self, options: LiveOptions, *, sd: Any, device: Any,
                 console: Any, sync: Any = None) -> None:
        self.opt = options
        self.sync = sync                 # phonon.live.sync.LiveSync: Link, MIDI (or None)
        self.sd = sd
        self.device = device
        self.console = console
        self.sr = int(device.samplerate)
        self.stats = RenderStats()
        self.last_reload = ReloadResult(True, "none yet")
        self.reloads_ok = 0
        self.reloads_failed = 0
        self.device_xruns = 0
        self.frames_played = 0
        self.xrun_at: list[int] = []      # frames played before each device xrun
        self.underrun_at: list[int] = []  # frames played before each underrun
        self.dac = (0, 0.0)              # (ring frames read before a callback, its wall DAC time)
        self.interrupted = False
        self._failed_swaps_seen = 0
        self._swaps_seen = 0
        self._stop = threading.Event()
        self._events: list[str] = []
        self._lock = threading.Lock()

    # -- reporting from other threads
    def report(self, text: str) -> None:
        """Print `text` from any thread (the main thread prints it above the status)."""
        with self._lock:
            self._events.append(text)

    def _on_reload(self, result: ReloadResult) -> None:
        self.last_reload = result
        if result.ok:
            self.reloads_ok += 1
            self.report(f"reload {result.message}: {Path(self.opt.path).name}, swapping at "
                        f"the next {'cycle' if self.opt.swap == 'cycle' else 'block'}")
        else:
            self.reloads_failed += 1
            self.report(f"reload failed, the old program keeps playing:\n{result.detail}")

    # -- threads
    def _render_loop(self, player: Player, ring: BlockRing, target: int) -> None:
        block, budget = player.block, player.block / self.sr
        stats = self.stats
        silence = np.zeros((2, block), dtype=np.float32)
        failures = 0
        sync = self.sync
        raise_priority()
        while not self._stop.is_set():
            ring.space.clear()
            if ring.filled + block > target:
                ring.space.wait(0.1)
                continue
            t0 = time.perf_counter()
            try:
                ring.write(self._render(player) if sync is not None else player.render())
            except Exception as exc:  # noqa: BLE001 - keep the device fed, say it once
                if not failures:
                    self.report(f"render error (this block is silent): {type(exc).__name__}: "
                                f"{exc}\n{traceback.format_exc()}")
                failures += 1
                ring.write(silence)
                continue
            share = 100.0 * (time.perf_counter() - t0) / budget
            stats.load += LOAD_SMOOTHING * (share - stats.load) if stats.blocks else share
            stats.peak = max(stats.peak, share) if stats.blocks > 8 else stats.peak
            stats.blocks += 1

    def _render(self, player: Player) -> np.ndarray:
        """The next block, with the sync hooks around it (Link before, MIDI clock after)."""
        sync, start = self.sync, player.position
        sync.before_block(player.session, player.block)
        out = player.render()
        sync.after_block(player.session, start, player.block)
        return out

    def _callback(self, ring: BlockRing, tap: RecordTap | None):
        def callback(outdata, frames, time_info, status):
            if status.output_underflow:
                self.device_xruns += 1
                self.xrun_at.append(self.frames_played)
            before = ring.read
            if ring.read_into(outdata) < frames:
                self.underrun_at.append(self.frames_played)
            if tap is not None:
                tap.write(outdata)
            self.frames_played += frames
            now = time.time()
            dac = time_info.outputBufferDacTime
            cur = time_info.currentTime
            self.dac = (before, now + (dac - cur) if dac > 0 and cur > 0 else now)
            if sync is not None:
                sync.on_callback(before, frames, dac - cur if dac > 0 and cur > 0 else 0.0)
        sync = self.sync
        return callback

    def ear_time(self, sample: int) -> float | None:
        """Wall time at which `sample` of the stream reached the device (None: not yet)."""
        before, wall = self.dac
        if before < sample or wall == 0.0:
            return None
        return wall - (before - sample) / self.sr

    # -- main
    def run(self, session: Session) -> LiveResult:
        opt = self.opt
        player = Player(session, swap=opt.swap)
        block = session.block
        target = max(2 * block, int(round(opt.latency * self.sr / block)) * block)
        ring = BlockRing(target + 2 * block)
        reloader = Reloader(opt.path, player, self._on_reload, quiet=opt.quiet,
                            registry=session.registry, reporter=self.report)
        reloader.last_text = opt.text
        if self.sync is not None:
            self.sync.set_render_ahead(target + 2 * block)
        with KernelCompiles(self._announce_compiling) as jit:    # a cold cache: say why we wait
            warm_kernels(session.graph, session, reloader.warmed)   # partial-block kernels
            while ring.filled + block <= target:        # prime the ring before the device runs
                ring.write(self._render(player) if self.sync is not None else player.render())
        if jit.count:
            self._print(f"compiled {jit.count} DSP kernel{'s' if jit.count != 1 else ''} in "
                        f"{jit.seconds:.1f} s (first run only; cached for the next runs)")
        gc.collect()
        gc.freeze()          # what exists now is long-lived: keep it out of later collections
        tap, stream = self._open_stream(player, ring, block)
        if self.sync is not None:
            self.sync.stream_opened()
        render = threading.Thread(target=self._render_loop, args=(player, ring, target),
                                  name="phonon-render", daemon=True)
        t_start = time.time()
        live = None
        switch = sys.getswitchinterval()
        try:
            reloader.start()             # imports watchdog before the device needs the GIL
            sys.setswitchinterval(SWITCH_INTERVAL)
            render.start()
            stream.start()
            raise_all_threads()
            latency_ms = 1000.0 * (target / self.sr + float(stream.latency))
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
            self._stop.set()
            sys.setswitchinterval(switch)
            normal_priority()
            if live is not None:
                live.stop()
            reloader.stop()
            try:
                stream.stop()
            finally:
                stream.close()
            render.join(timeout=5)
            if self.sync is not None:
                self.sync.close(ring.read)       # notes off, clock stop, leave Link
            if tap is not None:
                tap.close()
            self._report(player, None)
            player.close()
        return LiveResult(seconds=time.time() - t_start, underruns=ring.underruns,
                          device_xruns=self.device_xruns, reloads_ok=self.reloads_ok,
                          reloads_failed=self.reloads_failed, swaps=list(player.swaps))

    def _open_stream(self, player: Player, ring: BlockRing, block: int):
        """The recording tap (or None) and the output stream that reads the ring; on failure
        the player is closed and a `DeviceError` says why."""
        opt, sd, tap = self.opt, self.sd, None
        try:
            tap = RecordTap(opt.record, self.sr) if opt.record else None
            stream = sd.OutputStream(device=self.device.index, samplerate=self.sr,
                                     blocksize=block, channels=2, dtype="float32",
                                     latency="low", callback=self._callback(ring, tap))
        except (sd.PortAudioError, RuntimeError, OSError) as exc:
            if tap is not None:
                tap.close()
            player.close()
            what = (f"cannot write {opt.record}" if opt.record and tap is None else
                    f"cannot open {self.device.name!r} [{self.device.hostapi}] at {self.sr} Hz")
            raise DeviceError(f"{what}: {exc}") from exc
        return tap, stream

    def _play(self, player: Player, ring: BlockRing, live, latency_ms: float,
              t_start: float) -> None:
        """The main thread while the music plays: reports and the status line, until stopped
        or `duration` seconds were played."""
        opt = self.opt
        until = None if opt.duration is None else opt.duration * self.sr
        while not self._stop.is_set():
            if until is not None and self.frames_played >= until:
                break
            if until is not None and time.time() - t_start > opt.duration + 30:
                self._print("the device stopped asking for audio; stopping")
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
        return Status(cycle=float(session.clock.cycle_at(played)), cps=float(session.clock.cps),
                      load=self.stats.load, peak=self.stats.peak, voices=player.active_voices(),
                      underruns=ring.underruns, xruns=self.device_xruns, latency_ms=latency_ms,
                      reload=self.last_reload.message, reload_ok=self.last_reload.ok,
                      sync=self.sync.status() if self.sync is not None else "")

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
            if ear is None and not self._stop.is_set():
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

"""A live session end to end: render thread -> block ring -> audio output, hot reload,
status line, recording, clean stop.

Threads: the render thread keeps the ring (shared memory) filled `latency` ahead and hands
each block to the recording tap; the device process's callback copies frames out of the ring
(`phonon.live.output`, which also keeps the show going when the device goes away); the reload
thread compiles edits; the main thread shows the status and waits for Ctrl-C or `duration`.
"""
from __future__ import annotations

import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..engine.session import Session
from .link import Link
from .output import AudioOutput, OutputEvent
from .player import Player
from .priority import raise_priority
from .reloader import ReloadResult, Reloader
from .ring import BlockRing
from .status import Status
from .stream_runner import StreamRunner, ignoring_stop_signals, ring_target
from .swap import warm_kernels

LOAD_SMOOTHING = 0.05


@dataclass
class RenderStats:
    """Render-path cost per block, as a share of the block's duration."""

    load: float = 0.0            # exponential mean, %
    peak: float = 0.0            # worst block, %
    blocks: int = 0


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


class LiveRunner(StreamRunner):
    """Plays `options.path` through `output` (device already chosen) until stopped."""

    def __init__(self, options: LiveOptions, *, output: AudioOutput, console: Any,
                 sync: Any = None) -> None:
        super().__init__(output, console, int(output.device.samplerate),
                         sync)           # phonon.live.sync.LiveSync: Link, MIDI (or None)
        self.opt = options
        self.stats = RenderStats()
        self.last_reload = ReloadResult(True, "none yet")
        self.reloads_ok = 0
        self.reloads_failed = 0
        self.player: Player | None = None
        self.interrupted = False
        self._failed_swaps_seen = 0
        self._swaps_seen = 0

    # -- reporting from other threads
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

    def _at_cycle(self) -> str:
        cycle = self.cycle_now()
        return f" at cycle {cycle:.2f}" if cycle is not None else ""

    def _device_lost(self, where: str, ev: OutputEvent) -> str:
        return (f"audio device lost{self._at_cycle()}: {where}: {ev.text}; the program keeps "
                f"running on its clock (edits still apply), reconnecting when the "
                f"device is back; Ctrl-C to stop")

    def _device_back(self, where: str, ev: OutputEvent) -> str:
        return f"audio device back after {ev.seconds:.1f} s: {where}; resuming{self._at_cycle()}"

    # -- the render thread
    def _render_loop(self, player: Player, ring: BlockRing, target: int) -> None:
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
            self._write(ring, out)
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
        target = ring_target(block, opt.latency, self.sr)
        link = self.link = Link.create(target + 2 * block)
        ring = link.ring
        if self.sync is not None:
            self.sync.set_render_ahead(target + 2 * block)
            self.sync.link = link
        reloader = Reloader(opt.path, player, self._on_reload, quiet=opt.quiet,
                            registry=session.registry, reporter=self.report)
        reloader.last_text = opt.text
        render = None
        t_start = time.time()
        switch = sys.getswitchinterval()
        try:
            self._open_record(opt.record, ring)
            self._prime(player, ring, target, reloader.warmed)
            reloader.start()             # imports watchdog before the render path runs
            if self.sync is not None:          # its MIDI client runs after the audio one
                self.output.on_opened = self.sync.stream_opened
            t_start = self._start_output(link, block)
            render = threading.Thread(target=self._render_loop, args=(player, ring, target),
                                      name="phonon-render", daemon=True)
            render.start()
            latency_ms = self._announce(target, lambda latency_ms: (
                f"playing {opt.path} on {self.device.name!r} [{self.device.hostapi}], "
                f"{self.sr} Hz, block {block}, output latency {latency_ms:.1f} ms; "
                f"edit the file to hot-reload, Ctrl-C to stop"))
            if self.sync is not None and self.sync.opt.midi_in:
                from .sync import command_reader
                command_reader(lambda line: self._command(line, player, ring))
            self._wait(ring, opt.duration, t_start, lambda: self._tick(player, ring, latency_ms))
            self._report(player)
        except KeyboardInterrupt:     # Ctrl-C (or SIGTERM), also while starting: a normal stop
            self.interrupted = True
        finally:
            with ignoring_stop_signals():     # a second Ctrl-C must not break the clean-up
                self._stop_output(switch)
                reloader.stop()
                self._close_stream(render, ring)
                self._report(player)
                player.close()
                link.close()
        return LiveResult(seconds=time.time() - t_start, underruns=ring.underruns,
                          device_xruns=link.xruns, reloads_ok=self.reloads_ok,
                          reloads_failed=self.reloads_failed, swaps=list(player.swaps),
                          outages=self.output.outages, outage_s=self.output.outage_s)

    def _prime(self, player: Player, ring: BlockRing, target: int, warmed: set) -> None:
        """Warm the kernels and fill the ring before the device starts."""
        session = player.session
        render = self._render if self.sync is not None else player.render
        with self._compiling():                                  # a cold cache: say why we wait
            warm_kernels(session.graph, session, warmed)         # partial-block kernels
            self._fill(ring, target, session.block, render)
        self._freeze_heap()

    def _tick(self, player: Player, ring: BlockRing, latency_ms: float) -> None:
        """Every 20 ms while playing: reports, then the status line."""
        self._report(player)
        if self._display is not None:
            self._display.update(self.status(player, ring, latency_ms).line())

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
                      underruns=ring.underruns, xruns=self.link.xruns, latency_ms=latency_ms,
                      reload=self.last_reload.message, reload_ok=self.last_reload.ok,
                      sync=self.sync.status() if self.sync is not None else "",
                      audio=self._audio_state())

    def _report(self, player: Player) -> None:
        """Print what happened since the last call: reports, failed swaps, swaps heard."""
        while self._failed_swaps_seen < len(player.failed_swaps):
            self.report("swap failed, the old program keeps playing:\n"
                        + player.failed_swaps[self._failed_swaps_seen])
            self._failed_swaps_seen += 1
        for text in self._take_reports():
            self._print(text)
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
            self._print(text)
            self._swaps_seen += 1


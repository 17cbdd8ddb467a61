"""`phonon dirt` end to end: receive thread -> engine -> render thread -> ring -> device.

Threads (as `phonon live`, docs/live.md): the device process (`phonon.live.output`) plays the
ring of a shared-memory `Link` and stamps when the first frame of each callback reaches the
DAC; the render thread keeps the ring `latency` ahead, feeds those stamps to the engine's
`StreamClock` and renders blocks; the receive thread parses packets and queues events; the
main thread shows the status and waits for Ctrl-C or `duration`.

When the audio device goes away (docs/live.md, "when the audio server goes away"), the
output consumes the ring on the wall clock: the receiver keeps listening, the engine keeps
starting voices on their frames (the stream clock runs on from its last stamps), and the
voices started while nothing was heard are counted (`Counters.unheard`). When the device is
back the clock is measured afresh.
"""
from __future__ import annotations

import gc
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine.kernel_compiles import KernelCompiles
from ..live.link import Link
from ..live.output import AudioOutput, OutputEvent
from ..live.record import RecordTap
from ..live.ring import BlockRing
from ..live.runner import (DURATION_SLACK_S, ignoring_stop_signals, normal_priority,
                           raise_all_threads, raise_priority)
from .engine import DirtEngine
from .program import DirtProgram
from .receiver import DirtReceiver
from .status import DirtStatus
from .warmup import warm_synths, warm_voice_kernels

SWITCH_INTERVAL = 0.0005


@dataclass
class DirtOptions:
    latency: float = 0.05
    duration: float | None = None
    record: str | None = None


@dataclass
class DirtResult:
    seconds: float
    underruns: int
    device_xruns: int
    outages: int = 0             # times the audio device went away
    outage_s: float = 0.0        # seconds without a device
    cpu_mean: float = 0.0        # render cost, % of the block's duration: mean over the run
    cpu_peak: float = 0.0        # and the costliest block


class DirtRunner:
    """Plays a `DirtEngine` through `output` (device already chosen) while a `DirtReceiver`
    feeds it."""

    def __init__(self, engine: DirtEngine, receiver: DirtReceiver, options: DirtOptions, *,
                 output: AudioOutput, console: Any,
                 program: "DirtProgram | None" = None, sync: Any = None) -> None:
        self.engine = engine
        self.sync = sync                    # phonon.dirt.sync.DirtSync: Link, MIDI (or None)
        self.receiver = receiver
        self.program = program
        self.output = output
        self.device = output.device
        self._reports: list[str] = []
        self._reports_lock = threading.Lock()
        self.opt = options
        self.console = console
        self.sr = engine.sr
        self.link: Link | None = None
        self.load = 0.0                     # render cost, % of the block budget (smoothed)
        self.peak = 0.0
        self.cost_sum = 0.0                 # for the mean over the run
        self.blocks = 0
        self.tap: RecordTap | None = None
        self._warned = 0                    # bank warnings printed so far
        self._stop = threading.Event()
        output.on_event = self._on_output

    def _on_output(self, ev: OutputEvent) -> None:
        """The audio device went away or came back (the output's watch thread)."""
        where = f"{ev.device.name!r} [{ev.device.hostapi}]"
        if ev.kind == "lost":
            self.report(f"audio device lost: {where}: {ev.text}; still listening on "
                        f"{self.receiver.host}:{self.receiver.port} (events are counted as "
                        f"unheard until the device is back); reconnecting; Ctrl-C to stop")
        elif ev.kind == "back":
            self.report(f"audio device back after {ev.seconds:.1f} s: {where}; "
                        f"{self.engine.counters.unheard} events unheard so far")
        else:
            self.report(f"audio device: {ev.text}")

    # -- the render side
    def _render_loop(self, link: Link, target: int) -> None:
        engine, clock, output, ring = self.engine, self.engine.clock, self.output, link.ring
        counters = engine.counters
        block = engine.block
        budget = block / self.sr
        seen = (-1, 0.0)
        moved = (ring.underruns, link.xruns)
        stale, was_heard = False, True
        raise_priority()
        while not self._stop.is_set():
            if ring.filled + block > target:
                time.sleep(block / self.sr / 4)
                continue
            heard = output.state == "playing"
            now = (ring.underruns, link.xruns)
            if now != moved or (heard and not was_heard):   # the frame <-> DAC relation moved:
                moved, stale = now, True      # a new line from the next stamp on (until then,
            was_heard = heard                 # and while the device is away, the old one)
            dac = link.dac()
            if not heard:
                seen = dac                    # a lost device's last stamp is not news
            elif dac != seen and dac[1] > 0:
                seen = dac
                if stale:
                    clock.reset()
                    stale = False
                clock.stamp(dac[0], dac[1])
            played = counters.played
            t0 = time.perf_counter()
            out = self._render_block()
            ring.write(out)
            if self.tap is not None:
                self.tap.write(out)
            if not heard:
                counters.unheard += counters.played - played
            share = 100.0 * (time.perf_counter() - t0) / budget
            self.load += 0.05 * (share - self.load)
            self.peak = max(self.peak, share)
            self.cost_sum += share
            self.blocks += 1

    def _render_block(self) -> np.ndarray:
        """The orbits' block, through the program when there is one; Link before it and the
        MIDI clock after it (with a `sync`)."""
        sync, engine, start = self.sync, self.engine, self.engine.position
        if sync is not None:
            sync.before_block(start, engine.block,
                              self.program.player.session if self.program is not None else None)
        out = engine.render()
        if self.program is not None:
            out = self.program.mix(out, out.shape[1])
        if sync is not None:
            sync.after_block(start, engine.block)
        return out

    def report(self, text: str) -> None:
        """Print `text` from any thread (the main thread prints it above the status)."""
        with self._reports_lock:
            self._reports.append(text)

    # -- main
    def run(self) -> DirtResult:
        engine, opt = self.engine, self.opt
        block = engine.block
        target = max(2 * block, int(round(opt.latency * self.sr / block)) * block)
        link = self.link = Link.create(target + 2 * block, engine.channels)
        ring = link.ring
        if self.sync is not None:
            self.sync.live.link = link        # where the device stream is (LiveSync.on_stream)
            self.output.on_opened = self.sync.stream_opened   # MIDI runs after the audio
        render = live = None
        switch = sys.getswitchinterval()
        t_start = time.time()
        try:
            self.tap = self._open_record(ring)
            self._prime(ring, target)
            render = threading.Thread(target=self._render_loop, args=(link, target),
                                      name="phonon-render", daemon=True)
            sys.setswitchinterval(SWITCH_INTERVAL)
            self.output.start(link, self.sr, block)
            t_start = time.time()
            render.start()
            self.receiver.start()
            if self.program is not None:
                self.program.start()
            raise_all_threads()
            latency_ms = 1000.0 * (target / self.sr + self.output.latency)
            self._print(f"phonon dirt: listening on {self.receiver.host}:{self.receiver.port} "
                        f"(SuperDirt's OSC); playing on {self.device.name!r} "
                        f"[{self.device.hostapi}], {self.sr} Hz, {engine.channels} channels, "
                        f"block {block}, output latency {latency_ms:.1f} ms; Ctrl-C to stop")
            if self.console.is_terminal:
                from rich.live import Live
                live = Live(console=self.console, refresh_per_second=4, transient=True)
                live.start()
            self._play(ring, live, latency_ms, t_start)
        except KeyboardInterrupt:
            pass
        finally:
            with ignoring_stop_signals():     # a second Ctrl-C must not break the clean-up
                self.output.close()           # first: the device stops taking frames
                self._stop.set()
                sys.setswitchinterval(switch)
                normal_priority()
                if live is not None:
                    live.stop()
                self.receiver.close()
                if render is not None and render.ident is not None:
                    render.join(timeout=5)
                if self.sync is not None:
                    self.sync.close(ring.read)    # notes off, clock stop, leave Link
                if self.program is not None:
                    self.program.close()
                if self.tap is not None:
                    self.tap.close()
                self._warn_new()
                link.close()
        return DirtResult(time.time() - t_start, ring.underruns, link.xruns,
                          self.output.outages, self.output.outage_s,
                          self.cost_sum / max(self.blocks, 1), self.peak)

    def _open_record(self, ring: BlockRing) -> RecordTap | None:
        """The `--record` tap (None without `--record`); DeviceError when it cannot write."""
        from ..live.device import DeviceError
        if not self.opt.record:
            return None
        try:
            return RecordTap(self.opt.record, self.sr, played=lambda: ring.read,
                             channels=self.engine.channels)
        except (RuntimeError, OSError) as exc:
            raise DeviceError(f"cannot write {self.opt.record}: {exc}") from exc

    def _prime(self, ring: BlockRing, target: int) -> None:
        """Warm the kernels and fill the ring before the device starts."""
        with KernelCompiles(self._announce_compiling) as jit:
            warm_voice_kernels(self.engine)
            warm_synths(self.engine)
        if jit.count:
            self._print(f"compiled {jit.count} DSP kernel{'s' if jit.count != 1 else ''} in "
                        f"{jit.seconds:.1f} s (first run only; cached for the next runs)")
        while ring.filled + self.engine.block <= target:
            out = self._render_block()
            ring.write(out)
            if self.tap is not None:
                self.tap.write(out)
        gc.collect()
        gc.freeze()

    def _play(self, ring: BlockRing, live: Any, latency_ms: float, t_start: float) -> None:
        """Until Ctrl-C or `duration` seconds were played (by the device, or on the clock
        while it is away; never more than DURATION_SLACK_S late on the wall clock)."""
        opt = self.opt
        until = None if opt.duration is None else opt.duration * self.sr
        status = DirtStatus(self.engine, self.receiver)
        while not self._stop.is_set():
            if until is not None and (ring.read >= until or
                                      time.time() - t_start > opt.duration + DURATION_SLACK_S):
                break
            time.sleep(0.02)
            self._warn_new(live)
            if live is not None:
                out = self.output
                audio = "" if out.state == "playing" else \
                    f"LOST {self.device.name!r}, reconnecting ({out.away_for():.0f} s)"
                live.update(status.line(self.load, self.peak, ring.underruns, self.link.xruns,
                                        latency_ms, audio,
                                        self.sync.status() if self.sync is not None else ""))

    def _warn_new(self, live: Any = None) -> None:
        """Print the sample bank's new warnings (unknown sounds: once each, as SuperDirt), the
        program's reload results and swaps."""
        warnings = self.engine.bank.warnings
        while self._warned < len(warnings):
            self._print(f"phonon dirt: {warnings[self._warned]}", live)
            self._warned += 1
        with self._reports_lock:
            reports, self._reports = self._reports, []
        if self.program is not None:
            reports += self.program.swaps_to_report()
        for text in reports:
            self._print(text, live)

    def _announce_compiling(self, name: str, n: int) -> None:
        if n == 1:
            self._print("compiling DSP kernels (first run only)...")

    def _print(self, text: str, live: Any = None) -> None:
        (live.console if live is not None else self.console).print(
            text, markup=False, highlight=False, soft_wrap=True)

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

import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..live.link import Link
from ..live.output import AudioOutput, OutputEvent
from ..live.priority import raise_priority
from ..live.ring import BlockRing
from ..live.stream_runner import StreamRunner, ignoring_stop_signals, ring_target
from .engine import DirtEngine
from .program import DirtProgram
from .receiver import DirtReceiver
from .status import DirtStatus
from .warmup import warm_synths, warm_voice_kernels


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


class DirtRunner(StreamRunner):
    """Plays a `DirtEngine` through `output` (device already chosen) while a `DirtReceiver`
    feeds it."""

    def __init__(self, engine: DirtEngine, receiver: DirtReceiver, options: DirtOptions, *,
                 output: AudioOutput, console: Any,
                 program: "DirtProgram | None" = None, sync: Any = None) -> None:
        super().__init__(output, console, engine.sr, sync)   # sync: phonon.dirt.sync.DirtSync
        self.engine = engine
        self.receiver = receiver
        self.program = program
        self.opt = options
        self.load = 0.0                     # render cost, % of the block budget (smoothed)
        self.peak = 0.0
        self.cost_sum = 0.0                 # for the mean over the run
        self.blocks = 0
        self._warned = 0                    # bank warnings printed so far

    def _device_lost(self, where: str, ev: OutputEvent) -> str:
        return (f"audio device lost: {where}: {ev.text}; still listening on "
                f"{self.receiver.host}:{self.receiver.port} (events are counted as "
                f"unheard until the device is back); reconnecting; Ctrl-C to stop")

    def _device_back(self, where: str, ev: OutputEvent) -> str:
        return (f"audio device back after {ev.seconds:.1f} s: {where}; "
                f"{self.engine.counters.unheard} events unheard so far")

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
            self._write(ring, out)
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

    # -- main
    def run(self) -> DirtResult:
        engine, opt = self.engine, self.opt
        block = engine.block
        target = ring_target(block, opt.latency, self.sr)
        link = self.link = Link.create(target + 2 * block, engine.channels)
        ring = link.ring
        if self.sync is not None:
            self.sync.live.link = link        # where the device stream is (LiveSync.on_stream)
            self.output.on_opened = self.sync.stream_opened   # MIDI runs after the audio
        render = None
        switch = sys.getswitchinterval()
        t_start = time.time()
        try:
            self._open_record(opt.record, ring, channels=engine.channels)
            self._prime(ring, target)
            render = threading.Thread(target=self._render_loop, args=(link, target),
                                      name="phonon-render", daemon=True)
            t_start = self._start_output(link, block)
            render.start()
            self.receiver.start()
            if self.program is not None:
                self.program.start()
            latency_ms = self._announce(target, lambda latency_ms: (
                f"phonon dirt: listening on {self.receiver.host}:{self.receiver.port} "
                f"(SuperDirt's OSC); playing on {self.device.name!r} "
                f"[{self.device.hostapi}], {self.sr} Hz, {engine.channels} channels, "
                f"block {block}, output latency {latency_ms:.1f} ms; Ctrl-C to stop"))
            status = DirtStatus(self.engine, self.receiver)
            self._wait(ring, opt.duration, t_start, lambda: self._tick(status, ring, latency_ms))
        except KeyboardInterrupt:
            pass
        finally:
            with ignoring_stop_signals():     # a second Ctrl-C must not break the clean-up
                self._stop_output(switch)
                self.receiver.close()
                self._close_stream(render, ring)
                if self.program is not None:
                    self.program.close()
                self._warn_new()
                link.close()
        return DirtResult(time.time() - t_start, ring.underruns, link.xruns,
                          self.output.outages, self.output.outage_s,
                          self.cost_sum / max(self.blocks, 1), self.peak)

    def _prime(self, ring: BlockRing, target: int) -> None:
        """Warm the kernels and fill the ring before the device starts."""
        with self._compiling():
            warm_voice_kernels(self.engine)
            warm_synths(self.engine)
        self._fill(ring, target, self.engine.block, self._render_block)
        self._freeze_heap()

    def _tick(self, status: DirtStatus, ring: BlockRing, latency_ms: float) -> None:
        """Every 20 ms while playing: new warnings and reports, the status line."""
        self._warn_new()
        if self._display is not None:
            self._display.update(status.line(
                self.load, self.peak, ring.underruns, self.link.xruns, latency_ms,
                self._audio_state(), self.sync.status() if self.sync is not None else ""))

    def _warn_new(self) -> None:
        """Print the sample bank's new warnings (unknown sounds: once each, as SuperDirt), the
        program's reload results and swaps."""
        warnings = self.engine.bank.warnings
        while self._warned < len(warnings):
            self._print(f"phonon dirt: {warnings[self._warned]}")
            self._warned += 1
        reports = self._take_reports()
        if self.program is not None:
            reports += self.program.swaps_to_report()
        for text in reports:
            self._print(text)

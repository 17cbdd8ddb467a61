"""`phonon dirt` end to end: receive thread -> engine -> render thread -> ring -> device.

Threads (as `phonon live`, docs/live.md): the PortAudio callback only copies frames out of the
ring (and into the recording tap) and notes the DAC time of its first frame; the render thread
keeps the ring `latency` ahead, feeds the DAC stamps to the engine's `StreamClock` and renders
blocks; the receive thread parses packets and queues events; the main thread shows the status
and waits for Ctrl-C or `duration`.

DAC stamps are in wall-clock seconds: PortAudio's `outputBufferDacTime` (the stream's clock)
plus the offset between the stream's clock and `time.time()`, measured on the main thread
(`stream.time` between two `time.time()` readings, the closest pair of a few) and re-measured
every second, so the callback's own wake-up jitter does not enter the timetag mapping.
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
from ..live.device import DeviceError
from ..live.ring import BlockRing
from ..live.runner import normal_priority, raise_all_threads, raise_priority
from .engine import DirtEngine
from .program import DirtProgram
from .receiver import DirtReceiver
from .status import DirtStatus
from .warmup import warm_voice_kernels

SWITCH_INTERVAL = 0.0005
OFFSET_EVERY_S = 1.0


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


class RecordTap:
    """What the callback sent to the device (any number of channels), drained to a WAV file
    by a writer thread."""

    def __init__(self, path: str, sr: int, channels: int, seconds: float = 8.0) -> None:
        import soundfile as sf
        self.file = sf.SoundFile(path, "w", samplerate=sr, channels=channels, subtype="FLOAT")
        self.buf = np.zeros((int(sr * seconds), channels), dtype=np.float32)
        self.written = 0
        self.drained = 0
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
        self.drained = max(self.drained, end - cap)      # fell behind: skip ahead
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


class DirtRunner:
    """Plays a `DirtEngine` on a device while a `DirtReceiver` feeds it."""

    def __init__(self, engine: DirtEngine, receiver: DirtReceiver, options: DirtOptions, *,
                 sd: Any, device: Any, console: Any, program: "DirtProgram | None" = None) -> None:
        self.engine = engine
        self.receiver = receiver
        self.program = program
        self._reports: list[str] = []
        self._reports_lock = threading.Lock()
        self.opt = options
        self.sd = sd
        self.device = device
        self.console = console
        self.sr = engine.sr
        self.frames_played = 0
        self.device_xruns = 0
        self.dac = (0, 0.0)                 # (ring frames read before a callback, its DAC time)
        self.wall_offset = 0.0              # time.time() - stream time
        self.load = 0.0
        self.peak = 0.0
        self._warned = 0                    # bank warnings printed so far
        self._stop = threading.Event()

    # -- the device side
    def _callback(self, ring: BlockRing, tap: RecordTap | None):
        def callback(outdata, frames, time_info, status):
            if status.output_underflow:
                self.device_xruns += 1
            before = ring.read
            ring.read_into(outdata)
            if tap is not None:
                tap.write(outdata)
            self.frames_played += frames
            self.dac = (before, time_info.outputBufferDacTime)
        return callback

    def _measure_offset(self, stream: Any) -> None:
        """time.time() - stream.time, from the tightest of a few bracketed readings."""
        best = None
        for _ in range(5):
            a = time.time()
            st = stream.time
            b = time.time()
            if st > 0 and (best is None or b - a < best[0]):
                best = (b - a, (a + b) / 2 - st)
        if best is not None:
            self.wall_offset = best[1]

    # -- the render side
    def _render_loop(self, ring: BlockRing, target: int) -> None:
        engine, clock = self.engine, self.engine.clock
        block = engine.block
        budget = block / self.sr
        seen = (-1, 0.0)
        underruns, xruns = ring.underruns, self.device_xruns
        raise_priority()
        while not self._stop.is_set():
            if ring.filled + block > target:
                time.sleep(block / self.sr / 4)
                continue
            if ring.underruns != underruns or self.device_xruns != xruns:
                underruns, xruns = ring.underruns, self.device_xruns
                clock.reset()                     # the frame <-> DAC relation moved
            dac = self.dac
            if dac != seen and dac[1] > 0 and self.wall_offset:
                seen = dac
                clock.stamp(dac[0], dac[1] + self.wall_offset)
            t0 = time.perf_counter()
            ring.write(self._render_block())
            share = 100.0 * (time.perf_counter() - t0) / budget
            self.load += 0.05 * (share - self.load)
            self.peak = max(self.peak, share)

    def _render_block(self) -> np.ndarray:
        """The orbits' block, through the program when there is one."""
        out = self.engine.render()
        if self.program is not None:
            out = self.program.mix(out, out.shape[1])
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
        ring = BlockRing(target + 2 * block, channels=engine.channels)
        with KernelCompiles(self._announce_compiling) as jit:
            warm_voice_kernels(engine)
        if jit.count:
            self._print(f"compiled {jit.count} DSP kernel{'s' if jit.count != 1 else ''} in "
                        f"{jit.seconds:.1f} s (first run only; cached for the next runs)")
        while ring.filled + block <= target:
            ring.write(self._render_block())
        gc.collect()
        gc.freeze()
        tap, stream = self._open_stream(ring)
        render = threading.Thread(target=self._render_loop, args=(ring, target),
                                  name="phonon-render", daemon=True)
        switch = sys.getswitchinterval()
        t_start = time.time()
        live = None
        try:
            sys.setswitchinterval(SWITCH_INTERVAL)
            stream.start()
            self._measure_offset(stream)
            render.start()
            self.receiver.start()
            if self.program is not None:
                self.program.start()
            raise_all_threads()
            latency_ms = 1000.0 * (target / self.sr + float(stream.latency))
            self._print(f"phonon dirt: listening on {self.receiver.host}:{self.receiver.port} "
                        f"(SuperDirt's OSC); playing on {self.device.name!r} "
                        f"[{self.device.hostapi}], {self.sr} Hz, {engine.channels} channels, "
                        f"block {block}, output latency {latency_ms:.1f} ms; Ctrl-C to stop")
            if self.console.is_terminal:
                from rich.live import Live
                live = Live(console=self.console, refresh_per_second=4, transient=True)
                live.start()
            self._play(ring, stream, live, latency_ms, t_start)
        except KeyboardInterrupt:
            pass
        finally:
            self._stop.set()
            sys.setswitchinterval(switch)
            normal_priority()
            if live is not None:
                live.stop()
            self.receiver.close()
            try:
                stream.stop()
            finally:
                stream.close()
            render.join(timeout=5)
            if self.program is not None:
                self.program.close()
            if tap is not None:
                tap.close()
            self._warn_new()
        return DirtResult(time.time() - t_start, ring.underruns, self.device_xruns)

    def _open_stream(self, ring: BlockRing):
        opt, sd, tap = self.opt, self.sd, None
        try:
            tap = RecordTap(opt.record, self.sr, self.engine.channels) if opt.record else None
            stream = sd.OutputStream(device=self.device.index, samplerate=self.sr,
                                     blocksize=self.engine.block, channels=self.engine.channels,
                                     dtype="float32", latency="low",
                                     callback=self._callback(ring, tap))
        except (sd.PortAudioError, RuntimeError, OSError) as exc:
            if tap is not None:
                tap.close()
            what = (f"cannot write {opt.record}" if opt.record and tap is None else
                    f"cannot open {self.device.name!r} [{self.device.hostapi}] at {self.sr} Hz "
                    f"with {self.engine.channels} channels")
            raise DeviceError(f"{what}: {exc}") from exc
        return tap, stream

    def _play(self, ring: BlockRing, stream: Any, live: Any, latency_ms: float,
              t_start: float) -> None:
        opt = self.opt
        until = None if opt.duration is None else opt.duration * self.sr
        status = DirtStatus(self.engine, self.receiver)
        next_offset = time.time() + OFFSET_EVERY_S
        while not self._stop.is_set():
            if until is not None and self.frames_played >= until:
                break
            if until is not None and time.time() - t_start > opt.duration + 30:
                self._print("the device stopped asking for audio; stopping")
                break
            time.sleep(0.02)
            if time.time() > next_offset:
                self._measure_offset(stream)
                next_offset = time.time() + OFFSET_EVERY_S
            self._warn_new(live)
            if live is not None:
                live.update(status.line(self.load, self.peak, ring.underruns, self.device_xruns,
                                        latency_ms))

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

"""The JACK client library: the `jack` module (JACK-Client, cffi) with a clear error when it is
missing, and the few libjack calls it does not wrap (through ctypes on the same library):
cycle times (frames -> microseconds on JACK's clock, which is CLOCK_MONOTONIC_RAW on Linux,
the clock Ableton Link uses) and port latencies.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import SyncUnavailable

INSTALL = 'pip install "phonon-live[sync]"'
CAPTURE_LATENCY, PLAYBACK_LATENCY = 0, 1       # jack_latency_callback_mode_t

_lib: ctypes.CDLL | None = None
_THREAD_END_WAIT = 0.5     # s at most from the callback's last return to the thread's exit


class RealtimeExit:
    """Closes a JACK client whose process callback is Python without ever cancelling its
    realtime thread in the middle of Python code.

    jack2's `jack_deactivate` kills the client's realtime thread (`pthread_cancel`); a thread
    stopped inside the callback can leave the GIL or a malloc lock taken, and the whole
    process hangs (a test process hung that way in `deactivate`). A process callback that
    returns non-zero instead makes the thread deactivate the client and exit by itself, at a
    clean point; `deactivate` then has nothing left to stop. So the callback calls `check()`
    first, and `close(client)` asks for that exit and waits for it.

    `jack_client_close` cancels the client's notification thread the same way, so a client
    closed like this should set no other Python callback (xrun, port or shutdown callbacks run
    on that thread). When the server has died, the thread waits in libjack for a cycle that
    never comes: `close` waits its `timeout` (1 s), then deactivates (measured: 1.0 s)."""

    def __init__(self, jack: Any) -> None:
        self._exit = jack.CallbackExit
        self.requested = False
        self.done = threading.Event()
        self._thread_id = 0

    def check(self) -> None:
        """First thing in the process callback: end the realtime thread when asked to."""
        if self.requested:
            self._thread_id = threading.get_native_id()
            self.done.set()
            raise self._exit

    def _wait_thread_end(self) -> None:
        """The thread deactivates the client in the server (which waits for the next cycle),
        then exits: about one period. Linux shows it leave /proc/self/task."""
        task = Path(f"/proc/self/task/{self._thread_id}")
        if not Path("/proc/self/task").is_dir():
            time.sleep(_THREAD_END_WAIT)
            return
        deadline = time.monotonic() + _THREAD_END_WAIT
        while task.exists() and time.monotonic() < deadline:
            time.sleep(0.001)

    def close(self, client: Any, timeout: float = 1.0) -> None:
        """Let the callback end the realtime thread, then deactivate and close `client`. A
        callback that never runs again (its server stopped calling it) is deactivated as
        usual after `timeout` seconds: its thread then waits in libjack, not in Python. A
        second call does nothing."""
        if self.requested:
            return
        self.requested = True
        if self.done.wait(timeout):
            self._wait_thread_end()
        try:
            client.deactivate()
        finally:
            client.close()


def import_jack() -> Any:
    """The `jack` module (JACK-Client), or SyncUnavailable saying what to install."""
    try:
        import jack
    except ImportError as exc:
        raise SyncUnavailable(f"JACK MIDI needs the JACK-Client package ({INSTALL})") from exc
    except OSError as exc:                 # the package is there, libjack is not
        raise SyncUnavailable(f"cannot load the JACK library ({exc}); install jackd2 "
                              "(apt install jackd2)") from exc
    return jack


class _Range(ctypes.Structure):
    _fields_ = [("min", ctypes.c_uint32), ("max", ctypes.c_uint32)]


def _libjack() -> ctypes.CDLL:
    global _lib
    if _lib is None:
        lib = ctypes.CDLL(ctypes.util.find_library("jack") or "libjack.so.0")
        lib.jack_get_cycle_times.argtypes = [
            ctypes.c_void_p, ctypes.POINTER(ctypes.c_uint32), ctypes.POINTER(ctypes.c_uint64),
            ctypes.POINTER(ctypes.c_uint64), ctypes.POINTER(ctypes.c_float)]
        lib.jack_get_cycle_times.restype = ctypes.c_int
        lib.jack_get_time.restype = ctypes.c_uint64
        lib.jack_port_get_latency_range.argtypes = [ctypes.c_void_p, ctypes.c_int,
                                                    ctypes.POINTER(_Range)]
        lib.jack_port_get_latency_range.restype = None
        _lib = lib
    return _lib


def _pointer(obj: Any) -> ctypes.c_void_p:
    """The C pointer of a JACK-Client object (client or port) for ctypes calls."""
    import jack
    return ctypes.c_void_p(int(jack._ffi.cast("uintptr_t", obj._ptr)))


@dataclass(frozen=True)
class CycleTimes:
    """One JACK cycle on JACK's clock: `frames` started at `usecs`, the period lasts
    `period_usecs` (JACK's delay-locked loop: the real rate of the device, not the nominal)."""

    frames: int
    usecs: int
    period_usecs: float
    nframes: int

    def usecs_of(self, frame: int) -> float:
        """Microseconds at which `frame` is processed (extrapolated from this cycle)."""
        delta = (frame - self.frames + 2 ** 31) % 2 ** 32 - 2 ** 31     # frame counters wrap
        return self.usecs + delta * self.period_usecs / self.nframes


class JackClock:
    """libjack's timing calls for one JACK-Client `client`."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._lib = _libjack()
        self._ptr = _pointer(client)
        self._frames = ctypes.c_uint32()
        self._usecs = ctypes.c_uint64()
        self._next = ctypes.c_uint64()
        self._period = ctypes.c_float()

    def cycle_times(self, nframes: int) -> CycleTimes | None:
        """The current cycle's times (call from the process callback)."""
        ok = self._lib.jack_get_cycle_times(self._ptr, self._frames, self._usecs, self._next,
                                            self._period)
        if ok != 0:
            return None
        return CycleTimes(self._frames.value, self._usecs.value, float(self._period.value),
                          nframes)

    def now_usecs(self) -> int:
        """JACK's clock now (microseconds; CLOCK_MONOTONIC_RAW on Linux)."""
        return int(self._lib.jack_get_time())

    def playback_latency(self, port: Any) -> int:
        """Frames from the cycle a port's data is written in to the moment it is heard: the
        playback latency range's maximum of `port` (a JACK-Client port object)."""
        r = _Range()
        self._lib.jack_port_get_latency_range(_pointer(port), PLAYBACK_LATENCY, ctypes.byref(r))
        return int(r.max)

"""The JACK client library: the `jack` module (JACK-Client, cffi) with a clear error when it is
missing, and the few libjack calls it does not wrap (through ctypes on the same library):
cycle times (frames -> microseconds on JACK's clock, which is CLOCK_MONOTONIC_RAW on Linux,
the clock Ableton Link uses) and port latencies.
"""
from __future__ import annotations

import ctypes
import ctypes.util
from dataclasses import dataclass
from typing import Any

from . import SyncUnavailable

INSTALL = 'pip install "phonon-live[sync]"'
CAPTURE_LATENCY, PLAYBACK_LATENCY = 0, 1       # jack_latency_callback_mode_t

_lib: ctypes.CDLL | None = None


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

"""JACK's xrun reports for an in-process test client, with no Python on JACK's threads.

JACK calls a client's xrun callback on its notification thread, and `jack_client_close`
cancels that thread wherever it is: one cancelled while a Python callback waited for the GIL
left the GIL's mutex taken and the test process hung for good (a stress run of 300 probe
opens and closes with a busy Python thread hung in 2 of 3 runs; none without the Python
callback). So the callback is C: libc's `sem_post` on a semaphore of ours, and a Python
thread reads the count every 2 ms and stamps new xruns with JACK's frame time.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import threading
from typing import Any

from phonon.sync.jacklib import _libjack, _pointer

POLL_S = 0.002

_libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
_libc.sem_init.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint]
_libc.sem_getvalue.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
_SEM_POST = ctypes.cast(_libc.sem_post, ctypes.c_void_p)


class XrunCounter:
    """Counts the xruns JACK reports to `client` (set up before `activate`): `count` and
    `frames` (JACK's frame time when each was seen, within `POLL_S`)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.count = 0
        self.frames: list[int] = []
        self._sem = ctypes.create_string_buffer(64)      # a sem_t (32 bytes on 64-bit Linux)
        if _libc.sem_init(self._sem, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "sem_init failed")
        lib = _libjack()
        lib.jack_set_xrun_callback.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                               ctypes.c_void_p]
        if lib.jack_set_xrun_callback(_pointer(client), _SEM_POST,
                                      ctypes.addressof(self._sem)) != 0:
            raise RuntimeError("jack_set_xrun_callback failed")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, name="xrun-counter", daemon=True)
        self._thread.start()

    def _seen(self) -> int:
        value = ctypes.c_int()
        _libc.sem_getvalue(self._sem, ctypes.byref(value))
        return value.value

    def _take(self) -> None:
        seen = self._seen()
        if seen > self.count:
            frame = int(self.client.frame_time)
            self.frames.extend([frame] * (seen - self.count))
            self.count = seen

    def _poll(self) -> None:
        while not self._stop.wait(POLL_S):
            self._take()

    def stop(self) -> None:
        """Stop polling (before the client closes); the count is final after this."""
        self._stop.set()
        self._thread.join()
        self._take()

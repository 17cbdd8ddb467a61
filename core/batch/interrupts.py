"""Ctrl-C around worker start-up: workers must not die of a SIGINT meant for the coordinator."""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager


@contextmanager
def sigint_held():
    """Start worker processes with Ctrl-C held back: they inherit a blocked SIGINT (so one
    starting up is not killed with a traceback) and a Ctrl-C meanwhile reaches the
    coordinator when this block ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)

"""Shared-memory arena, cleanup on every exit path, and the spin-then-yield-then-block wait.

One `multiprocessing.shared_memory` segment per run, named `phonon_<pid>_<random>`, holds every
block buffer (node output slots, feedback buffers), the control words the coordinator and the
workers exchange (block numbers, per-node sequence numbers), the profile counters and the
sample bank. `Arena` lays the arrays out once (64-byte aligned) and hands out numpy views that
are created once, never per block.

Cleanup: every segment this process creates is recorded; it is unlinked by `Arena.close()`, by
an `atexit` hook, on SIGTERM/SIGHUP (turned into `SystemExit`, so `finally` blocks run) and on
Ctrl-C (`KeyboardInterrupt` runs the same `finally` blocks). Workers are forked children: they
never unlink on their own exit (`os._exit`), except when their coordinator died without cleaning
up (see `phonon.runtime.worker`).

Segments are not registered with multiprocessing's resource tracker (Phonon unlinks its own):
a tracker killed from outside made every unlink print a KeyError traceback at exit. A run
killed with SIGKILL cannot clean up; its segments carry its pid, and the next run removes the
segments of every dead pid (`remove_stale_segments`, called when a Session that uses
worker processes starts).

Waiting (`Waiter`): a process that needs a value in shared memory first spins on it (sub-µs
reaction while processes <= cores), then calls `sched_yield` (lets a runnable peer use the
core), then sleeps in a Linux futex on a shared 32-bit word with a short timeout. Producers bump
that word and wake sleepers only when some process announced it is about to sleep, so the fast
path costs no system call. The timeout bounds the damage of a missed wake-up to one timeout.
"""
from __future__ import annotations

import atexit
import ctypes
import mmap
import os
import secrets
import signal
import time
from dataclasses import dataclass
from multiprocessing import shared_memory
from typing import Callable

import numpy as np

PREFIX = "phonon_"
ALIGN = 64

# -- segments and cleanup ---------------------------------------------------------------------

_live: dict[str, shared_memory.SharedMemory] = {}
_owner_pid = os.getpid()
_hooks_installed = False


def segment_name() -> str:
    """A fresh segment name: `phonon_<pid>_<random>`."""
    return f"{PREFIX}{os.getpid()}_{secrets.token_hex(4)}"


def _unlink(name: str) -> None:
    _live.pop(name, None)
    unlink_name(name)


def unlink_name(name: str) -> None:
    """Unlink the segment `name` (no error if it is gone already)."""
    import _posixshmem
    try:
        _posixshmem.shm_unlink("/" + name.lstrip("/"))
    except (FileNotFoundError, PermissionError):
        pass


def remove_stale_segments() -> list[str]:
    """Unlink the `phonon_<pid>_*` segments whose process is dead (a run killed with SIGKILL);
    returns their names. Segments of live processes (other runs) are left alone."""
    removed = []
    for name in leftover_segments():
        pid = name[len(PREFIX):].split("_", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            unlink_name(name)
            removed.append(name)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:          # someone else's process
        return True
    return True


def unlink_all() -> None:
    """Unlink every segment this process created (idempotent; a no-op in forked workers)."""
    if os.getpid() != _owner_pid:
        return
    for name in list(_live):
        _unlink(name)


def _on_signal(signum, frame) -> None:  # noqa: ANN001
    unlink_all()
    raise SystemExit(128 + signum)


def _install_hooks() -> None:
    global _hooks_installed, _owner_pid
    if _hooks_installed:
        return
    _hooks_installed = True
    _owner_pid = os.getpid()
    atexit.register(unlink_all)
    try:
        for sig in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(sig) in (signal.SIG_DFL, None):
                signal.signal(sig, _on_signal)
    except ValueError:            # not the main thread: atexit + finally blocks still apply
        pass


@dataclass(frozen=True)
class Field:
    name: str
    shape: tuple[int, ...]
    dtype: np.dtype
    offset: int

    @property
    def nbytes(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64)) * self.dtype.itemsize


class Layout:
    """Declares the arrays of an arena before it is allocated."""

    def __init__(self) -> None:
        self.fields: dict[str, Field] = {}
        self.size = 0

    def add(self, name: str, shape: tuple[int, ...] | int, dtype=np.float32) -> None:
        shape = (shape,) if isinstance(shape, int) else tuple(int(s) for s in shape)
        f = Field(name, shape, np.dtype(dtype), self.size)
        self.fields[name] = f
        self.size = -(-(self.size + max(f.nbytes, 1)) // ALIGN) * ALIGN


class _Segment(shared_memory.SharedMemory):
    """A new POSIX shared-memory segment whose mapping lives as long as any numpy view of it
    (views hold the mapping through a ctypes buffer; `close` never unmaps under a live view),
    unknown to the resource tracker (see the module)."""

    def __init__(self, name: str, size: int) -> None:  # noqa: D107 - no super(): no tracker
        import _posixshmem
        self._flags = os.O_CREAT | os.O_EXCL | os.O_RDWR
        self._name = "/" + name
        self._fd = _posixshmem.shm_open(self._name, self._flags, mode=0o600)
        try:
            os.ftruncate(self._fd, size)
            self._mmap = mmap.mmap(self._fd, size)
        except OSError:
            os.close(self._fd)
            _posixshmem.shm_unlink(self._name)
            raise
        self._size = size
        self._buf = memoryview(self._mmap)

    def unlink(self) -> None:
        unlink_name(self._name)

    def close(self) -> None:
        try:
            super().close()
        except BufferError:
            pass

    def __del__(self) -> None:
        pass


class Arena:
    """One shared-memory segment holding the arrays of a `Layout` (zero-filled)."""

    def __init__(self, layout: Layout) -> None:
        _install_hooks()
        self.layout = layout
        size = max(layout.size, ALIGN)
        self.shm = _Segment(segment_name(), size)
        _live[self.shm.name] = self.shm
        self.name = self.shm.name
        self.views: dict[str, np.ndarray] = {}
        raw = (ctypes.c_char * size).from_buffer(self.shm._mmap)   # keeps the mapping alive
        base = np.frombuffer(raw, dtype=np.uint8)
        for f in layout.fields.values():
            a = base[f.offset:f.offset + f.nbytes].view(f.dtype).reshape(f.shape)
            a.fill(0)
            self.views[f.name] = a
        self.address = ctypes.addressof(raw)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.views[name]

    def address_of(self, name: str, index: int = 0) -> int:
        f = self.layout.fields[name]
        return self.address + f.offset + index * f.dtype.itemsize

    def close(self) -> None:
        """Unlink the segment (the mapping stays valid until every view is gone)."""
        if os.getpid() == _owner_pid:
            _unlink(self.name)


def leftover_segments(pid: int | None = None) -> list[str]:
    """`phonon_*` entries in /dev/shm (only those created by process `pid` when given)."""
    prefix = PREFIX if pid is None else f"{PREFIX}{pid}_"
    try:
        return sorted(n for n in os.listdir("/dev/shm") if n.startswith(prefix))
    except FileNotFoundError:
        return []


# -- futex ------------------------------------------------------------------------------------

_libc = ctypes.CDLL(None, use_errno=True)
_syscall = _libc.syscall
_syscall.restype = ctypes.c_long
SYS_FUTEX = 202 if os.uname().machine == "x86_64" else 98     # aarch64: 98
FUTEX_WAIT, FUTEX_WAKE = 0, 1                                  # shared (not _PRIVATE)


class _Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


def futex_wait(address: int, expected: int, timeout_s: float) -> None:
    """Sleep while the int32 at `address` equals `expected`, at most `timeout_s`."""
    ts = _Timespec(int(timeout_s), int((timeout_s % 1.0) * 1e9))
    _syscall(SYS_FUTEX, ctypes.c_void_p(address), FUTEX_WAIT, ctypes.c_int(expected),
             ctypes.byref(ts), None, 0)


def futex_wake(address: int) -> None:
    """Wake every process sleeping on the int32 at `address`."""
    _syscall(SYS_FUTEX, ctypes.c_void_p(address), FUTEX_WAKE, ctypes.c_int(1 << 30), None, None, 0)


def set_parent_death_signal(sig: int = signal.SIGTERM) -> None:
    """Linux prctl(PR_SET_PDEATHSIG): this process gets `sig` when its parent dies."""
    try:
        _libc.prctl(1, int(sig), 0, 0, 0)
    except (AttributeError, OSError):
        pass


# -- waiting ----------------------------------------------------------------------------------

SPIN_S = 30e-6          # pure spinning
YIELD_S = 300e-6        # sched_yield loop
SLEEP_S = 2e-3          # futex timeout (bounds a missed wake-up)


class Waiter:
    """Spin, then yield, then block until `array[index] >= value` (`array` is int64 shm).

    `bell` is the shared int32 futex word producers bump; `sleepers` an int64 array with one
    flag per process (`me`). `check()` is called about every millisecond while blocked (it
    raises to abort the wait, e.g. when a peer died); waits longer than `hang_s` call
    `on_hang()`.
    """

    def __init__(self, bell: np.ndarray, bell_address: int, sleepers: np.ndarray, me: int) -> None:
        self.spin_s = SPIN_S
        self.yield_s = YIELD_S
        self.max_sleep_s = SLEEP_S       # idle workers let the futex timeout grow up to this
        self.bell = bell
        self.bell_address = bell_address
        self.sleepers = sleepers
        self.me = me
        self.waited_ns = 0               # total time spent waiting (barrier cost)
        self.recent_ns = 0.0             # moving average of recent waits (adaptive spinning)
        self.waits = 0

    def oversubscribed(self, crowded: bool) -> None:
        """More busy processes than cores: spin and yield only briefly (a spinning waiter
        would take the core a worker needs), then block."""
        self.spin_s, self.yield_s = (SPIN_S / 6, YIELD_S / 6) if crowded else (SPIN_S, YIELD_S)

    def ring(self) -> None:
        """After publishing: bump the bell; wake sleepers if any announced itself."""
        self.bell[0] = (int(self.bell[0]) + 1) & 0x7FFFFFFF
        if self.sleepers.any():
            futex_wake(self.bell_address)

    def wait(self, array: np.ndarray, index: int, value: int,
             check: Callable[[], None] | None = None) -> None:
        if array[index] >= value:
            return
        clock = time.perf_counter_ns
        t0 = clock()
        self.waits += 1
        spin_s, yield_s = self.spin_s, self.yield_s
        if self.recent_ns > 2e9 * yield_s:       # waits here are long: block early instead
            spin_s, yield_s = spin_s / 10, yield_s / 10   # of burning CPU a peer could use
        spin_until = t0 + int(spin_s * 1e9)
        while array[index] < value:
            if clock() > spin_until:
                break
        else:
            self._done(clock() - t0)
            return
        yield_until = t0 + int(yield_s * 1e9)
        sched_yield = os.sched_yield
        while array[index] < value:
            sched_yield()
            if clock() > yield_until:
                break
        else:
            self._done(clock() - t0)
            return
        sleepers, me, bell = self.sleepers, self.me, self.bell
        timeout = SLEEP_S
        while True:
            sleepers[me] = 1
            expected = int(bell[0])
            if array[index] >= value:
                break
            futex_wait(self.bell_address, expected, timeout)
            timeout = min(2 * timeout, self.max_sleep_s)
            sleepers[me] = 0
            if array[index] >= value:
                break
            if check is not None:
                check()
        sleepers[me] = 0
        self._done(clock() - t0)

    def _done(self, ns: int) -> None:
        self.waited_ns += ns
        self.recent_ns += (ns - self.recent_ns) * 0.125      # moving average of wait times

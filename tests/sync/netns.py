"""A private network for the Link tests: Link peers find each other by UDP multicast on every
interface, so two runs of the suite on one machine (or any other Link app) would join each
other's sessions. Inside `private_network()` the calling thread — and every thread and process
it starts — is in a fresh network namespace whose only interface is its own loopback.

Needs CAP_SYS_ADMIN (root, as in CI); without it the shared network is used and the test says
so. Link needs no multicast flag on loopback (measured: peers on `lo` alone find each other).
"""
from __future__ import annotations

import ctypes
import fcntl
import os
import socket
import struct
from contextlib import contextmanager

CLONE_NEWNET = 0x40000000
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


def _loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        req = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(s, SIOCGIFFLAGS, req)[:18])[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | IFF_UP))


@contextmanager
def private_network():
    """Yields True inside a fresh network namespace (loopback up), False when not permitted."""
    libc = ctypes.CDLL(None, use_errno=True)
    old = os.open("/proc/self/ns/net", os.O_RDONLY)
    try:
        if libc.unshare(CLONE_NEWNET) != 0:
            print(f"\nno private network namespace ({os.strerror(ctypes.get_errno())}): Link "
                  "peers of other programs on this machine may join the test's session")
            yield False
            return
        try:
            _loopback_up()
            yield True
        finally:
            if libc.setns(old, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "cannot return to the original network")
    finally:
        os.close(old)

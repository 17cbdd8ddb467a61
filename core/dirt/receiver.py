"""The UDP side of `phonon dirt`: SuperDirt's OSC protocol on one socket, on its own thread.

- `/dirt/handshake` -> `/dirt/handshake/reply` to the sender, with SuperDirt's data
  (`&serverHostname`, host, `&serverPort`, port, `&controlBusIndices`, 0..127); Tidal prints
  "Connected to SuperDirt." when it gets it, and stops asking once the list is not empty.
  (Phonon has no control buses yet: a `^name` control arrives as the text "c<bus>" and acts
  as absent; Tidal's `/c_set` messages go to scsynth's port, where nobody listens);
- `/dirt/hello` -> `/dirt/hello/reply`;
- `/dirt/play` (and SuperDirt's older `/play2`) -> an event for the engine, bundled (the
  bundle's timetag is the event's time) or bare (now);
- anything else is counted as an unknown address; a packet that is not OSC, or an event that
  cannot be decoded, is counted as bad and ignored. Nothing a sender does stops the receiver.
"""
from __future__ import annotations

import re
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from ..osc import OSCError, message, parse_packet
from .events import DirtEvent, EventError, decode

DEFAULT_PORT = 57120
PLAY = ("/dirt/play", "/play2")
RECV_BYTES = 65536
CONTROL_BUSES = 128            # indices announced in the handshake (SuperDirt's number)
POLL_S = 0.1                   # how often the thread looks at its stop flag


@dataclass
class ReceiverStats:
    """Counts of everything that arrived (written by the receive thread only)."""

    packets: int = 0
    events: int = 0
    handshakes: int = 0
    bad: int = 0                                   # not OSC, or a /dirt/play not an event
    unknown: int = 0                               # OSC for an address we do not serve
    reasons: Counter = field(default_factory=Counter)   # why packets were bad (first words)
    unknown_addresses: Counter = field(default_factory=Counter)
    clients: set = field(default_factory=set)      # (host, port) that shook hands


class DirtReceiver:
    """Listens on `host:port`; hands every `/dirt/play` event to `on_event`."""

    def __init__(self, on_event: Callable[[DirtEvent], None], *, host: str = "127.0.0.1",
                 port: int = DEFAULT_PORT, orbits: int = 12) -> None:
        self.on_event = on_event
        self.orbits = orbits
        self.stats = ReceiverStats()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.bind((host, port))             # OSError (port taken) goes to the caller
        self.sock.settimeout(POLL_S)
        self.host, self.port = self.sock.getsockname()[:2]
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="phonon-dirt-osc", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        sock = self.sock
        while not self._stop.is_set():
            try:
                data, sender = sock.recvfrom(RECV_BYTES)
            except socket.timeout:
                continue
            except OSError:
                if self._stop.is_set():
                    return
                time.sleep(POLL_S)                # e.g. ICMP errors on some systems
                continue
            self.handle(data, sender)

    def handle(self, data: bytes, sender: tuple) -> None:
        """One packet from `sender` (callable directly by tests and benchmarks)."""
        stats = self.stats
        stats.packets += 1
        try:
            timed = parse_packet(data)
        except OSCError as exc:
            self._bad(str(exc))
            return
        for item in timed:
            address = item.message.address
            if address in PLAY:
                try:
                    event = decode(item.message.args, item.time, self.orbits)
                except EventError as exc:
                    self._bad(str(exc))
                    continue
                stats.events += 1
                self.on_event(event)
            elif address == "/dirt/handshake":
                stats.handshakes += 1
                stats.clients.add(sender)
                self._reply(sender, message("/dirt/handshake/reply", *self.handshake_data()))
            elif address == "/dirt/hello":
                self._reply(sender, message("/dirt/hello/reply"))
            else:
                stats.unknown += 1
                if len(stats.unknown_addresses) < 64 or address in stats.unknown_addresses:
                    stats.unknown_addresses[address[:64]] += 1

    def _bad(self, reason: str) -> None:
        self.stats.bad += 1
        key = " ".join(re.sub(r"\d+", "N", reason).split()[:3])
        if len(self.stats.reasons) < 64 or key in self.stats.reasons:
            self.stats.reasons[key] += 1

    def handshake_data(self) -> list:
        """SuperDirt's `handshakeReplyData`: the server's address and control bus indices."""
        return ["&serverHostname", str(self.host), "&serverPort", int(self.port),
                "&controlBusIndices", *range(CONTROL_BUSES)]

    def _reply(self, sender: tuple, packet: bytes) -> None:
        try:
            self.sock.sendto(packet, sender)
        except OSError:                         # the sender is gone: nothing to do
            pass

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        self.sock.close()

"""DirtReceiver on a real UDP socket: SuperDirt's handshake and hello replies, events from
bundles and bare messages, and hostile packets counted and ignored."""
from __future__ import annotations

import random
import socket
import time

import pytest

from phonon.dirt.receiver import DirtReceiver
from phonon.osc import bundle, message, parse_packet


@pytest.fixture
def receiver():
    events = []
    rx = DirtReceiver(events.append, port=0, orbits=12)
    rx.events = events
    rx.start()
    yield rx
    rx.close()


@pytest.fixture
def client():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    yield sock
    sock.close()


def wait(check, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_handshake_is_answered_to_the_sender_with_superdirt_data(receiver, client):
    client.sendto(message("/dirt/handshake"), ("127.0.0.1", receiver.port))
    [reply] = parse_packet(client.recvfrom(65536)[0])
    args = reply.message.args
    assert reply.message.address == "/dirt/handshake/reply"
    assert args[:5] == ("&serverHostname", "127.0.0.1", "&serverPort", receiver.port,
                        "&controlBusIndices")
    assert args[5:] == tuple(range(128))       # Tidal stops asking once it has some
    client.sendto(message("/dirt/hello"), ("127.0.0.1", receiver.port))
    assert parse_packet(client.recvfrom(65536)[0])[0].message.address == "/dirt/hello/reply"


def test_events_arrive_with_their_bundle_time_or_none_when_bare(receiver, client):
    play = message("/dirt/play", "s", "bd", "n", 2.0, "orbit", 13, "cps", 0.5625)
    client.sendto(bundle(1_800_000_000.25, [play]), ("127.0.0.1", receiver.port))
    client.sendto(message("/play2", "sound", "sn:1"), ("127.0.0.1", receiver.port))
    wait(lambda: len(receiver.events) == 2)
    a, b = receiver.events
    assert (a.name, a.index, a.orbit, a.time) == ("bd", 2, 1, 1_800_000_000.25)
    assert a.controls == {"n": 2.0, "cps": 0.5625}
    assert (b.name, b.index, b.time) == ("sn", 1, None)


def test_hostile_packets_are_counted_and_ignored(receiver, client):
    rng = random.Random(15)
    addr = ("127.0.0.1", receiver.port)
    good = bundle(None, [message("/dirt/play", "s", "bd", "gain", 1.0)])
    sent = 0
    for _ in range(500):                          # truncated, mutated, random, huge
        kind = rng.randrange(4)
        if kind == 0:
            data = good[:rng.randrange(1, len(good))]
        elif kind == 1:
            data = bytearray(good)
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
            data = bytes(data)
        elif kind == 2:
            data = rng.randbytes(rng.randrange(1, 200))
        else:
            data = b"/x\x00\x00" + b"\x00" * 65000
        client.sendto(data, addr)
        sent += 1
        if sent % 25 == 0:                        # paced: the socket buffer never drops
            wait(lambda: receiver.stats.packets == sent)
    client.sendto(message("/dirt/play", "s"), addr)           # odd pairs
    client.sendto(message("/dirt/play", 1, "bd"), addr)       # a number as a key
    client.sendto(message("/somewhere/else", 1), addr)
    client.sendto(message("/dirt/handshake"), addr)            # still answering
    assert parse_packet(client.recvfrom(65536)[0])[0].message.address == "/dirt/handshake/reply"
    stats = receiver.stats
    wait(lambda: stats.packets == sent + 4)
    assert stats.handshakes == 1
    assert stats.bad > sent // 2                              # most of them are bad
    assert stats.unknown_addresses["/somewhere/else"] == 1
    assert stats.reasons["odd number of"] >= 1
    assert stats.reasons["argument N should"] >= 1
    assert stats.reasons["type tags ''"] > 0                   # the huge ones


def test_a_taken_port_is_an_os_error(receiver):
    with pytest.raises(OSError):
        DirtReceiver(lambda e: None, port=receiver.port)

"""OSC 1.0 codec: every argument type, bundles, nested bundles, timetags; hostile input."""
from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phonon.osc import (IMMEDIATELY, NTP_EPOCH_OFFSET, Message, OSCError, bundle, message,
                        ntp_to_unix, parse_packet, unix_to_ntp)


def hand_made_play() -> bytes:
    """A /dirt/play bundle written byte by byte as the OSC 1.0 spec lays it out."""
    addr = b"/dirt/play\x00\x00"
    tags = b",sssfsisdsh\x00"
    body = (b"s\x00\x00\x00" + b"bd\x00\x00" + b"gain\x00\x00\x00\x00" + struct.pack(">f", 0.5)
            + b"n\x00\x00\x00" + struct.pack(">i", 3) + b"x\x00\x00\x00"
            + struct.pack(">d", 0.25) + b"y\x00\x00\x00" + struct.pack(">q", 2**40))
    msg = addr + tags + body
    t = (3_900_000_000 << 32) | (1 << 31)              # NTP second 3.9e9 and a half
    return b"#bundle\x00" + struct.pack(">Q", t) + struct.pack(">i", len(msg)) + msg


def test_a_hand_made_bundle_parses_to_its_values_and_time():
    [timed] = parse_packet(hand_made_play())
    assert timed.message == Message("/dirt/play", ("s", "bd", "gain", 0.5, "n", 3, "x", 0.25, "y", 2**40))
    assert timed.time == 3_900_000_000 - NTP_EPOCH_OFFSET + 0.5


def test_every_argument_type_round_trips():
    packet = message("/t", 1, -2**31, 2**40, ("h", 5), 0.5, ("d", 1e-300), "text", ("S", "sym"),
                     b"\x01\x02\x03", b"", True, False, None, ("t", 1700000000.25), ("t", None))
    [timed] = parse_packet(packet)
    assert timed.time is None
    assert timed.message.args == (1, -2**31, 2**40, 5, 0.5, 1e-300, "text", "sym",
                                  b"\x01\x02\x03", b"", True, False, None, 1700000000.25, None)


def test_char_rgba_midi_infinitum_and_arrays():
    body = (b"/x\x00\x00" + b",crmI[if]\x00\x00\x00" + struct.pack(">I", ord("A"))
            + bytes([1, 2, 3, 4]) + bytes([0, 0x90, 60, 100]) + struct.pack(">i", 7)
            + struct.pack(">f", 2.0))
    [timed] = parse_packet(body)
    assert timed.message.args == ("A", (1, 2, 3, 4), (0, 0x90, 60, 100), float("inf"), (7, 2.0))


def test_a_message_without_type_tags_has_no_arguments():
    assert parse_packet(b"/dirt/hello\x00")[0].message == Message("/dirt/hello", ())


def test_nested_bundles_give_each_message_its_innermost_timetag():
    a, b, c = message("/a", 1), message("/b", 2), message("/c", 3)
    inner = bundle(1000.5, [b])
    packet = bundle(1000.0, [a, inner, bundle(None, [c])])
    got = [(t.message.address, t.time) for t in parse_packet(packet)]
    assert got == [("/a", 1000.0), ("/b", 1000.5), ("/c", None)]


def test_timetags_convert_exactly_between_ntp_and_unix():
    assert ntp_to_unix(IMMEDIATELY) is None
    assert ntp_to_unix(NTP_EPOCH_OFFSET << 32) == 0.0
    t = 1_733_000_000.123456
    assert abs(ntp_to_unix(unix_to_ntp(t)) - t) < 1e-6
    assert unix_to_ntp(0.9999999999) == (NTP_EPOCH_OFFSET + 1) << 32   # rounds up a carry


@pytest.mark.parametrize("packet, words", [
    (b"", "not a positive multiple"),
    (b"/ab", "not a positive multiple"),
    (b"/abc\x00\x00\x00\x00,i\x00\x00", "truncated int32"),
    (b"/abc\x00\x00\x00\x00,s\x00\x00abcd", "unterminated string"),
    (b"/abc\x00\x00\x00\x00,q\x00\x00", "unknown type tag"),
    (b"abcd\x00\x00\x00\x00", "neither a message nor a bundle"),
    (b"/abc\x00\x00\x00\x00i\x00\x00\x00", "do not start with ','"),
    (b"#bundle\x00" + b"\x00" * 8 + struct.pack(">i", 64) + b"/a\x00\x00", "bad bundle element"),
    (b"#bundle\x00" + b"\x00" * 4, "truncated bundle header"),
    (b"/abc\x00\x00\x00\x00,b\x00\x00" + struct.pack(">i", 100), "truncated blob"),
    (b"/abc\x00\x00\x00\x00,i\x00\x00" + b"\x00" * 8, "bytes after the last argument"),
    (b"/a\x00\x00" + b"\x00" * 70000, "at most"),
])
def test_bad_packets_raise_osc_errors_that_say_what_is_wrong(packet, words):
    with pytest.raises(OSCError, match=words):
        parse_packet(packet)


def test_bundles_nested_too_deep_are_refused():
    packet = message("/a")
    for _ in range(12):
        packet = bundle(None, [packet])
    with pytest.raises(OSCError, match="nested"):
        parse_packet(packet)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=256))
def test_random_bytes_never_raise_anything_but_osc_errors(data):
    try:
        parse_packet(data)
    except OSCError:
        pass


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_mutated_bundles_never_raise_anything_but_osc_errors(data):
    packet = bytearray(hand_made_play())
    for _ in range(data.draw(st.integers(1, 6))):
        i = data.draw(st.integers(0, len(packet) - 1))
        packet[i] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(packet)))
    try:
        parse_packet(bytes(packet[:cut - cut % 4]))
    except OSCError:
        pass

"""OSC 1.0 packets: `parse_packet` (bytes -> timed messages) and `message`/`bundle` (-> bytes).

Argument types read: `i` int32, `h` int64, `f` float32, `d` float64, `s`/`S` string, `b` blob,
`t` timetag, `c` char, `r` RGBA, `m` MIDI, `T` `F` `N` `I` (no data), `[` `]` arrays.
Timetags are NTP (seconds since 1900, 32.32 fixed point); a parsed message carries the
timetag of its innermost bundle as Unix seconds, or None for "immediately" (timetag 1, or a
message outside any bundle).

Limits that make hostile input harmless: a packet of at most `MAX_PACKET` bytes, bundles
nested at most `MAX_DEPTH` deep, at most `MAX_ARGS` arguments per message.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any, Iterable, NamedTuple

NTP_EPOCH_OFFSET = 2208988800          # seconds from 1900-01-01 to 1970-01-01
IMMEDIATELY = 1                        # the timetag that means "now"
MAX_PACKET = 65536
MAX_DEPTH = 8
MAX_ARGS = 1024
BUNDLE_TAG = b"#bundle\x00"

_I32 = struct.Struct(">i")
_I64 = struct.Struct(">q")
_U64 = struct.Struct(">Q")
_F32 = struct.Struct(">f")
_F64 = struct.Struct(">d")
_U32 = struct.Struct(">I")


class OSCError(ValueError):
    """A packet that is not valid OSC 1.0 (the message says what and where)."""


class Message(NamedTuple):
    """One OSC message: its address and its arguments (Python values)."""

    address: str
    args: tuple


@dataclass(frozen=True)
class Timed:
    """A message and when it should happen: Unix seconds, or None for immediately."""

    time: float | None
    message: Message


def ntp_to_unix(ntp: int) -> float | None:
    """A 64-bit NTP timetag as Unix seconds (None for `IMMEDIATELY`)."""
    if ntp == IMMEDIATELY:
        return None
    return (ntp >> 32) - NTP_EPOCH_OFFSET + (ntp & 0xFFFFFFFF) / 4294967296.0


def unix_to_ntp(seconds: float) -> int:
    """Unix seconds as a 64-bit NTP timetag (rounded to the nearest 2^-32 s)."""
    whole = int(seconds // 1)
    frac = int(round((seconds - whole) * 4294967296.0))
    if frac >= 1 << 32:
        whole, frac = whole + 1, frac - (1 << 32)
    return ((whole + NTP_EPOCH_OFFSET) << 32) | frac


# ------------------------------------------------------------------ parsing
def _string(data: bytes, pos: int, end: int) -> tuple[str, int]:
    """An OSC string at `pos` (NUL-terminated, padded to 4 bytes): (text, next position)."""
    nul = data.find(b"\x00", pos, end)
    if nul < 0:
        raise OSCError(f"unterminated string at byte {pos}")
    nxt = (nul + 4) & ~3
    if nxt > end:
        raise OSCError(f"string padding runs past the end at byte {pos}")
    try:
        return data[pos:nul].decode("utf-8"), nxt
    except UnicodeDecodeError:
        return data[pos:nul].decode("latin-1"), nxt


def _need(pos: int, size: int, end: int, what: str) -> None:
    if pos + size > end:
        raise OSCError(f"truncated {what} at byte {pos}")


def _arguments(data: bytes, tags: str, pos: int, end: int) -> tuple[tuple, int]:
    """The arguments of type tags `tags` from `pos`: (values, next position)."""
    out: list[Any] = []
    stack: list[list[Any]] = []
    for tag in tags:
        if tag == "f":
            _need(pos, 4, end, "float32")
            out.append(_F32.unpack_from(data, pos)[0])
            pos += 4
        elif tag == "s" or tag == "S":
            text, pos = _string(data, pos, end)
            out.append(text)
        elif tag == "i":
            _need(pos, 4, end, "int32")
            out.append(_I32.unpack_from(data, pos)[0])
            pos += 4
        elif tag == "d":
            _need(pos, 8, end, "float64")
            out.append(_F64.unpack_from(data, pos)[0])
            pos += 8
        elif tag == "h":
            _need(pos, 8, end, "int64")
            out.append(_I64.unpack_from(data, pos)[0])
            pos += 8
        elif tag == "b":
            _need(pos, 4, end, "blob size")
            size = _I32.unpack_from(data, pos)[0]
            if size < 0:
                raise OSCError(f"negative blob size at byte {pos}")
            _need(pos + 4, size, end, "blob")
            out.append(bytes(data[pos + 4:pos + 4 + size]))
            pos += 4 + ((size + 3) & ~3)
            if pos > end:
                raise OSCError("blob padding runs past the end")
        elif tag == "t":
            _need(pos, 8, end, "timetag")
            out.append(ntp_to_unix(_U64.unpack_from(data, pos)[0]))
            pos += 8
        elif tag == "T" or tag == "F":
            out.append(tag == "T")
        elif tag == "N":
            out.append(None)
        elif tag == "I":
            out.append(float("inf"))
        elif tag == "c":
            _need(pos, 4, end, "char")
            out.append(chr(_U32.unpack_from(data, pos)[0] & 0x10FFFF))
            pos += 4
        elif tag == "r" or tag == "m":
            _need(pos, 4, end, "rgba/midi")
            out.append(tuple(data[pos:pos + 4]))
            pos += 4
        elif tag == "[":
            stack.append(out)
            out = []
        elif tag == "]":
            if not stack:
                raise OSCError("']' without '[' in the type tags")
            inner, out = out, stack.pop()
            out.append(tuple(inner))
        else:
            raise OSCError(f"unknown type tag {tag!r}")
    if stack:
        raise OSCError("'[' without ']' in the type tags")
    return tuple(out), pos


def _message(data: bytes, pos: int, end: int) -> Message:
    address, pos = _string(data, pos, end)
    if not address.startswith("/"):
        raise OSCError(f"address {address[:40]!r} does not start with '/'")
    if pos >= end:                       # OSC 1.0 allows a message without type tags
        return Message(address, ())
    tags, pos = _string(data, pos, end)
    if not tags.startswith(","):
        raise OSCError(f"type tags {tags[:40]!r} do not start with ','")
    if len(tags) - 1 > MAX_ARGS:
        raise OSCError(f"{len(tags) - 1} arguments (at most {MAX_ARGS})")
    args, pos = _arguments(data, tags[1:], pos, end)
    if pos != end:
        raise OSCError(f"{end - pos} bytes after the last argument of {address}")
    return Message(address, args)


def _element(data: bytes, pos: int, end: int, time: float | None, depth: int,
             out: list[Timed]) -> None:
    if data.startswith(BUNDLE_TAG, pos):
        if depth >= MAX_DEPTH:
            raise OSCError(f"bundles nested more than {MAX_DEPTH} deep")
        _need(pos, 16, end, "bundle header")
        inner = ntp_to_unix(_U64.unpack_from(data, pos + 8)[0])
        pos += 16
        while pos < end:
            _need(pos, 4, end, "bundle element size")
            size = _I32.unpack_from(data, pos)[0]
            if size <= 0 or size % 4 or pos + 4 + size > end:
                raise OSCError(f"bad bundle element size {size} at byte {pos}")
            _element(data, pos + 4, pos + 4 + size, inner, depth + 1, out)
            pos += 4 + size
    elif pos < end and data[pos] == 0x2F:   # '/'
        out.append(Timed(time, _message(data, pos, end)))
    else:
        raise OSCError(f"neither a message nor a bundle at byte {pos}")


def parse_packet(data: bytes) -> list[Timed]:
    """Every message of a packet with its time (bundles flattened, innermost timetag wins);
    `OSCError` when the packet is not valid OSC 1.0."""
    n = len(data)
    if n == 0 or n % 4:
        raise OSCError(f"packet size {n} is not a positive multiple of 4")
    if n > MAX_PACKET:
        raise OSCError(f"packet of {n} bytes (at most {MAX_PACKET})")
    out: list[Timed] = []
    _element(bytes(data), 0, n, None, 0, out)
    return out


# ------------------------------------------------------------------ building
def _pad(raw: bytes) -> bytes:
    return raw + b"\x00" * (4 - len(raw) % 4)


def _blob(raw: bytes) -> bytes:
    return _I32.pack(len(raw)) + raw + b"\x00" * (-len(raw) % 4)


def message(address: str, *args: Any) -> bytes:
    """An OSC message. Python values map to `i` (int in int32 range, else `h`), `f`
    (float), `s` (str), `b` (bytes), `T`/`F` (bool), `N` (None); a `(tag, value)` pair
    forces a type: `("d", 0.5)`, `("h", 3)`, `("t", unix_seconds)`, `("f", 1)`."""
    tags, body = [","], []
    for arg in args:
        tag, value = arg if isinstance(arg, tuple) and len(arg) == 2 and isinstance(arg[0], str) \
            else (_infer(arg), arg)
        tags.append(tag)
        if tag == "i":
            body.append(_I32.pack(int(value)))
        elif tag == "h":
            body.append(_I64.pack(int(value)))
        elif tag == "f":
            body.append(_F32.pack(float(value)))
        elif tag == "d":
            body.append(_F64.pack(float(value)))
        elif tag in "sS":
            body.append(_pad(str(value).encode("utf-8")))
        elif tag == "b":
            body.append(_blob(bytes(value)))
        elif tag == "t":
            body.append(_U64.pack(IMMEDIATELY if value is None else unix_to_ntp(value)))
        elif tag not in "TFNI":
            raise ValueError(f"cannot write OSC type {tag!r}")
    return _pad(address.encode("utf-8")) + _pad("".join(tags).encode()) + b"".join(body)


def _infer(value: Any) -> str:
    if isinstance(value, bool):
        return "T" if value else "F"
    if isinstance(value, int):
        return "i" if -2**31 <= value < 2**31 else "h"
    if isinstance(value, float):
        return "f"
    if isinstance(value, str):
        return "s"
    if isinstance(value, (bytes, bytearray)):
        return "b"
    if value is None:
        return "N"
    raise ValueError(f"cannot write {type(value).__name__} {value!r} as OSC")


def bundle(time: float | None, elements: Iterable[bytes], *, ntp: int | None = None) -> bytes:
    """An OSC bundle of encoded messages or bundles, at Unix time `time` (None: immediately),
    or at the raw 64-bit NTP timetag `ntp`."""
    tag = ntp if ntp is not None else (IMMEDIATELY if time is None else unix_to_ntp(time))
    parts = [BUNDLE_TAG, _U64.pack(tag)]
    for element in elements:
        parts.append(_I32.pack(len(element)))
        parts.append(element)
    return b"".join(parts)

"""Audio files that are the same bytes for the same audio.

libsndfile stamps two things into files that change from run to run: the PEAK chunk of a float
WAV or AIFF file holds the time it was written (seconds since 1970), and an Ogg Vorbis stream
gets a serial number from a time-seeded generator. `make_reproducible` (a file) and
`reproducible_bytes` (an encoded file in memory) set the time stamp to 0 (the peak values
stay: DAWs read them) and the serial number to `OGG_SERIAL`, with every Ogg page's checksum
recomputed. FLAC files are already reproducible. Anything that is not the expected layout is
left as it is.
"""
from __future__ import annotations

import os
import zlib

OGG_SERIAL = 0x50484F4E           # "PHON"
_HEADER_SCAN = 1 << 16            # the PEAK chunk comes before the audio data, near the start
_BIT_REVERSED = bytes(int(f"{b:08b}"[::-1], 2) for b in range(256))


def make_reproducible(path: str | os.PathLike, fmt: str) -> None:
    """Rewrite, in place, what libsndfile made run-dependent in the file it wrote (`fmt`:
    wav, aiff, ogg; others are left alone)."""
    if fmt in ("wav", "aiff"):
        with open(path, "r+b") as f:
            head = f.read(_HEADER_SCAN)
            at = _peak_stamp(head, fmt)
            if at is not None:
                f.seek(at)
                f.write(bytes(4))
    elif fmt == "ogg":
        with open(path, "rb") as f:
            data = f.read()
        fixed = _ogg_fixed(data)
        if fixed != data:
            with open(path, "r+b") as f:
                f.write(fixed)


def reproducible_bytes(data: bytes, fmt: str) -> bytes:
    """`make_reproducible` for an encoded file in memory."""
    if fmt in ("wav", "aiff"):
        out = bytearray(data)
        clear_peak_stamp(out, fmt)
        return bytes(out)
    if fmt == "ogg":
        return _ogg_fixed(data)
    return data


def clear_peak_stamp(buffer: bytearray | memoryview, fmt: str) -> None:
    """Set the PEAK chunk's time stamp of a WAV/AIFF file in a writable buffer to 0, in
    place (no copy of the audio)."""
    at = _peak_stamp(bytes(buffer[:_HEADER_SCAN]), fmt)
    if at is not None:
        buffer[at:at + 4] = bytes(4)


def _peak_stamp(head: bytes, fmt: str) -> int | None:
    """Offset of the PEAK chunk's time stamp: chunk id, size, version (4 bytes each), then
    the stamp. RIFF sizes are little-endian, AIFF's big-endian."""
    order = "little" if fmt == "wav" else "big"
    if head[:4] not in (b"RIFF", b"FORM"):
        return None
    at = 12
    while at + 16 <= len(head):
        size = int.from_bytes(head[at + 4:at + 8], order)
        if head[at:at + 4] == b"PEAK":
            return at + 12
        at += 8 + size + (size & 1)
    return None


def _ogg_fixed(data: bytes) -> bytes:
    """Every page of a single-stream Ogg file with serial number OGG_SERIAL and its CRC
    recomputed (a page is "OggS", version, flags, granule (8), serial (4), sequence (4),
    CRC (4), segment count, segment sizes, then the body)."""
    out = bytearray(data)
    at = 0
    serial = OGG_SERIAL.to_bytes(4, "little")
    while at + 27 <= len(out) and out[at:at + 4] == b"OggS":
        segments = out[at + 26]
        end = at + 27 + segments + sum(out[at + 27:at + 27 + segments])
        if end > len(out):
            return data
        out[at + 14:at + 18] = serial
        out[at + 22:at + 26] = bytes(4)
        out[at + 22:at + 26] = _ogg_crc(bytes(out[at:end])).to_bytes(4, "little")
        at = end
    return bytes(out) if at == len(out) else data


def _ogg_crc(page: bytes) -> int:
    """Ogg's CRC-32 (polynomial 0x04C11DB7, most significant bit first, no reflection, init 0,
    no final xor), computed with zlib's reflected CRC-32 over bit-reversed bytes."""
    raw = zlib.crc32(page.translate(_BIT_REVERSED), 0xFFFFFFFF) ^ 0xFFFFFFFF
    return int(f"{raw:032b}"[::-1], 2)

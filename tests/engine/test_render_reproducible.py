"""`phonon render` writes the same bytes for the same program, whenever it runs: libsndfile's
PEAK chunk (float WAV and AIFF) keeps its peaks but gets time stamp 0, and an Ogg stream gets
a fixed serial number instead of a time-seeded one (phonon.engine.audiofile)."""
import struct
import time

import numpy as np
import soundfile as sf

from phonon.cli import main
from phonon.engine.audiofile import OGG_SERIAL

PROGRAM = 'cps: 1\nout: (sine 440 * 0.5) + (s "bd sn" * 0.3)\n'
FORMATS = ("wav", "aiff", "ogg", "flac")


def render_all(tmp_path, tag: str) -> dict[str, bytes]:
    src = tmp_path / "p.ph"
    src.write_text(PROGRAM)
    files = {}
    for fmt in FORMATS:
        out = tmp_path / f"{tag}.{fmt}"
        assert main(["render", str(src), str(out), "-d", "0.5", "-s", "22050"]) == 0
        files[fmt] = out.read_bytes()
    stems = tmp_path / f"{tag}-stems"
    assert main(["render", str(src), str(stems), "--stems", "-d", "0.5", "-s", "22050"]) == 0
    for path in sorted(stems.iterdir()):
        files[f"stem {path.name}"] = path.read_bytes()
    return files


def test_two_renders_a_second_apart_are_byte_identical(tmp_path, capsys):
    first = render_all(tmp_path, "a")
    second_starts = int(time.time()) + 1          # libsndfile's time stamps have 1 s steps
    time.sleep(max(0.0, second_starts - time.time()) + 0.05)
    second = render_all(tmp_path, "b")
    assert set(first) == set(second) and len(first) > len(FORMATS)
    for name in first:
        assert first[name] == second[name], f"{name}: the two renders differ"


def _chunk(data: bytes, chunk: bytes, order: str) -> bytes:
    at = 12
    while at + 8 <= len(data):
        size = int.from_bytes(data[at + 4:at + 8], order)
        if data[at:at + 4] == chunk:
            return data[at + 8:at + 8 + size]
        at += 8 + size + (size & 1)
    raise AssertionError(f"no {chunk} chunk")


def test_the_peak_chunk_keeps_the_peaks_with_time_stamp_zero(tmp_path, capsys):
    files = render_all(tmp_path, "a")
    y, _ = sf.read(tmp_path / "a.wav", dtype="float32", always_2d=True)
    for fmt, order, endian in (("wav", "little", "<"), ("aiff", "big", ">")):
        peak = _chunk(files[fmt], b"PEAK", order)
        version, stamp = struct.unpack(endian + "II", peak[:8])
        assert (version, stamp) == (1, 0)
        for ch in range(2):
            value, position = struct.unpack(endian + "fI", peak[8 + 8 * ch:16 + 8 * ch])
            assert value == np.max(np.abs(y[:, ch]))
            assert position == np.argmax(np.abs(y[:, ch]))


def test_every_ogg_page_has_the_fixed_serial_and_a_valid_checksum(tmp_path, capsys):
    data = render_all(tmp_path, "a")["ogg"]
    at, pages = 0, 0
    while at < len(data):
        assert data[at:at + 4] == b"OggS"
        assert int.from_bytes(data[at + 14:at + 18], "little") == OGG_SERIAL
        n = data[at + 26]
        end = at + 27 + n + sum(data[at + 27:at + 27 + n])
        page = bytearray(data[at:end])
        stored, page[22:26] = int.from_bytes(page[22:26], "little"), bytes(4)
        assert stored == _ogg_crc_bitwise(bytes(page))
        at, pages = end, pages + 1
    assert pages >= 3
    y, sr = sf.read(tmp_path / "a.ogg", always_2d=True)        # libvorbis accepts it
    assert sr == 22050 and y.shape == (11025, 2)


def _ogg_crc_bitwise(data: bytes) -> int:
    """The Ogg specification's CRC, bit by bit (polynomial 0x04C11DB7, MSB first, init 0)."""
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc

"""The ranges `phonon render` (and `phonon live`) accept for the sample rate, the block size and
the length: 8 kHz (telephone) to 384 kHz (the highest rate audio interfaces offer), blocks of
1 to 65536 frames, at most 24 hours of audio. Outside them filters, the built-in kit and the
effects lose meaning, or one block would need gigabytes. (The Python API does not enforce the
rate: tests render at 1 kHz for round numbers.)"""
from __future__ import annotations

import math
from fractions import Fraction

SR_MIN = 8000
SR_MAX = 384000
BLOCK_MAX = 65536
SECONDS_MAX = 24 * 3600.0


def check_sample_rate(sr: int) -> int:
    """`sr` as an int, or ValueError with the accepted range."""
    if not (isinstance(sr, (int, float)) and float(sr).is_integer() and SR_MIN <= sr <= SR_MAX):
        raise ValueError(f"sample rate {sr} Hz is out of range: use {SR_MIN}-{SR_MAX} Hz "
                         f"(e.g. 44100 or 48000)")
    return int(sr)


def check_block(block: int, flag: str = "-b/--block") -> int:
    """`block` (frames), or ValueError naming `flag` and the accepted range."""
    if not 1 <= block <= BLOCK_MAX:
        raise ValueError(f"{flag} {block} is out of range: use 1-{BLOCK_MAX} frames "
                         f"(e.g. 256 live, 2048 offline)")
    return int(block)


def check_seconds(seconds: float, flag: str = "-d/--duration") -> float:
    """A length in seconds: finite, positive, at most `SECONDS_MAX`; ValueError otherwise."""
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"{flag} must be a positive number, not {seconds:g}")
    if seconds > SECONDS_MAX:
        raise ValueError(f"{flag} {seconds:g} s is too long: at most {SECONDS_MAX:g} s "
                         f"(24 hours) in one render")
    return float(seconds)


def check_cycle_count(cycles: float) -> float:
    """`cycles` if finite and positive, else ValueError (the tempo is checked later)."""
    if not math.isfinite(cycles) or cycles <= 0:
        raise ValueError(f"-c/--cycles must be a positive number, not {cycles:g}")
    return float(cycles)


def check_cycles(cycles: float, cps: float | Fraction) -> float:
    """The length in seconds of `cycles` cycles at `cps` (checked like `check_seconds`)."""
    check_cycle_count(cycles)
    seconds = float(Fraction(cycles) / cps)
    if seconds > SECONDS_MAX:
        raise ValueError(f"-c/--cycles {cycles:g} at {float(cps):g} cps is {seconds:g} s: at most "
                         f"{SECONDS_MAX:g} s (24 hours) in one render")
    return seconds

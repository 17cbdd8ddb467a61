"""The sample rates `phonon render` accepts: 8 kHz (telephone) to 384 kHz (the highest rate audio
interfaces offer); outside that range filters, the built-in kit and the effects lose meaning.
(The Python API does not enforce it: tests render at 1 kHz for round numbers.)"""
from __future__ import annotations

SR_MIN = 8000
SR_MAX = 384000


def check_sample_rate(sr: int) -> int:
    """`sr` as an int, or ValueError with the accepted range."""
    if not (isinstance(sr, (int, float)) and float(sr).is_integer() and SR_MIN <= sr <= SR_MAX):
        raise ValueError(f"sample rate {sr} Hz is out of range: use {SR_MIN}-{SR_MAX} Hz "
                         f"(e.g. 44100 or 48000)")
    return int(sr)

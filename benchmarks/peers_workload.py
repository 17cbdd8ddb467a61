"""The reference workload as the peer engines (pyo, scsynth) build it: one table for both.

`reference.ph` (tests/data/bench/, a copy of ../shared/bench/reference.ph) in numbers:
four monophonic one-shot voices on a 16-step grid at cps 0.5 (one step = 0.125 s), each with a
linear gain and Phonon's equal-power pan (-1..1, angle = (pan+1)*pi/4, L = cos, R = sin),
summed into a stereo drum bus; two returns (reverb room 0.5 damp 0.5 wet only; feedback delay
0.25 s, feedback 0.6, wet only) mixed back as `bus + 0.3 rev + 0.3 dly`; a compressor
(-12 dB, 4:1, 5 ms / 100 ms), a limiter (-1 dB, 100 ms release) and the 0 dBFS clip.
The FX settings are ../shared/bench/workload.py's (the hand-written baseline's) when it is
there; the same values are written below for a clone without it.
"""
from __future__ import annotations

import math
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "bench"
REFERENCE = DATA / "reference.ph"
SAMPLES = DATA / "samples"
BENCH = Path(os.environ.get("PHONON_BENCH", ROOT.parent / "shared" / "bench")).resolve()

SR = 44100
CPS = 0.5
STEPS = 16
STEP_S = 1.0 / CPS / STEPS                       # 0.125 s

#: name -> (steps of the 16-step cycle, gain, pan -1..1), as reference.ph writes them
VOICES = {
    "kick": ([0, 4, 8, 12], 0.9, 0.0),
    "snare": ([4, 12], 0.7, 0.0),
    "hat": (list(range(16)), 0.35, 0.3),
    "perc": ([2, 3, 7, 10, 11, 14], 0.5, -0.3),
}

REVERB = {"room_size": 0.5, "damping": 0.5}
DELAY = {"seconds": 0.25, "feedback": 0.6}
RETURN_GAIN = {"reverb": 0.3, "delay": 0.3}
COMP = {"threshold_db": -12.0, "ratio": 4.0, "attack_ms": 5.0, "release_ms": 100.0}
LIMIT = {"threshold_db": -1.0, "release_ms": 100.0}
LIMIT_LOOKAHEAD_S = 0.0015                       # Phonon's limiter looks 1.5 ms ahead

try:                                             # the shared definition, when present
    sys.path.insert(0, str(BENCH))
    import workload as _shared                   # noqa: E402

    REVERB = {k: _shared.REVERB[k] for k in REVERB}
    DELAY = dict(_shared.DELAY)
    RETURN_GAIN = {k: _shared.RETURN_GAIN[k] for k in RETURN_GAIN}
    COMP = dict(_shared.COMP)
    LIMIT = dict(_shared.LIMIT)
except (ImportError, KeyError, AttributeError):
    pass
finally:
    if sys.path and sys.path[0] == str(BENCH):
        sys.path.pop(0)


def pan_gains(pan: float) -> tuple[float, float]:
    """Phonon's equal-power pan law: (left, right) gains for pan -1..1."""
    angle = (pan + 1.0) * math.pi / 4.0
    return math.cos(angle), math.sin(angle)


def sample_path(name: str) -> Path:
    return SAMPLES / name / f"{name}.wav"


def db_to_amp(db: float) -> float:
    return 10.0 ** (db / 20.0)


#: the "voices" check part: the dry drum bus at half level (no FX, no clip), in every engine
VOICES_PART_GAIN = 0.5

"""Event-triggered envelope kernel (perc, ar, adsr) in numba.

Segments are linear. An onset restarts the attack from the current level (no click on
retrigger); from silence the level is 0 at the onset sample and exactly 1 `attack` seconds
later. `ar`/`adsr` hold until the gate (the event's duration) ends, then release to 0 over
`release` seconds; `perc` releases as soon as the attack peaks.
"""
from __future__ import annotations

import numpy as np
from numba import njit

PERC, AR, ADSR = 0, 1, 2
IDLE, ATTACK, DECAY, SUSTAIN, RELEASE = 0, 1, 2, 3, 4


@njit(cache=True)
def envelope(out: np.ndarray, n: int, onsets: np.ndarray, gates: np.ndarray, count: int,
             attack: np.ndarray, decay: np.ndarray, sustain: np.ndarray, release: np.ndarray,
             state: np.ndarray, mode: int, sr: float) -> None:
    """Render `n` samples into both rows of `out`.

    `onsets[:count]` are sample offsets (ascending) and `gates[:count]` gate lengths in samples.
    NaN parameter samples are replaced in place (times by 0, the sustain by 1).
    `state` = (stage, level, samples since onset, gate length, release slope).
    """
    stage = int(state[0])
    level = state[1]
    elapsed = state[2]
    gate = state[3]
    rel_slope = state[4]
    j = 0
    for i in range(n):
        if not (attack[i] == attack[i] and decay[i] == decay[i] and sustain[i] == sustain[i]
                and release[i] == release[i]):
            attack[i] = 0.0 if attack[i] != attack[i] else attack[i]     # NaN times count 0,
            decay[i] = 0.0 if decay[i] != decay[i] else decay[i]         # a NaN sustain 1
            sustain[i] = 1.0 if sustain[i] != sustain[i] else sustain[i]
            release[i] = 0.0 if release[i] != release[i] else release[i]
        while j < count and onsets[j] == i:
            stage = ATTACK
            elapsed = 0.0
            gate = gates[j]
            j += 1
            if attack[i] * sr < 1.0:
                level = 1.0
                stage = DECAY if mode == ADSR else (SUSTAIN if mode == AR else RELEASE)
                rel_slope = 1.0 / max(release[i] * sr, 1.0)
        if mode != PERC and ATTACK <= stage <= SUSTAIN and elapsed >= gate:
            stage = RELEASE
            rel_slope = level / max(release[i] * sr, 1.0)
        if stage == SUSTAIN:
            level = 1.0 if mode == AR else min(max(sustain[i], 0.0), 1.0)
        out[0, i] = level
        out[1, i] = level
        # advance to the next sample
        elapsed += 1.0
        if stage == ATTACK:
            a = attack[i] * sr
            level = level + 1.0 / a if a >= 1.0 else 1.0
            if level >= 1.0 - 1e-9:
                level = 1.0
                if mode == PERC:
                    stage = RELEASE
                    rel_slope = 1.0 / max(release[i] * sr, 1.0)
                elif mode == AR:
                    stage = SUSTAIN
                else:
                    stage = DECAY
        elif stage == DECAY:
            s = min(max(sustain[i], 0.0), 1.0)
            d = decay[i] * sr
            if d < 1.0:
                level = s
            else:
                level -= (1.0 - s) / d
            if level <= s + 1e-9:
                level = s
                stage = SUSTAIN
        elif stage == RELEASE:
            level -= rel_slope
            if level <= 1e-9:
                level = 0.0
                stage = IDLE
    state[0] = stage
    state[1] = level
    state[2] = elapsed
    state[3] = gate
    state[4] = rel_slope

"""Sample banks (Dirt-Samples layout + a synthesized built-in kit), loaded once at the engine rate.

`bank.SampleBank` finds, loads and stores sounds; `kit` synthesizes the built-in drums;
`voice_events` reads an event's controls as SuperDirt does (`sound_plan`, `effect_row`,
`PHONON`/`SUPERDIRT` conventions); `voicepool.VoicePool` (imported on demand: it compiles numba
kernels) plays them as voices for the `s` node in `phonon.nodes.voices`. See docs/samples.md.
"""
from __future__ import annotations

from . import kit
from .bank import (
    AUDIO_SUFFIXES,
    ArenaSnapshot,
    SampleBank,
    SampleLoadError,
    SampleRef,
    default_roots,
    split_name,
)
from .orbit import ORBIT_EFFECT_CONTROLS, OrbitEffects, drive_orbit, uses_orbit_effects
from .voice_events import (PHONON, SUPERDIRT, Conventions, SoundPlan, effect_row, event_freq,
                           sound_plan, voice_controls)

__all__ = [
    "ORBIT_EFFECT_CONTROLS",
    "OrbitEffects",
    "drive_orbit",
    "uses_orbit_effects",
    "PHONON",
    "SUPERDIRT",
    "Conventions",
    "SoundPlan",
    "effect_row",
    "event_freq",
    "sound_plan",
    "voice_controls",
    "AUDIO_SUFFIXES",
    "ArenaSnapshot",
    "SampleBank",
    "SampleLoadError",
    "SampleRef",
    "default_roots",
    "kit",
    "split_name",
]

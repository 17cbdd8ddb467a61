"""Load (or, on a cold cache, compile) the voice kernels before the first event arrives, so the
first `# lpf` from Tidal does not stall the render thread while numba loads the effect chain."""
from __future__ import annotations

import numpy as np

from ..samples import SUPERDIRT, effect_row, event_freq, sound_plan
from ..samples.voicepool import VoicePool
from .engine import DirtEngine
from .synths import SynthVoices

#: one voice that uses every per-event module (their kernels load with the chain's)
EVERY_MODULE = {"vowel": "a", "shape": 0.3, "hcutoff": 100.0, "bandf": 1000.0, "crush": 8.0,
                "coarse": 2.0, "cutoff": 3000.0, "attack": 0.001, "release": 0.1,
                "tremolorate": 4.0, "phaserrate": 1.0, "waveloss": 10.0, "squiz": 2.0,
                "fshift": 10.0, "triode": 0.5, "krush": 0.5, "octer": 0.5, "ring": 0.5,
                "ringf": 100.0, "distort": 0.3, "djf": 0.3, "speed": 1.5, "accelerate": 0.5}


def warm_voice_kernels(engine: DirtEngine, name: str = "bd") -> bool:
    """Start a dry voice and one with every effect module in a throwaway pool and mix a full
    and a partial block; False when the bank has no `name` to play."""
    bank = engine.bank
    ref = bank.lookup(name, 0)
    if ref is None:
        return False
    pool = VoicePool(8, engine.sr, engine.block)
    out = np.zeros((2, engine.block), np.float32)
    for controls in ({}, {"speed": 0.5}, EVERY_MODULE):
        plan = sound_plan(controls, ref.frames, engine.sr, 0.5, 0.5)
        mask, params = effect_row(controls, engine.sr, event_freq(controls), plan.sustain_s)
        voice = pool.voice(ref, plan, level=SUPERDIRT.level(controls),
                           pan=SUPERDIRT.pan(controls), mask=mask, params=params)
        pool.start_prepared(3, voice)
        pool.mix(bank.arena, out, engine.block)
        pool.mix(bank.arena, out, max(1, engine.block // 2))
    return True


def warm_synths(engine: DirtEngine) -> list[str]:
    """Play every synth name once (dry and with an effect) in a throwaway orbit, so their
    kernels are loaded before Tidal asks for them; the names warmed."""
    names = engine.synth_names
    voices = SynthVoices(names, engine.sr, engine.block, 2)
    out = np.zeros((2, engine.block), np.float32)
    warmed = []
    for name in sorted(names.registry.names()):
        if names.chain(name) is None:
            continue
        for controls in ({}, {"vowel": "a"}):
            voices.start(name, 1, controls, 0.01, 0.5)
            voices.render(out, engine.block, 0, 0.5)
        warmed.append(name)
    return warmed

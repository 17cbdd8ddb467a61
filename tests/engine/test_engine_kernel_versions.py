"""Each DSP kernel compiles one version for a program: a partial block (the last one of a
render, a live swap) and a lone sample voice use the array types of a full block, so a cold
numba cache costs one compile per kernel, not two (issue 11: the first run)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.ph"

SCRIPT = """
import json, sys
from numba.core.registry import CPUDispatcher
import phonon

def versions():
    return {f"{obj.py_func.__module__}.{obj.py_func.__name__}": len(obj.signatures)
            for name, module in list(sys.modules.items()) if name.startswith("phonon")
            for obj in list(vars(module).values()) if isinstance(obj, CPUDispatcher)}

program = open(sys.argv[1]).read()
phonon.render(program, 8 * 2048 / 44100)              # full blocks only
full = versions()
phonon.render(program, (8 * 2048 + 100) / 44100)      # the same, then a partial block
print(json.dumps([full, versions()]))
"""


def test_a_partial_block_and_a_lone_voice_compile_no_second_version():
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(DEMO)], capture_output=True,
                          text=True, timeout=600, check=True)
    full, partial = json.loads(proc.stdout.splitlines()[-1])
    assert partial == full
    used = {k: n for k, n in full.items() if n}
    assert {"phonon.samples.voicemix.mix_voices", "phonon.dsp.oscillators.oscillator",
            "phonon.dsp.svf.svf", "phonon.dsp.limiter.limiter_stereo"} <= used.keys()
    # one version each; the mix kernel takes a tuple whose length is part of its type
    # (the demo mixes 4 drum buses, then 3 buses into `out`)
    assert {k: n for k, n in used.items() if n != 1} == {"phonon.dsp.mixsum.weighted_sum": 2}

"""Per-voice effects read their parameters at the onset and keep their state per voice, so a
program full of them renders the same samples at any block size and on any executor
(in-process, worker processes, an isolated node)."""
from __future__ import annotations

import numpy as np

from tests.superdirt.rig import render_program

PROGRAM = ('cps: 1.3\n'
           '~a: s "noise*4 sine1k [imp dc]" # lpf "300 2000 8000" # lpq "0 0.5 1" # shape "0.2 0.8"'
           ' # pan "-1 0.3 1"\n'
           '~b: s "sine100*3 noise" # vowel "<a i o>" # crush "4 8" # coarse 3 # hpf "<80 2000>"'
           ' # hpq 0.7 # tremolorate 6 # speed "1 -0.7 1.3"\n'
           '~c: s "[dc sine1k]*2" # bandf "500 3000" # bandq 4 # djf "0.2 0.8" # squiz 2'
           ' # phaserrate 3 # accelerate -0.3\n'
           'out: ~a * 0.5 + ~b * 0.3 + ~c * 0.3\n')


def test_per_voice_effects_are_block_size_and_executor_independent(dirt_root):
    small = render_program(PROGRAM, 2.0, dirt_root, block=64)
    odd = render_program(PROGRAM, 2.0, dirt_root, block=777)
    large = render_program(PROGRAM, 2.0, dirt_root, block=4096)
    workers = render_program(PROGRAM, 2.0, dirt_root, block=512, workers=2)
    assert np.abs(small).max() > 0.05
    for other in (odd, large, workers):
        np.testing.assert_array_equal(small, other)

"""`jux` pans its two copies hard left and hard right on the player's -1..1 scale (it wrote
Strudel's 0/1, which the player read as centre/right)."""
from __future__ import annotations

import numpy as np

from tests.superdirt.rig import SR, render_program


def test_jux_rev_plays_the_original_hard_left_and_the_copy_hard_right(dirt_root):
    # cps 1: the original "dc ~" sounds in [0, 0.5 s), its reverse "~ dc" in [0.5, 1 s)
    out = render_program('cps: 1\nout: s "dc ~" $ jux rev\n', 1.0, dirt_root)
    half = SR // 2                                                # the sound is 10000 frames
    first, second = out[:, :10000], out[:, half:half + 10000]
    assert np.all(first[0] == 0.5) and not first[1].any()        # original: left only, unity
    assert np.all(second[1] == 0.5) and not second[0].any()      # copy: right only


def test_juxby_half_places_the_copies_at_minus_and_plus_half(dirt_root):
    out = render_program('cps: 1\nout: s "dc ~" $ juxBy 0.5 rev\n', 1.0, dirt_root)
    left, right = out[:, 1000], out[:, SR // 2 + 1000]
    a = (1 - 0.5) * np.pi / 4                                      # pan -0.5
    assert np.allclose(left, [0.5 * np.cos(a), 0.5 * np.sin(a)], atol=1e-7)
    assert np.allclose(right, [0.5 * np.sin(a), 0.5 * np.cos(a)], atol=1e-7)

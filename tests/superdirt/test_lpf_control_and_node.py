"""`# lpf 400` after `s` is the per-voice `cutoff` control; `# lpf 400 0.7` is the `lpf` node
on the `s` node's summed output (docs/samples.md, "`# lpf 400` (a control) and `# lpf 400
0.7` (a node)"). Both filter; the control's coefficients are each voice's, fixed at its onset,
while the node's cutoff steps for every sounding voice at once."""
from __future__ import annotations

import numpy as np
import pytest

from tests.superdirt.rig import SR, render_program

HALF = SR // 2


def band_db(y: np.ndarray, lo: float, hi: float) -> float:
    """Energy of y between lo and hi Hz, in dB."""
    spec = np.abs(np.fft.rfft(y.astype(np.float64) * np.hanning(y.size))) ** 2
    hz = np.fft.rfftfreq(y.size, 1 / SR)
    return float(10 * np.log10(spec[(hz >= lo) & (hz < hi)].sum() + 1e-30))


@pytest.mark.parametrize("filt", ["# lpf 400", "# lpf 400 0.7"])
def test_both_forms_filter_the_voices(dirt_root, filt):
    dry = render_program('cps: 1\nout: s "noise ~" # pan -1\n', 1.0, dirt_root)[0, :HALF]
    wet = render_program(f'cps: 1\nout: s "noise ~" # pan -1 {filt}\n', 1.0, dirt_root)[0, :HALF]
    lows = band_db(wet, 50, 200) - band_db(dry, 50, 200)
    highs = band_db(wet, 4000, 8000) - band_db(dry, 4000, 8000)
    assert abs(lows) < 1.5                      # the pass band stays (RLPF/SVF near 0 dB there)
    assert highs < -35                           # 3.3 octaves above 400 Hz, 12 dB/octave


def test_the_control_keeps_each_voices_onset_cutoff_and_the_node_follows_the_pattern(dirt_root):
    """One voice of 1 s from 0 s, the cutoff pattern "400 4000" (cps 1): the voice's own
    filter stays at 400 Hz after 0.5 s; the node on the bus opens to 4 kHz there."""
    src = 'cps: 1\nout: s "noise ~" # pan -1 # lpf "400 4000"{q}\n'
    control = render_program(src.format(q=""), 1.0, dirt_root)[0]
    node = render_program(src.format(q=" 0.7"), 1.0, dirt_root)[0]
    step = lambda y: band_db(y[HALF + 2000:SR - 100], 4000, 8000) - band_db(y[2000:HALF - 100], 4000, 8000)
    assert abs(step(control)) < 1.5             # the same filter all along
    assert step(node) > 30                       # the bus filter opened


def test_per_voice_cutoffs_superpose_exactly(dirt_root):
    """Each voice carries its own filter from its onset: two overlapping voices with cutoffs
    400 and 4000 sum to the two voices rendered apart (a bus filter could not)."""
    both = render_program('cps: 1\nout: s "noise noise" # pan -1 # lpf "400 4000"\n', 1.0, dirt_root)
    first = render_program('cps: 1\nout: s "noise ~" # pan -1 # lpf 400\n', 1.0, dirt_root)
    second = render_program('cps: 1\nout: s "~ noise" # pan -1 # lpf 4000\n', 1.0, dirt_root)
    np.testing.assert_allclose(both, first + second, rtol=0, atol=2e-7)
    assert band_db(both[0, HALF:SR - 100], 4000, 8000) > band_db(first[0, HALF:SR - 100], 4000, 8000) + 30

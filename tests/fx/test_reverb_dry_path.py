"""The reverb's dry path is exactly (1 - mix) times the input, as documented (JUCE's Reverb
inside pedalboard doubles its dry level; the node compensates). An impulse is measured at its
own sample, before any reflection (the first comb delay is 1116 samples at 44.1 kHz) and after
the plugin's 10 ms parameter smoothing."""
from __future__ import annotations

import numpy as np
import pytest

from phonon.plugins import default_registry
from phonon.plugins.testing import render_node

SR = 44100
AT = 2000                                   # the impulse: well after the 441-sample smoothing


@pytest.mark.parametrize("mix", [0.0, 0.05, 0.33, 0.5, 1.0])
def test_reverb_dry_gain_is_one_minus_mix(mix):
    x = np.zeros((2, 3000), np.float32)
    x[:, AT] = 1.0
    y = render_node(default_registry().get("reverb"), frames=x.shape[1], inputs=[x],
                    params={"room": 0.5, "damp": 0.5, "mix": mix}, sr=SR, block=512)
    dry_db = 20 * np.log10(max(float(y[0, AT]), 1e-12))
    want_db = 20 * np.log10(max(1.0 - mix, 1e-12))
    if mix == 1.0:
        assert abs(float(y[0, AT])) < 1e-6                         # no dry signal at all
    else:
        assert abs(dry_db - want_db) < 0.01, (mix, dry_db, want_db)
        assert np.all(y[:, AT - 200:AT] == 0)                       # nothing before the impulse
    if mix == 0.0:
        assert np.array_equal(y, x)                                 # bit-exact dry

"""Plugins run unchanged in worker processes: the actor runtime renders bit-identical output."""
from __future__ import annotations

import numpy as np
import pytest

import phonon
from phonon.runtime.options import RuntimeOptions

from .plugin_fixtures import require_installed

PROGRAM = """tempo: 2
~strings: kspluck "<0 3> 7 [12 ~ 10] 5" :decay 1.2
~drone: saw 55 * 0.3 # fold (sine 0.5 * 0.4 + 0.5) 0.1
~both: ~strings * 0.4 # fold 0.2 :mix 0.5
out: (~both + ~drone) * 0.5 # lpf 3000
"""


@pytest.mark.parametrize("workers, runtime", [
    (2, RuntimeOptions(placement="all")),                   # every node in a worker, round robin
    (1, RuntimeOptions(isolate=("fold", "kspluck"))),         # each plugin node in its own process
])
def test_plugins_render_bit_identically_in_worker_processes(workers, runtime):
    require_installed("phonon-fold")
    require_installed("phonon-pluck")
    inline = phonon.render(PROGRAM, 2.0, block=512)
    assert np.abs(inline).max() > 0.1
    actors = phonon.render(PROGRAM, 2.0, block=512, workers=workers, runtime=runtime)
    np.testing.assert_array_equal(actors, inline)

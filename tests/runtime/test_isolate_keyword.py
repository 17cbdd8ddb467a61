"""`:isolate 1` in a program runs that node in its own worker process."""
from __future__ import annotations

import numpy as np
import pytest

from phonon.engine.render import compile_source
from phonon.engine.session import Session
from phonon.errors import PhononError
from phonon.runtime.options import RuntimeOptions

PROGRAM = """
cps: 1
~drums: s "bd*4 sn"
~wet: ~drums # lpf 800 0.9 :isolate 1
out: ~drums * 0.5 + ~wet
"""


def test_the_isolate_keyword_marks_the_node_in_the_ir():
    g = compile_source(PROGRAM)
    marked = {nid: n.options for nid, n in g.nodes.items() if n.options}
    assert marked == {"~wet/0#1:lpf": {"isolate": True}}


def test_an_isolated_node_gets_its_own_worker_and_the_output_is_bit_identical():
    frames = 6 * 2048
    ref = Session(compile_source(PROGRAM), 44100, 2048).render(frames)
    with Session(compile_source(PROGRAM), 44100, 2048, workers=1, runtime=RuntimeOptions(profile=True)) as s:
        y = s.render(frames)
        hosts = {r.id: r.host for r in s.executor.profile().rows}
    assert np.array_equal(y, ref)
    assert hosts["~wet/0#1:lpf"].startswith("isolated")
    assert hosts["~drums/0:s"] == "coordinator"


@pytest.mark.parametrize("source, col, message", [
    ('out: s "bd" # lpf 800 :isolate 2\n', 32, "lpf: :isolate expects 0 or 1"),
    ('out: s "bd*4" :isolate 1\n', 15, "s: :isolate applies to signal nodes, not to event-driven ones"),
])
def test_isolate_errors_name_the_column(source, col, message):
    with pytest.raises(PhononError) as err:
        compile_source(source)
    assert (err.value.line, err.value.col, err.value.message) == (1, col, message)

"""The original's list expressions (`stack`, `cat`, `wedge`, `sew`, `stitch`, ...: the ones
Strudel has are pinned in tests/patterns/strudel_expressions.jsonl, these are Tidal's) and
effect chains inside transforms (`every 4 (# lpf 300 1)`: a switch between the dry and the
processed signal), rendered and compared sample for sample."""
from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

from phonon.engine.render import render
from phonon.errors import PhononErrors
from phonon.lang import compile_program
from phonon.lang.ir import PatternArg


def onsets(src: str, cycles: int = 1) -> list:
    ir = compile_program(src)
    node = ir.nodes[ir.outputs["out"]]
    (arg,) = [a for a in node.params.values() if isinstance(a, PatternArg)]
    return [(e.whole.begin, e.value["s"]) for e in arg.pattern.onsets(0, cycles)]


def test_wedge_squashes_each_pattern_into_its_share():
    assert onsets('out: wedge 0.25 (s "bd*2") (s "hh*3")') == [
        (0, "bd"), (F(1, 8), "bd"), (F(1, 4), "hh"), (F(1, 2), "hh"), (F(3, 4), "hh")]


def test_sew_takes_each_pattern_where_the_booleans_say():
    assert onsets('out: sew "t f" (s "bd*4") (s "hh*4")') == [
        (0, "bd"), (F(1, 4), "bd"), (F(1, 2), "hh"), (F(3, 4), "hh")]


def test_stitch_has_the_booleans_structure():
    assert onsets('out: stitch "t f t t" (s "bd") (s "hh")') == [
        (0, "bd"), (F(1, 4), "hh"), (F(1, 2), "bd"), (F(3, 4), "bd")]


def test_stack_of_signals_is_their_sum():
    x = render("out: stack [sine 220 * 0.3, saw 110 * 0.2]", 0.2, sr=8000)
    y = render("out: sine 220 * 0.3 + saw 110 * 0.2", 0.2, sr=8000)
    assert np.array_equal(x, y) and np.abs(x).max() > 0.3


@pytest.mark.parametrize("src, message", [
    ("out: cat [sine 2, saw 3]", "cat: expects patterns, got a signal"),
    ('out: cat [s "bd", adsr "x"]', "cat: cannot combine the events of adsr and s into one pattern"),
    ('out: cat [s "bd", "1 2"]', 'cat: the items mix control patterns (s "bd", n "0") with plain '
                                 'values or events'),
    ("out: stack 1 2", "stack takes one list, got 2 arguments"),
    ('out: wchoose [["bd", -1]]', "wchoose: each item is [value, weight] with a weight of 0 or more"),
    ('out: wedge "0.5" (s "bd") (s "sn")', "wedge: expects a number (the share of the cycle), got a string"),
])
def test_list_expression_errors(src, message):
    with pytest.raises(PhononErrors) as info:
        compile_program(src)
    assert info.value.errors[0].message == message


SR = 8000                  # cps 1: a cycle is 8000 samples


def cycles(src: str, n: int = 4) -> list[np.ndarray]:
    x = render("tempo: 1\n" + src, n, sr=SR, block=256)[0]
    return [x[k * SR:(k + 1) * SR] for k in range(n)]


def test_every_with_an_effect_chain_switches_the_signal_on_those_cycles():
    switched = cycles("out: saw 110 $ every 2 (# lpf 300 1)")
    dry = cycles("out: saw 110")
    wet = cycles("out: saw 110 # lpf 300 1")
    for k in (0, 2):            # xfade: dry + (wet - dry) * 1, within float32 rounding
        np.testing.assert_allclose(switched[k], wet[k], rtol=0, atol=1e-6)
    for k in (1, 3):
        assert np.array_equal(switched[k], dry[k])
    assert not np.array_equal(dry[0], wet[0])


def test_an_effect_section_on_its_own_is_the_chain():
    x = render('out: s "bd sn" $ (# lpf 300 1)', 1, sr=SR)
    y = render('out: s "bd sn" # lpf 300 1', 1, sr=SR)
    assert np.array_equal(x, y) and np.abs(x).max() > 0.05


def test_a_sample_pattern_chained_into_a_filter_is_filtered():
    """`s "bd" # lpf 800` filters each voice (SuperDirt's `cutoff`, read by the `s` voices:
    docs/samples.md); `s "bd" # lpf 800 0.7` is the filter node on the summed samples."""
    ir = compile_program('out: s "bd*4" # gain 0.5 # lpf 800')
    assert [n.kind for n in ir.nodes.values() if n.bus == "out"] == ["s"]
    events = ir.nodes["out/0:s"].params["pattern"].pattern.first_cycle()
    assert events[0].value == {"s": "bd", "gain": 0.5, "cutoff": 800.0}
    ir = compile_program('out: s "bd*4" # gain 0.5 # lpf 800 0.7')
    assert [n.kind for n in ir.nodes.values() if n.bus == "out"] == ["s", "lpf"]
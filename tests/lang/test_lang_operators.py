"""Tidal's operator family in programs, beyond the Strudel answers pinned in
tests/patterns/strudel_operators.jsonl: precedence, what they mean between signals (no
structure: per-sample + - * /, errors for % < >), the per-sample `~+ ~- ~* ~/`, and values
that cannot combine."""
from __future__ import annotations

import numpy as np
import pytest

from phonon.engine.render import render
from phonon.errors import PhononErrors
from phonon.lang import compile_program, parse
from tests.lang.test_lang_parser import show


@pytest.mark.parametrize("src, tree", [
    ('"1" |+ "2" |* "3"', '("1" |+ ("2" |* "3"))'),
    ('"1" |*| "2" + "3"', '(("1" |*| "2") + "3")'),
    ('"1" +| "2" |< "3" >| "4"', '((("1" +| "2") |< "3") >| "4")'),
    ('"1" |%| 2 |/ 3 %| 4', '((("1" |%| 2) |/ 3) %| 4)'),
    ("~a ~* ~b ~+ ~c ~- 1", "(((~a ~* ~b) ~+ ~c) ~- 1)"),
])
def test_precedence(src, tree):
    assert show(parse("out: " + src).statements[0].value) == tree


def kinds(src: str) -> list[str]:
    ir = compile_program(src)
    return [n.kind for n in ir.nodes.values() if n.bus == "out"]


def test_between_signals_the_arithmetic_ones_act_per_sample():
    assert kinds("out: sine 2 |+ saw 3") == ["sine", "saw", "add"]
    assert kinds("out: sine 2 *| saw 3") == ["sine", "saw", "mul"]
    x = render("out: sine 440 |*| 0.5 -| sine 440 * 0.25", 0.1, sr=8000)
    y = render("out: sine 440 * 0.5 - sine 440 * 0.25", 0.1, sr=8000)
    assert np.array_equal(x, y) and np.abs(x).max() > 0.2


@pytest.mark.parametrize("src, message, hint", [
    ("out: sine 2 |< saw 3", "'|<' keeps one side's values in the other's structure, but signals "
     "have no structure", "use the signal itself, or combine signals with + - * /"),
    ("out: sine 2 >| \"1 2\"", "'>|' keeps one side's values in the other's structure, but "
     "signals have no structure", "use the signal itself, or combine signals with + - * /"),
    ("out: sine 2 |% 3", "'|%' between signals: there is no per-sample modulo",
     "modulo combines patterns, like \"0 .. 7\" |% 3"),
    ('out: sine ("x y" |+ 1)', "pattern '|+': cannot do arithmetic on 'x' (not a number or note "
     "name)", None),
    ('out: sine ("x y" + 1)', "pattern '+': cannot do arithmetic on 'x' (not a number or note "
     "name)", None),
    ("out: sine 2 % 3", "unexpected character '%'",
     "a pattern variable is %name (define it with %name: \"1 2 4\"); modulo between patterns is |% or %|"),
])
def test_operator_errors(src, message, hint):
    with pytest.raises(PhononErrors) as info:
        compile_program(src)
    e = info.value.errors[0]
    assert (e.message, e.hint) == (message, hint)


def test_tilde_operators_are_per_sample_even_between_patterns():
    assert kinds('out: "1 2" ~+ "3"') == ["sig", "sig", "add"]
    assert kinds('out: "1 2" + "3"') == ["sig"]              # folded into one pattern


def test_structure_operators_on_an_event_pattern_keep_it_one_node():
    ir = compile_program('out: s "bd*4" |+ n "0 1" |* gain 0.5')
    assert [n.kind for n in ir.nodes.values() if n.bus == "out"] == ["s"]


def test_the_original_signal_arithmetic_calls():
    assert kinds("~a: sine 2\nout: ~mul ~a (saw 3)") == ["saw", "mul"]
    assert kinds("out: ~sub 1 (sine 2)") == ["sine", "const", "sub"]
    with pytest.raises(PhononErrors) as info:
        compile_program("out: ~add (sine 2)")
    assert (info.value.errors[0].message, info.value.errors[0].hint) == (
        "~add takes 2 signals, got 1", "~add a b, or a + b")

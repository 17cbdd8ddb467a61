"""The compiler against the real node library and pattern engine."""
from __future__ import annotations

from fractions import Fraction

import pytest

from phonon.errors import PhononErrors
from phonon.lang import compile_program
from phonon.lang.ir import Const, Edge, PatternArg
from phonon.plugins.registry import default_registry

NEEDED = ["s", "sine", "saw", "lpf", "reverb", "delay", "compressor", "limiter", "const", "sig",
          "add", "mul", "mix", "master", "gain"]


def test_the_node_library_has_every_node_these_tests_use() -> None:
    assert [n for n in NEEDED if n not in default_registry()] == []


def onsets(arg: PatternArg, cycle: int = 0) -> list[tuple[Fraction, object]]:
    return sorted(((e.whole.begin, e.value) for e in arg.pattern.query(cycle, cycle + 1)
                   if e.whole is not None and e.whole.begin >= cycle),
                  key=lambda x: (x[0], str(x[1])))


def test_merged_controls_query_exactly() -> None:
    ir = compile_program('out: s "bd*2 sn:3" # gain "1 0.5" # pan 0.25')
    (node,) = [n for n in ir.nodes.values() if n.kind == "s"]
    assert onsets(node.params["pattern"]) == [
        (Fraction(0), {"s": "bd", "gain": 1, "pan": 0.25}),
        (Fraction(1, 4), {"s": "bd", "gain": 1, "pan": 0.25}),
        (Fraction(1, 2), {"s": "sn", "n": 3, "gain": 0.5, "pan": 0.25}),
    ]


def test_transform_both_orders_give_the_same_events() -> None:
    a = compile_program('out: s "bd sn" $ every 2 (fast 2)')
    b = compile_program('out: every 2 (fast 2) $ s "bd sn"')
    pa = a.nodes[a.outputs["out"]].params["pattern"]
    pb = b.nodes[b.outputs["out"]].params["pattern"]
    for cycle in (0, 1, 2):
        assert onsets(pa, cycle) == onsets(pb, cycle)
    assert [t for t, _ in onsets(pa, 0)] == [0, Fraction(1, 4), Fraction(1, 2), Fraction(3, 4)]
    assert [t for t, _ in onsets(pa, 1)] == [1, Fraction(3, 2)]


def test_literal_pattern_arithmetic_folds_into_one_pattern() -> None:
    ir = compile_program('out: sine ("100 200" + "1 2 3")')
    freq = ir.nodes["out/0:sine"].params["freq"]
    assert isinstance(freq, PatternArg)
    values = [(e.whole.begin, e.value) for e in freq.pattern.query(0, 1)]
    assert [v for _, v in sorted(values, key=lambda x: x[0])][0] == 101


def test_mini_notation_error_is_located_in_the_file() -> None:
    with pytest.raises(PhononErrors) as info:
        compile_program('~a: sine 1\nout: s "bd [sn"', file="m.ph")
    (e,) = info.value.errors
    assert (e.file, e.line, e.col) == ("m.ph", 2, 15)
    assert "expected ']'" in e.message
    assert e.source_line == 'out: s "bd [sn"'


def test_reference_program_with_the_real_library_and_planner() -> None:
    from phonon.plan import plan
    src = open(__file__.replace("tests/lang/test_lang_integration.py", "examples/reference_bus.ph")).read()
    ir = compile_program(src, file="reference_bus.ph")
    p = plan(ir)
    wave_of = {nid: i for i, w in enumerate(p.waves) for nid in w}
    assert wave_of[ir.buses["drums_reverb"]] == wave_of[ir.buses["drums_delay"]] == 3
    assert ir.nodes["~drums_delay/0#1:delay"].params["feedback"] == Const(0.6)
    assert ir.nodes["out/0#2:limiter"].inputs == [Edge("out/0#1:compressor")]


def test_default_registry_names_from_the_library() -> None:
    with pytest.raises(PhononErrors) as info:
        compile_program("out: saw 110 # revreb 0.5")
    assert info.value.errors[0].hint == "did you mean 'reverb'?"


def test_number_parameter_rejects_a_pattern_of_words() -> None:
    with pytest.raises(PhononErrors) as info:
        compile_program('out: saw 110 # lpf "300 bd" 0.7', file="w.ph")
    (e,) = info.value.errors
    assert (e.line, e.col, e.message) == (1, 20, "lpf: cutoff expects numbers, but \"300 bd\" holds 'bd'")


def test_note_names_are_numbers() -> None:
    # (a source's frequency given note names is an instrument instead: tests/instruments)
    ir = compile_program('out: saw 110 # lpf "c3 e3 g3"')
    assert ir.nodes["out/0#1:lpf"].params["cutoff"].source == "c3 e3 g3"

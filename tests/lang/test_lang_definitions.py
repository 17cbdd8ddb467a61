"""Templates, pattern variables, functions, function buses, modifier buses and transform buses
(PHONON-RS §1.2): each must mean exactly what writing its body out in place means, so most
tests render both programs and compare them sample for sample, or compare the events of the
patterns they play."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from phonon.engine.render import render
from phonon.errors import PhononErrors
from phonon.lang import compile_program
from phonon.lang.ir import PatternArg


def same_sound(a: str, b: str, seconds: float = 1.0) -> None:
    x = render(a, seconds, sr=8000, block=256)
    y = render(b, seconds, sr=8000, block=256)
    assert np.abs(x).max() > 0.01                     # (not a comparison of two silences)
    assert np.array_equal(x, y)


def events(src: str, cycles: int = 2, output: str = "out") -> list:
    ir = compile_program(src)
    node = ir.nodes[ir.outputs[output]]
    (arg,) = [a for a in node.params.values() if isinstance(a, PatternArg)]
    return [(e.whole.begin, e.whole.end, e.value) for e in arg.pattern.onsets(0, cycles)]


def error(src: str):
    with pytest.raises(PhononErrors) as info:
        compile_program(src, file="d.ph")
    e = info.value.errors[0]
    return e.line, e.col, e.message, e.hint


def kinds_into(ir, nid: str) -> list[str]:
    """Node kinds along input 0 from `nid` back to the source."""
    out = []
    while True:
        n = ir.nodes[nid]
        out.append(n.kind)
        if not n.inputs:
            return out
        nid = n.inputs[0].node


# ---------------------------------------------------------------- templates
def test_template_after_dollar_is_the_transform():
    assert events('@t: fast 2 $ rev\nout: s "bd sn hh" $ @t') == \
        events('out: s "bd sn hh" $ fast 2 $ rev')


def test_template_after_dollar_with_controls_merges_them():
    assert events('@t: fast 2 # gain 0.8\nout: s "bd sn" $ @t') == \
        events('out: s "bd sn" $ fast 2 # gain 0.8')
    assert events('@t: fast 2 # gain 0.8\nout: s "bd sn" $ @t')[0][2] == {"s": "bd", "gain": 0.8}


def test_template_as_a_transform_argument():
    assert events('@t: fast 2\nout: s "bd sn" $ every 2 @t', 4) == \
        events('out: s "bd sn" $ every 2 (fast 2)', 4)


def test_multi_stage_template_after_hash_keeps_the_chain_input():
    src = "@fx: lpf 800 0.7 # delay 0.25 0.3\nout: saw 110 # @fx"
    ir = compile_program(src)
    assert kinds_into(ir, ir.outputs["out"]) == ["delay", "lpf", "saw"]
    same_sound(src, "out: saw 110 # lpf 800 0.7 # delay 0.25 0.3")


def test_template_used_twice_makes_two_chains():
    ir = compile_program("@fx: lpf 800 # delay 0.1\nout: saw 110 # @fx\nout2: sine 220 # @fx")
    assert sorted(n.kind for n in ir.nodes.values() if n.kind in ("lpf", "delay")) == \
        ["delay", "delay", "lpf", "lpf"]


def test_template_as_an_expression():
    same_sound('@k: s "bd*4" # gain 0.9\nout: @k', 'out: s "bd*4" # gain 0.9')


# ---------------------------------------------------------------- pattern variables
def test_pattern_variable_as_a_transform_argument():
    assert events('%d: "1 2"\nout: s "bd sn" $ fast %d', 4) == events('out: s "bd sn" $ fast "1 2"', 4)


def test_pattern_variable_wherever_a_number_pattern_goes():
    same_sound('%c: "400 1600"\n%g: "1 0.5"\nout: saw 110 # lpf %c 0.7 # gain %g',
               'out: saw 110 # lpf "400 1600" 0.7 # gain "1 0.5"')
    assert events('%g: "1 0.5"\nout: s "bd*2" # gain %g')[1][2] == {"s": "bd", "gain": 0.5}
    assert events('%n: 3\nout: s "bd" # n (%n + 1)')[0][2] == {"s": "bd", "n": 4}


def test_pattern_variable_from_a_pattern_bus_and_another_variable():
    assert events('~p: "1 2"\n%a: ~p\n%b: %a\nout: s "bd" $ fast %b', 2) == \
        events('out: s "bd" $ fast "1 2"', 2)


def test_pattern_variable_errors():
    assert error('~lfo: sine 1\n%x: ~lfo\nout: s "bd" $ fast %x') == (
        2, 5, "%x holds a signal: a pattern variable is a number or a pattern like \"1 2 4\"",
        "a pattern cannot read a signal (patterns are computed ahead of the audio); give the "
        "signal directly where a parameter takes one, like lpf ~lfo")
    assert error('%dens: 2\nout: s "bd" $ fast %dns') == (
        2, 20, "unknown pattern variable '%dns'", "did you mean '%dens'?")
    assert error("%a: %a\nout: sine 2") == (
        1, 5, "pattern variable '%a' uses itself: definitions cannot be recursive", None)
    assert error("%a: 1\n%a: 2\nout: sine 2")[2] == "pattern variable '%a' is defined twice (first on line 1)"


# ---------------------------------------------------------------- functions
FN = "fn wob r = saw 110 # lpf (sine r * 500 + 800) 0.7\n"


def test_function_call_is_its_body_with_the_arguments():
    same_sound(FN + "out: wob 2", "out: saw 110 # lpf (sine 2 * 500 + 800) 0.7")


def test_each_call_makes_its_own_nodes():
    ir = compile_program(FN + "out: wob 2 + wob 3")
    assert sorted(n.id for n in ir.nodes.values() if n.kind == "saw") == \
        ["out/0.0.wob:saw", "out/0.1.wob:saw"]


def test_function_parameters_shadow_names_and_stay_in_their_body():
    # `n` is also a control: inside the body the parameter wins
    assert events('fn t n = every n (fast 2)\nout: s "bd sn" $ t 2', 4) == \
        events('out: s "bd sn" $ every 2 (fast 2)', 4)
    # a bus compiled while a function is being expanded does not see its parameters
    assert error("fn f cutoff = ~b\n~b: saw cutoff\nout: f 3") == (
        2, 9, "'cutoff' takes one value (a number or a pattern), got 0", None)


def test_function_after_hash_splices_its_body():
    src = "fn dub t = delay t 0.5 # lpf 1200\nout: saw 110 # dub 0.25"
    ir = compile_program(src)
    assert kinds_into(ir, ir.outputs["out"]) == ["lpf", "delay", "saw"]
    same_sound(src, "out: saw 110 # delay 0.25 0.5 # lpf 1200")


def test_function_errors():
    assert error(FN + "out: wob 2 3") == (2, 12, "wob takes 1 argument (r), got 2", "defined on line 1")
    assert error("fn f x = f x\nout: f 1") == (1, 10, "'f' uses itself: definitions cannot be "
                                                      "recursive (in f, used at 2:6)", None)
    assert error("fn f x = x # lfp 800\nout: f (saw 1)")[2] == \
        "unknown function 'lfp' (in f, used at 2:6)"
    assert error("fn f a a = a\nout: sine 2") == (1, 8, "parameter 'a' is listed twice", None)
    assert error("fn f a b\nout: sine 2") == (1, 9, "expected '=' after the parameters of 'fn f', "
                                                     "found the end of the line", "fn f a b = expr")


def test_a_function_named_like_a_builtin_hides_it_with_a_warning():
    ir = compile_program("fn lpf x = x * 0.5\nout: lpf (sine 2)")
    assert [w.message for w in ir.warnings] == ["fn 'lpf' hides the built-in 'lpf' in this program"]
    assert [n.kind for n in ir.nodes.values() if n.bus == "out"] == ["sine", "const", "mul"]


# ---------------------------------------------------------------- function buses
ACID = "~acid f c $ saw f # lpf c 0.8\n"


def test_function_bus_called_with_and_without_tilde():
    same_sound(ACID + "out: ~acid 220 1200", "out: saw 220 # lpf 1200 0.8")
    same_sound(ACID + "out: acid 220 1200", "out: saw 220 # lpf 1200 0.8")
    assert "acid" not in compile_program(ACID + "out: ~acid 220 1200").buses


def test_function_bus_after_hash():
    same_sound("~wet t $ delay t 0.4 # lpf 2000\nout: saw 110 # ~wet 0.2",
               "out: saw 110 # delay 0.2 0.4 # lpf 2000")


def test_function_bus_errors():
    assert error(ACID + "out: ~acid 220") == (2, 6, "~acid takes 2 arguments (f, c), got 1",
                                              "defined on line 1")
    assert error(ACID + "out: ~acid") == (2, 6, "'~acid' is a function bus: call it with 2 "
                                                "arguments (f, c)", "~acid ...")
    assert error("~x: sine 1\n~y: sine 2\nout: ~x ~y") == (
        3, 9, "unexpected bus '~y' after '~x': a bus takes no arguments",
        "did you mean '~x + ...' or '~x # ...'?")
    assert error(ACID + "~acid: sine 2\nout: sine 1")[2] == "bus '~acid' is defined twice (first on line 1)"


# ---------------------------------------------------------------- modifier and transform buses
def test_modifier_bus_is_spliced_with_its_input():
    src = "~dub # lpf 800 0.7 # delay 0.25 0.3\nout: saw 110 # ~dub"
    ir = compile_program(src)
    assert kinds_into(ir, ir.outputs["out"]) == ["delay", "lpf", "saw"]
    assert ir.buses == {}
    same_sound(src, "out: saw 110 # lpf 800 0.7 # delay 0.25 0.3")


def test_modifier_bus_of_controls_merges_into_events():
    assert events('~fast # speed "0.5 2" # gain 0.8\nout: s "bd*2" # ~fast') == \
        events('out: s "bd*2" # speed "0.5 2" # gain 0.8')


def test_modifier_bus_read_as_a_signal_is_a_fresh_copy_each_time():
    ir = compile_program("~lfo # sine 2\nout: saw 110 # lpf (~lfo * 400 + 800) # gain (~lfo + 1)")
    assert sum(n.kind == "sine" for n in ir.nodes.values()) == 2


def test_a_bus_used_only_after_hash_is_an_effect_template():
    src = "~verb: reverb 0.8 0.5 1\nout: saw 110 # ~verb"
    ir = compile_program(src)
    assert ir.buses == {} and kinds_into(ir, ir.outputs["out"]) == ["reverb", "saw"]
    same_sound(src, "out: saw 110 # reverb 0.8 0.5 1")


@pytest.mark.parametrize("transform", [
    "every 4 rev", "every 3 (fast 2) $ rev", "whenmod 4 2 (# speed 2)", "jux rev",
    "sometimesBy 0.5 (fast 2)", "off 0.125 (# crush 4)", "chop 2 $ rev",
])
def test_transform_bus_takes_any_transform(transform):
    assert events(f'~t $ {transform}\nout: s "bd sn hh" $ ~t', 8) == \
        events(f'out: s "bd sn hh" $ {transform}', 8)

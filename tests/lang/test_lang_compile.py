"""Compiler: the IR each construct produces (against the test registry and stub patterns)."""
from __future__ import annotations

import pytest

from phonon.lang.ir import Const, Edge, PatternArg
from phonon.plan import plan
from tests.lang.lang_fixtures import compile_test, pattern_source

REFERENCE = """\
~kick: s "bd*4"
~snare: s "sn*4"
~hats: s "hh*8"
~drums: ~kick + ~snare + ~hats
~drums_reverb: ~drums # reverb 0.5
~drums_delay: ~drums # delay 0.25 0.6
~drums_wet: ~drums_reverb * 0.3 + ~drums_delay * 0.2
out: (~drums + ~drums_wet) # compressor 0.7 # limiter 0.9
"""


def test_reference_program_graph() -> None:
    ir = compile_test(REFERENCE)
    assert ir.buses == {
        "kick": "~kick/0:s", "snare": "~snare/0:s", "hats": "~hats/0:s", "drums": "~drums/0:add",
        "drums_reverb": "~drums_reverb/0#1:reverb", "drums_delay": "~drums_delay/0#1:delay",
        "drums_wet": "~drums_wet/0:add",
    }
    assert ir.outputs == {"out": "out/0#2:limiter"}
    assert ir.master == "master/1:master"
    n = ir.nodes
    assert n["~drums/0.0:add"].inputs == [Edge("~kick/0:s"), Edge("~snare/0:s")]
    assert n["~drums/0:add"].inputs == [Edge("~drums/0.0:add"), Edge("~hats/0:s")]
    # one node per bus, whatever the number of readers
    assert n["~drums_reverb/0#1:reverb"].inputs == [Edge("~drums/0:add")]
    assert n["~drums_delay/0#1:delay"].inputs == [Edge("~drums/0:add")]
    assert n["~drums_delay/0#1:delay"].params == {
        "time": Const(0.25), "feedback": Const(0.6), "mix": Const(0.5)}
    assert n["~drums_wet/0.0.1:const"].params == {"value": Const(0.3)}
    assert n["out/0#1:compressor"].params["threshold"] == Const(0.7)
    assert n["out/0#2:limiter"].params["ceiling"] == Const(0.9)
    assert n["master/0:mix"].inputs == [Edge("out/0#2:limiter")]
    assert n["master/1:master"].inputs == [Edge("master/0:mix")]
    assert pattern_source(n["~kick/0:s"].params["pattern"]) == 's "bd*4"'
    assert n["~kick/0:s"].params["pattern"].source == "bd*4"
    assert ir.samples == {"bd", "sn", "hh"}
    assert ir.feedback == [] and ir.warnings == [] and ir.cps == 0.5
    assert len(ir.nodes) == 17


def test_reference_program_waves_put_reverb_and_delay_together() -> None:
    ir = compile_test(REFERENCE)
    w = plan(ir).waves
    assert w[3] == ["~drums_reverb/0#1:reverb", "~drums_delay/0#1:delay"]
    assert len(w) == 11
    assert w[0] == ["~kick/0:s", "~snare/0:s", "~hats/0:s", "~drums_wet/0.0.1:const", "~drums_wet/0.1.1:const"]


def test_bus_order_does_not_matter() -> None:
    a = compile_test(REFERENCE)
    b = compile_test("\n".join(reversed(REFERENCE.strip().splitlines())))
    assert set(a.nodes) == set(b.nodes) and a.buses == b.buses
    for nid in a.nodes:
        assert a.nodes[nid].inputs == b.nodes[nid].inputs


def test_node_locations() -> None:
    ir = compile_test(REFERENCE, file="ref.ph")
    loc = ir.nodes["~drums_delay/0#1:delay"].loc
    assert (loc.file, loc.line, loc.col) == ("ref.ph", 6, 24)
    assert ir.nodes["~drums_delay/0#1:delay"].bus == "~drums_delay"


def test_controls_merge_into_one_event_node() -> None:
    ir = compile_test('out: s "bd*2 sn" # gain 0.9 # pan "0 1" # n 3')
    s_nodes = [n for n in ir.nodes.values() if n.kind == "s"]
    assert [n.id for n in s_nodes] == ["out/0:s"]
    assert pattern_source(s_nodes[0].params["pattern"]) == \
        '(((s "bd*2 sn" # gain 0.9) # pan "0 1") # n 3.0)'
    assert ir.outputs["out"] == "out/0:s"


def test_gain_is_an_effect_node_on_a_signal() -> None:
    ir = compile_test('~x: saw 110\nout: ~x # gain 0.5 # pan -0.5')
    assert ir.nodes["out/0#1:gain"].inputs == [Edge("~x/0:saw")]
    assert ir.nodes["out/0#1:gain"].params == {"amount": Const(0.5)}
    assert ir.nodes["out/0#2:pan"].params == {"pos": Const(-0.5)}


def test_chain_on_an_event_bus_makes_a_new_node_and_keeps_the_bus() -> None:
    ir = compile_test('~kick: s "bd*4"\nout: ~kick # gain 0.5\nout2: ~kick')
    assert ir.outputs == {"out": "out/0#1:s", "out2": "~kick/0:s"}
    assert pattern_source(ir.nodes["out/0#1:s"].params["pattern"]) == '(s "bd*4" # gain 0.5)'
    assert pattern_source(ir.nodes["~kick/0:s"].params["pattern"]) == 's "bd*4"'


@pytest.mark.parametrize("src", [
    'out: s "bd sn" $ fast 2',
    'out: fast 2 $ s "bd sn"',
    'out: (fast 2) $ s "bd sn"',
])
def test_transform_either_side(src: str) -> None:
    ir = compile_test(src)
    assert pattern_source(ir.nodes[ir.outputs["out"]].params["pattern"]) == 'fast 2 (s "bd sn")'


def test_transform_with_function_argument() -> None:
    ir = compile_test('out: s "bd sn" $ every 3 (fast 2)')
    assert pattern_source(ir.nodes["out/0:s"].params["pattern"]) == 'every 3 [fast 2 (x)] (s "bd sn")'


def test_pipeline_order_with_the_pattern_on_the_left() -> None:
    ir = compile_test('out: s "bd" $ fast 2 $ rev')
    assert pattern_source(ir.nodes["out/0:s"].params["pattern"]) == 'rev (fast 2 (s "bd"))'


def test_tidal_order_with_the_pattern_on_the_right() -> None:
    ir = compile_test('out: fast 2 $ rev $ s "bd"')
    assert pattern_source(ir.nodes["out/0:s"].params["pattern"]) == 'fast 2 (rev (s "bd"))'


def test_transform_on_a_bus_whose_value_is_a_pattern() -> None:
    ir = compile_test('~d: s "bd sn"\nout: ~d $ every 2 rev\nout2: ~d')
    assert ir.outputs["out"] == "out/0:s"
    assert pattern_source(ir.nodes["out/0:s"].params["pattern"]) == 'every 2 [rev (x)] (s "bd sn")'
    assert ir.outputs["out2"] == "~d/0:s"


def test_transform_bus_applied_later() -> None:
    ir = compile_test('~t: every 4 (fast 2)\nout: s "bd" $ ~t')
    assert "t" not in ir.buses
    assert pattern_source(ir.nodes["out/0:s"].params["pattern"]) == 'every 4 [fast 2 (x)] (s "bd")'


def test_section_merges_controls_inside_a_transform() -> None:
    ir = compile_test('out: s "bd*4" $ every 2 (# speed 2 # gain 0.5)')
    assert pattern_source(ir.nodes["out/0:s"].params["pattern"]) == \
        'every 2 [((x # speed 2.0) # gain 0.5)] (s "bd*4")'


def test_numeric_arguments_number_pattern_or_signal() -> None:
    ir = compile_test('out: saw 55 # lpf "300 800" 0.7 # hpf (sine 0.25 * 1500 + 2000)')
    lpf = ir.nodes["out/0#1:lpf"]
    assert isinstance(lpf.params["cutoff"], PatternArg) and lpf.params["cutoff"].source == "300 800"
    assert lpf.params["q"] == Const(0.7)
    hpf = ir.nodes["out/0#2:hpf"]
    assert hpf.params["cutoff"] == Edge("out/0#2.0:add")
    assert hpf.params["q"] == Const(0.707)          # defaults are filled in
    assert ir.nodes["out/0#2.0:add"].inputs == [Edge("out/0#2.0.0:mul"), Edge("out/0#2.0.1:const")]
    assert ir.nodes["out/0#2.0.0:mul"].inputs == [Edge("out/0#2.0.0.0:sine"), Edge("out/0#2.0.0.1:const")]


def test_keyword_arguments_and_aliases() -> None:
    ir = compile_test('out: saw 110 # lpf :q 2 :cutoff 800 # reverb 0.9 :mix 0.2\nout2: sound "bd"')
    assert ir.nodes["out/0#1:lpf"].params == {"cutoff": Const(800.0), "q": Const(2.0)}
    assert ir.nodes["out/0#2:reverb"].params == {"room": Const(0.9), "damp": Const(0.5), "mix": Const(0.2)}
    assert ir.nodes["out2/0:s"].kind == "s"
    assert ir.samples == {"bd"}


def test_extra_params_and_text_params() -> None:
    ir = compile_test('out: saw 110 # vst3 "ZamComp" :Threshold -20 :Ratio "4 8"')
    v = ir.nodes["out/0#1:vst3"]
    assert v.params["plugin"] == Const("ZamComp")
    assert v.params["Threshold"] == Const(-20.0)
    assert v.params["Ratio"].source == "4 8"


def test_literal_pattern_arithmetic_folds() -> None:
    ir = compile_test('out: sine ("1 2" + "10" * 2)')
    assert [n.kind for n in ir.nodes.values()] == ["sine", "mix", "master"]
    assert pattern_source(ir.nodes["out/0:sine"].params["freq"]) == '("1 2" + ("10" * 2.0))'


def test_number_arithmetic_folds() -> None:
    ir = compile_test("out: sine (220 * 2 + -1 - -1) * (1 / 4)")
    assert ir.nodes["out/0.0:sine"].params["freq"] == Const(440.0)
    assert ir.nodes["out/0.1:const"].params["value"] == Const(0.25)
    assert ir.nodes["out/0:mul"].inputs == [Edge("out/0.0:sine"), Edge("out/0.1:const")]


def test_unary_minus_on_a_signal() -> None:
    ir = compile_test("out: -(sine 2)")
    assert ir.nodes["out/0:mul"].inputs == [Edge("out/0.0:sine"), Edge("out/0.1:const")]
    assert ir.nodes["out/0.1:const"].params == {"value": Const(-1.0)}


def test_pattern_lifted_to_a_signal() -> None:
    ir = compile_test('out: saw 110 * "0.5 1"')
    assert ir.nodes["out/0.1:sig"].params["value"].source == "0.5 1"
    assert ir.nodes["out/0:mul"].inputs == [Edge("out/0.0:saw"), Edge("out/0.1:sig")]


def test_signal_input_given_last_and_generic_application() -> None:
    ir = compile_test("out: range 200 800 (sine 0.5)\nout2: lpf 800 $ saw 110")
    assert ir.nodes["out/0:range"].inputs == [Edge("out/0.2:sine")]
    assert ir.nodes["out/0:range"].params == {"lo": Const(200.0), "hi": Const(800.0)}
    assert ir.nodes["out2/0$0:lpf"].inputs == [Edge("out2/0:saw")]
    assert ir.nodes["out2/0$0:lpf"].params["cutoff"] == Const(800.0)


def test_range_as_a_pattern_transform_when_given_a_pattern() -> None:
    ir = compile_test('out: s "bd*4" # gain (range 0.5 1 $ "0 1")')
    assert pattern_source(ir.nodes["out/0:s"].params["pattern"]) == '(s "bd*4" # gain range 0.5 1 ("0 1"))'


def test_two_input_node_with_chain() -> None:
    ir = compile_test('~kick: s "bd*4"\nout: saw 55 # sidechain ~kick 0.8')
    sc = ir.nodes["out/0#1:sidechain"]
    assert sc.inputs == [Edge("out/0:saw"), Edge("~kick/0:s")]
    assert sc.params == {"amount": Const(0.8)}


def test_self_reference_is_a_delayed_edge() -> None:
    ir = compile_test("~fb: saw 110 + (~fb # delay 0.1 0.5) * 0.5\nout: ~fb")
    assert ir.buses["fb"] == "~fb/0:add"
    d = ir.nodes["~fb/0.1.0#1:delay"]
    assert d.inputs == [Edge("~fb/0:add", delayed=True)]
    assert ir.feedback == [("~fb/0.1.0#1:delay", "~fb/0:add")]
    w = plan(ir).waves
    assert w[0] == ["~fb/0.0:saw", "~fb/0.1.0#1:delay", "~fb/0.1.1:const"]


def test_chain_then_arithmetic_applies_to_the_chain() -> None:
    ir = compile_test("~fb: saw 110 + ~fb # delay 0.1 0.5 * 0.5\nout: ~fb")
    assert ir.buses["fb"] == "~fb/0#1:mul"
    assert ir.nodes["~fb/0#1.0:delay"].inputs == [Edge("~fb/0:add")]
    assert ir.nodes["~fb/0:add"].inputs == [Edge("~fb/0.0:saw"), Edge("~fb/0#1:mul", delayed=True)]
    assert ir.feedback == [("~fb/0:add", "~fb/0#1:mul")]


def test_cycle_through_two_buses() -> None:
    # compiled in definition order: ~a reads ~b, ~b reads ~a while ~a is open -> that read is delayed
    ir = compile_test("~a: saw 110 + ~b * 0.5\n~b: ~a # lpf 800\nout: ~a")
    assert ir.feedback == [("~b/0#1:lpf", "~a/0:add")]
    assert ir.nodes["~b/0#1:lpf"].inputs == [Edge("~a/0:add", delayed=True)]
    assert ir.nodes["~a/0.1:mul"].inputs == [Edge("~b/0#1:lpf"), Edge("~a/0.1.1:const")]


def test_numbered_outputs_sum_into_the_master() -> None:
    ir = compile_test("out: sine 1\nout2: sine 2\nd1: sine 3\no4: sine 4")
    assert list(ir.outputs) == ["out", "out2", "d1", "o4"]
    assert ir.nodes["master/0:mix"].inputs == [
        Edge("out/0:sine"), Edge("out2/0:sine"), Edge("d1/0:sine"), Edge("o4/0:sine")]


def test_without_out_the_master_bus_plays() -> None:
    ir = compile_test("~a: sine 1\n~master: ~a * 0.5")
    assert ir.nodes["master/0:mix"].inputs == [Edge("~master/0:mul")]
    assert ir.warnings == []


def test_without_any_output_all_buses_at_minus_12_db_with_a_warning() -> None:
    ir = compile_test("~a: sine 1\n~b: saw 2")
    assert ir.nodes["master/0:mix"].inputs == [Edge("~a/0:sine"), Edge("~b/0:saw")]
    assert ir.nodes["master/1:const"].params == {"value": Const(0.25)}
    assert ir.nodes["master/2:mul"].inputs == [Edge("master/0:mix"), Edge("master/1:const")]
    assert ir.nodes["master/3:master"].inputs == [Edge("master/2:mul")]
    assert ir.master == "master/3:master"
    (w,) = ir.warnings
    assert w.message == "no 'out:' statement: playing the sum of all buses at -12 dB"


@pytest.mark.parametrize("src, cps", [
    ("tempo: 2", 2.0), ("cps: 0.75", 0.75), ("bpm: 120", 2.0), ("bpm: 90", 1.5), ("bpm: 140 / 2", 70 / 60), ("", 0.5),
])
def test_tempo(src: str, cps: float) -> None:
    ir = compile_test(src + "\nout: sine 1")
    assert ir.cps == pytest.approx(cps)


def test_samples_collected_from_s_and_sound_controls() -> None:
    ir = compile_test('out: s "bd:3 [sn ~ hh(3,8)] <cp 808>"\nout2: n "0 1" # s "drum"')
    assert ir.samples == {"bd", "sn", "hh", "cp", "808", "drum"}


def test_control_pattern_with_a_sound_plays_as_sample_voices() -> None:
    ir = compile_test('out: n "0 1" # s "drum"')
    assert ir.nodes["out/0:s"].kind == "s"
    assert pattern_source(ir.nodes["out/0:s"].params["pattern"]) == '(n "0 1" # s "drum")'


def test_event_pattern_for_envelope() -> None:
    ir = compile_test('out: saw 110 * adsr "x*4" 0.01 0.1')
    env = ir.nodes["out/0.1:adsr"]
    assert env.params["trig"].source == "x*4"
    assert pattern_source(env.params["trig"]) == '"x*4"'      # not wrapped as a sound control
    assert env.params["attack"] == Const(0.01) and env.params["sustain"] == Const(0.7)


def test_out_of_range_constant_is_a_warning() -> None:
    ir = compile_test("out: saw 110 # lpf 30000")
    (w,) = ir.warnings
    assert (w.line, w.col, w.message) == (1, 20, "lpf: cutoff 30000 is outside 10..20000")


def test_node_ids_are_stable_when_an_effect_is_appended() -> None:
    a = compile_test("~x: saw 110 # lpf 800")
    b = compile_test("~x: saw 110 # lpf 900 # reverb 0.3")
    assert {"~x/0:saw", "~x/0#1:lpf"} <= set(a.nodes) & set(b.nodes)


def test_list_argument_of_a_transform() -> None:
    ir = compile_test('out: s "bd" $ stackwith [1, "2 3", fast 2]')
    assert pattern_source(ir.nodes["out/0:s"].params["pattern"]) == \
        'firstOf [1, "2 3", fast 2 (x)] (s "bd")'


def test_gain_after_an_envelope_is_a_node_not_a_merge() -> None:
    ir = compile_test('out: adsr "x*4" # gain 0.5')
    assert ir.nodes["out/0#1:gain"].inputs == [Edge("out/0:adsr")]
    assert pattern_source(ir.nodes["out/0:adsr"].params["trig"]) == '"x*4"'


def test_event_pattern_given_by_keyword() -> None:
    ir = compile_test('out: s :pattern "bd sn" # gain 0.5')
    assert pattern_source(ir.nodes["out/0:s"].params["pattern"]) == '(s "bd sn" # gain 0.5)'
    assert ir.samples == {"bd", "sn"}


@pytest.mark.parametrize("src", [
    'out: s "bd*4"',
    'out: s "bd*4" # gain 0.8',
    'out: s "bd*4" $ fast 2',
    'out: fast 2 $ s "bd*4" # gain 0.8 # pan 0.2',
    'out: every 3 (fast 2) $ rev $ s "bd*4"',
])
def test_live_edits_keep_the_event_node_id(src: str) -> None:
    ir = compile_test(src)
    assert [n.id for n in ir.nodes.values() if n.kind == "s"] == ["out/0:s"]


def test_adding_effects_keeps_the_source_and_earlier_stage_ids() -> None:
    ids = [set(compile_test(src).nodes) for src in
           ("~x: saw 110", "~x: saw 110 # lpf 800", "~x: saw 110 # lpf 900 # reverb 0.3")]
    assert "~x/0:saw" in ids[0] & ids[1] & ids[2]
    assert "~x/0#1:lpf" in ids[1] & ids[2]
    assert "~x/0#2:reverb" in ids[2]

"""What the compiler makes of instruments: event routing (`s "~bus"`), merged values, the poly
node and its template, note-playing oscillators, and the errors."""
from __future__ import annotations

from fractions import Fraction as F

import pytest

from phonon.errors import PhononErrors
from phonon.lang import compile_program
from phonon.lang.instruments import MIDDLE_C_HZ, InstrumentTemplate
from phonon.lang.ir import Const, Edge, PatternArg
from phonon.plugins import Node, Param, node
from phonon.plugins.testing import registry_with


@node("rec", category="instrument", doc="records nothing; an event-driven instrument for tests")
class Rec(Node):
    notes = Param(None, kind="events")
    level = Param(1.0)

    def process(self, ctx, ins, p, out):
        out[:, :ctx.frames] = 0.0


REG = registry_with(Rec, source="tests-instruments")


def compile_(text: str):
    return compile_program(text, registry=REG)


def events(arg: PatternArg, cycle: int = 0) -> list[tuple[F, dict]]:
    evs = sorted((e for e in arg.pattern.query(cycle, cycle + 1) if e.has_onset()),
                 key=lambda e: e.whole.begin)
    return [(e.whole.begin, e.value) for e in evs]


def error_of(text: str):
    with pytest.raises(PhononErrors) as info:
        compile_(text)
    (e,) = info.value.errors
    return e.line, e.col, e.message


def test_s_routes_the_bus_events_without_s_to_the_bus_node():
    ir = compile_('~r: rec\nout: s "~r*4" # note "0 3"')
    assert ir.outputs["out"] == ir.buses["r"] == "~r/0:rec"
    assert events(ir.nodes["~r/0:rec"].params["notes"]) == [
        (F(0), {"note": 0}), (F(1, 4), {"note": 0}), (F(1, 2), {"note": 3}), (F(3, 4), {"note": 3})]


def test_several_s_patterns_playing_one_bus_are_stacked():
    ir = compile_('~r: rec\nout: s "~r ~" # gain 0.5\nout2: s "~ ~r"')
    assert ir.outputs == {"out": "~r/0:rec", "out2": "~r/0:rec"}
    assert events(ir.nodes["~r/0:rec"].params["notes"]) == [(F(0), {"gain": 0.5}), (F(1, 2), {})]


def test_a_patternless_bus_read_as_a_signal_takes_effects_not_merges():
    ir = compile_('~r: rec\nout: ~r # gain 0.5\nout2: s "~r"')
    assert ir.nodes[ir.outputs["out"]].kind == "gain"
    assert ir.nodes[ir.outputs["out"]].inputs == [Edge("~r/0:rec")]
    assert ir.outputs["out2"] == "~r/0:rec"


def test_a_bus_with_its_own_pattern_also_gets_the_routed_events():
    ir = compile_('~r: rec "7"\nout: s "~ ~r"')
    assert events(ir.nodes["~r/0:rec"].params["notes"]) == [(F(0), 7), (F(1, 2), {})]


def test_samples_and_buses_mix_in_one_s_pattern():
    ir = compile_('~r: rec\nout: s "bd ~r sn"')
    assert events(ir.nodes["out/0:s"].params["pattern"]) == [(F(0), {"s": "bd"}), (F(2, 3), {"s": "sn"})]
    assert events(ir.nodes["~r/0:rec"].params["notes"]) == [(F(1, 3), {})]
    mix = ir.nodes[ir.outputs["out"]]
    assert (mix.id, mix.kind, mix.inputs) == ("out/0.play:mix", "mix",
                                              [Edge("out/0:s"), Edge("~r/0:rec")])
    assert ir.samples == {"bd", "sn"}


def test_s_given_by_a_merge_plays_the_bus_too():
    ir = compile_('~r: rec\nout: n "0 1" # s "~r"')
    assert ir.outputs["out"] == "~r/0:rec"
    assert events(ir.nodes["~r/0:rec"].params["notes"]) == [(F(0), {"n": 0}), (F(1, 2), {"n": 1})]


def test_merging_into_bare_values_keeps_them_under_the_node_name():
    ir = compile_('out: rec "0 7" # gain 0.5')
    assert events(ir.nodes["out/0:rec"].params["notes"]) == [
        (F(0), {"rec": 0, "gain": 0.5}), (F(1, 2), {"rec": 7, "gain": 0.5})]


def test_a_node_name_after_an_instrument_is_an_effect_except_gain_and_pan():
    ir = compile_('out: rec "0 3" # pan -1 # lpf 800')
    assert ir.outputs["out"] == "out/0#2:lpf"
    assert ir.nodes["out/0#2:lpf"].inputs == [Edge("out/0:rec")]
    assert events(ir.nodes["out/0:rec"].params["notes"])[0] == (F(0), {"rec": 0, "pan": -1})


def test_a_note_name_is_an_absolute_pitch_and_also_sets_freq():
    ir = compile_('~r: rec\nout: s "~r ~r" # note "a4 7"')
    assert events(ir.nodes["~r/0:rec"].params["notes"]) == [
        (F(0), {"note": 9, "freq": pytest.approx(440.0)}), (F(1, 2), {"note": 7})]


def test_a_chain_bus_is_played_by_a_poly_node_with_its_template():
    ir = compile_('~lead: saw 220 # lpf 2000 0.7\nout: s "~lead*4" # note "0 12"')
    poly = ir.nodes["~lead/poly:poly"]
    assert ir.outputs["out"] == poly.id
    t = poly.params["template"].value
    assert isinstance(t, InstrumentTemplate)
    assert [n.id for n in t.nodes] == ["~lead/0:saw", "~lead/0#1:lpf"]
    assert (t.output, t.transpose, t.base_freq) == ("~lead/0#1:lpf", {"~lead/0:saw": ("freq",)}, 220.0)
    assert [v for _, v in events(poly.params["notes"])] == [{"note": 0}, {"note": 0}, {"note": 12}, {"note": 12}]
    assert ir.buses["lead"] == "~lead/0#1:lpf"          # the bus itself stays a signal


def test_what_a_chain_reads_from_other_buses_is_shared_through_poly_inputs():
    ir = compile_('~lfo: sine 2\n~lead: saw (~lfo * 10 + 220)\nout: s "~lead"')
    poly = ir.nodes["~lead/poly:poly"]
    t = poly.params["template"].value
    assert poly.inputs == [Edge("~lfo/0:sine")] and t.external == ("~lfo/0:sine",)
    assert [n.id for n in t.nodes] == ["~lead/0.0.0.1:const", "~lead/0.0.0:mul", "~lead/0.0.1:const",
                                       "~lead/0.0:add", "~lead/0:saw"]
    assert t.base_freq is None                         # no constant pitch: names are relative


def test_an_event_node_inside_a_chain_is_shared_not_copied():
    ir = compile_('~lead: saw 220 * perc "x*2"\nout: s "~lead*4"')
    t = ir.nodes["~lead/poly:poly"].params["template"].value
    assert t.external == ("~lead/0.1:perc",)
    assert [n.kind for n in t.nodes] == ["saw", "mul"]


def test_pattern_parameters_of_a_chain_become_shared_sig_nodes():
    ir = compile_('~lead: saw 220 # lpf "500 4000"\nout: s "~lead"')
    poly = ir.nodes["~lead/poly:poly"]
    t = poly.params["template"].value
    assert poly.inputs == [Edge("~lead/0#1.cutoff:sig")]
    assert ir.nodes["~lead/0#1.cutoff:sig"].params["value"].source == "500 4000"
    assert t.nodes[1].params["cutoff"] == Edge("~lead/0#1.cutoff:sig")
    assert isinstance(ir.nodes["~lead/0#1:lpf"].params["cutoff"], PatternArg)   # the bus is untouched


def test_an_oscillator_given_note_names_is_an_anonymous_instrument():
    ir = compile_('out: saw "c3 ~ e3" # release 0.1')
    poly = ir.nodes["out/0:poly"]
    (voice,) = poly.params["template"].value.nodes
    assert (voice.kind, voice.params["freq"]) == ("saw", Const(pytest.approx(MIDDLE_C_HZ)))
    assert events(poly.params["notes"]) == [
        (F(0), {"note": -12, "freq": pytest.approx(130.8128, abs=1e-4), "release": 0.1}),
        (F(2, 3), {"note": -8, "freq": pytest.approx(164.8138, abs=1e-4), "release": 0.1})]


def test_plain_numbers_stay_a_stepped_frequency():
    ir = compile_('out: saw "55 110"')
    assert ir.outputs["out"] == "out/0:saw"
    assert ir.nodes["out/0:saw"].params["freq"].source == "55 110"


@pytest.mark.parametrize("text, expected", [
    ('~r: rec\nout: ~r', (1, 5, "rec needs an event pattern: give it one, or play bus '~r' with s")),
    ('out: rec', (1, 6, 'rec needs an event pattern, e.g. rec "x*4"')),
    ('out: s "bd ~nope"', (1, 12, "unknown bus '~nope'")),
    ('~a: s "~a*2"\nout: ~a', (1, 5, "bus '~a' is played by an s pattern inside its own definition")),
    ('~d: s "bd"\nout: s "~d*2"', (2, 6, "bus '~d' plays samples; it cannot be played as an instrument")),
    ('~lead: saw 220 # lpf (~lead * 100 + 500)\nout: s "~lead"',
     (2, 6, "bus '~lead' cannot be played as an instrument: it reads itself back (feedback)")),
    ('out: square "c3 e3" (sine 1)', (1, 6, "square playing notes: width must be a number "
                                            "(the notes make an instrument)")),
    ('~r: rec # note 3\nout: s "~r"', (1, 11, "rec has no pattern to merge 'note' into")),
    ('out: poly "0 3"', (1, 6, "'poly' is made by the compiler, not called")),
])
def test_errors(text, expected):
    assert error_of(text) == expected


def test_the_template_reaches_poly_as_a_plain_chain_of_node_classes():
    from phonon.nodes.filters import LowPass
    from phonon.nodes.mathops import Add
    from phonon.nodes.oscillators import Saw
    from phonon.plugins import Chain

    ir = compile_('~lfo: sine 2\n~lead: saw (~lfo * 10 + 220) # lpf 2000 0.7\n'
                  'out: s "~lead"')
    chain = ir.nodes["~lead/poly:poly"].params["template"].value.voice_chain()
    assert isinstance(chain, Chain) and chain.voice_chain() is chain
    assert (chain.output, chain.external, chain.base_freq) == ("~lead/0#1:lpf", ("~lfo/0:sine",), None)
    add, saw, lpf = chain.nodes[3:]
    assert (add.cls, add.inputs, add.values) == (Add, ("~lead/0.0.0:mul", "~lead/0.0.1:const"), {})
    assert (saw.cls, saw.values, saw.modulations, saw.transpose) == (
        Saw, {"freq": None, "offset": 0.0}, (("freq", "~lead/0.0:add"),), ("freq",))
    assert (lpf.cls, lpf.inputs, lpf.values) == (LowPass, ("~lead/0:saw",), {"cutoff": 2000.0, "q": 0.7})

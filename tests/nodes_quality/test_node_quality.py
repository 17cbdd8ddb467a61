"""The quality bar of every node of the original's library (issue 17), one table: documented
parameters with units and ranges, output independent of the block size, exact state hand-over
(hot swap), NaN-safe, and bit-identical in the actor runtime's worker processes.

Add a row to CASES for a new node: (class, inputs, params, static arguments[, events]); an
event-driven node gets EVENTS (or the events given: `(sample, seconds[, value dict])`).
"""
import math

import numpy as np
import pytest

import phonon
from phonon.nodes.biquads import (BiquadBandPass, BiquadHighPass, BiquadLowPass, BiquadNotch,
                                  ParametricEq, Resonz)
from phonon.nodes.comb import Allpass, Comb
from phonon.nodes.filters import DJFilter, SvfBandPass, SvfHighPass, SvfLowPass, SvfNotch
from phonon.nodes.ladder import MoogLadder
from phonon.nodes.notesynth import SawTrig, SineTrig, SquareTrig, Synth, TriTrig
from phonon.nodes.strings import Pluck, Waveguide
from phonon.nodes.synths import SuperChip
from phonon.nodes.voice import Formant, Granular, PitchShift, Vocoder
from phonon.nodes.waves import (VCO, PM, Additive, Blip, Impulse, Organ, Phasor, SoftSaw,
                                Wavetable)
from phonon.plugins.testing import render_node
from phonon.runtime.options import RuntimeOptions

SR = 44100
N = 20000
t = np.arange(N) / SR
NOISE = np.random.default_rng(11).uniform(-0.5, 0.5, N).astype(np.float32)
TONE = (0.4 * np.sin(2 * np.pi * 220 * t) + 0.2 * np.sin(2 * np.pi * 1870 * t)).astype(np.float32)
SWEEP = 300.0 + 2500.0 * (1 + np.sin(2 * np.pi * 2 * t))          # a modulating signal (Hz)
STEPS = np.where(np.arange(N) % 5000 < 2500, 0.3, 0.7)             # a stepped pattern (0.3/0.7)
EVENTS = [(k * 3000 + 11, 0.05) for k in range(6)]
NOTES = [(k * 3000 + 11, 0.05, {"note": v}) for k, v in enumerate([0, 4, 7, "a4", -12, 19])] + \
    [(9011, 0.05, {"note": 2}), (9011, 0.05, {"note": 5, "gain": 0.5, "pan": -0.5})]

CASES = {
    "bq_lp": (BiquadLowPass, [NOISE], {"cutoff": SWEEP, "q": STEPS * 10}, {}),
    "bq_hp": (BiquadHighPass, [NOISE], {"cutoff": SWEEP}, {}),
    "bq_bp": (BiquadBandPass, [NOISE], {"cutoff": 1000.0, "q": STEPS * 5}, {}),
    "resonz": (Resonz, [NOISE], {"cutoff": SWEEP, "q": 30.0}, {}),
    "bq_notch": (BiquadNotch, [NOISE], {"cutoff": SWEEP}, {}),
    "parametric_eq": (ParametricEq, [NOISE], {"low_gain": 6.0, "mid_freq": SWEEP, "mid_gain": -8.0,
                                              "high_gain": STEPS * 10}, {}),
    "moog_ladder": (MoogLadder, [TONE], {"cutoff": SWEEP, "res": STEPS, "drive": 2.0, "mix": 0.8}, {}),
    "comb": (Comb, [NOISE], {"freq": SWEEP / 4, "feedback": STEPS + 0.2}, {}),
    "allpass": (Allpass, [NOISE], {"coef": STEPS - 0.5}, {}),
    "djf": (DJFilter, [TONE], {"v": np.sin(2 * np.pi * 3 * t) * 0.5 + 0.5}, {}),
    "svf_lp": (SvfLowPass, [NOISE], {"cutoff": SWEEP, "q": STEPS * 4}, {}),
    "svf_hp": (SvfHighPass, [NOISE], {"cutoff": SWEEP}, {}),
    "svf_bp": (SvfBandPass, [NOISE], {"cutoff": 1500.0, "q": 3.0}, {}),
    "svf_notch": (SvfNotch, [NOISE], {"cutoff": SWEEP}, {}),
    # -- sources
    "wavetable": (Wavetable, [], {"freq": SWEEP}, {"table": "saw"}),
    "additive": (Additive, [], {"freq": SWEEP / 4}, {"partials": "1 0.5 0 0.25"}),
    "organ": (Organ, [], {"freq": 220.0}, {}),
    "soft_saw": (SoftSaw, [], {"freq": SWEEP / 2}, {}),
    "blip": (Blip, [], {"freq": SWEEP / 10, "harmonics": STEPS * 20}, {}),
    "impulse": (Impulse, [], {"freq": SWEEP / 20}, {}),
    "pm": (PM, [], {"carrier": 440.0, "mod": np.sin(2 * np.pi * 110 * t), "index": STEPS * 3}, {}),
    "vco": (VCO, [], {"freq": SWEEP / 4, "wave": np.floor(np.arange(N) / 4000) % 4, "pw": STEPS}, {}),
    "phasor": (Phasor, [], {"speed": STEPS * 4}, {}),
    "superchip": (SuperChip, [], {"freq": SWEEP / 2, "vib_depth": STEPS / 10}, {}),
    "pluck": (Pluck, [], {"freq": 220.0, "damping": STEPS}, {"trig": "x"}),
    "waveguide": (Waveguide, [], {"freq": SWEEP / 4, "pickup": STEPS}, {}),
    "granular": (Granular, [TONE], {"grain_ms": 30.0, "density": STEPS * 60, "pitch": STEPS * 2}, {}),
    "pitch_shift": (PitchShift, [TONE], {"semitones": STEPS * 10}, {}),
    "vocoder": (Vocoder, [TONE, NOISE], {"attack": 0.002}, {"bands": 12}),
    "formant": (Formant, [NOISE], {"f1": SWEEP / 3, "bw2": 200.0}, {}),
    "synth": (Synth, [], {"attack": 0.002, "sustain": STEPS}, {"wave": "square"}, NOTES),
    "sine_trig": (SineTrig, [], {}, {}, NOTES),
    "saw_trig": (SawTrig, [], {"decay": 0.05, "sustain": 0.4}, {"voices": 3}, NOTES),
    "square_trig": (SquareTrig, [], {}, {}, NOTES),
    "tri_trig": (TriTrig, [], {"release": STEPS}, {}, NOTES),
}

#: one program per node kind (name -> call), rendered by both executors
PROGRAM_CALLS = {
    "bq_lp": "~n # bq_lp (sine 2 * 800 + 1200) 4", "bq_hp": "~n # rhpf 2000 2", "bq_bp": "~n # bq_bp 700 3",
    "resonz": "~n # resonz 1500 40", "bq_notch": "~n # bq_notch 1000 1",
    "parametric_eq": "eq ~n 100 6 1 1000 -6 2 8000 3 1", "moog_ladder": "moog_ladder ~saw 600 0.7",
    "comb": "~n # comb 220 0.95", "allpass": "~n # allpass 0.3", "djf": "~saw # djf (sine 0.5 * 0.5 + 0.5)",
    "svf_lp": "~saw # svf_lp 900 3", "svf_hp": "~n # svf_hp 3000 1", "svf_bp": "~n # svf_bp 800 4",
    "svf_notch": "~n # svf_notch 1000 2",
    "wavetable": 'wavetable 220 "square"', "additive": 'additive 110 "1 0.5 0.3"', "organ": "organ_hz 220",
    "soft_saw": "soft_saw_hz 110", "blip": "blip 110 20", "impulse": "impulse 8", "pm": "pm 440 (sine 110) 2",
    "vco": 'vco 110 "0 1 2 3"', "phasor": "phasor 4", "superchip": "superchip 330",
    "pluck": 'pluck 220 0.4 :trig "x*4"', "waveguide": 'waveguide "c3 e3" 0.3 0.3',
    "granular": "granular ~saw 40 30 1.5", "pitch_shift": "pitch_shift ~saw 7",
    "vocoder": "vocoder ~saw ~n 16", "formant": "formant ~saw 800 1150 2900 80 90 120",
    "synth": 'synth "c4 [e4,g4] a4" "tri" 0.01 0.1 0.5 0.2', "sine_trig": 'sine_trig "c4 e4"',
    "saw_trig": 'saw_trig "c3 g3" # gain 0.5 # pan -0.5', "square_trig": 'square_trig "<c3 e3>*4"',
    "tri_trig": 'tri_trig "c5 ~ g4"',
}


def events_of(name):
    case = CASES[name]
    if len(case) > 4:
        return case[4]
    return EVENTS if case[0].spec.event_param is not None else ()


def render(name, block=512, frames=N, start=0, inputs=None, params=None, node=None):
    cls, ins, prm, static = CASES[name][:4]
    events = events_of(name)
    return render_node(node or cls, frames=frames, inputs=ins if inputs is None else inputs,
                       params=prm if params is None else params, events=events, block=block,
                       static=static, start=start)


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_parameter_is_documented_with_its_range(name):
    spec = CASES[name][0].spec
    assert spec.name == name and len(spec.doc) > 20
    for p in spec.params:
        assert p.doc, f"{name}.{p.name} has no doc"
        if p.kind == "number":
            assert p.lo is not None or p.hi is not None, f"{name}.{p.name} has no range"


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_does_not_depend_on_the_block_size(name):
    small = render(name, block=64)
    large = render(name, block=4096)
    odd = render(name, block=333)
    assert np.abs(small).max() > 1e-3
    assert np.array_equal(small, large) and np.array_equal(small, odd)


def _cut(value, a, b):
    return value[a:b] if isinstance(value, np.ndarray) else value


@pytest.mark.parametrize("name", sorted(CASES))
def test_state_handover_continues_the_render_exactly(name):
    cls, ins, prm, static = CASES[name][:4]
    events = events_of(name)
    whole = render(name, block=256)
    cut = 7001
    first = cls(**static)
    first.prepare(SR, 256, 2)
    head = render(name, block=256, frames=cut, inputs=[x[:cut] for x in ins],
                  params={k: _cut(v, 0, cut) for k, v in prm.items()}, node=first)
    second = cls(**static)
    second.prepare(SR, 256, 2)
    second.load_state(first.state())
    tail = render_node(second, frames=N - cut, inputs=[x[cut:] for x in ins],
                       params={k: _cut(v, cut, N) for k, v in prm.items()},
                       events=[(e[0] - cut, *e[1:]) for e in events if e[0] >= cut], block=256,
                       start=cut)
    assert np.array_equal(np.concatenate([head, tail], axis=1), whole)


@pytest.mark.parametrize("name", sorted(CASES))
def test_nan_and_inf_in_the_input_or_a_parameter_never_reach_the_output(name):
    cls, ins, prm, static = CASES[name][:4]
    bad = [x.copy() for x in ins]
    for x in bad:
        x[3000:3010] = np.nan
        x[5000] = np.inf
    params = dict(prm)
    number = [p.name for p in cls.spec.params if p.kind == "number"]
    if number:
        first = number[0]
        value = np.broadcast_to(np.asarray(prm.get(first, cls.spec.param(first).default), float), (N,)).copy()
        value[8000:8100] = np.nan
        params[first] = value
    y = render(name, inputs=bad, params=params)
    assert np.isfinite(y).all()
    assert np.abs(y[:, -2000:]).max() > 1e-4                      # it recovers and plays on


@pytest.mark.parametrize("name", sorted(PROGRAM_CALLS))
def test_the_actor_runtime_renders_every_node_bit_identically(name):
    program = (f"tempo: 1\n~n: noise * 0.3\n~saw: saw 110 * 0.3\nout: ({PROGRAM_CALLS[name]}) * 0.5")
    inline = phonon.render(program, 0.3, block=512)
    actors = phonon.render(program, 0.3, block=512, workers=2, runtime=RuntimeOptions(placement="all"))
    assert np.abs(inline).max() > 1e-3 and math.isfinite(float(np.abs(inline).max()))
    np.testing.assert_array_equal(inline, actors)

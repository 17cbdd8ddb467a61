"""Envelopes of the original's library: cycle-synced adsr/ar/perc (ad), the triggered aliases
(tar, tadsr), env (once, then sustain), env_trig, struct, asr — envelope times to the sample —
and the chained forms `x # adsr ...` and `s "bd" # ar a r`."""
from __future__ import annotations

import numpy as np
import pytest

import phonon
from phonon.lang import compile_program
from phonon.nodes.envelopes import ADSR, AR, ASR, Env, EnvTrig, Perc, Struct
from phonon.plugins import default_registry
from tests.data_paths import CC0_KIT as KIT
from tests.nodes_fx.quality import (SR, check_block_size, check_documented, check_hot_swap,
                                    check_nan_safe, render)

EVENTS = [(k * 6000 + 37, 0.05, {"env_trig": "x", "struct": "t"}) for k in range(2)]


@pytest.mark.parametrize("cls", [Perc, AR, ADSR, ASR, Env, EnvTrig, Struct], ids=lambda c: c.spec.name)
def test_quality_bar(cls):
    check_documented(cls)
    params = {"gate": (np.arange(12000) % 4000 < 2000).astype(float)} if cls is ASR else None
    events = EVENTS if cls in (EnvTrig, Struct) else ()
    check_block_size(cls, params, events=events, cps=3.0)
    check_nan_safe(cls, params=params, events=events, cps=3.0)
    if not events:
        check_hot_swap(cls, params if params is None else {"gate": params["gate"][:9600]}, cps=3.0)


def test_the_originals_names_resolve():
    reg = default_registry()
    assert reg.get("ad") is Perc and reg.get("tar") is AR and reg.get("tadsr") is ADSR
    assert reg.get("envelope") is Env


# ----------------------------------------------------------------------------- cycle-synced
def test_adsr_without_a_pattern_starts_every_cycle_and_ends_its_release_at_the_cycle_end():
    a, d, s, r = 0.01, 0.05, 0.5, 0.2
    y = render(ADSR, 2 * SR, {"attack": a, "decay": d, "sustain": s, "release": r}, cps=1.0)[0]
    assert y[0] == 0.0 and y[int(a * SR)] == pytest.approx(1.0, abs=1e-9)
    assert y[int((a + d) * SR) + 1] == pytest.approx(s, abs=1e-6)
    gate_end = SR - int(r * SR)
    assert y[gate_end - 1] == pytest.approx(s, abs=1e-9)                 # still sustaining
    assert y[SR - 1] == pytest.approx(s / (r * SR), abs=1e-6)            # one step above 0
    assert y[SR] == 0.0 and y[SR + int(a * SR)] == pytest.approx(1.0, abs=1e-9)  # next cycle


def test_cycle_synced_onsets_follow_the_tempo():
    y = render(Perc, SR, {"attack": 0.0, "release": 0.01}, cps=4.0)[0]
    assert np.flatnonzero(y == 1.0).tolist() == [0, SR // 4, SR // 2, 3 * SR // 4]


def test_ad_is_attack_then_decay():
    y = render(Perc, SR // 2, {"attack": 0.01, "release": 0.1}, cps=1.0)[0]
    assert y[480] == pytest.approx(1.0)
    assert y[480 + 2400] == pytest.approx(0.5, abs=1e-6)
    assert y[480 + 4800 + 1] == 0.0


# ----------------------------------------------------------------------------- once / triggered
def test_env_fires_once_and_holds_the_sustain():
    x = np.ones((2, 2 * SR), dtype=np.float32)
    y = render(Env, 2 * SR, {"attack": 0.01, "decay": 0.1, "sustain": 0.4, "release": 0.2},
               inputs=[x], cps=1.0)[0]
    assert y[480] == pytest.approx(1.0, abs=1e-6)
    assert y[480 + 4800 + 1] == pytest.approx(0.4, abs=1e-6)
    assert np.all(np.abs(y[SR // 2:] - 0.4) < 1e-6)                    # no retrigger, no release


def test_env_trig_gates_the_input_per_event_and_skips_false_steps():
    x = np.full((2, SR), 0.5, dtype=np.float32)
    events = [(1000, 0.1, {"env_trig": "t"}), (20000, 0.1, {"env_trig": "f"}),
              (30000, 0.1, {"env_trig": 1})]
    y = render(EnvTrig, SR, {"attack": 0.0, "decay": 0.0, "sustain": 1.0, "release": 0.0},
               inputs=[x], events=events)[0]
    # release 0: the last sample of the gate still sounds, then one step to 0
    assert np.flatnonzero(y > 0).tolist() == list(range(1000, 1000 + 4801)) + \
        list(range(30000, 30000 + 4801))
    assert y.max() == 0.5


def test_struct_hits_only_true_steps_with_a_percussive_envelope():
    x = np.ones((2, SR), dtype=np.float32)
    events = [(0, 0.25, {"struct": "t"}), (12000, 0.25, {"struct": "f"}), (24000, 0.25, {"struct": "t"})]
    y = render(Struct, SR, {"attack": 0.0, "release": 0.05}, inputs=[x], events=events)[0]
    assert y[0] == 1.0 and y[12000] == 0.0 and y[24000] == 1.0
    assert y[1200] == pytest.approx(0.5, abs=1e-6)                      # half way down the release


def test_asr_rises_and_falls_with_its_gate_at_the_set_slopes():
    gate = np.zeros(SR)
    gate[1000:20000] = 1.0
    y = render(ASR, SR, {"gate": gate, "attack": 0.1, "release": 0.2})[0]
    assert y[1000] == 0.0 and y[1000 + 2400] == pytest.approx(0.5, abs=1e-6)
    assert y[1000 + 4800] == pytest.approx(1.0) and y[19999] == 1.0
    assert y[20000 + 4800] == pytest.approx(0.5, abs=1e-6) and y[20000 + 9600 + 1] == 0.0


# ----------------------------------------------------------------------------- chained forms
def test_a_chained_envelope_multiplies_its_input():
    chained = phonon.render("cps: 2\nout: saw 110 # adsr 0.01 0.1 0.5 0.2 * 0.5", 1.0, block=512)
    product = phonon.render("cps: 2\nout: saw 110 * adsr 0.01 0.1 0.5 0.2 * 0.5", 1.0, block=512)
    np.testing.assert_array_equal(chained, product)
    ir = compile_program("~b: saw 110\nout: ~b # ar 0.01 0.2")
    assert ir.nodes["out/0#1:mul"].inputs[0].node == "~b/0:saw"


def test_ar_after_a_sample_pattern_sets_each_voices_attack_and_release():
    a = phonon.render('out: s "bd*4" # ar 0.05 0.1', 2.0, samples=str(KIT))
    b = phonon.render('out: s "bd*4" # attack 0.05 # release 0.1', 2.0, samples=str(KIT))
    np.testing.assert_array_equal(a, b)
    plain = phonon.render('out: s "bd*4"', 2.0, samples=str(KIT))
    assert not np.array_equal(a, plain)


def test_a_number_first_is_a_time_a_string_first_is_the_pattern():
    ir = compile_program('out: adsr 0.01 0.1 0.7 0.2 + perc "x*4" 0.01 0.3')
    env = [n for n in ir.nodes.values() if n.kind == "adsr"][0]
    assert "trig" not in env.params and env.params["attack"].value == 0.01
    assert env.params["release"].value == 0.2
    perc = [n for n in ir.nodes.values() if n.kind == "perc"][0]
    assert perc.params["attack"].value == 0.01


def test_a_chain_envelope_in_a_bus_played_by_s_follows_each_note():
    """`~lead: sine 220 # adsr ...` played as an instrument: the chain's ADSR starts at each
    note's onset (not at the cycle start) and releases when the note's gate ends."""
    program = ('cps: 1\n~lead: sine 220 # adsr 0.05 0.1 0.5 0.1\n'
               'out: s "~ ~lead ~ ~" # attack 0.0001 # release 0.3')
    y = phonon.render(program, 1.0, block=512)[0]
    sr = 44100

    def peak(a, b):
        return float(np.abs(y[int(a * sr):int(b * sr)]).max())
    assert peak(0.0, 0.25) == 0.0
    assert peak(0.25, 0.2505) < 0.01                  # the attack starts at the note (0.25 s)
    assert peak(0.295, 0.305) == pytest.approx(1.0, abs=0.01)   # 1 after 50 ms
    assert peak(0.45, 0.49) == pytest.approx(0.5, abs=1e-3)     # sustain
    assert peak(0.62, 1.0) == 0.0                     # released 0.1 s after the 0.25 s gate
    ir = compile_program(program)
    poly = [n for n in ir.nodes.values() if n.kind == "poly"][0]
    assert poly.inputs == []                          # the envelope is the voice's, not shared

"""The example plugin packages, installed with pip, discovered through entry points and
played from Phonon programs (`fold` as an effect, `kspluck` as an event-driven instrument)."""
from __future__ import annotations

import numpy as np
import pytest

import phonon
from phonon.plugins import default_registry
from phonon.plugins.testing import render_node

from .plugin_fixtures import require_installed

SR = 44100


@pytest.fixture(scope="module")
def fold_cls():
    require_installed("phonon-fold")
    from phonon_fold import Fold
    return Fold


@pytest.fixture(scope="module")
def pluck_cls():
    require_installed("phonon-pluck")
    from phonon_pluck import Pluck
    return Pluck


def pitch(x: np.ndarray, near: float) -> float:
    """The strongest frequency within 10% of `near` (zero-padded FFT)."""
    n = x.size
    spectrum = np.abs(np.fft.rfft(x * np.hanning(n), 16 * n))
    hz = np.fft.rfftfreq(16 * n, 1.0 / SR)
    band = (hz > 0.9 * near) & (hz < 1.1 * near)
    return float(hz[band][np.argmax(spectrum[band])])


def test_entry_points_register_both_plugins_with_their_package(fold_cls, pluck_cls):
    reg = default_registry()
    assert reg.entry("fold").cls is fold_cls and reg.entry("fold").source == "phonon-fold"
    assert reg.entry("kspluck").cls is pluck_cls and reg.entry("kspluck").source == "phonon-pluck"
    assert not [c for c in reg.clashes if "'fold'" in c or "'kspluck'" in c]
    assert not [b for b in reg.broken if b.source in ("phonon-fold", "phonon-pluck")]
    assert [p.name for p in fold_cls.spec.params] == ["amount", "bias", "mix"]
    assert pluck_cls.spec.event_param.name == "notes"


def test_fold_in_a_program_is_the_node_applied_to_the_bus(fold_cls):
    dry = phonon.render("~x: saw 110 * 0.5\nout: ~x", 0.5, block=512)
    wet = phonon.render("~x: saw 110 * 0.5\nout: ~x # fold 0.7", 0.5, block=512)
    np.testing.assert_array_equal(wet, render_node(fold_cls, frames=dry.shape[1], inputs=[dry],
                                                   params={"amount": 0.7}))


def test_fold_transfer_curve_and_keywords_from_a_program(fold_cls):
    # amount 0.7 -> drive 7.3: 0.2 -> 1.46 -> 0.54; with :bias -0.2 -> 1.26 -> 0.74
    out = phonon.render("out: const 0.2 # fold 0.7", 0.05)
    assert out[0, -1] == pytest.approx(0.54, abs=1e-5)
    out = phonon.render("out: const 0.2 # fold 0.7 :bias -0.2", 0.05)
    assert out[0, -1] == pytest.approx(0.74, abs=1e-5)
    out = phonon.render("out: const 0.2 # fold :amount 0.7 :mix 0.5", 0.05)
    assert out[0, -1] == pytest.approx(0.5 * 0.2 + 0.5 * 0.54, abs=1e-5)


def test_a_patterned_fold_amount_changes_at_the_exact_onset(fold_cls):
    out = phonon.render('tempo: 1\nout: const 0.3 # fold "0 1"', 1.0)[0]
    u = 10.0 * float(np.float32(0.3))                      # amount 1: drive x10 -> 3.0000001
    assert np.all(out[1:22050] == np.float32(0.3))
    # the first sample after the step is the fold's mean over [0.3, 3]: (0.91 / 2) / 2.7
    assert out[22050] == pytest.approx(0.455 / 2.7, abs=1e-6)
    np.testing.assert_allclose(out[22051:], 1.0 - abs((u + 1.0) % 4.0 - 2.0), atol=1e-7)


@pytest.mark.parametrize("program, note", [('kspluck "7"', 7), ('kspluck "a4"', 9),
                                           ('kspluck "-12" 3', -12)])
def test_pluck_plays_the_pattern_s_notes_in_tune(pluck_cls, program, note):
    from phonon_pluck import note_to_freq
    out = phonon.render(f"tempo: 1\nout: {program}", 1.0)
    f0 = note_to_freq(note)
    assert 1200 * np.log2(pitch(out[0], f0) / f0) == pytest.approx(0.0, abs=0.5)


def test_pluck_events_land_on_their_samples_and_match_the_node(pluck_cls):
    out = phonon.render('tempo: 1\nout: kspluck "0 ~ 7 12" :decay 1.5 :damp 0.3', 1.0, block=512)
    events = [(0, 0.25, {"kspluck": 0.0}), (22050, 0.25, {"kspluck": 7.0}),
              (33075, 0.25, {"kspluck": 12.0})]
    alone = render_node(pluck_cls, frames=SR, events=events, params={"decay": 1.5, "damp": 0.3})
    np.testing.assert_array_equal(out, alone)


def test_pluck_reads_per_event_controls_merged_with_hash(pluck_cls):
    out = phonon.render('tempo: 1\nout: kspluck "x*2" # note "0 7" # gain 0.5 # pan -1', 1.0,
                        block=512)
    events = [(0, 0.5, {"note": 0, "gain": 0.5, "pan": -1}),
              (22050, 0.5, {"note": 7, "gain": 0.5, "pan": -1})]
    np.testing.assert_array_equal(out, render_node(pluck_cls, frames=SR, events=events))
    assert not out[1].any()                                  # hard left


def test_merging_a_control_keeps_the_pattern_s_own_values(pluck_cls):
    merged = phonon.render('tempo: 1\nout: kspluck "0 7" # gain 0.5', 1.0, block=512)
    plain = phonon.render('tempo: 1\nout: kspluck "0 7"', 1.0, block=512)
    np.testing.assert_array_equal(merged * 2, plain)


def test_both_plugins_in_one_chain(fold_cls, pluck_cls):
    program = 'tempo: 2\n~p: kspluck "0 3 7 12" * 0.4\nout: ~p # fold 0.3 # lpf 4000'
    strings = phonon.render('tempo: 2\nout: kspluck "0 3 7 12" * 0.4', 1.0, block=512)
    assert 0.2 < np.abs(strings).max() < 1.0                      # not clipped by the master
    folded = render_node(fold_cls, frames=SR, inputs=[strings], params={"amount": 0.3})
    from phonon.nodes.filters import LowPass
    expected = render_node(LowPass, frames=SR, inputs=[folded], params={"cutoff": 4000.0})
    np.testing.assert_allclose(phonon.render(program, 1.0, block=512), np.clip(expected, -1, 1),
                               atol=1e-6)


def test_a_bus_is_played_as_an_instrument(pluck_cls):
    # `s "~str*8" # note "0 3 7"`: the events (structure from the left, `s` removed) go to the
    # node bus ~str is; that is the same as giving the notes to the node directly.
    bus = phonon.render('tempo: 1\n~str: kspluck\nout: s "~str*8" # note "0 3 7"', 1.0)
    direct = phonon.render('tempo: 1\nout: kspluck "0 0 0 3 3 3 7 7"', 1.0)
    assert np.abs(direct).max() > 0.1
    np.testing.assert_array_equal(bus, direct)

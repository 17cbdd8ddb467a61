"""SuperDirt's sound module on a sample voice (DirtEvent.sc, core-synths.scd dirt_sample and
dirt_gate): pitch (note/up/octave/midinote/freq), accelerate, unit "c" and loopAt, sustain,
nudge, level (gain/amp/overgain/velocity/postgain), negative cut groups; and the effect path's
block-size independence and hot swap."""
from __future__ import annotations

import numpy as np
import pytest

from tests.superdirt.rig import SR, play_one, render, render_program, voice_node

LEFT = {"pan": -1}


def freq_between(y: np.ndarray, a: int, b: int) -> float:
    """Mean frequency of y[a:b] from its upward zero crossings (interpolated)."""
    seg = y[a:b]
    k = np.nonzero((seg[:-1] < 0) & (seg[1:] >= 0))[0]
    t = k + seg[k] / (seg[k] - seg[k + 1])
    return (len(t) - 1) / (t[-1] - t[0]) * SR


@pytest.mark.parametrize("controls,ratio", [({"note": 12}, 2.0), ({"up": 12}, 2.0),
                                            ({"octave": 6}, 2.0), ({"octave": 4}, 0.5),
                                            ({"midinote": 67}, 2 ** (7 / 12)),
                                            ({"freq": 523.2511306011972}, 2.0),
                                            ({"note": 7, "octave": 6}, 2 ** (19 / 12))])
def test_pitch_controls_scale_the_rate_by_freq_over_middle_c(bank, controls, ratio):
    """dirt_sample: rate = speed * freq / 60.midicps, freq = (note + octave*12).midicps."""
    from phonon.patterns.controls import canonical
    c = {canonical(k): v for k, v in controls.items()}
    y = play_one(bank, {"s": "sine1k", **LEFT, **c}, 20000)[0]
    assert freq_between(y, 1000, 8000) == pytest.approx(1000 * ratio, rel=1e-4)


def test_accelerate_ramps_the_rate_to_speed_times_one_plus_accelerate(bank):
    """calcTimeSpan: endSpeed = speed (1 + accelerate), reached over the sustain; sustain =
    duration / ((speed + endSpeed) / 2): a 1 s sample at accelerate 1 lasts 2/3 s."""
    y = play_one(bank, {"s": "sine1k", **LEFT, "accelerate": 1}, SR)[0]
    n = np.nonzero(y)[0][-1] + 1
    assert n == pytest.approx(SR / 1.5, abs=50)
    assert freq_between(y, 0, 1500) == pytest.approx(1000 * (1 + 750 / n), rel=0.01)
    assert freq_between(y, n - 1500, n) == pytest.approx(1000 * (2 - 750 / n), rel=0.01)
    down = play_one(bank, {"s": "sine1k", **LEFT, "accelerate": -0.5}, 2 * SR)[0]
    m = np.nonzero(down)[0][-1] + 1
    assert m == pytest.approx(SR / 0.75, abs=50)
    assert freq_between(down, m - 1500, m) == pytest.approx(1000 * (0.5 + 0.5 * 750 / m), rel=0.01)


def test_unit_c_fits_the_sample_to_a_cycle_as_loopat_does(dirt_root):
    """Tidal's loopAt 2: speed 1/2, unit "c": rate = 0.5 x 1.6 s x cps 0.5 = 0.4 (the issue's
    example): the 1 kHz sine sounds at 400 Hz and lasts 4 s = 2 cycles."""
    out = render_program('cps: 0.5\nout: s "<len16 ~>" $ loopAt 2\n', 5.0, dirt_root)
    y = out[0]
    last = np.nonzero(y)[0][-1] + 1
    assert last == pytest.approx(4 * SR, abs=2)
    assert freq_between(y, 10000, 3 * SR) == pytest.approx(400.0, rel=1e-4)


def test_unit_c_with_speed_one_plays_the_sample_in_one_cycle(dirt_root):
    out = render_program('cps: 1\nout: s "<len16 ~>" # unit "c"\n', 2.0, dirt_root)
    assert np.nonzero(out[0])[0][-1] + 1 == pytest.approx(SR, abs=2)
    assert freq_between(out[0], 1000, 40000) == pytest.approx(1600.0, rel=1e-4)


def test_sustain_cuts_the_voice_with_a_fadetime_fade(bank):
    """sustain 0.01 s: 441 frames, the last fadeTime (1 ms = 44 frames) faded."""
    y = play_one(bank, {"s": "dc", **LEFT, "sustain": 0.01}, 2000)[0]
    assert np.nonzero(y)[0][-1] == 440
    assert np.all(y[:441 - 44] == 0.5) and 0 < y[430] < 0.5
    short = play_one(bank, {"s": "dc", **LEFT, "sustain": 0.001}, 2000)[0]
    fade = round(0.001 * 0.19098 * SR)                                 # fadeTime <= 0.19 sustain
    assert np.nonzero(short)[0][-1] == 43 and np.all(short[:44 - fade] == 0.5)


def test_events_shorter_than_eight_frames_are_dropped(bank):
    assert not play_one(bank, {"s": "dc", **LEFT, "sustain": 5 / SR}, 100).any()


def test_nudge_delays_the_voice_by_seconds(bank):
    y = play_one(bank, {"s": "imp", **LEFT, "nudge": 0.01}, 2000, at=100)[0]
    assert np.nonzero(y)[0][0] == 100 + 441


@pytest.mark.parametrize("controls,level", [({"gain": 0.5}, 0.5), ({"amp": 0.5}, 0.5),
                                            ({"overgain": 0.5}, 1.5),
                                            ({"gain": 0.5, "overgain": 0.25, "amp": 2}, 1.5),
                                            ({"velocity": 0.5}, 0.5), ({"postgain": 0.25}, 0.25)])
def test_level_controls_in_phonons_linear_convention(bank, controls, level):
    """In a program, level = amp (1) x (gain + overgain) x velocity x postgain, linear."""
    y = play_one(bank, {"s": "dc", **LEFT, **controls}, 200)[0]
    assert y[100] == pytest.approx(0.5 * level, rel=1e-6)


def test_superdirt_convention_reads_gain_to_the_fourth_and_pan_zero_to_one():
    """For events from Tidal over OSC: level = amp (0.4) x (min(gain, 2) + overgain)^4, pan
    0..1 (0.5 the centre)."""
    from phonon.samples import PHONON, SUPERDIRT
    assert SUPERDIRT.level({"gain": 1.0}) == pytest.approx(0.4)
    assert SUPERDIRT.level({"gain": 3.0}) == pytest.approx(0.4 * 16)
    assert SUPERDIRT.level({"gain": 0.5, "overgain": 0.5, "amp": 1}) == pytest.approx(1.0)
    assert SUPERDIRT.pan({}) == 0.0 and SUPERDIRT.pan({"pan": 0}) == -1.0
    assert PHONON.pan({"pan": 0.5}) == 0.5 and PHONON.level({}) == 1.0


def test_a_negative_cut_group_stops_only_the_same_sample(bank):
    """DirtGateCutGroup: cut g < 0 releases only the voices of group g playing the same sample."""
    events = [(0, {"s": "dc", "cut": -1, **LEFT}, 1.0), (100, {"s": "imp", "cut": -1, **LEFT}, 1.0),
              (1000, {"s": "dc", "cut": -1, **LEFT}, 1.0)]
    y = render(voice_node(bank), events, 3000)[0]
    assert np.all(y[1100:3000] == 0.5)                       # the first dc was cut, not doubled
    events[1] = (100, {"s": "dc", "cut": 1, **LEFT}, 1.0)
    y2 = render(voice_node(bank), events, 3000)[0]
    assert np.all(y2[1100:3000] == 1.0)                      # group 1 is another group


EVERYTHING = {"vowel": "o", "shape": 0.4, "hcutoff": 80, "bandf": 900, "bandq": 2, "crush": 6,
              "coarse": 2, "cutoff": 3000, "resonance": 0.2, "attack": 0.002, "release": 0.05,
              "tremolorate": 5, "phaserrate": 1, "waveloss": 10, "squiz": 1.5, "fshift": 30,
              "triode": 0.3, "krush": 0.5, "octer": 0.5, "octersub": 0.3, "ring": 0.5,
              "ringf": 70, "ringdf": 40, "distort": 0.3, "djf": 0.4}


def events_with_effects() -> list:
    names = list(EVERYTHING)
    return [(97 * i + 13 * (i % 4), {"s": ["noise", "sine1k", "imp", "dc"][i % 4],
                                     **{k: EVERYTHING[k] for k in names[i % 7::3]},
                                     "pan": (i % 5) / 2 - 1, "speed": [1, -1.3, 0.8][i % 3],
                                     "cut": i % 3, "accelerate": 0.3 * (i % 2)}, 0.05)
            for i in range(40)]


def test_effect_voices_are_independent_of_the_block_size(bank):
    events = events_with_effects()
    small = render(voice_node(bank, voices=12), events, 12000, block=64)
    large = render(voice_node(bank, voices=12), events, 12000, block=4096)
    odd = render(voice_node(bank, voices=12), events, 12000, block=777)
    assert small.any() and np.array_equal(small, large) and np.array_equal(small, odd)


def test_hot_swap_hands_effect_voices_and_their_state_over(bank):
    events = events_with_effects()
    whole = render(voice_node(bank), events, 8192, block=1024)
    first = voice_node(bank)
    head = render(first, events, 4096, block=1024)
    successor = voice_node(bank)
    successor.prepare(SR, 1024, 2)
    successor.load_state(first.state())
    tail = render(successor, [], 4096, block=1024, prepare=False)
    assert np.array_equal(np.concatenate([head, tail], axis=1), whole)


def test_a_dry_voice_is_unchanged_by_effect_voices_next_to_it(bank):
    dry = play_one(bank, {"s": "sine1k", **LEFT}, 5000)
    both = render(voice_node(bank), [(0, {"s": "sine1k", **LEFT}, 1.0),
                                     (0, {"s": "noise", "pan": 1, "cutoff": 300}, 1.0)], 5000)
    assert np.array_equal(both[0], dry[0])

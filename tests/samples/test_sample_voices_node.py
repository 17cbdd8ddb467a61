"""The `s` node: sample-accurate onsets, exact levels, speed/note/begin/end/cut/legato/loop,
voice stealing, stereo, block-size independence and hot swap."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phonon.nodes.voices import SampleVoices
from phonon.plugins.api import Block, Params, Trigger
from phonon.plugins.registry import default_registry
from phonon.samples import SampleBank
from phonon.samples.voicepool import OFF, first_pass_frames

from .sample_rig import CC0_KIT, CENTRE, SR, last, make_test_root, onset, peak_hz, render

FADE = round(0.005 * SR)          # 220 frames: the fade of a voice stolen beyond the limit
DIRT_FADE = round(0.001 * SR)     # 44 frames: SuperDirt's fadeTime (cuts, sustain ends, begin)


def sine_in(n: int = DIRT_FADE) -> np.ndarray:
    """SuperDirt's gate fade-in (Env shape \\sin) over n frames."""
    return 0.5 - 0.5 * np.cos(np.pi * np.arange(n) / n)


def sine_out(n: int = DIRT_FADE) -> np.ndarray:
    """SuperDirt's gate fade-out over the last n frames of a voice."""
    return 0.5 - 0.5 * np.cos(np.pi * (n - np.arange(n)) / n)


@pytest.fixture(scope="module")
def bank(tmp_path_factory) -> SampleBank:
    return SampleBank([make_test_root(tmp_path_factory.mktemp("voice-samples"))], sr=SR)


def voice(bank, **static) -> SampleVoices:
    node = SampleVoices(**static)
    node.samples = bank
    return node


def play(bank, controls: dict, total: int, at: int = 0, duration: float = 0.5, **kw):
    return render(voice(bank), [(at, controls, duration)], total, **kw)


def db(x: np.ndarray, ref: np.ndarray) -> float:
    return 20 * math.log10(np.sqrt(np.mean(np.square(x, dtype=np.float64))) /
                           np.sqrt(np.mean(np.square(ref, dtype=np.float64))))


def test_registered_as_s_and_sound_with_event_pattern_and_voices():
    reg = default_registry()
    assert reg.entry("s").cls is SampleVoices and reg.entry("sound").cls is SampleVoices
    spec = SampleVoices.spec
    assert spec.event_param.name == "pattern"
    assert spec.param("voices").default == 256 and spec.param("voices").kind == "any"
    assert SampleVoices.resources == ("samples",)


@pytest.mark.parametrize("at", [0, 1, 511, 512, 777, 1500])
def test_first_sample_lands_exactly_on_the_trigger_offset(bank, at):
    out = play(bank, {"s": "ramp"}, 4096, at=at)
    assert onset(out[0]) == at and onset(out[1]) == at
    first = np.float64(np.float32(0.001))                  # the ramp's first value, not a later one
    assert out[0, at] == np.float32(first * CENTRE)


def test_speed_one_is_a_bit_exact_copy_scaled_by_the_gains(bank):
    x = bank.get("tone")[0]
    out = play(bank, {"s": "tone", "gain": 0.8}, x.size + 3000, at=100)
    expected = (x.astype(np.float64) * (0.8 * CENTRE)).astype(np.float32)
    assert np.array_equal(out[0, 100 : 100 + x.size], expected)
    assert np.array_equal(out[1, 100 : 100 + x.size], expected)
    assert not out[:, :100].any() and not out[:, 100 + x.size :].any()


@pytest.mark.parametrize("pan, left_db, right_db", [
    (0.0, -3.0103, -3.0103), (-1.0, 0.0, None), (1.0, None, 0.0), (-0.5, -0.6877, -8.3432),
])
def test_equal_power_pan_levels_in_db(bank, pan, left_db, right_db):
    x = bank.get("tone")[0]
    out = play(bank, {"s": "tone", "pan": pan}, x.size)
    for ch, want in ((0, left_db), (1, right_db)):
        if want is None:
            assert not out[ch].any()
        else:
            assert db(out[ch], x) == pytest.approx(want, abs=1e-3)


def test_stereo_sample_stays_stereo_and_pan_weights_its_channels(bank):
    st = bank.get("st")
    assert st.shape == (2, 4410)
    out = play(bank, {"s": "st"}, 4410)
    assert np.array_equal(out[0], (st[0].astype(np.float64) * CENTRE).astype(np.float32))
    assert np.array_equal(out[1], (st[1].astype(np.float64) * CENTRE).astype(np.float32))
    hard_left = play(bank, {"s": "st", "pan": -1}, 4410)
    assert np.array_equal(hard_left[0], st[0]) and not hard_left[1].any()


def test_speed_two_halves_the_length_and_reads_every_other_frame(bank):
    x = bank.get("ramp")[0]                                  # 2000 frames
    out = play(bank, {"s": "ramp", "speed": 2, "pan": -1}, 3000)
    assert last(out[0]) == 999
    assert np.array_equal(out[0, :1000], x[::2])


def test_negative_speed_plays_the_sample_reversed(bank):
    x = bank.get("ramp")[0]
    out = play(bank, {"s": "ramp", "speed": -1, "pan": -1}, 3000, at=50)
    assert np.array_equal(out[0, 50:2050], x[::-1])
    assert not out[0, 2050:].any()


def test_fractional_speed_interpolates_linearly(bank):
    x = bank.get("ramp")[0].astype(np.float64)
    out = play(bank, {"s": "ramp", "speed": 0.5, "pan": -1}, 5000)
    assert last(out[0]) == 3999                             # positions 0, .5, ..., 1999.5
    assert out[0, 1] == np.float32((x[0] + x[1]) / 2)
    assert np.allclose(out[0, :4000], np.interp(np.arange(4000) * 0.5, np.arange(2000), x))


def test_fractional_negative_speed_interpolates_the_reversed_sample(bank):
    x = bank.get("ramp")[0].astype(np.float64)[::-1]
    out = play(bank, {"s": "ramp", "speed": -0.75, "pan": -1}, 4000)
    n = math.ceil(2000 / 0.75)                                         # 2667 frames
    assert last(out[0]) == n - 1
    pos = np.minimum(np.arange(n) * 0.75, 1999)
    assert np.allclose(out[0, :n], np.interp(pos, np.arange(2000), x), rtol=0, atol=1e-7)


def test_reverse_loop_repeats_the_reversed_range(bank):
    """Backwards from frame 499 (inside the file: SuperDirt's 1 ms fade-in) to the file's first
    frame (its own end: no fade-out), twice."""
    x = bank.get("ramp")[0]
    out = play(bank, {"s": "ramp", "end": 0.25, "speed": -1, "loop": 2, "pan": -1}, 2000)
    want = np.tile(x[499::-1], 2).astype(np.float64)
    want[:DIRT_FADE] *= sine_in()
    assert np.allclose(out[0, :1000], want, rtol=0, atol=1e-7)
    assert np.array_equal(out[0, DIRT_FADE:1000], np.tile(x[499::-1], 2)[DIRT_FADE:])
    assert not out[0, 1000:].any()


def test_fractional_loop_wraps_continuously(bank):
    x = bank.get("ramp")[0].astype(np.float64)
    out = play(bank, {"s": "ramp", "speed": 1.5, "loop": 2, "pan": -1}, 4000)
    n = math.ceil(2 * 2000 / 1.5)                                      # 2667
    assert last(out[0]) == n - 1
    pos = (np.arange(n) * 1.5) % 2000
    expected = np.interp(pos, np.arange(2000), x)
    expected[pos > 1999] = x[1999]                                     # hold at the range end
    assert np.allclose(out[0, :n], expected, rtol=0, atol=1e-7)


@pytest.mark.parametrize("note, ratio", [(12, 2.0), (-12, 0.5), (7, 2 ** (7 / 12))])
def test_note_shifts_the_spectral_peak_by_semitones(bank, note, ratio):
    out = play(bank, {"s": "tone", "note": note, "pan": -1}, 20000)
    n = last(out[0]) + 1
    assert peak_hz(out[0, :n]) == pytest.approx(1000.0 * ratio, rel=2e-3)
    assert n == math.ceil(8820 / ratio)


def test_note_names_count_semitones_from_c4(bank):
    assert np.array_equal(play(bank, {"s": "tone", "note": "c5"}, 6000),
                          play(bank, {"s": "tone", "note": 12}, 6000))


def test_begin_end_play_the_slice(bank):
    """The slice starts and ends inside the file: SuperDirt's gate fades it in and out over
    fadeTime (1 ms, sine-shaped); in between the samples are copied exactly."""
    x = bank.get("ramp")[0]
    out = play(bank, {"s": "ramp", "begin": 0.25, "end": 0.75, "pan": -1}, 3000)
    assert np.array_equal(out[0, DIRT_FADE:1000 - DIRT_FADE], x[500 + DIRT_FADE:1500 - DIRT_FADE])
    assert np.allclose(out[0, :DIRT_FADE], x[500:500 + DIRT_FADE] * sine_in(), atol=1e-7)
    assert np.allclose(out[0, 1000 - DIRT_FADE:1000],
                       x[1500 - DIRT_FADE:1500] * sine_out(), atol=1e-7)
    assert not out[0, 1000:].any()


def test_loop_repeats_the_range(bank):
    x = bank.get("ramp")[0]
    out = play(bank, {"s": "ramp", "begin": 0.5, "loop": 3, "pan": -1}, 4000)
    assert np.array_equal(out[0, DIRT_FADE:3000], np.tile(x[1000:], 3)[DIRT_FADE:])
    assert not out[0, 3000:].any()


def test_cut_group_fades_the_previous_voice_of_the_group(bank):
    """SuperDirt's DirtGateCutGroup: the cut voice fades out linearly over its fadeTime."""
    events = [(0, {"s": "dc", "cut": 1, "pan": -1}, 1.0),
              (1000, {"s": "dc", "cut": 1, "pan": -1}, 1.0)]
    out = render(voice(bank), events, 12000)[0]
    k = np.arange(DIRT_FADE)
    assert np.allclose(out[1000 : 1000 + DIRT_FADE], 0.5 + 0.5 * (1 - k / DIRT_FADE))
    assert np.all(out[1000 + DIRT_FADE : 11000] == 0.5)                  # only the new one
    assert not out[11000:].any()
    both = [(0, {"s": "dc", "pan": -1}, 1), (1000, {"s": "dc", "pan": -1}, 1)]
    uncut = render(voice(bank), both, 12000)[0]
    assert np.all(uncut[1000:10000] == 1.0)                               # both overlap


def test_cut_only_affects_the_same_group(bank):
    events = [(0, {"s": "dc", "cut": 1, "pan": -1}, 1.0),
              (1000, {"s": "dc", "cut": 2, "pan": -1}, 1.0)]
    out = render(voice(bank), events, 12000)[0]
    assert np.all(out[1000:10000] == 1.0)


def test_legato_sustains_legato_times_duration_with_the_last_ms_faded(bank):
    """SuperDirt: sustain = legato x delta; the gate holds, then fades over fadeTime (1 ms)."""
    node = voice(bank)
    out = render(node, [(300, {"s": "dc", "legato": 0.5, "pan": -1}, 0.1)], 10000)[0]
    sustain = round(0.5 * 0.1 * SR)                                       # 2205 frames
    end = 300 + sustain
    assert np.all(out[300 : end - DIRT_FADE] == 0.5)
    assert np.allclose(out[end - DIRT_FADE : end], 0.5 * sine_out(), atol=1e-7)
    assert last(out) == end - 1
    assert node.active_voices() == 0


def test_attack_hold_release_are_superdirts_linen_envelope(bank):
    """Env.linen(attack, hold, release, 1, -3) from the onset (core-synths.scd dirt_envelope)."""
    att, hold, rel = 0.01 * SR, 0.005 * SR, 0.02 * SR                 # 441, 220.5, 882 frames
    out = play(bank, {"s": "dc", "attack": 0.01, "hold": 0.005, "release": 0.02, "pan": -1},
               12000)[0]
    t = np.arange(12000, dtype=np.float64)
    curve = lambda t, n: (1 - np.exp(-3 * t / n)) / (1 - np.exp(-3.0))
    env = np.where(t < att, curve(t, att), np.where(t < att + hold, 1.0,
                   np.where(t < att + hold + rel, 1 - curve(t - att - hold, rel), 0.0)))
    assert np.allclose(out, 0.5 * env, rtol=0, atol=1e-7)
    assert last(out) == int(att + hold + rel)                         # 1543: then silent


def test_release_alone_decays_from_the_onset(bank):
    """SuperDirt's envelope module: `release` without `attack` is linen(0, 0, release)."""
    out = play(bank, {"s": "dc", "release": 0.01, "pan": -1}, 2000)[0]
    assert out[0] == 0.5 and 0.0 < out[220] < 0.5 * 0.2 and not out[441:].any()


def test_pool_never_holds_more_than_its_voice_limit_and_steals_the_oldest(bank):
    node = voice(bank, voices=4)
    events = [(100 * i, {"s": "dc", "pan": -1}, 1.0) for i in range(10)]
    node.prepare(SR, 64, 2)
    counts = []
    out = np.zeros((2, 64), np.float32)
    for b in range(40):
        trigs = [Trigger(at - 64 * b, c, 0, d)
                 for at, c, d in events if 64 * b <= at < 64 * (b + 1)]
        node.process(Block(b, 64 * b, 64, SR, 1.0, 0.0, trigs), [], Params(), out)
        counts.append(node.active_voices())
    assert max(counts) == 4 and counts[-1] == 4
    # after the last steal's fade: exactly 4 voices of 0.5 sound
    full = render(voice(bank, voices=4), events, 3000)[0]
    assert np.all(full[900 + FADE : 3000] == 2.0)
    assert np.all(full[300:400] == 2.0)                                  # 4 voices before any steal


def test_voices_param_at_process_time_resizes_the_pool(bank):
    node = voice(bank)
    events = [(10 * i, {"s": "dc", "pan": -1}, 1.0) for i in range(8)]
    out = render(node, events, 1000, params=Params(voices=2))[0]
    assert node.max_voices == 2 and node.active_voices() == 2
    assert np.all(out[70 + FADE : 1000] == 1.0)


def test_shrinking_the_pool_fades_the_oldest_voices_at_once(bank):
    node = voice(bank)
    render(node, [(10 * i, {"s": "dc", "pan": -1}, 1.0) for i in range(8)], 512, block=512)
    assert node.active_voices() == 8
    out = render(node, [], 1024, block=512, params=Params(voices=3), prepare=False)[0]
    assert node.active_voices() == 3
    assert np.all(out[FADE:1024] == 1.5)


def test_output_is_independent_of_block_size(bank):
    events = [(37 * i + 5 * (i % 3), {"s": ["tone", "st", "ramp", "dc"][i % 4],
               "speed": [1, -1.5, 0.7, 2][i % 4], "note": i % 5, "pan": (i % 7) / 3.0 - 1,
               "gain": 0.3, "cut": i % 2,
               "legato": 0.4 if i % 3 == 0 else 0, "loop": 1 + i % 3, "begin": (i % 4) / 10,
               "attack": 0.001 * (i % 2), "release": 0.002 * (i % 3)}, 0.05) for i in range(60)]
    small = render(voice(bank, voices=6), events, 9000, block=64)
    large = render(voice(bank, voices=6), events, 9000, block=4096)
    assert np.array_equal(small, large) and small.any()


def test_n_and_colon_index_pick_a_file_modulo_the_count():
    kit = SampleBank([CC0_KIT], sr=SR)
    x = kit.get("bd", 1)
    for controls in ({"s": "bd", "n": 5}, {"s": "bd:1"}, {"s": "bd:3", "n": 1.7}):
        out = play(kit, controls, x.shape[1] + 100)
        expected = (x.astype(np.float64) * CENTRE).astype(np.float32)
        assert np.array_equal(out[:, : x.shape[1]], expected)


def test_unknown_name_is_silent_with_one_warning(bank):
    node = voice(bank)
    out = render(node, [(0, {"s": "tonee"}, 1), (100, {"s": "tonee"}, 1)], 1000)
    assert not out.any()
    assert [w for w in bank.warnings if "tonee" in w] == [
        "unknown sample 'tonee': playing silence (did you mean 'tone'?)"]


@pytest.mark.parametrize("controls", [{"s": "dc", "speed": 0}, {"s": "dc", "gain": 0},
                                      {"s": "dc", "begin": 0.4, "end": 0.4}, {"s": "~bus"},
                                      {"n": 1}, {"s": "dc", "loop": 0}])
def test_silent_events_start_no_voice(bank, controls):
    node = voice(bank)
    assert not render(node, [(0, controls, 1)], 600).any()
    assert node.active_voices() == 0


def test_end_before_begin_plays_the_slice_backwards(bank):
    """DirtEvent.orderTimeSpan: end < begin negates the speed."""
    x = bank.get("ramp")[0]
    out = play(bank, {"s": "ramp", "begin": 0.75, "end": 0.25, "pan": -1}, 3000)[0]
    assert np.array_equal(out[DIRT_FADE:1000 - DIRT_FADE], x[1499 - DIRT_FADE:499 + DIRT_FADE:-1])


def test_builtin_kit_plays_on_a_bank_without_roots():
    bank = SampleBank([], sr=SR)
    out = play(bank, {"s": "bd"}, 30000, at=10)
    bd = bank.get("bd")[0]
    expected = (bd.astype(np.float64) * CENTRE).astype(np.float32)
    assert np.array_equal(out[0, 10 : 10 + bd.size], expected)


def test_mono_output_sums_the_pan_pair_to_unity_at_centre(bank):
    x = bank.get("tone")[0]
    out = play(bank, {"s": "tone"}, x.size, channels=1)
    assert out.shape == (1, x.size)
    assert np.allclose(out[0], x, atol=1e-7)


def test_hot_swap_hands_sounding_voices_over(bank):
    events = [(0, {"s": "tone", "speed": 0.75}, 1), (900, {"s": "st", "pan": 0.3}, 1)]
    whole = render(voice(bank), events, 8192, block=1024)
    first = voice(bank)
    head = render(first, events, 2048, block=1024)
    successor = voice(bank)
    successor.prepare(SR, 1024, 2)
    successor.load_state(first.state())
    tail = render(successor, [], 8192 - 2048, block=1024, prepare=False)
    assert np.array_equal(np.concatenate([head, tail], axis=1), whole)


def test_dry_voices_then_effect_voices_across_a_hot_swap_and_silent_blocks(bank):
    """The pool keeps no effect rows and no tape until a voice with effects starts (issue 19)
    and skips its kernel after a silent block: a dry voice, silence, a hot swap, then a voice
    with effects (the phaser's on a tape) sound exactly as in one uninterrupted render."""
    effects = {"s": "st", "crush": 4, "cutoff": 900, "phaserrate": 2, "phaserdepth": 0.5}
    events = [(0, {"s": "tone"}, 1), (5000, effects, 1)]
    whole = render(voice(bank), events, 16384, block=512)
    first = voice(bank)
    head = render(first, events[:1], 3072, block=512)
    assert first.pool.vp.shape[0] == 0                   # dry so far: no effect rows
    assert first.pool.tapes.shape[0] == 0                # nor a tape
    successor = voice(bank)
    successor.prepare(SR, 512, 2)
    successor.load_state(first.state())
    later = [(5000 - 3072, events[1][1], 1)]
    tail = render(successor, later, 16384 - 3072, block=512, prepare=False)
    assert successor.pool.vp.shape[0] == successor.pool.capacity
    assert successor.pool.tapes.shape[0] == 1
    assert np.array_equal(np.concatenate([head, tail], axis=1), whole)
    assert np.any(whole[:, 5000:] != 0.0)


def test_state_before_prepare_is_adopted_by_prepare(bank):
    first = voice(bank)
    render(first, [(0, {"s": "dc"}, 1)], 512)
    successor = voice(bank)
    successor.load_state(first.state())
    successor.prepare(SR, 512, 2)
    assert successor.active_voices() == 1


def test_resampled_sample_keeps_its_pitch(tmp_path):
    from .sample_rig import sine, write
    write(tmp_path, "tone", "a.wav", sine(1000.0, 0.2, sr=44100))
    bank48 = SampleBank([tmp_path], sr=48000)
    out = render(voice(bank48), [(0, {"s": "tone", "pan": -1}, 1)], 12000, sr=48000)[0]
    assert last(out) + 1 == 9600                                         # 0.2 s at 48 kHz
    assert peak_hz(out[:9600], sr=48000) == pytest.approx(1000.0, rel=1e-3)


def test_a_stolen_voice_fades_out_linearly_instead_of_clicking(bank):
    events = [(0, {"s": "dc", "pan": -1}, 1.0), (1000, {"s": "dc", "pan": -1}, 1.0)]
    out = render(voice(bank, voices=1), events, 12000)[0]
    k = np.arange(FADE)
    assert np.allclose(out[1000 : 1000 + FADE], 0.5 + 0.5 * (1 - k / FADE))
    assert np.all(out[1000 + FADE : 11000] == 0.5)


def test_bursts_beyond_the_slot_count_grow_the_pool_without_changing_the_sound(bank):
    events = [(3 * i, {"s": "dc", "pan": -1, "gain": 0.01 * (i % 7 + 1)}, 1.0) for i in range(400)]
    big = voice(bank, voices=8)
    out_big = render(big, events, 4096, block=4096)
    assert big.pool.capacity > 8 + 64 and big.active_voices() == 8
    out_small = render(voice(bank, voices=8), events, 4096, block=64)
    assert np.array_equal(out_big, out_small)


@settings(max_examples=300, deadline=None)
@given(st.floats(0.01, 10.0), st.integers(1, 100000))
def test_first_pass_frames_is_the_first_wrap(rate, span):
    tt = first_pass_frames(rate, span)
    assert rate * (tt - 1) < span <= rate * tt


def test_voices_of_another_bank_are_not_taken_over(bank, tmp_path):
    first = voice(bank)
    render(first, [(0, {"s": "dc"}, 1)], 512)
    other = voice(SampleBank([make_test_root(tmp_path)], sr=SR))
    other.prepare(SR, 512, 2)
    other.load_state(first.state())
    assert other.active_voices() == 0


def test_a_voice_pointing_outside_the_arena_is_dropped_not_read(bank):
    node = voice(bank)
    render(node, [(0, {"s": "dc"}, 1)], 512)
    node.pool.vi[OFF, 0] = bank.arena.size          # corrupt: beyond the arena
    out = render(node, [], 512, prepare=False)
    assert not out.any() and node.active_voices() == 0


def test_stereo_sample_at_fractional_speed_interpolates_each_channel(bank):
    st = bank.get("st").astype(np.float64)
    out = play(bank, {"s": "st", "speed": 0.6, "pan": 0.5}, 8000)
    n = math.ceil(4410 / 0.6)
    pos = np.minimum(np.arange(n) * 0.6, 4409)
    angle = 1.5 * math.pi / 4
    for ch, g in ((0, math.cos(angle)), (1, math.sin(angle))):
        expected = np.interp(pos, np.arange(4410), st[ch]) * g
        assert np.allclose(out[ch, :n], expected, rtol=0, atol=1e-7)
        assert last(out[ch]) == n - 1


def test_works_with_the_shared_render_node_harness():
    from phonon.plugins.testing import render_node

    node = voice(SampleBank([], sr=SR))
    node.prepare(SR, 256, 2)
    out = render_node(node, frames=30000, block=256, events=[(123, 0.5, {"s": "cp", "n": 1})])
    cp = SampleBank([], sr=SR).get("cp", 1)[0]
    assert onset(out[0]) == 123
    expected = (cp.astype(np.float64) * CENTRE).astype(np.float32)
    assert np.array_equal(out[0, 123 : 123 + cp.size], expected)
    assert not out[:, 123 + cp.size :].any()


def test_voice_limit_is_clamped_to_1_through_4096(bank):
    assert voice(bank, voices=0).max_voices == 1
    assert voice(bank, voices=10**6).max_voices == 4096
    assert voice(bank, voices="8").max_voices == 8

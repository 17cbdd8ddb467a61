"""DirtEngine: events land on the frame their timetag maps to, with SuperDirt's level and pan,
on their orbit, whatever the block size; late, unknown and flooding events are counted."""
from __future__ import annotations

import math

import numpy as np
import pytest
import soundfile as sf

from phonon.dirt.clock import StreamClock
from phonon.dirt.engine import DirtEngine
from phonon.dirt.events import decode
from phonon.samples import SampleBank

SR = 44100
T0 = 1_800_000_000.0          # wall time of ring frame 0


@pytest.fixture
def bank(tmp_path):
    """`step`: 200 frames of 0.5 (onsets are exact, levels readable); `two`: 2 files, 0.25
    and 0.75."""
    for name, values in (("step", [0.5]), ("two", [0.25, 0.75])):
        (tmp_path / name).mkdir()
        for i, v in enumerate(values):
            sf.write(tmp_path / name / f"{i}.wav", np.full(200, v, np.float32), SR,
                     subtype="FLOAT")
    return SampleBank([tmp_path], sr=SR, builtin=False)


def engine(bank, block=256, **kw) -> DirtEngine:
    clock = StreamClock(SR)
    clock.stamp(0, T0)
    return DirtEngine(bank, SR, block, clock=clock, **kw)


def play(eng: DirtEngine, seconds: float, *events, block=None) -> np.ndarray:
    for t, args in events:
        eng.submit(decode(tuple(args), None if t is None else T0 + t, eng.n_orbits))
    n = int(seconds * SR)
    out = []
    while sum(o.shape[1] for o in out) < n:
        out.append(eng.render(block).copy())
    return np.concatenate(out, axis=1)[:, :n]


def onsets(x: np.ndarray) -> list[int]:
    loud = np.abs(x) > 1e-6
    return np.flatnonzero(loud & ~np.concatenate([[False], loud[:-1]])).tolist()


@pytest.mark.parametrize("block", [64, 256, 1000])
def test_events_start_on_the_frame_their_timetag_names(bank, block):
    times = [0.05, 0.05 + 1 / 3, 0.05 + 2 / 3, 0.3001]
    out = play(engine(bank, block), 1.0, *[(t, ["s", "step"]) for t in times])
    assert onsets(out[0]) == sorted(round(t * SR) for t in times)


def test_the_output_does_not_depend_on_the_block_size(bank):
    events = [(0.01 * k, ["s", "two", "n", k, "speed", 1 + k / 7, "pan", k / 9])
              for k in range(10)]
    a = play(engine(bank, 64), 0.3, *events)
    b = play(engine(bank, 512), 0.3, *events)
    assert np.array_equal(a, b)


def test_superdirt_level_and_pan(bank):
    """amp 0.4 x (min(gain, 2) + overgain)^4, pan 0..1 equal power (0.5 = centre)."""
    out = play(engine(bank), 0.5, (0.0, ["s", "step"]), (0.1, ["s", "step", "gain", 1.2]),
               (0.2, ["s", "step", "pan", 0.0]), (0.3, ["s", "step", "gain", 3.0, "pan", 1.0]),
               (0.4, ["s", "step", "gain", 0.5, "overgain", 0.5, "amp", 1.0]))
    at = [round(t * SR) + 10 for t in (0.0, 0.1, 0.2, 0.3, 0.4)]
    c = math.sqrt(0.5)
    expect_l = [0.5 * 0.4 * c, 0.5 * 0.4 * 1.2 ** 4 * c, 0.5 * 0.4, 0.0, 0.5 * c]
    expect_r = [0.5 * 0.4 * c, 0.5 * 0.4 * 1.2 ** 4 * c, 0.0, 0.5 * 0.4 * 16, 0.5 * c]
    np.testing.assert_allclose(out[0, at], expect_l, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(out[1, at], expect_r, rtol=1e-6, atol=1e-7)


def test_n_picks_the_file_and_wraps(bank):
    out = play(engine(bank), 0.1, (0.0, ["s", "two", "n", 3.0, "pan", 0.0, "amp", 1.0]),
               (0.05, ["sound", "two:2", "pan", 0.0, "amp", 1.0]))
    assert out[0, 10] == pytest.approx(0.75)      # n 3 of 2 files: file 1
    assert out[0, round(0.05 * SR) + 10] == pytest.approx(0.25)    # sound "two:2": file 0


def test_orbits_go_to_their_own_channels(bank):
    eng = engine(bank, orbits=3, channels=6)
    out = play(eng, 0.1, (0.0, ["s", "step", "orbit", 1]), (0.05, ["s", "step", "orbit", 5]))
    assert out.shape[0] == 6
    assert onsets(out[2]) == [0] and onsets(out[3]) == [0]           # orbit 1
    assert onsets(out[4]) == [round(0.05 * SR)]                       # orbit 5 wraps to 2
    assert not out[[0, 1]].any()


def test_stereo_mix_sums_the_orbits(bank):
    out = play(engine(bank, orbits=3), 0.01, (0.0, ["s", "step", "orbit", 0]),
               (0.0, ["s", "step", "orbit", 2]))
    assert out.shape[0] == 2
    assert out[0, 5] == pytest.approx(2 * 0.5 * 0.4 * math.sqrt(0.5))


def test_cut_groups_act_per_orbit(bank):
    eng = engine(bank)
    out = play(eng, 0.02, (0.0, ["s", "step", "cut", 1, "pan", 0.0, "amp", 1.0]),
               (0.0, ["s", "step", "cut", 1, "pan", 0.0, "amp", 1.0, "orbit", 1]),
               (50 / SR, ["s", "step", "cut", 1, "pan", 0.0, "amp", 1.0]))
    # the third voice cuts the first (same orbit, fading over 1 ms), not the second
    assert out[0, 40] == pytest.approx(1.0)
    assert out[0, 50 + 44 + 5] == pytest.approx(1.0)    # the first has faded out
    assert out[0, 199] == pytest.approx(1.0)            # the orbit-1 voice still plays


def test_late_events_play_at_once_and_are_counted(bank):
    eng = engine(bank)
    play(eng, 0.5)
    now = eng.position
    out = play(eng, 0.1, (0.2, ["s", "step"]), (None, ["s", "step", "orbit", 1]))
    assert onsets(out[0]) == [0]
    assert eng.counters.late == 1                         # the timetag-less one is not late
    assert eng.counters.lateness[-1] == (now - round(0.2 * SR)) / SR


def test_unknown_sounds_warn_once_and_count(bank):
    eng = engine(bank)
    out = play(eng, 0.05, (0.0, ["s", "nope"]), (0.01, ["s", "nope"]), (0.02, ["n", 1]))
    assert not out.any()
    assert eng.counters.no_sound == 3
    assert [w for w in bank.warnings if "nope" in w] == [bank.warnings[0]]


def test_a_flood_is_bounded_by_the_voice_pool(bank):
    eng = engine(bank, max_voices=16)
    play(eng, 100 / SR, *[(0.0, ["s", "step"]) for _ in range(1000)], block=100)
    assert eng.active_voices() == 16
    assert eng.counters.flooded == 1000 - 16
    assert eng.counters.played == 16


def test_lag_delays_and_nudge_is_ignored(bank):
    out = play(engine(bank), 0.2, (0.0, ["s", "step", "lag", 0.01, "nudge", 0.05]))
    assert onsets(out[0]) == [round(0.01 * SR)]


def test_events_wait_for_the_clock(bank):
    eng = DirtEngine(bank, SR, 256, clock=StreamClock(SR))
    eng.submit(decode(("s", "step"), T0 + 0.01, 12))
    assert not eng.render().any()                  # no stamp yet: the event waits
    eng.clock.stamp(256, T0 + 256 / SR)
    out = play(eng, 0.02)
    assert onsets(out[0]) == [round(0.01 * SR) - 256]

"""SuperDirt's synth names over OSC: `s "superkick"` plays Phonon's `superkick` node, one
voice per event, on its exact frame, with SuperDirt's pitch, level, pan and length; a sample
folder of the same name wins (SuperDirt looks samples up first); unknown names warn once."""
from __future__ import annotations

import math

import numpy as np
import pytest
import soundfile as sf

from phonon.dirt.clock import StreamClock
from phonon.dirt.engine import DirtEngine
from phonon.dirt.events import decode
from phonon.plugins import Block, Params, Trigger, default_registry
from phonon.samples import SampleBank

SR = 44100
T0 = 1_800_000_000.0
C5 = 261.6255653005986


@pytest.fixture
def bank(tmp_path):
    (tmp_path / "step").mkdir()
    sf.write(tmp_path / "step" / "0.wav", np.full(200, 0.5, np.float32), SR, subtype="FLOAT")
    return SampleBank([tmp_path], sr=SR, builtin=False)


def engine(bank, block=256) -> DirtEngine:
    clock = StreamClock(SR)
    clock.stamp(0, T0)
    return DirtEngine(bank, SR, block, clock=clock)


def play(eng: DirtEngine, seconds: float, *events, block=None) -> np.ndarray:
    for t, args in events:
        eng.submit(decode(tuple(args), T0 + t, eng.n_orbits))
    n = int(seconds * SR)
    out = []
    while sum(o.shape[1] for o in out) < n:
        out.append(eng.render(block).copy())
    return np.concatenate(out, axis=1)[:, :n]


def first_loud(x: np.ndarray) -> int:
    return int(np.flatnonzero(np.abs(x) > 1e-9)[0])


def last_loud(x: np.ndarray) -> int:
    return int(np.flatnonzero(np.abs(x) > 1e-9)[-1])


def peak_hz(x: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft((x - x.mean()) * np.hanning(x.size)))
    spectrum[:round(30 * x.size / SR)] = 0.0              # below 30 Hz: the pulse's DC
    return float(np.argmax(spectrum) * SR / x.size)


def kick_node(frames: int) -> np.ndarray:
    """Phonon's `superkick` node hit once at frame 0, rendered on its own."""
    cls = default_registry().get("superkick")
    kick = cls()
    kick.prepare(SR, frames, 1)
    out = np.zeros((1, frames), np.float32)
    values = {p.name: p.default for p in cls.spec.params if p.kind != "events"}
    kick.process(Block(0, 0, frames, SR, 0.5, 0.0, [Trigger(0, {}, 0, 1.0)]), [],
                 Params(**values, trig="voice"), out)
    return out[0]


def test_superkick_is_phonons_superkick_at_superdirts_level_on_its_frame(bank):
    at = 0.05 + 37 / SR
    out = play(engine(bank), 0.5, (at, ["s", "superkick", "sustain", 0.2, "cps", 0.5]))
    start = round(at * SR)
    # the voice's envelope is 0 on its first frame (the poly's rise; a drum has no fade-in)
    assert first_loud(out[0]) == start + 1
    gate = round(0.2 * SR)
    expected = kick_node(gate) * 0.4 * math.cos(math.pi / 4)   # amp 0.4, centre pan
    np.testing.assert_allclose(out[0, start + 1:start + gate], expected[1:], atol=1e-6)
    np.testing.assert_allclose(out[1, start + 1:start + gate], expected[1:], atol=1e-6)
    # then a 10 ms release, then silence
    assert last_loud(out[0]) < start + gate + round(0.01 * SR) + 1


def test_a_pitched_synth_plays_superdirts_note_n_and_octave(bank):
    for args, hz in ((["s", "superpwm"], C5), (["s", "superpwm", "note", 7], C5 * 2 ** (7 / 12)),
                     (["s", "superpwm", "n", 12], 2 * C5),
                     (["s", "superpwm", "octave", 4], C5 / 2),
                     (["s", "superfm", "midinote", 69], 440.0),
                     (["s", "superpwm", "freq", 300.0], 300.0),
                     (["s", "superpiano", "n", 7], C5 * 2 ** (7 / 12)),
                     (["s", "superpiano", "note", -12], C5 / 2)):
        out = play(engine(bank), 1.0, (0.0, args + ["sustain", 1.0]))
        assert abs(peak_hz(out[0, 4410:44100]) - hz) < 1.5, (args, peak_hz(out[0]))


def test_a_drum_keeps_its_tuning_and_a_note_transposes_it(bank):
    plain = play(engine(bank), 0.3, (0.0, ["s", "superkick", "sustain", 0.3]))
    octave = play(engine(bank), 0.3, (0.0, ["s", "superkick", "n", 12, "sustain", 0.3]))
    # the sweep ends on the kick's own 55 Hz, an octave up with n 12
    tail = slice(round(0.15 * SR), round(0.29 * SR))
    crossings = [np.count_nonzero(np.diff(np.signbit(x[0, tail]))) for x in (plain, octave)]
    seconds = 0.14
    assert abs(crossings[0] / 2 / seconds - 55.0) < 8
    assert abs(crossings[1] / 2 / seconds - 110.0) < 12


def test_gain_pan_and_length_follow_superdirt(bank):
    out = play(engine(bank), 1.0, (0.0, ["s", "supersaw", "gain", 0.5, "pan", 1.0,
                                         "legato", 0.5, "delta", 0.4]))
    assert np.all(out[0] == 0.0)                          # pan 1: all right
    full = play(engine(bank), 1.0, (0.0, ["s", "supersaw", "pan", 1.0, "legato", 0.5,
                                          "delta", 0.4]))
    mid = slice(round(0.05 * SR), round(0.15 * SR))
    ratio = np.abs(out[1, mid]).max() / np.abs(full[1, mid]).max()
    assert ratio == pytest.approx(0.5 ** 4, rel=1e-4)     # SuperDirt's gain curve
    gate = round(0.5 * 0.4 * SR)                          # legato x delta
    assert gate <= last_loud(out[1]) < gate + round(0.01 * SR) + 1


def test_synth_voices_do_not_depend_on_the_block_size(bank):
    events = [(0.01 + i * 0.0731, ["s", name, "n", i % 5, "sustain", 0.1, "vowel", "a"])
              for i, name in enumerate(["superkick", "supersaw", "superhat", "supersnare",
                                        "superpiano"] * 2)]
    outs = [play(engine(bank, block), 0.8, *events, block=block) for block in (64, 256, 1000)]
    for other in outs[1:]:
        np.testing.assert_array_equal(outs[0], other)


def test_a_sample_folder_of_the_same_name_wins(tmp_path):
    (tmp_path / "superkick").mkdir()
    sf.write(tmp_path / "superkick" / "0.wav", np.full(300, 0.5, np.float32), SR,
             subtype="FLOAT")
    eng = engine(SampleBank([tmp_path], sr=SR, builtin=False))
    out = play(eng, 0.1, (0.0, ["s", "superkick"]))
    assert np.flatnonzero(out[0]).size == 300               # the sample, not the drum


def test_unknown_names_warn_once_and_play_nothing(bank):
    eng = engine(bank)
    out = play(eng, 0.3, *[(0.01 * i, ["s", "superzzz"]) for i in range(5)])
    assert not out.any()
    assert eng.counters.no_sound == 5
    assert [w for w in bank.warnings if "superzzz" in w] == [bank.warnings[0]]


def test_superpiano_partials_are_a_stiff_strings_and_high_ones_die_sooner():
    cls = default_registry().get("superpiano")
    piano = cls()
    frames = SR
    piano.prepare(SR, frames, 1)
    values = {p.name: p.default for p in cls.spec.params if p.kind != "events"}
    values.update(freq=110.0, detune=0.0)
    out = np.zeros((1, frames), np.float32)
    piano.process(Block(0, 0, frames, SR, 0.5, 0.0, [Trigger(0, {}, 0, 1.0)]), [],
                  Params(**values, trig="voice"), out)
    x = out[0].astype(np.float64)
    b = 4.0e-4
    for k in (1, 3, 6):                                  # f_k = k f sqrt(1 + B k^2)
        fk = k * 110.0 * math.sqrt(1 + b * k * k)
        window = slice(0, SR // 2)
        spectrum = np.abs(np.fft.rfft(x[window] * np.hanning(SR // 2)))
        lo, hi = round((fk - 15) * 0.5), round((fk + 15) * 0.5)
        assert abs(np.argmax(spectrum[lo:hi]) + lo - fk * 0.5) <= 1, k
    def level(k: int, part: slice) -> float:
        y = x[part]
        t = np.arange(y.size) / SR
        fk = k * 110.0 * math.sqrt(1 + b * k * k)
        return abs(np.sum(y * np.exp(-2j * np.pi * fk * t))) / y.size
    early, late = slice(0, 4410), slice(SR // 2, SR // 2 + 4410)
    assert level(6, late) / level(6, early) < level(1, late) / level(1, early)

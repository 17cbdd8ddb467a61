"""Unit tests of the `kspluck` node, rendered with `phonon.plugins.testing.render_node`."""
from __future__ import annotations

import numpy as np
import pytest

from phonon.plugins.testing import render_node
from phonon_pluck import Pluck, note_to_freq

SR = 44100


def pitch(x: np.ndarray, near: float, sr: int = SR) -> float:
    """The strongest frequency within 10% of `near` (zero-padded FFT, 1/16 Hz resolution)."""
    n = x.size
    spectrum = np.abs(np.fft.rfft(x * np.hanning(n), 16 * n))
    hz = np.fft.rfftfreq(16 * n, 1.0 / sr)
    band = (hz > 0.9 * near) & (hz < 1.1 * near)
    return float(hz[band][np.argmax(spectrum[band])])


def cents(f: float, ref: float) -> float:
    return 1200.0 * np.log2(f / ref)


def test_note_zero_is_middle_c():
    assert note_to_freq(0) == pytest.approx(261.6255653)
    assert note_to_freq(9) == pytest.approx(440.0)
    assert note_to_freq(-12) == pytest.approx(130.8127827)


@pytest.mark.parametrize("note", [-12, 0, 7, 12, 19, 24])
def test_the_string_is_in_tune(note):
    out = render_node(Pluck, frames=SR, events=[(0, 0.5, {"note": note})], params={"decay": 4.0})
    assert abs(cents(pitch(out[0], note_to_freq(note)), note_to_freq(note))) < 0.5


def test_note_names_and_freq_controls():
    a4 = render_node(Pluck, frames=SR, events=[(0, 0.5, {"note": "a4"})])
    assert pitch(a4[0], 440.0) == pytest.approx(440.0, abs=0.15)
    hz = render_node(Pluck, frames=SR, events=[(0, 0.5, {"freq": 100.0, "note": 5})])
    assert pitch(hz[0], 100.0) == pytest.approx(100.0, abs=0.1)


@pytest.mark.parametrize("decay", [1.0, 2.0])
def test_the_fundamental_falls_60_db_per_decay_time(decay):
    f0 = note_to_freq(9)
    x = render_node(Pluck, frames=3 * SR, events=[(0, 0.5, {"note": 9})],
                    params={"decay": decay})[0]

    def level(t0: float) -> float:
        w = x[int(t0 * SR):int(t0 * SR) + SR // 4]
        return abs(np.sum(w * np.exp(-2j * np.pi * f0 * np.arange(w.size) / SR)))

    drop_db = 20 * np.log10(level(0.75 * decay) / level(0.25 * decay))
    assert drop_db == pytest.approx(-30.0, abs=0.1)


def test_a_voice_starts_exactly_at_its_onset_and_stops_after_decay():
    out = render_node(Pluck, frames=SR, events=[(1234, 0.1, {"note": 0})],
                      params={"decay": 0.3})
    assert not out[:, :1234].any()
    assert out[0, 1234] != 0.0
    stop = 1234 + int(np.ceil(0.3 * 4 / 3 * SR))             # -80 dB: the voice is freed
    assert not out[:, stop:].any()
    assert np.abs(out[0, stop - 500:stop]).max() < 1e-4


def test_gain_and_equal_power_pan():
    full = render_node(Pluck, frames=4096, events=[(0, 0.1, {"note": 0})])
    half = render_node(Pluck, frames=4096, events=[(0, 0.1, {"note": 0, "gain": 0.5})])
    np.testing.assert_array_equal(half * 2, full)
    left = render_node(Pluck, frames=4096, events=[(0, 0.1, {"note": 0, "pan": -1})])
    assert not left[1].any()
    np.testing.assert_allclose(left[0], full[0] * np.sqrt(2), rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(full[0], full[1])          # centre: 0.7071 on each side


def test_polyphony_and_stealing_the_oldest_voice():
    events = [(0, 1, {"note": 0}), (4410, 1, {"note": 12}), (8820, 1, {"note": 24})]
    node = Pluck(voices=2)
    node.prepare(SR, 512, 2)
    two = render_node(node, frames=SR, events=events)
    assert node.active_voices() == 2
    three = render_node(Pluck, frames=SR, events=events, static={"voices": 3})
    oldest = render_node(Pluck, frames=SR, events=events[:1])
    # before the third onset both renders agree; after it, only the oldest voice is missing
    np.testing.assert_array_equal(two[:, :8820], three[:, :8820])
    np.testing.assert_allclose(three[:, 8820:] - two[:, 8820:], oldest[:, 8820:], atol=1e-6)
    assert np.abs(oldest[:, 8820:]).max() > 0.1


def test_output_does_not_depend_on_block_size_and_strings_survive_a_hot_swap():
    events = [(100, 0.5, {"note": 9}), (5000, 0.5, {"note": 0, "pan": -0.5}),
              (5001, 0.5, {"note": 3}), (30000, 0.5, {"note": 7, "gain": 0.3})]
    a = render_node(Pluck, frames=SR, events=events, block=64)
    b = render_node(Pluck, frames=SR, events=events, block=4096)
    np.testing.assert_array_equal(a, b)
    first = Pluck()
    first.prepare(SR, 512, 2)
    render_node(first, frames=20000, events=[e for e in events if e[0] < 20000])
    second = Pluck()
    second.prepare(SR, 512, 2)
    second.load_state(first.state())
    tail = render_node(second, frames=SR - 20000, start=20000,
                       events=[(s - 20000, d, v) for s, d, v in events if s >= 20000])
    np.testing.assert_array_equal(tail, a[:, 20000:])


def test_the_same_events_give_the_same_strings_and_the_seed_changes_them():
    events = [(0, 0.5, {"note": 0})]
    one = render_node(Pluck, frames=2048, events=events)
    np.testing.assert_array_equal(one, render_node(Pluck, frames=2048, events=events))
    other = render_node(Pluck, frames=2048, events=events, static={"seed": 7})
    assert not np.array_equal(one, other)


def test_a_successor_with_fewer_voices_keeps_the_first_ones_and_ignores_other_rates():
    events = [(0, 1, {"note": 0}), (100, 1, {"note": 7}), (200, 1, {"note": 12})]
    three = Pluck(voices=3)
    three.prepare(SR, 512, 2)
    render_node(three, frames=1000, events=events)
    one = Pluck(voices=1)
    one.prepare(SR, 512, 2)
    one.load_state(three.state())
    assert one.active_voices() == 1
    alone = render_node(Pluck, frames=3000, events=events[:1])
    np.testing.assert_array_equal(render_node(one, frames=2000, start=1000), alone[:, 1000:])
    other_rate = Pluck()
    other_rate.prepare(48000, 512, 2)
    other_rate.load_state(three.state())
    assert other_rate.active_voices() == 0

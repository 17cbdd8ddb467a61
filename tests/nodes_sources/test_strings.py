"""pluck (Karplus-Strong) and waveguide: pitch-exact one-sample loops, decay, damping, pickup
position, plucks at start or at trigger onsets, and the ways a program replays them."""
import numpy as np
import pytest

import phonon
from phonon.nodes.strings import Pluck, Waveguide
from phonon.plugins.testing import render_node

from ..measure import SR, cents, spectral_peak


def string(cls, seconds=1.0, events=(), static=None, **params):
    return render_node(cls, frames=int(SR * seconds), params=params, events=events,
                       static=static or {})[0].astype(np.float64)


def harmonic_db(y, f0, k):
    """Level (dB) of harmonic k of y, from the interpolation-free peak of its Hann spectrum."""
    spec = np.abs(np.fft.rfft(y * np.hanning(len(y)), n=1 << 20))
    freqs = np.fft.rfftfreq(1 << 20, 1 / SR)
    band = np.abs(freqs - k * f0) < 0.02 * f0
    return 20 * np.log10(spec[band].max())


@pytest.mark.parametrize("cls", [Pluck, Waveguide])
@pytest.mark.parametrize("freq", [55.0, 110.0, 220.0, 261.63, 440.0, 987.77, 1760.0])
@pytest.mark.parametrize("damping", [0.0, 0.5, 1.0])
def test_strings_ring_at_their_frequency_within_a_cent(cls, freq, damping):
    y = string(cls, 0.5, freq=freq, damping=damping, decay=3.0)
    assert abs(cents(spectral_peak(y, freq * 0.95, freq * 1.05), freq)) < 1.0


def test_the_fundamental_falls_60_db_in_decay_seconds():
    freq, decay = 220.0, 1.5
    y = string(Pluck, 2.0, freq=freq, damping=0.5, decay=decay)
    win = SR // 4

    def level(at):                                       # fundamental level around `at` seconds
        seg = y[int(at * SR):int(at * SR) + win]
        return harmonic_db(seg, freq, 1)

    slope = (level(1.5) - level(0.25)) / 1.25            # dB per second
    assert slope == pytest.approx(-60.0 / decay, rel=0.05)


def test_damping_dulls_the_upper_harmonics():
    bright = string(Pluck, 0.5, freq=220.0, damping=0.0)
    dull = string(Pluck, 0.5, freq=220.0, damping=1.0)

    def tilt(y):                                         # 20th harmonic against the fundamental
        return harmonic_db(y, 220.0, 20) - harmonic_db(y, 220.0, 1)
    assert tilt(bright) - tilt(dull) > 15.0


@pytest.mark.parametrize("pickup, silent", [(0.5, 2), (1 / 3, 3), (0.25, 4)])
def test_waveguide_pickup_position_cancels_its_harmonics(pickup, silent):
    """Half the difference of the two travelling waves at fraction p: harmonics k with k*p
    whole vanish (relative to their neighbours)."""
    y = string(Waveguide, 1.0, freq=110.0, damping=0.2, pickup=pickup, decay=4.0)
    gone = harmonic_db(y, 110.0, silent)
    around = max(harmonic_db(y, 110.0, silent - 1), harmonic_db(y, 110.0, silent + 1))
    assert around - gone > 25.0


def test_plucked_once_at_start_then_at_every_trigger_onset_on_its_sample():
    once = string(Pluck, 0.5, freq=220.0)
    assert np.abs(once[:5]).max() > 0.05                  # sounds from the first samples
    hits = [(11025, 0.1), (15000, 0.1)]
    y = string(Pluck, 0.5, events=hits, static={"trig": "x x"}, freq=220.0, decay=0.05)
    assert np.abs(y[:11025]).max() == 0.0                 # a trigger pattern: no start pluck
    assert np.abs(y[11025:11030]).max() > 0.05            # sounds on the onset sample
    assert np.abs(y[14900:15000]).max() < 0.02 < np.abs(y[15000:15005]).max()


def test_levels_stay_below_the_excitation_peak_region():
    for cls in (Pluck, Waveguide):
        for f in (55.0, 440.0, 3000.0):
            y = string(cls, 0.5, freq=f, damping=0.0)
            assert 0.2 < np.abs(y).max() < 0.95


def test_programs_replay_the_string_per_note_and_per_event():
    """`pluck "c3 e3"` is one voice per note (each plucked at its onset), and a bus of a pluck
    played by s; the voices are in tune (c3 = 130.81 Hz)."""
    notes = phonon.render('tempo: 1\nout: pluck "c3 ~"', 1.0)[0].astype(np.float64)
    assert abs(cents(spectral_peak(notes[:22050], 120.0, 140.0), 130.8128)) < 1.0
    assert np.abs(notes[22050 + 13300:]).max() < 1e-6     # released after its half cycle (+0.3 s)
    bus = phonon.render('tempo: 1\n~p: pluck 220\nout: s "~p ~ ~p ~" # note "0 12"', 1.0)[0]
    second = bus[22050:22050 + 8000].astype(np.float64)
    assert abs(cents(spectral_peak(second, 400.0, 480.0), 440.0)) < 1.0

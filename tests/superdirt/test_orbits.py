"""Orbits (DirtOrbit.sc): `# orbit n` sends a pattern's voices to orbit n, a bus shared by every
pattern on it (its voices, cut groups and global effects), summed into the output unless the
program reads it as `~orbitN`."""
from __future__ import annotations

import numpy as np
import pytest

import phonon
from phonon.errors import PhononErrors
from tests.superdirt.rig import SR, render_program

CUT = 'cps: 4\n~a: s "dc ~" # orbit 1 # pan -1 # cut 1\n~b: s "[~ dc] ~" # orbit {b} # pan -1 # cut 1\n'


def test_a_pattern_on_an_orbit_sounds_in_the_output_once(dirt_root):
    y = render_program('cps: 1\nout: s "dc ~" # orbit 1 # pan -1\n', 1.0, dirt_root)
    assert np.all(y[0, :10000] == 0.5) and not y[1].any() and not y[0, 10000:].any()


def test_a_program_reads_an_orbit_as_a_bus_and_then_it_is_not_summed_again(dirt_root):
    y = render_program('cps: 1\n~a: s "dc ~" # orbit 1 # pan -1\nout: ~orbit1 * 0.5\n', 1.0,
                       dirt_root)
    assert np.all(y[0, :10000] == 0.25)
    quiet = render_program('cps: 1\n~a: s "dc ~" # orbit 1 # pan -1\nout: ~orbit1 * 0\n', 1.0,
                           dirt_root)
    assert not quiet.any()                                  # the orbit plays only through out


def test_cut_groups_meet_on_an_orbit_across_patterns_and_not_across_orbits(dirt_root):
    """SuperDirt's cut groups belong to the orbit (DirtOrbit.getCutGroup)."""
    same = render_program(CUT.format(b=1) + "out: ~orbit1 + ~orbit2\n", 0.25, dirt_root)[0]
    other = render_program(CUT.format(b=2) + "out: ~orbit1 + ~orbit2\n", 0.25, dirt_root)[0]
    second = round(SR / 16)                                  # the second pattern's dc
    fade = round(0.001 * SR)
    assert np.all(same[:second] == 0.5) and np.all(other[:second] == 0.5)
    assert np.all(same[second + fade:9000] == 0.5)          # the first one was cut
    assert np.all(other[second:9000] == 1.0)                # both sound: other orbits


def test_global_effect_values_are_the_orbits_for_every_pattern_on_it(dirt_root):
    """An event that sets `room` on orbit 1 sets it for the other patterns on orbit 1 (the
    orbit's reverb processes its whole dry bus), not for orbit 2."""
    src = ('cps: 0.5\n~a: s "imp ~" # orbit 1 # pan -1 # room 0.8 # size 0.3\n'
           '~b: s "~ dc" # orbit {b} # pan -1\nout: ~orbit1 + ~orbit2\n')
    shared = render_program(src.format(b=1), 2.0, dirt_root).astype(np.float64)
    apart = render_program(src.format(b=2), 2.0, dirt_root).astype(np.float64)
    dc_region = slice(SR + 12000, SR + 44000)               # after the dc sample has ended
    assert np.abs(apart[:, dc_region]).max() < 1e-3         # dry dc, the imp's tail long gone
    assert np.abs(shared[:, dc_region]).max() > 0.01        # the dc's reverb tail on orbit 1


def test_instruments_play_on_an_orbit_through_its_effects(dirt_root):
    base = 'cps: 1\n~l: sine 440\n'
    wet = phonon.render(base + 'out: s "~l ~ ~ ~" # orbit 3 # room 1 # size 0.8 # gain 0.3\n', 2.0)
    dry = phonon.render(base + 'out: s "~l ~ ~ ~" # gain 0.3\n', 2.0)
    tail = slice(round(0.6 * SR), SR)                        # the note is over
    assert not dry[:, tail].any() and np.abs(wet[:, tail]).max() > 0.01
    gone = phonon.render(base + '~x: s "~l ~ ~ ~" # orbit 3 # room 1 # gain 0.3\nout: ~orbit3 * 0\n', 2.0)
    assert not gone.any()


def test_mixed_orbits_split_a_pattern_and_events_without_orbit_stay_in_place(dirt_root):
    y = render_program('cps: 1\nout: s "dc dc" # orbit "1 2" # pan -1\n', 1.0, dirt_root)[0]
    assert np.all(y[:10000] == 0.5) and np.all(y[SR // 2:SR // 2 + 10000] == 0.5)
    one = render_program('cps: 1\n~a: s "dc dc" # orbit "1 2" # pan -1\n'
                         'out: ~orbit1 + ~orbit2 * 0\n', 1.0, dirt_root)[0]
    assert np.all(one[:10000] == 0.5) and not one[SR // 2:].any()
    # a stack: the events with an orbit go to it, the others stay in the expression
    half = render_program('cps: 1\nout: (stack [s "dc ~" # orbit 1, s "~ dc"] # pan -1) * 0\n',
                          1.0, dirt_root)[0]
    assert np.all(half[:10000] == 0.5) and not half[SR // 2:].any()


@pytest.mark.parametrize("source,message", [
    ('out: s "bd" # orbit 64\n', "orbit: orbits are whole numbers 0..63"),
    ('out: s "bd" # orbit 1.5\n', "orbit: orbits are whole numbers 0..63"),
    ('~orbit1: sine 2\nout: s "bd" # orbit 1\n', "the program defines a bus '~orbit1'"),
])
def test_bad_orbits_are_located_errors(source, message):
    with pytest.raises(PhononErrors) as info:
        phonon.render(source, 0.1)
    assert message in str(info.value)


def test_orbits_are_independent_of_block_size_and_of_the_executor(dirt_root):
    src = ('cps: 2\n~a: s "imp dc imp*2" # orbit 1 # room 0.4 # delay 0.3 # delaytime 0.1 '
           '# delayfeedback 0.5 # cut 1\n~b: s "dc ~ noise" # orbit "<1 2>" # leslie 0.5 # cut 1\n'
           'out: ~orbit1 + ~orbit2 * 0.5\n')
    small = render_program(src, 1.5, dirt_root, block=64)
    large = render_program(src, 1.5, dirt_root, block=4096)
    workers = render_program(src, 1.5, dirt_root, block=512, workers=2)
    assert small.any() and np.array_equal(small, large) and np.array_equal(small, workers)

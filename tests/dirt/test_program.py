"""`--program FILE`: a Phonon program beside the receiver reads the orbits through `dirt N`,
sample-aligned (the orbits it does not read sound as they are), and is hot-reloaded like
`phonon live`."""
from __future__ import annotations

import math
import os
import time

import numpy as np
import pytest

from phonon.dirt.clock import StreamClock
from phonon.dirt.engine import DirtEngine
from phonon.dirt.events import decode
from phonon.dirt.program import DirtProgram
from phonon.errors import PhononError
from phonon.samples import SampleBank

from .helpers import LEVEL, LONG, RATE, sample_folder

T0 = 1_800_000_000.0
BLOCK = 256
CENTRE = LEVEL * 0.4 * math.sqrt(0.5)         # a centred voice of the "long" sample


@pytest.fixture
def engine(tmp_path):
    bank = SampleBank([sample_folder(tmp_path / "samples")], sr=RATE)
    clock = StreamClock(RATE)
    clock.stamp(0, T0)
    return DirtEngine(bank, RATE, BLOCK, orbits=4, clock=clock)


def run(engine: DirtEngine, program: DirtProgram | None, blocks: int) -> np.ndarray:
    out = []
    for _ in range(blocks):
        orbits = engine.render()
        out.append((program.mix(orbits, BLOCK) if program else orbits).copy())
    return np.concatenate(out, axis=1)


def send(engine: DirtEngine, t: float, *args) -> None:
    engine.submit(decode(tuple(args), T0 + t, engine.n_orbits))


def test_a_program_processes_the_orbits_it_reads_and_the_others_sound_as_they_are(engine,
                                                                                 tmp_path):
    prog = tmp_path / "p.ph"
    prog.write_text("out: dirt 0 * 0.5 + dirt 2 * 2\n")
    program = DirtProgram(str(prog), engine, report=print)
    try:
        send(engine, 0.01, "s", "long")
        send(engine, 0.02, "s", "long", "orbit", 2)
        send(engine, 0.03, "s", "long", "orbit", 1)           # not read: heard as it is
        out = run(engine, program, 20)
    finally:
        program.close()
    a, b, c = round(0.01 * RATE), round(0.02 * RATE), round(0.03 * RATE)
    assert program.orbits_read() == {0, 2}
    assert not out[:, :a].any()
    for lo, hi, level in ((a, b, 0.5), (b, c, 2.5), (c, a + LONG, 3.5),
                          (a + LONG, b + LONG, 3.0), (b + LONG, c + LONG, 1.0)):
        np.testing.assert_allclose(out[0, lo:hi], level * CENTRE, rtol=1e-6)
    assert not out[:, c + LONG + 1:].any()


def test_the_issues_example_reverbs_two_orbits_and_leaves_the_third_dry(engine, tmp_path):
    prog = tmp_path / "p.ph"
    prog.write_text("~o0: dirt 0\n~o1: dirt 1\nout: (~o0 + ~o1 # reverb 0.4) # limiter 0.95\n")
    outs = []
    for third in (True, False):
        clock = StreamClock(RATE)
        clock.stamp(0, T0)
        eng = DirtEngine(engine.bank, RATE, BLOCK, orbits=4, clock=clock)
        program = DirtProgram(str(prog), eng, report=print)
        try:
            send(eng, 0.0, "s", "long", "gain", 1.4)           # loud: 1.4^4 x CENTRE = 0.54
            send(eng, 0.0, "s", "long", "gain", 1.4, "orbit", 1)
            if third:
                send(eng, 0.5, "s", "long", "orbit", 2)        # not read: dry, on its frame
            outs.append(run(eng, program, 120))
        finally:
            program.close()
        assert program.orbits_read() == {0, 1}
    out, without = outs
    assert np.abs(without).max() <= 0.95 + 1e-6                        # the limiter
    assert np.abs(without[:, LONG + 2000:]).max() > 0.01               # the reverb rings on
    c = round(0.5 * RATE)
    third = out - without
    assert not third[:, :c].any() and not third[:, c + LONG + 1:].any()
    np.testing.assert_allclose(third[0, c:c + LONG], CENTRE, rtol=1e-5)


def test_the_programs_orbit_buses_carry_tidals_orbits(engine, tmp_path):
    prog = tmp_path / "p.ph"
    prog.write_text("out: ~orbit1 * 0.5 + ~orbit2 * 0.25\n")  # issue 14's orbit buses
    program = DirtProgram(str(prog), engine, report=print)
    try:
        send(engine, 0.01, "s", "long", "orbit", 1)
        send(engine, 0.02, "s", "long")                        # orbit 0: not read, as it is
        send(engine, 0.03, "s", "long", "orbit", 2)
        out = run(engine, program, 40)
    finally:
        program.close()
    assert program.orbits_read() == {1, 2}
    a, b, c = round(0.01 * RATE), round(0.02 * RATE), round(0.03 * RATE)
    assert not out[:, :a].any()
    for lo, hi, level in ((a, b, 0.5), (b, c, 1.5), (c, a + LONG, 1.75)):
        np.testing.assert_allclose(out[0, lo:hi], level * CENTRE, rtol=1e-5)


def test_a_program_that_reads_no_orbit_is_added_to_their_mix(engine, tmp_path):
    prog = tmp_path / "p.ph"
    prog.write_text("out: 0.125\n")
    program = DirtProgram(str(prog), engine, report=print)
    try:
        send(engine, 0.0, "s", "long", "orbit", 3)
        out = run(engine, program, 4)
    finally:
        program.close()
    np.testing.assert_allclose(out[0, :LONG // 8], CENTRE + 0.125, rtol=1e-6)


def test_outside_phonon_dirt_the_dirt_node_is_silence():
    from phonon import render
    assert not render("out: dirt 0 + dirt 5\n", 0.1).any()


def test_a_bad_orbit_is_a_compile_error():
    from phonon import render
    with pytest.raises(PhononError, match="whole number 0..63"):
        render("out: dirt 0.5\n", 0.1)


def test_a_save_is_heard_from_the_next_cycle(engine, tmp_path):
    prog = tmp_path / "p.ph"
    prog.write_text("cps: 4\nout: dirt 0\n")                 # a cycle is 11025 frames
    messages = []
    program = DirtProgram(str(prog), engine, report=messages.append)
    program.start()
    try:
        send(engine, 0.0, "s", "long", "loop", 100)           # sounds for the whole test
        run(engine, program, 10)
        tmp = prog.with_name(".p.ph.swp")
        tmp.write_text("cps: 4\nout: dirt 0 * 0.25\n")
        os.replace(tmp, prog)
        deadline = time.time() + 30
        while not any("reload ok" in m for m in messages):
            assert time.time() < deadline, messages
            time.sleep(0.02)
        out = run(engine, program, 100)
    finally:
        program.close()
    swap = program.player.swaps[0].sample
    assert swap % (RATE // 4) == 0                            # a cycle boundary
    k = swap - 10 * BLOCK
    np.testing.assert_allclose(out[0, k - 100:k], CENTRE, rtol=1e-6)
    np.testing.assert_allclose(out[0, k:k + 100], 0.25 * CENTRE, rtol=1e-6)

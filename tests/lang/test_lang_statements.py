"""The original's statements (PHONON-RS §1.2): outmix, buffer, bpm with a meter, hush/unhush
(also per channel), panic, resetCycles, setCycle, nudge — parsed, compiled into the IR, and
heard in an offline render (levels and sample positions exact)."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from phonon.engine.render import render
from phonon.errors import PhononErrors
from phonon.lang import compile_program, parse
from phonon.lang import ast as A


def ir_of(src: str):
    return compile_program(src, file="s.ph")


def first_error(src: str):
    with pytest.raises(PhononErrors) as info:
        compile_program(src, file="s.ph")
    e = info.value.errors[0]
    return e.line, e.col, e.message, e.hint


def level(src: str, seconds: float = 2, sr: int = 1000) -> np.ndarray:
    """The left channel of a render at 1000 Hz, block 100 (cps 1: 1000 samples a cycle)."""
    return render("tempo: 1\n" + src, seconds, sr=sr, block=100)[0]


# ---------------------------------------------------------------- parsing
@pytest.mark.parametrize("src, statement", [
    ("hush", A.Command("hush", A.Pos(1, 1))),
    ("hush2", A.Command("hush", A.Pos(1, 1), channel=2)),
    ("unhush", A.Command("unhush", A.Pos(1, 1))),
    ("unhush12", A.Command("unhush", A.Pos(1, 1), channel=12)),
    ("panic", A.Command("panic", A.Pos(1, 1))),
    ("resetCycles", A.Command("resetCycles", A.Pos(1, 1))),
    ("setCycle 4", A.Command("setCycle", A.Pos(1, 1), value=A.Number(4.0, A.Pos(1, 10), "4"))),
    ("setCycle: 4", A.Command("setCycle", A.Pos(1, 1), value=A.Number(4.0, A.Pos(1, 11), "4"))),
    ("nudge -0.1", A.Command("nudge", A.Pos(1, 1), value=A.Number(-0.1, A.Pos(1, 7), "-0.1"))),
    ("outmix: tanh", A.Setting("outmix", "tanh", A.Pos(1, 1), A.Pos(1, 9))),
    ("buffer: 1024", A.Setting("buffer", A.Number(1024.0, A.Pos(1, 9), "1024"), A.Pos(1, 1),
                               A.Pos(1, 9))),
    ('bpm: 120 "4/4"', A.Tempo("bpm", A.Number(120.0, A.Pos(1, 6), "120"), A.Pos(1, 1), "4/4")),
])
def test_statements_parse(src, statement):
    assert parse(src).statements == [statement]


def test_an_indented_command_starts_a_statement():
    program = parse('out: s "bd"\n  hush')
    assert [type(s).__name__ for s in program.statements] == ["OutDef", "Command"]


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize("src, error", [
    ("hush3x", (1, 1, "unknown statement 'hush3x'", "did you mean 'hush'?")),
    ("hsuh", (1, 1, "unknown statement 'hsuh'", "did you mean 'hush'?")),
    ("hsh3", (1, 1, "unknown statement 'hsh3'", "did you mean 'hush3'?")),
    ("unhsh2", (1, 1, "unknown statement 'unhsh2'", "did you mean 'unhush2'?")),
    ("resetcycles", (1, 1, "unknown statement 'resetcycles'", "did you mean 'resetCycles'?")),
    ("setcycle 4", (1, 1, "unknown statement 'setcycle'", "did you mean 'setCycle'?")),
    ("hush 3", (1, 6, "'hush' takes no argument, found number 3", "to silence output 3 alone write 'hush3'")),
    ("panic 1", (1, 7, "'panic' takes no argument, found number 1", None)),
    ("setCycle", (1, 9, "setCycle needs a number of cycles", "setCycle 4")),
    ("nudge", (1, 6, "nudge needs a number of cycles", "nudge 0.1")),
    ('setCycle "x"', (1, 10, "setCycle expects a number, got a string", None)),
    ("outmix: loud", (1, 9, "unknown outmix mode 'loud'", "modes: none gain sqrt tanh hard")),
    ("outmix: tahn", (1, 9, "unknown outmix mode 'tahn'", "did you mean 'tanh'?")),
    ("outmix: 3", (1, 9, "outmix expects one of none, gain, sqrt, tanh, hard", "outmix: tanh")),
    ('bpm: 120 "4-4"', (1, 10, 'bpm: expected a time signature like "4/4", found "4-4"', None)),
    ("buffer: 0", (1, 9, "buffer must be greater than 0, got 0", None)),
    ("outmx: tanh", (1, 1, "unknown statement 'outmx:'", "did you mean 'outmix'?")),
    ('s "bd*4"', (1, 1, "expected a statement: ~bus: expr, out: expr, or tempo: number",
                  "to send this to the speakers write 'out: s \"bd*4\"'")),
])
def test_statement_errors(src, error):
    assert first_error(src) == error


def test_hush_of_an_undefined_channel_is_a_warning():
    ir = ir_of("out: sine 2\nhush3\nout3: sine 3")
    assert [w.message for w in ir.warnings] == ["hush3 silences nothing: no output 3 is defined "
                                                "above this line"]
    assert ir.hushed == []


def test_repeated_clock_statements_warn_and_the_last_wins():
    ir = ir_of("setCycle 2\nsetCycle 5\nnudge 0.1\nnudge 0.2\nout: sine 2")
    assert ir.set_cycle == 5 and ir.nudge == Fraction(1, 5)
    assert [(w.line, w.message) for w in ir.warnings] == [
        (2, "the cycle is set again (line 1 is overridden)"),
        (4, "nudge set again (line 3 is overridden)")]


# ---------------------------------------------------------------- what reaches the IR
@pytest.mark.parametrize("src, hushed, panic", [
    ("out: sine 1\nout2: sine 2\nhush", ["out", "out2"], False),
    ("out: sine 1\nhush\nout2: sine 2", ["out"], False),            # only what is above
    ("hush\nout: sine 1", [], False),
    ("out: sine 1\nout2: sine 2\nd2: sine 3\nhush2", ["out2", "d2"], False),
    ("out: sine 1\nout2: sine 2\nhush0", ["out"], False),
    ("out: sine 1\nout2: sine 2\nhush\nunhush2", ["out"], False),
    ("out: sine 1\nout2: sine 2\nhush\nunhush", [], False),
    ("out: sine 1\npanic\nout2: sine 2", ["out"], True),
    ("~a: sine 1\nhush", [""], False),                              # the automatic master
])
def test_hush_acts_on_the_outputs_above_it(src, hushed, panic):
    ir = ir_of(src)
    assert ir.hushed == hushed and ir.panic is panic


def test_hushed_outputs_are_compiled_but_not_mixed():
    ir = ir_of("out: sine 1\nout2: saw 2\nhush2")
    assert set(ir.outputs) == {"out", "out2"}
    assert ir.nodes["master/0:mix"].inputs[0].node == ir.outputs["out"]
    assert len(ir.nodes["master/0:mix"].inputs) == 1
    with pytest.raises(PhononErrors):          # still checked: errors in a hushed output count
        compile_program("out: sine 1\nout2: lfp 2\nhush2")


def test_values_of_the_other_statements():
    ir = ir_of('bpm: 90 "3/4"\nbuffer: 512\nsetCycle 7.5\nnudge -0.25\noutmix: sqrt\nout: sine 2')
    assert (ir.cps, ir.meter, ir.buffer, ir.set_cycle, ir.nudge, ir.outmix) == (
        1.5, "3/4", 512, Fraction(15, 2), Fraction(-1, 4), "sqrt")
    assert ir.start_cycle() == Fraction(31, 4)
    assert ir_of("resetCycles\nout: sine 2").set_cycle == 0


def test_buffer_out_of_range_is_clamped_with_a_warning():
    ir = ir_of("buffer: 20000\nout: sine 2")
    assert ir.buffer == 16384
    assert [w.message for w in ir.warnings] == [
        "buffer: 20000 is not a whole number of frames in 64..16384; kept as 16384"]


@pytest.mark.parametrize("mode, kinds, gains", [
    ("none", ["mix", "master"], None),
    ("hard", ["mix", "master"], None),
    ("gain", ["mix", "master"], (1 / 3,) * 3),
    ("sqrt", ["mix", "master"], (1 / np.sqrt(3),) * 3),
    ("tanh", ["mix", "tanh", "master"], None),
])
def test_outmix_builds_the_master(mode, kinds, gains):
    ir = ir_of(f"outmix: {mode}\nout: sine 1\nout2: sine 2\nd3: sine 3")
    master = [n for n in ir.nodes.values() if n.bus == "master"]
    assert [n.kind for n in master] == kinds
    got = master[0].params.get("gains")
    assert (got.value if got is not None else None) == gains


# ---------------------------------------------------------------- heard in a render
def test_outmix_levels_are_exact():
    """Two equal outputs x: none = 2x, gain = x, sqrt = 2x/sqrt 2, tanh = tanh(2x), hard = 2x
    clipped at 1 (the master always clips: hard is none here)."""
    one = render("out: sine 440 * 0.4", 0.25, sr=8000, block=256)
    two = {m: render(f"outmix: {m}\nout: sine 440 * 0.4\nout2: sine 440 * 0.4", 0.25, sr=8000,
                     block=256) for m in ("none", "gain", "sqrt", "tanh", "hard")}
    assert np.array_equal(two["none"], 2 * one) and np.array_equal(two["gain"], one)
    np.testing.assert_allclose(two["sqrt"], 2 * one / np.sqrt(2), rtol=0, atol=1e-7)
    np.testing.assert_allclose(two["tanh"], np.tanh(2 * one), rtol=0, atol=1e-7)
    assert np.array_equal(two["hard"], two["none"])
    assert two["tanh"].max() == pytest.approx(np.tanh(0.8), abs=1e-6)
    loud = render("outmix: hard\nout: sine 440 * 0.8\nout2: sine 440 * 0.8", 0.25, sr=8000)
    assert loud.max() == 1.0 and loud.min() == -1.0


def test_hush_silences_a_render_and_outputs_below_it_play():
    assert not level('out: "0.3"\nhush').any()
    assert not level('out: "0.3"\npanic').any()
    assert np.all(level('hush\nout: "0.3"') == np.float32(0.3))
    assert np.all(level('out: "0.3"\nout2: "0.2"\nhush2') == np.float32(0.3))
    assert np.all(level('out: "0.3"\nout2: "0.2"\nhush\nunhush2') == np.float32(0.2))


def test_a_program_that_is_all_hushed_says_so():
    ir = ir_of('out: "0.3"\nhush')
    assert [w.message for w in ir.warnings] == ["every output is hushed: the program is silent"]


def test_set_cycle_starts_the_render_there():
    steps = 'out: "<0.1 0.2 0.3 0.4 0.5>"'
    x = level(steps)
    assert x[0] == np.float32(0.1) and x[1000] == np.float32(0.2)
    y = level("setCycle 3\n" + steps)
    assert np.all(y[:1000] == np.float32(0.4)) and np.all(y[1000:] == np.float32(0.5))
    assert np.array_equal(level("resetCycles\n" + steps), x)


def test_nudge_plays_everything_later_by_that_many_cycles():
    x = level('nudge 0.25\nout: "0.1 0.2"')
    # cycle -0.25 at sample 0: the second half of cycle -1 (0.2), then 0.1 from cycle 0 on
    assert np.all(x[:250] == np.float32(0.2)) and np.all(x[250:750] == np.float32(0.1))
    assert np.all(x[750:1250] == np.float32(0.2)) and x[1250] == np.float32(0.1)
    early = level('nudge -0.25\nout: "0.1 0.2"')
    assert np.all(early[:250] == np.float32(0.1)) and early[250] == np.float32(0.2)

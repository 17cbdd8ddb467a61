"""`limiter: C` (docs/language.md): the automatic master limiter, off by default."""
from __future__ import annotations

import numpy as np
import pytest

import phonon
from phonon.errors import PhononError
from phonon.lang import compile_program

HOT = "cps: 1\nout: saw 110 * 2 + sine 55\n"


def test_the_master_limiter_holds_its_ceiling_like_a_limiter_at_the_end_of_the_chain():
    limited = phonon.render("limiter: 0.5\n" + HOT, 1.0, block=512)
    chained = phonon.render("cps: 1\nout: (saw 110 * 2 + sine 55) # limiter 0.5\n", 1.0, block=512)
    np.testing.assert_array_equal(limited, chained)
    assert 0.45 < np.abs(limited).max() <= np.float32(0.5)
    db = phonon.render("limiter: -6\n" + HOT, 1.0, block=512)
    assert np.abs(db).max() <= np.float32(10 ** (-6 / 20))


def test_without_the_statement_or_with_off_the_master_only_clips():
    for program in (HOT, "limiter: off\n" + HOT):
        ir = compile_program(program)
        assert not [n for n in ir.nodes if n.endswith(":limiter")] and ir.limiter is None
    ir = compile_program("limiter: 0.9\n" + HOT)
    assert ir.limiter == 0.9 and ir.nodes["master/1:limiter"].params["ceiling"].value == 0.9
    assert ir.nodes[ir.master].inputs[0].node == "master/1:limiter"


def test_a_wrong_limiter_value_is_a_located_error():
    with pytest.raises(PhononError) as err:
        compile_program("limiter: loud\nout: saw 110\n")
    assert (err.value.line, err.value.col) == (1, 10)

"""A compile and a closed session leave nothing for CPython's cyclic collector (issue 19's
per-render fixed cost): reference counting frees the compiler's working state when the compile
returns (`Compiler.release`) and a session's nodes and buffers when it closes (`Bound.release`),
so a batch of renders neither grows the heap between collections nor pays a collection over a
dead session's objects. Checked with the collector's own record of what it found unreachable
(`gc.DEBUG_SAVEALL`) for every example program and the reference workload."""
from __future__ import annotations

import collections
import gc
from pathlib import Path

import pytest

from phonon.engine import SessionOptions, open_session
from phonon.engine.session import make_sample_bank
from phonon.lang import compile_program
from tests.data_paths import CC0_KIT, REFERENCE, REFERENCE_SAMPLES

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.ph"))
PROGRAMS = [REFERENCE, *EXAMPLES]


def cyclic_garbage(action) -> collections.Counter:
    """What the collector finds unreachable after `action()` (types counted by name)."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        action()
        gc.collect()
        return collections.Counter(f"{type(x).__module__}.{type(x).__qualname__}"
                                   for x in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()


@pytest.fixture(scope="module")
def bank():
    return make_sample_bank([str(CC0_KIT), str(REFERENCE_SAMPLES)], 44100)


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_a_closed_session_leaves_no_cycles(path: Path, bank) -> None:
    options = SessionOptions(sr=44100, block=512, samples=bank)
    source = path.read_text()

    def play() -> None:
        session = open_session(source, options, file=path.name)
        session.run_block()
        session.run_block()
        session.close()

    play()                                   # kernels and caches warm: only the session's own
    assert cyclic_garbage(play) == collections.Counter()


def test_a_compile_leaves_no_cycles() -> None:
    source = REFERENCE.read_text()
    assert cyclic_garbage(lambda: compile_program(source)) == collections.Counter()


def test_a_failed_compile_leaves_no_cycles_either() -> None:
    """Errors are collected and raised together; the compiler is released all the same."""
    source = "~a: s \"bd*4\" # gain\n~b: lpf ~nowhere 800\nout: ~a + ~b\n"

    def fail() -> None:
        with pytest.raises(Exception):
            compile_program(source)

    garbage = cyclic_garbage(fail)
    assert not [k for k in garbage if k.startswith("phonon.")], garbage

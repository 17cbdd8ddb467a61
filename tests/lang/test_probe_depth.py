"""`at_engine_depth`: the probe's queries run at least `ENGINE_FRAMES` deep, from any caller
depth and thread, through a reused chain of generators that keeps nothing alive."""
from __future__ import annotations

import gc
import sys
import threading
import weakref

import pytest

from phonon.lang.probe import ENGINE_FRAMES, _depth, at_engine_depth


def nested(n: int, fn):
    return fn() if n == 0 else nested(n - 1, fn)


@pytest.mark.parametrize("extra", [0, 40, 180])
def test_the_function_runs_at_least_engine_frames_deep_from_any_depth(extra):
    for _ in range(3):                                  # built once, then reused
        depth = nested(extra, lambda: at_engine_depth(_depth))
        assert ENGINE_FRAMES <= depth <= ENGINE_FRAMES + 3


def test_a_caller_deeper_than_engine_frames_calls_directly():
    assert nested(ENGINE_FRAMES + 5, lambda: at_engine_depth(_depth)) > ENGINE_FRAMES + 5


def test_results_and_exceptions_reach_the_caller_and_nothing_is_kept():
    assert at_engine_depth(lambda: 42) == 42

    class Payload:
        pass

    payload = Payload()
    ref = weakref.ref(payload)

    def fail():
        raise KeyError(payload)

    with pytest.raises(KeyError):
        at_engine_depth(fail)
    del payload
    gc.collect()
    assert ref() is None                                # not held by the waiting chain
    with pytest.raises(RecursionError):                 # no more stack than the engine has
        at_engine_depth(lambda: nested(sys.getrecursionlimit(), lambda: None))
    assert at_engine_depth(lambda: "again") == "again"  # the chain survives both


def test_every_thread_has_its_own_chain():
    seen, ready = [], threading.Barrier(2)

    def probe():
        ready.wait()
        seen.append(at_engine_depth(lambda: nested(50, _depth)))

    threads = [threading.Thread(target=probe) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 2 and all(d >= ENGINE_FRAMES + 50 for d in seen)

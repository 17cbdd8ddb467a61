"""Real programs (examples, the reference workload, the three parallel-benchmark programs) render
bit-identically inline, with 1 worker and with 2 workers, at blocks 256 and 2048."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

from phonon.engine.render import compile_source
from phonon.engine.session import Session, make_sample_bank
from phonon.runtime.options import RuntimeOptions
from phonon.runtime.shm import leftover_segments
from tests.data_paths import REFERENCE, REFERENCE_SAMPLES

ROOT = Path(__file__).resolve().parents[2]
SR = 44100
SECONDS = 3.0


def _bench_source(name: str) -> str:
    """One of the benchmark programs of benchmarks/parallel.py (HEAVY, CHAINS, WIDE)."""
    spec = importlib.util.spec_from_file_location("phonon_bench_parallel",
                                                  ROOT / "benchmarks" / "parallel.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return getattr(mod, name.upper())


def _programs() -> list:
    progs = [pytest.param(name, None, id=name) for name in ("heavy", "chains", "wide")]
    progs.append(pytest.param("reference", str(REFERENCE), id="reference"))
    for p in sorted((ROOT / "examples").glob("*.ph")):
        progs.append(pytest.param(p.stem, str(p), id=f"examples/{p.name}"))
    return progs


_cache: dict = {}


def _compiled(name: str, path: str | None):
    if name not in _cache:
        samples = None
        if name == "reference":
            samples = str(REFERENCE_SAMPLES)
        source = _bench_source(name) if path is None else Path(path).read_text()
        bank = make_sample_bank(samples, SR)
        _cache[name] = (compile_source(source, file=path or f"<{name}>", bank=bank), bank)
    return _cache[name]


def _render(graph, bank, block, workers, placement="all"):
    s = Session(graph, SR, block, samples=bank, workers=workers,
                runtime=RuntimeOptions(placement=placement if workers else "auto"),
                reporter=lambda m: None)
    try:
        return s.render(round(SECONDS * SR) + 77), s
    finally:
        s.close()


@pytest.mark.parametrize("block", [256, 2048])
@pytest.mark.parametrize("name,path", _programs())
def test_program_is_bit_identical_with_1_and_2_workers(name, path, block):
    graph, bank = _compiled(name, path)
    before = set(leftover_segments(os.getpid()))
    ref, _ = _render(graph, bank, block, 0)
    assert np.abs(ref).max() > 1e-3, "the program should make a sound"
    for workers in (1, 2):
        y, s = _render(graph, bank, block, workers)
        assert s.executor.supervisor.workers, "nodes were shipped to workers"
        np.testing.assert_array_equal(y, ref, err_msg=f"{workers} worker(s), block {block}")
    assert set(leftover_segments(os.getpid())) <= before


def test_heavy_program_auto_placement_is_bit_identical():
    graph, bank = _compiled("heavy", None)
    ref, _ = _render(graph, bank, 2048, 0)
    y, s = _render(graph, bank, 2048, 2, placement="auto")
    np.testing.assert_array_equal(y, ref)


def test_workers_read_the_sample_bank_from_shared_memory():
    graph, bank = _compiled("heavy", None)
    y, s = _render(graph, bank, 2048, 1)
    samples = s.executor.supervisor.extra_arenas[0]
    assert samples.name.startswith(f"phonon_{os.getpid()}_")
    assert np.shares_memory(bank.arena, samples["samples"])
    assert bank.arena.size == samples["samples"].size > 44100      # the kit sounds, loaded


VST_PROGRAM = '''cps: 1
~d: s "bd*4 sn" # gain 0.8
out: ~d # vst3 "ZamComp" # gain 0.9
'''


@pytest.mark.skipif(not Path("/usr/lib/vst3/ZamComp.vst3").exists(), reason="no ZamComp VST3")
def test_isolated_vst3_plugin_renders_bit_identically():
    bank = make_sample_bank(None, SR)
    graph = compile_source(VST_PROGRAM, bank=bank)
    ref, _ = _render(graph, bank, 512, 0)
    s = Session(graph, SR, 512, samples=bank, runtime=RuntimeOptions(isolate=("vst3",)),
                reporter=lambda m: None)
    try:
        y = s.render(round(SECONDS * SR) + 77)
        hosts = {r.kind: r.host for r in s.executor.profile().rows}
    finally:
        s.close()
    assert hosts["vst3"] == "isolated 1" and hosts["s"] == "coordinator"
    assert np.abs(ref).max() > 0.1
    np.testing.assert_array_equal(y, ref)

"""Plugin failures are contained: a raising `process` is silenced and reported once, the rest of
the mix is untouched; a plugin that fails to import is recorded as broken with the reason;
a plugin that reuses a built-in name is reported and never shadows it."""
from __future__ import annotations

import os

import numpy as np
import pytest

import phonon
from phonon.plugins import Node, Registry, node
from phonon.plugins.testing import registry_with
from phonon.runtime.options import RuntimeOptions

from .plugin_fixtures import make_plugin_package

PROGRAM = "tempo: 1\n~a: sine 440 * 0.5\n~b: saw 110 # lpf 900 * 0.3\n~c: {kind}\nout: ~a + ~b + ~c"
BLOCK = 512
FAIL_FROM_BLOCK = 3

EXECUTORS = {
    "inline": {},
    "workers": {"workers": 2, "runtime": RuntimeOptions(placement="all")},   # every node in a worker
    "isolated": {"workers": 1, "runtime": RuntimeOptions(isolate=("boom",))},   # the plugin alone
}


def _kind(name: str, fails: bool | str, level: float):
    """A throwaway node: outputs a constant `level`; if `fails`, raises from block 3 on
    (`fails="exit"`: kills its process instead, like a crashing extension module)."""

    @node(name, doc="test node")
    class Throwaway(Node):
        def process(self, ctx, ins, p, out):
            if fails and ctx.index >= FAIL_FROM_BLOCK:
                if fails == "exit":
                    os._exit(3)
                raise ZeroDivisionError("the plugin divided by zero")
            out[:, :ctx.frames] = level

    return Throwaway


def _registry(*classes: type[Node]) -> Registry:
    return registry_with(*classes, source="phonon-throwaway")


def _render(kind: str, reg: Registry, reports: list | None = None, **opts) -> np.ndarray:
    return phonon.render(PROGRAM.format(kind=kind), 0.25, block=BLOCK, registry=reg,
                         reporter=(reports.append if reports is not None else None), **opts)


@pytest.mark.parametrize("executor", EXECUTORS)
def test_a_raising_plugin_is_silenced_and_the_mix_is_untouched(executor):
    reports: list[str] = []
    got = _render("boom", _registry(_kind("boom", fails=True, level=0.125)), reports,
                  **EXECUTORS[executor])
    # references: the same graph with the plugin replaced by a node that never fails
    playing = _render("boom", _registry(_kind("boom", fails=False, level=0.125)))
    silent = _render("boom", _registry(_kind("boom", fails=False, level=0.0)))
    cut = FAIL_FROM_BLOCK * BLOCK
    np.testing.assert_array_equal(got[:, :cut], playing[:, :cut])
    np.testing.assert_array_equal(got[:, cut:], silent[:, cut:])
    assert np.abs(silent[:, cut:]).max() > 0.3                 # ~a and ~b keep playing

    assert len(reports) == 1                                   # once, not once per block
    report = reports[0]
    assert "(boom)" in report and "raised an exception" in report
    assert "Traceback (most recent call last)" in report
    assert 'raise ZeroDivisionError("the plugin divided by zero")' in report
    assert report.rstrip().endswith("ZeroDivisionError: the plugin divided by zero")


def test_without_a_reporter_the_report_is_printed_once_to_stderr(capsys):
    _render("boom", _registry(_kind("boom", fails=True, level=0.125)))
    err = capsys.readouterr().err
    assert err.startswith("phonon: node ") and err.count("raised an exception") == 1
    assert err.count("Traceback (most recent call last)") == 1


def test_a_plugin_crashing_its_isolated_worker_is_silenced():
    reports: list[str] = []
    got = _render("boom", _registry(_kind("boom", fails="exit", level=0.125)), reports,
                  **EXECUTORS["isolated"])
    playing = _render("boom", _registry(_kind("boom", fails=False, level=0.125)))
    silent = _render("boom", _registry(_kind("boom", fails=False, level=0.0)))
    cut = FAIL_FROM_BLOCK * BLOCK
    np.testing.assert_array_equal(got[:, :cut], playing[:, :cut])
    np.testing.assert_array_equal(got[:, cut:], silent[:, cut:])
    assert len(reports) == 1
    assert all(part in reports[0] for part in
               ("(boom)", "crashed its worker", "exit code 3", f"block {FAIL_FROM_BLOCK}"))


def test_a_plugin_that_fails_to_import_is_listed_as_broken(tmp_path, monkeypatch):
    make_plugin_package(tmp_path, "phonon-broken", "phonon_broken_plugin",
                        "import phonon_missing_dependency\n",
                        {"wobble": "phonon_broken_plugin:Wobble"})
    monkeypatch.syspath_prepend(str(tmp_path))
    reg = Registry()
    reg.load_entry_points()
    broken = [b for b in reg.broken if b.source == "phonon-broken"]
    assert [(b.name, b.reason) for b in broken] == [
        ("wobble", "ModuleNotFoundError: No module named 'phonon_missing_dependency'")]
    assert "wobble" not in reg and "lpf" in reg                 # everything else still loads


def test_a_plugin_reusing_a_built_in_name_is_reported_not_shadowing(tmp_path, monkeypatch):
    make_plugin_package(tmp_path, "phonon-fake-lpf", "phonon_fake_lpf", """
        from phonon.plugins import Node, node

        @node("lpf", inputs=1, doc="an impostor")
        class Impostor(Node):
            def process(self, ctx, ins, p, out):
                out[:, :ctx.frames] = 1.0

        @node("wobble2", inputs=1, doc="a new name")
        class Wobble(Node):
            def process(self, ctx, ins, p, out):
                out[:, :ctx.frames] = 0.5 * ins[0][:, :ctx.frames]
        """, {"lpf": "phonon_fake_lpf:Impostor", "wobble2": "phonon_fake_lpf:Wobble"})
    monkeypatch.syspath_prepend(str(tmp_path))
    reg = Registry()
    reg.load_entry_points()
    assert reg.entry("lpf").source == "built-in"
    assert reg.entry("wobble2").source == "phonon-fake-lpf"
    clash = [c for c in reg.clashes if "phonon-fake-lpf" in c]
    assert clash == ["node 'lpf' from phonon-fake-lpf (phonon_fake_lpf.Impostor) clashes with "
                     "'lpf' from built-in; keeping the built-in one"]
    out = phonon.render("out: const 0.5 # wobble2", 0.01, registry=reg)
    assert np.all(out == 0.25)


@pytest.mark.parametrize("where", ["__init__", "prepare"])
def test_a_plugin_failing_before_the_first_block_is_silenced_too(where):
    @node("earlyboom", doc="fails before processing")
    class EarlyBoom(Node):
        def __init__(self, **static):
            super().__init__(**static)
            if where == "__init__":
                raise RuntimeError("bad init")

        def prepare(self, sr, block, channels):
            if where == "prepare":
                raise RuntimeError("bad prepare")

        def process(self, ctx, ins, p, out):
            out[:, :ctx.frames] = 0.125

    reports: list[str] = []
    got = _render("earlyboom", _registry(EarlyBoom), reports)
    silent = _render("boom", _registry(_kind("boom", fails=False, level=0.0)))
    np.testing.assert_array_equal(got, silent)
    assert len(reports) == 1 and "(earlyboom)" in reports[0] \
        and ("bad init" if where == "__init__" else "bad prepare") in reports[0]

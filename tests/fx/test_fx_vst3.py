"""VST3 hosting with real plugins from Debian's zam-plugins (/usr/lib/vst3)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pedalboard
import pytest

from phonon.errors import PhononError
from phonon.nodes.vst import VST3
from phonon.vst3 import cache as vst3_cache
from phonon.vst3 import resolve_plugin, scan, scan_plugins

from .fxhelp import SR, rms_db, run_node

ZAM = Path("/usr/lib/vst3")
pytestmark = pytest.mark.skipif(not (ZAM / "ZamComp.vst3").exists(), reason="zam-plugins not installed")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Each test gets its own scan cache and no extra plugin folders."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PHONON_VST3_PATH", raising=False)


def drums(frames: int = 2 * SR) -> np.ndarray:
    """A stereo test bus: an amplitude-modulated 220 Hz tone, identical on both channels."""
    t = np.arange(frames) / SR
    mono = (0.5 * np.sin(2 * np.pi * 220 * t) * (1 + 0.5 * np.sin(2 * np.pi * 2 * t))).astype(np.float32)
    return np.stack([mono, mono])


def direct(name: str, x: np.ndarray, **params) -> np.ndarray:
    """The same plugin called directly through pedalboard, in one call."""
    plugin = pedalboard.load_plugin(str(ZAM / f"{name}.vst3"))
    for k, v in params.items():
        setattr(plugin, k, v)
    return plugin.process(x, SR)


def test_zamcomp_on_a_stereo_bus_reduces_rms_like_the_plugin_called_directly():
    x = drums()
    params = {"plugin": "ZamComp", "threshold_db": -30.0, "ratio": 10.0}
    node = VST3(**params)
    y = run_node(node, x.shape[1], params, inputs=[x])
    assert node.host.layout == "per-channel"                        # ZamComp is mono-only
    reduction = rms_db(x[0]) - rms_db(y)
    expected = rms_db(x[0]) - rms_db(direct("ZamComp", x[:1], threshold_db=-30.0, ratio=10.0))
    assert expected > 10.0                                     # the compressor really works
    assert reduction == pytest.approx(expected, abs=0.5)
    np.testing.assert_array_equal(y[0], y[1])


def test_vst3_output_does_not_depend_on_block_size():
    x = drums(SR)
    params = {"plugin": "ZamComp", "threshold_db": -24.0, "ratio": 6.0}
    a = run_node(VST3(**params), SR, params, inputs=[x], block=64)
    b = run_node(VST3(**params), SR, params, inputs=[x], block=4096)
    np.testing.assert_allclose(a, b, atol=1e-6)


def test_patterned_parameter_changes_exactly_at_the_onset():
    x = drums(SR)
    onset = 20_000
    thr = np.full(SR, -10.0)
    thr[onset:] = -40.0
    params = {"plugin": "ZamComp", "threshold_db": thr, "ratio": 8.0}
    y = run_node(VST3(plugin="ZamComp"), SR, params, inputs=[x], block=4096)
    ref = pedalboard.load_plugin(str(ZAM / "ZamComp.vst3"))
    ref.ratio, ref.threshold_db = 8.0, -10.0
    first = ref.process(x[:1, :onset], SR, reset=False)
    ref.threshold_db = -40.0
    second = ref.process(x[:1, onset:], SR, reset=False)
    np.testing.assert_allclose(y[0], np.concatenate([first, second], axis=1)[0], atol=1e-6)


def test_stereo_only_plugin_on_a_mono_bus_gets_the_signal_on_both_inputs():
    x = drums(SR)[:1]
    params = {"plugin": "ZamCompX2", "threshold_db": -30.0, "ratio": 10.0}
    node = VST3(**params)
    y = run_node(node, SR, params, inputs=[x], channels=1)
    assert node.host.stereo_in_mono
    ref = direct("ZamCompX2", np.repeat(x, 2, axis=0), threshold_db=-30.0, ratio=10.0).mean(axis=0)
    np.testing.assert_allclose(y[0], ref, atol=1e-6)
    assert rms_db(x) - rms_db(y) > 10.0


def test_names_are_case_insensitive_and_display_names_work():
    node = VST3(plugin="zamcomp", Threshold=-20.0, RATIO=3.0)
    assert node.host.path == ZAM / "ZamComp.vst3"
    assert node.host.values == {"threshold_db": -20.0, "ratio": 3.0}
    y = run_node(node, 4800, {"plugin": "zamcomp", "threshold": -20.0, "ratio": 3.0}, inputs=[drums(4800)])
    assert float(node.host.instances[0].threshold_db) == -20.0 and float(node.host.instances[1].ratio) == 3.0
    assert y.shape == (2, 4800)


def test_misspelled_plugin_name_gets_did_you_mean():
    with pytest.raises(PhononError) as err:
        VST3(plugin="ZamCmop")
    assert err.value.message == "vst3: unknown plugin 'ZamCmop'"
    assert err.value.hint.startswith("did you mean 'ZamComp'")


def test_unknown_parameter_gets_did_you_mean():
    with pytest.raises(PhononError) as err:
        VST3(plugin="ZamComp", threshhold=-3)
    assert err.value.message == "vst3 'ZamComp': unknown parameter 'threshhold'"
    assert err.value.hint == "did you mean 'threshold_db'?"


def test_out_of_range_values_are_clamped_to_the_plugin_range():
    node = VST3(plugin="ZamComp", threshold_db=-200.0)
    node.prepare(SR, 512, 2)
    assert float(node.host.instances[0].threshold_db) == -80.0


def test_a_plugin_that_fails_to_load_names_plugin_and_reason(tmp_path, monkeypatch):
    broken = tmp_path / "plugins" / "ZamCompy.vst3"           # an empty bundle: not loadable
    broken.mkdir(parents=True)
    monkeypatch.setenv("PHONON_VST3_PATH", str(tmp_path / "plugins"))
    with pytest.raises(PhononError) as err:
        VST3(plugin="ZamCompy")
    assert err.value.message.startswith(f"vst3: cannot load plugin 'ZamCompy' ({broken}): ")
    assert "unsupported plugin format or scan failure" in err.value.message
    assert err.value.hint.startswith("did you mean 'ZamComp'")


def test_missing_path_is_an_error():
    with pytest.raises(PhononError) as err:
        VST3(plugin="/nowhere/Thing.vst3")
    assert err.value.message == "vst3: no plugin at '/nowhere/Thing.vst3'"


def test_phonon_vst3_path_is_searched_first(tmp_path, monkeypatch):
    folder = tmp_path / "mine"
    shutil.copytree(ZAM / "ZamComp.vst3", folder / "ZamComp.vst3")
    monkeypatch.setenv("PHONON_VST3_PATH", str(folder))
    assert resolve_plugin("zamcomp") == folder / "ZamComp.vst3"
    assert resolve_plugin(str(ZAM / "ZamEQ2.vst3")) == ZAM / "ZamEQ2.vst3"


def test_scan_lists_parameters_and_caches_by_mtime(tmp_path, monkeypatch):
    folder = tmp_path / "mine"
    bundle = folder / "ZamComp.vst3"
    shutil.copytree(ZAM / "ZamComp.vst3", bundle)
    monkeypatch.setenv("PHONON_VST3_PATH", str(folder))
    found = {Path(i.path): i for i in scan_plugins("zamcomp")}
    assert set(found) == {bundle, ZAM / "ZamCompX2.vst3"}
    info = found[bundle]
    assert info.name == "ZamComp" and info.error is None
    assert info.params["threshold_db"]["min"] == -80.0 and info.params["threshold_db"]["max"] == 0.0
    assert info.params["ratio"]["default"] == 4.0
    cache = json.loads(vst3_cache.cache_path().read_text())
    assert set(cache["plugins"]) == {str(bundle), str(ZAM / "ZamCompX2.vst3")}

    probes = []
    real_probe = scan._probe
    monkeypatch.setattr(scan, "_probe", lambda path, timeout: probes.append(path) or real_probe(path, timeout))
    assert {Path(i.path): i for i in scan_plugins("zamcomp")}[bundle].params == info.params
    assert probes == []                                       # unchanged bundles: from the cache
    so = bundle / "Contents" / "x86_64-linux" / "ZamComp.so"
    later = max(p.stat().st_mtime for p in [bundle, *bundle.rglob("*")]) + 10
    os.utime(so, (later, later))
    scan_plugins("zamcomp")
    assert probes == [bundle]                                 # touched bundle: scanned again


def test_phonon_plugins_command_lists_zamcomp_with_its_parameters(tmp_path):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    env.pop("PHONON_VST3_PATH", None)
    out = subprocess.run([sys.executable, "-m", "phonon", "plugins", "ZamComp", "--json"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    plugins = {p["name"]: p for p in json.loads(out.stdout)}
    assert {"ZamComp", "ZamCompX2"} <= set(plugins)
    assert {"threshold_db", "ratio", "attack_ms", "release_ms"} <= set(plugins["ZamComp"]["params"])
    text = subprocess.run([sys.executable, "-m", "phonon", "plugins", "zamcomp"],
                          capture_output=True, text=True, env=env, timeout=120).stdout
    lines = text.splitlines()
    assert lines[0] == "ZamComp  (/usr/lib/vst3/ZamComp.vst3)"
    assert any(ln.split()[:4] == [":threshold_db", "default", "0", "dB"] and ln.endswith("[-80 .. 0]")
               for ln in lines)


def test_hot_swap_hands_over_the_plugin_instances():
    x = drums(SR // 2)
    params = {"plugin": "ZamComp", "threshold_db": -30.0, "ratio": 10.0}
    old = VST3(**params)
    run_node(old, SR // 4, params, inputs=[x[:, :SR // 4]])
    new = VST3(**params)
    new.prepare(SR, 512, 2)
    new.load_state(old.state())
    assert new.host.instances == old.host.instances


def test_a_scanned_plugin_is_also_found_by_its_own_name():
    cfile = vst3_cache.cache_path()
    cfile.parent.mkdir(parents=True)
    entry = {"name": "Zam Compressor", "path": str(ZAM / "ZamComp.vst3"), "params": {}, "error": None,
             "stamp": 0.0}
    cfile.write_text(json.dumps({"version": vst3_cache.CACHE_VERSION, "plugins": {entry["path"]: entry}}))
    assert resolve_plugin("zam compressor") == ZAM / "ZamComp.vst3"


def test_phonon_vst3_is_the_command_and_plugins_its_alias(tmp_path):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    env.pop("PHONON_VST3_PATH", None)

    def phonon(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "phonon", *args], capture_output=True,
                              text=True, env=env, timeout=120)

    vst3, plugins = phonon("vst3", "zamcomp"), phonon("plugins", "zamcomp")
    assert vst3.returncode == plugins.returncode == 0, vst3.stderr + plugins.stderr
    assert vst3.stdout == plugins.stdout
    assert vst3.stdout.splitlines()[0] == "ZamComp  (/usr/lib/vst3/ZamComp.vst3)"
    listing = " ".join(phonon("--help").stdout.split())
    assert "vst3 list installed VST3 plugins" in listing
    assert "plugins alias of `phonon vst3`" in listing

"""The public plugin API (`phonon.plugins`): what it exports, that the built-in nodes and the
example plugins use nothing else, and what each helper does."""
from __future__ import annotations

import ast
import importlib
from pathlib import Path

import numpy as np
import pytest

import phonon.plugins as api
from phonon.plugins import (ARITHMETIC, MIDDLE_C_HZ, Node, Param, ParamBuffers, StateArrays,
                            control_number, mix_into, node, note_to_freq, note_value,
                            scalar_or_array, value_at)

ROOT = Path(__file__).resolve().parents[2]

#: What a node module may import from Phonon: the plugin API, the kernel library, the sample
#: bank and voice pool (the `samples` resource, docs/samples.md) and the VST3 host.
PUBLIC = {"phonon.plugins", "phonon.dsp", "phonon.samples", "phonon.samples.voicepool",
          "phonon.vst3"}
KERNEL_MODULES = {"biquad", "blep", "clean", "comb", "compressor", "control", "delay", "direct",
                  "dynamics", "echo", "envelopes", "freeverb", "fx_kernels", "grains", "ladder",
                  "limiter", "mixsum", "modulation", "orbit_fx", "oscillators", "pedal",
                  "primitives", "reverbs", "strings", "svf", "synth_kernels", "vocoder", "voice_fx",
                  "voice_fx_extra", "waves"}


def phonon_imports(path: Path) -> set[str]:
    """Every `phonon...` module a source file imports (`from phonon.dsp import svf` counts as
    `phonon.dsp.svf` when `svf` is a module)."""
    found = set()
    for stmt in ast.walk(ast.parse(path.read_text())):
        if isinstance(stmt, ast.Import):
            found |= {a.name for a in stmt.names if a.name.split(".")[0] == "phonon"}
        elif isinstance(stmt, ast.ImportFrom) and stmt.level == 0 and stmt.module \
                and stmt.module.split(".")[0] == "phonon":
            found.add(stmt.module)
            if stmt.module == "phonon.dsp":
                found |= {f"phonon.dsp.{a.name}" for a in stmt.names}
    return found


def test_built_in_nodes_and_example_plugins_import_only_the_public_api():
    modules = {"phonon.dsp." + m for m in KERNEL_MODULES}
    for path in sorted((ROOT / "nodes").glob("*.py")):
        wrong = phonon_imports(path) - PUBLIC - modules
        assert not wrong, f"{path.name} imports {sorted(wrong)}"
    for path in sorted((ROOT / "examples" / "plugins").glob("phonon-*/phonon_*/*.py")):
        assert phonon_imports(path) <= {"phonon.plugins"}, path


def test_the_kernel_library_modules_exist_and_are_documented():
    doc = importlib.import_module("phonon.dsp").__doc__
    on_disk = {p.stem for p in (ROOT / "core" / "dsp").glob("*.py")} - {"__init__"}
    assert on_disk == KERNEL_MODULES
    for name in KERNEL_MODULES:
        assert f"`{name}`" in doc
        assert importlib.import_module(f"phonon.dsp.{name}").__doc__


def test_every_exported_name_resolves_and_is_documented_in_the_plugin_guide():
    guide = (ROOT / "docs" / "plugins.md").read_text()
    for name in api.__all__:
        assert getattr(api, name) is not None
        assert f"`{name}" in guide, f"docs/plugins.md does not mention {name}"


def test_param_buffers_pass_a_float64_block_through_and_fill_one_buffer_otherwise():
    bufs = ParamBuffers(8, "cutoff")
    block = np.linspace(100.0, 800.0, 8)
    assert bufs.get("cutoff", block, 8) is block                  # already a kernel block
    filled = bufs.get("cutoff", 440.0, 8)
    assert filled.dtype == np.float64 and np.all(filled == 440.0)
    again = bufs.get("cutoff", np.array([[1.0, 3.0, 5.0], [3.0, 5.0, 7.0]], np.float32), 3)
    assert np.shares_memory(again, filled)                        # the same buffer, no new one
    assert again.tolist() == [2.0, 4.0, 6.0]                      # channel mean
    assert scalar_or_array(0.25, 4) == 0.25 and isinstance(scalar_or_array(1, 4), float)
    assert scalar_or_array(block, 4).tolist() == block[:4].tolist()
    assert value_at(block, 7) == 800.0 and value_at(3, 5) == 3.0


def test_mix_into_is_dry_at_0_wet_at_1_and_per_sample_between():
    dry = np.full((2, 4), 0.5, np.float32)
    wet = np.full((2, 4), -1.0, np.float32)
    out = np.zeros((2, 4), np.float32)
    mix_into(out, dry, wet, 0.0, 4)
    assert np.array_equal(out, dry)
    mix_into(out, dry, wet, 1.0, 4)
    assert np.array_equal(out, wet)
    mix_into(out, dry, wet, np.array([0.0, 0.25, 0.5, 1.0]), 4)
    assert out[0].tolist() == [0.5, 0.125, -0.25, -1.0]


def test_control_values_numbers_note_names_and_frequencies():
    assert control_number(0.8) == 0.8 and control_number("0.5") == 0.5
    assert control_number(None) is None and control_number(None, 1.0) == 1.0
    assert control_number("bd", 1.0) == 1.0 and control_number(float("nan"), 2.0) == 2.0
    assert control_number("a4") is None                           # text is not a number
    assert note_value("c4") == 0.0 and note_value("eb4") == 3.0 and note_value("a3") == -3.0
    assert note_value(7) == 7.0 and note_value("x") is None and note_value(None) is None
    assert MIDDLE_C_HZ == pytest.approx(261.6255653)
    assert note_to_freq(9) == pytest.approx(440.0, abs=1e-12)
    assert note_to_freq(-12) == pytest.approx(MIDDLE_C_HZ / 2, abs=1e-12)


class _Held(StateArrays, Node):
    state_arrays = ("a", "b")

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.a = np.zeros(channels)
        self.b = np.zeros(sr // 1000)


def test_state_arrays_hand_over_copies_and_only_when_every_array_fits():
    old, new = _Held(), _Held()
    old.prepare(44100, 64, 2)
    new.prepare(44100, 64, 2)
    old.a[:] = [1.0, 2.0]
    old.b[:] = 3.0
    state = old.state()
    old.a[:] = 0.0                                                 # the state is a copy
    new.load_state(state)
    assert new.a.tolist() == [1.0, 2.0] and np.all(new.b == 3.0)
    other_rate = _Held()
    other_rate.prepare(48000, 64, 2)                               # `b` has another shape
    other_rate.load_state(state)
    assert np.all(other_rate.a == 0.0) and np.all(other_rate.b == 0.0)
    new.load_state({"a": np.ones(2)})                              # `b` missing: nothing taken
    assert new.a.tolist() == [1.0, 2.0]


def test_master_hooks_and_arithmetic_are_declared_with_defaults_on_node():
    from phonon.nodes.mathops import Add, Master, Mix

    assert (Node.clean_output, Node.input_finite, Node.arithmetic) == (False, True, None)
    assert Master.clean_output and Master.arithmetic is None
    assert (Add.arithmetic, Mix.arithmetic) == ("add", "mix")
    assert set(ARITHMETIC) == {"add", "sub", "mul", "const", "gain", "mix"}
    with pytest.raises(ValueError, match="arithmetic must be one of"):
        @node("halve", inputs=2)
        class Halve(Node):                                         # noqa: F841 - never registered
            arithmetic = "div"
            x = Param(1.0)


def test_the_kernel_library_example_of_the_guide_runs_the_library_filter():
    from phonon.nodes.filters import BandPass
    from phonon.plugins.testing import render_node

    guide = (ROOT / "docs" / "plugins.md").read_text()
    (code,) = [b for b in guide.split("```python\n") if "class Wah(" in b]
    scope: dict = {}
    exec(code.split("```")[0], scope)                           # noqa: S102 - the guide's code
    wah = scope["Wah"]
    noise = np.random.default_rng(1).uniform(-0.5, 0.5, 8192)
    held = render_node(wah, frames=8192, inputs=[noise], params={"rate": 0.0, "q": 4.0})
    bpf = render_node(BandPass, frames=8192, inputs=[noise], params={"cutoff": 1200.0, "q": 4.0})
    assert np.array_equal(held, bpf)                          # rate 0: a band-pass at 1200 Hz
    swept = render_node(wah, frames=8192, inputs=[noise], params={"rate": 5.0, "q": 4.0},
                        block=100)
    whole = render_node(wah, frames=8192, inputs=[noise], params={"rate": 5.0, "q": 4.0},
                        block=4096)
    np.testing.assert_allclose(swept, whole, atol=1e-5)       # the phase runs on across blocks
    assert np.abs(swept - bpf).max() > 0.1                    # and the sweep is heard


def test_event_spans_cut_the_block_at_its_onsets_in_time_order():
    from fractions import Fraction

    from phonon.plugins import Block, Trigger, event_spans

    def trig(offset: int) -> Trigger:
        return Trigger(offset=offset, value={"note": offset}, cycle=Fraction(0), duration=0.1)

    late, early, again, outside = trig(300), trig(10), trig(300), trig(900)
    ctx = Block(index=0, start=0, frames=512, sr=44100, cps=1.0, cycle=0.0,
                events=[late, early, again, outside])
    spans = list(event_spans(ctx))
    assert [(a, b) for a, b, _ in spans] == [(0, 10), (10, 300), (300, 300), (300, 511), (511, 512)]
    assert [t for _, _, t in spans] == [early, late, again, outside, None]
    assert list(event_spans(Block(0, 0, 64, 44100, 1.0, 0.0))) == [(0, 64, None)]


def test_importing_the_plugin_api_does_not_import_numpy_until_a_helper_is_used():
    import subprocess
    import sys

    code = ("import sys, phonon.plugins as p; before = 'numpy' in sys.modules; p.ParamBuffers; "
            "print(before, 'numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["False", "True"], out.stderr

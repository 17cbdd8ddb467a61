"""InlineExecutor via Session on hand-built graphs: onsets, stepped and modulated params,
block-size independence, feedback delay, NaN guard, node exceptions, 0 dBFS ceiling."""
from fractions import Fraction

import numpy as np
import pytest

from phonon.engine.session import Session
from phonon.lang.ir import Edge
from phonon.patterns.pattern import Pattern

from tests.graph_fixtures import CyclePattern, graph, n, registry

BLOCKS = [64, 512, 2048, 4096]


def render(g, frames, block, sr=44100):
    s = Session(g, sr, block, registry=registry(), reporter=lambda m: None)
    return s.render(frames), s


@pytest.mark.parametrize("cps", [Fraction(1, 2), Fraction(1), Fraction(5, 2), Fraction(1, 3)])
def test_onsets_on_exact_samples_for_every_block_size(cps):
    sr = 44100
    g = graph(n("hits", "impulse", pattern=CyclePattern.seq([1, 1, 1, 1])),
              n("out", "amp", ["hits"], gain=0.5), master="out", cps=float(cps))
    frames = round(3 / cps * sr) + 1                      # three cycles and the next onset
    expected = [round(Fraction(k, 4) / cps * sr) for k in range(13)]
    renders = []
    for block in BLOCKS:
        y, _ = render(g, frames, block)
        assert y.shape == (2, frames) and y.dtype == np.float32
        assert np.flatnonzero(y[0]).tolist() == expected
        assert np.all(y[:, expected] == 0.5)
        renders.append(y)
    for y in renders[1:]:
        assert np.max(np.abs(y - renders[0])) <= 1e-6


def test_stepped_parameter_changes_exactly_at_onsets():
    sr = 1000
    g = graph(n("lv", "level", value=CyclePattern.seq([0.1, 0.3, None, 0.7])),
              n("out", "amp", ["lv"]), master="out", cps=1.0)
    for block in [64, 100, 333, 1024]:
        y, _ = render(g, 2000, block, sr)
        expected = np.empty(2000, np.float32)
        for k in range(2):
            expected[1000 * k: 1000 * k + 250] = 0.1
            expected[1000 * k + 250: 1000 * k + 750] = 0.3   # the rest holds 0.3
            expected[1000 * k + 750: 1000 * k + 1000] = 0.7
        np.testing.assert_array_equal(y[0], expected)
        np.testing.assert_array_equal(y[1], expected)


def test_stepped_parameter_starts_with_the_value_sounding_at_the_start():
    g = graph(n("lv", "level", value=CyclePattern([(Fraction(0), Fraction(1), 0.4)])),
              n("out", "amp", ["lv"]), master="out")
    y, _ = render(g, 10, 4)
    assert np.all(y == np.float32(0.4))


def test_modulation_is_the_channel_mean_per_sample():
    g = graph(n("r", "ramp", scale=1e-4),
              n("src", "level", value=0.5),
              n("out", "amp", ["src"], gain=Edge("r")), master="out")
    y, _ = render(g, 3000, 256)
    expected = (0.5 * np.arange(3000) * 1e-4).astype(np.float32)
    np.testing.assert_allclose(y[0], expected, rtol=0, atol=1e-7)


def test_signal_arithmetic_sum_of_buses():
    g = graph(n("a", "level", value=0.25), n("b", "level", value=0.5),
              n("out", "sum", ["a", "b"]), master="out")
    y, _ = render(g, 100, 64)
    assert np.all(y == 0.75)


def test_partial_last_block_and_exact_length():
    g = graph(n("r", "ramp", scale=1e-5), n("out", "amp", ["r"]), master="out")
    y, _ = render(g, 1000, 300)
    assert y.shape == (2, 1000)
    np.testing.assert_allclose(y[0], np.arange(1000) * 1e-5, atol=1e-7)


def _echo_graph():
    # x = impulse + 0.5 * x(one engine block ago): echoes every engine block, halving.
    return graph(n("hit", "impulse", pattern=CyclePattern([(Fraction(0), Fraction(1), 1)])),
                 n("fb", "amp", ["x"], gain=0.5),
                 n("x", "sum", ["hit", Edge("fb", delayed=True)]),
                 n("out", "amp", ["x"]), master="out")


def test_feedback_delay_is_64_frames_whatever_the_block_size():
    renders = []
    for block in [32, 100, 250, 512, 4096]:
        y, s = render(_echo_graph(), 1000, block, sr=10000)
        assert s.plan.feedback == [("x", "fb")]
        assert (s.block, s.engine_block) == (block, 64)
        nz = np.flatnonzero(y[0])
        assert nz.tolist() == list(range(0, 1000, 64))
        np.testing.assert_array_equal(y[0, nz], 0.5 ** np.arange(len(nz)))
        renders.append(y)
    for y in renders[1:]:
        np.testing.assert_array_equal(y, renders[0])


def test_feedback_block_0_means_one_requested_block():
    for block in [100, 250]:
        s = Session(_echo_graph(), 10000, block, registry=registry(), feedback_block=0)
        y = s.render(1000)
        assert np.flatnonzero(y[0]).tolist() == list(range(0, 1000, block))


def test_run_block_sizes_can_vary_with_feedback_graphs():
    s = Session(_echo_graph(), 10000, 100, registry=registry())
    parts = [s.run_block(n).copy() for n in (100, 37, 1, 200, 100, 62)]   # 500 frames
    y = np.concatenate(parts, axis=1)
    assert np.flatnonzero(y[0]).tolist() == list(range(0, 500, 64))
    assert s.position == 500


def test_nan_is_guarded_node_reset_and_reported_once():
    g = graph(n("bad", "blowup", at=2), n("ok", "level", value=0.5),
              n("out", "sum", ["bad", "ok"]), master="out")
    messages = []
    s = Session(g, 44100, 64, registry=registry(), reporter=messages.append)
    y = s.render(64 * 8)
    assert np.all(np.isfinite(y))
    np.testing.assert_array_equal(y[:, :128], 0.75)        # blocks 0, 1 fine
    np.testing.assert_array_equal(y[:, 128:192], 0.0)      # the bad block is silenced
    np.testing.assert_array_equal(y[:, 192:256], 0.5)      # next block: found, reset, silent
    np.testing.assert_array_equal(y[:, 256:], 0.75)        # the reset node plays again
    assert messages == ["node bad (blowup) produced NaN/Inf; it was reset"]
    assert s.nodes["bad"].prepared == 2                    # prepared once more (the reset)


def test_node_exception_leaves_the_rest_of_the_mix_intact():
    g = graph(n("boom", "crash"), n("ok", "level", value=0.25),
              n("out", "sum", ["boom", "ok"]), master="out")
    messages = []
    s = Session(g, 44100, 128, registry=registry(), reporter=messages.append)
    y = s.render(1000)
    np.testing.assert_array_equal(y, 0.25)
    assert len(messages) == 1
    assert messages[0].startswith("node boom (crash) raised an exception; it is silent:\n")
    assert "RuntimeError: boom" in messages[0]
    assert s.executor.failed == {"boom"}


def test_output_never_exceeds_0_dbfs():
    g = graph(n("loud", "level", value=3.0), n("out", "amp", ["loud"], gain=-1.0), master="out")
    y, _ = render(g, 500, 128)
    assert np.all(y == -1.0)


def test_tempo_change_mid_render_keeps_onsets_exact():
    g = graph(n("hits", "impulse", pattern=CyclePattern.seq([1, 1])),
              n("out", "amp", ["hits"]), master="out", cps=1.0)
    s = Session(g, 1000, 100, registry=registry(), reporter=lambda m: None)
    first = s.render(700)                                 # onsets 0, 500
    s.set_cps(2)                                          # cycle 0.7 at 700; 500 samples/cycle
    second = s.render(800)                                # onsets at cycles 1, 1.5, 2 -> 850, 1100, 1350
    y = np.concatenate([first, second], axis=1)
    assert np.flatnonzero(y[0]).tolist() == [0, 500, 850, 1100, 1350]


def test_non_numeric_pattern_value_holds_and_is_reported_once():
    g = graph(n("lv", "level", value=CyclePattern.seq([0.5, "c4x"])),
              n("out", "amp", ["lv"]), master="out", cps=1.0)
    messages = []
    s = Session(g, 1000, 64, registry=registry(), reporter=messages.append)
    y = s.render(3000)
    np.testing.assert_array_equal(y, 0.5)
    assert messages == ["node lv (level): 'value' got a non-numeric value 'c4x'; it holds its last value"]


def _broken(span):
    raise ZeroDivisionError("bad pattern")


def test_failing_event_pattern_is_silent_and_reported_once():
    from phonon.lang.ir import PatternArg
    g = graph(n("hits", "impulse", pattern=PatternArg(Pattern(_broken))),
              n("ok", "level", value=0.25), n("out", "sum", ["hits", "ok"]), master="out")
    messages = []
    s = Session(g, 1000, 64, registry=registry(), reporter=messages.append)
    y = s.render(500)
    np.testing.assert_array_equal(y, 0.25)
    assert messages == ["node hits (impulse): the pattern of 'events' failed "
                        "(ZeroDivisionError: bad pattern); its events are silent"]


def test_wrong_number_of_audio_inputs_is_a_located_error():
    from phonon.errors import PhononError
    g = graph(n("a", "level"), n("out", "amp", ["a", "a"], line=3, col=9), master="out")
    with pytest.raises(PhononError) as info:
        Session(g, 1000, 64, registry=registry())
    assert (info.value.line, info.value.col) == (3, 9)
    assert info.value.message == "amp expects 1 audio input, got 2"


def test_render_reports_progress_per_block_and_rejects_negative_lengths():
    g = graph(n("a", "level", value=0.1), n("out", "amp", ["a"]), master="out")
    s = Session(g, 1000, 300, registry=registry())
    seen = []
    y = s.render(1000, progress=seen.append)
    assert seen == [300, 600, 900, 1000] and y.shape == (2, 1000)
    with pytest.raises(ValueError):
        s.render(-1)


def test_run_block_accepts_requests_larger_than_the_block():
    g = graph(n("r", "ramp", scale=1e-4), n("out", "amp", ["r"]), master="out")
    s = Session(g, 1000, 300, registry=registry())
    parts = [s.run_block(k).copy() for k in (1000, 300, 50, 250, 700)]
    y = np.concatenate(parts, axis=1)
    np.testing.assert_allclose(y[0], np.arange(2300) * 1e-4, atol=1e-7)
    assert s.position == 2300


def test_unknown_parameter_is_a_located_error_with_a_suggestion():
    from phonon.errors import PhononError
    g = graph(n("a", "level", line=2, col=4, valeu=0.3), n("out", "amp", ["a"]), master="out")
    with pytest.raises(PhononError) as info:
        Session(g, 1000, 64, registry=registry())
    assert (info.value.line, info.value.col) == (2, 4)
    assert info.value.message == "level has no parameter 'valeu'"
    assert info.value.hint == "did you mean 'value'?"

"""The faster node paths compute exactly what the straightforward code computes."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from phonon.dsp import limiter as lim
from phonon.dsp.clean import clean_clip
from phonon.timing.clock import Clock
from phonon.timing.events import EventStream, TriggerSource
from phonon.nodes.dynamics import Compressor, Limiter
from phonon.nodes.mathops import Master, Mix
from phonon.patterns.pattern import Pattern
from phonon.plugins.api import Block, Params

SR = 44100
RNG = np.random.default_rng(7)


def ctx(frames: int, start: int = 0) -> Block:
    return Block(index=0, start=start, frames=frames, sr=SR, cps=0.5, cycle=0.0)


def stereo(n: int = 2048, scale: float = 0.5) -> np.ndarray:
    return (RNG.standard_normal((2, n)) * scale).astype(np.float32)


# -- mix: one numba pass == the add/mul chain
def test_weighted_mix_equals_the_float32_chain_it_replaces():
    a, b, c = stereo(), stereo(), stereo()
    node = Mix()
    node.prepare(SR, 2048, 2)
    out = np.zeros((2, 2048), np.float32)
    node.process(ctx(2048), [a, b, c], Params(gains=(1.0, 0.3, 0.7)), out)
    chain = (a + b * np.float32(0.3)) + c * np.float32(0.7)
    assert np.array_equal(out, chain)
    node.process(ctx(2048), [a, b, c], Params(gains=None), out)
    assert np.array_equal(out, (a + b) + c)
    node.process(ctx(1000), [a, b, c], Params(gains=(0.5, 1.0, 1.0)), out)   # partial block
    assert np.array_equal(out[:, :1000], (a[:, :1000] * np.float32(0.5) + b[:, :1000])
                          + c[:, :1000])


def test_mix_of_a_broadcast_mono_input_and_stereo_inputs_takes_the_numpy_path():
    mono = np.broadcast_to(stereo(2048)[0], (2, 2048))     # read-only view: another numba type
    a = stereo()
    node = Mix()
    node.prepare(SR, 2048, 2)
    out = np.zeros((2, 2048), np.float32)
    node.process(ctx(2048), [a, mono], Params(gains=(1.0, 0.25)), out)
    assert np.array_equal(out, a + mono * np.float32(0.25))


# -- master: one pass, same values as nan_to_num + clip
def test_master_cleans_and_clips_like_numpy_and_reports_nonfinite_input():
    x = stereo(scale=2.0)
    x[0, 3], x[1, 10], x[1, 11] = np.nan, np.inf, -np.inf
    out = np.zeros_like(x)
    assert clean_clip(x, out, 2048) is False
    ref = np.clip(np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0), -1.0, 1.0)
    assert np.array_equal(out, ref) and out[1, 10] == 0.0
    m = Master()
    m.prepare(SR, 2048, 2)
    m.process(ctx(2048), [x], Params(), out)
    assert (m.input_finite, m.nonfinite_blocks) == (False, 1)
    y = stereo(scale=2.0)
    m.process(ctx(2048), [y], Params(), out)
    assert (m.input_finite, m.nonfinite_blocks) == (True, 1)
    assert np.array_equal(out, np.clip(y, -1.0, 1.0)) and out.max() == 1.0


# -- limiter: incremental indices and cached exp == the original per-sample formulas
def limiter_reference(x, ceiling, release, L):
    """The original kernel's arithmetic in plain Python (pos % (L+1), pos % L, exp per sample)."""
    channels, n = x.shape
    audio = np.zeros((channels, L)); need = np.ones(L + 1); env = np.ones(L)
    pos, total, last, m = 0, float(L), 1.0, 1.0
    out = np.zeros((channels, n), np.float32)
    for i in range(n):
        c = ceiling[i]
        peak = max(abs(float(x[ch, i])) for ch in range(channels))
        r = 1.0 if peak <= c else c / peak
        slot = pos % (L + 1)
        leaving = need[slot]
        need[slot] = r
        if r <= m:
            m = r
        elif leaving <= m:
            m = float(need.min())
        rel = release[i] * SR
        up = last + (1.0 - last) * (1.0 - math.exp(-1.0 / rel)) if rel > 0.0 else 1.0
        e = min(m, up)
        last = e
        k = pos % L
        total += e - env[k]
        env[k] = e
        g = min(total / L, 1.0)
        for ch in range(channels):
            delayed = audio[ch, k]
            audio[ch, k] = x[ch, i]
            out[ch, i] = min(max(delayed * g, -c), c)
        pos += 1
        if pos >= L * (L + 1):
            pos, total = 0, float(env.sum())
    return out


def test_limiter_kernel_matches_the_reference_formulas_across_blocks():
    n = 5000
    x = stereo(n, scale=1.5)
    release = np.where(np.arange(n) < 2500, 0.05, 0.2)            # the exp is redone once
    ceiling = np.full(n, 0.8)
    ref = limiter_reference(x, ceiling, release, lim.lookahead_samples(SR))
    node = Limiter()
    node.prepare(SR, 2048, 2)
    out = np.zeros((2, n), np.float32)
    for a in range(0, n, 2048):
        b = min(a + 2048, n)
        node.process(ctx(b - a), [np.ascontiguousarray(x[:, a:b])],
                     Params(ceiling=0.8, release=release[a:b].copy()), out[:, a:b])
    assert np.abs(out).max() <= 0.8 + 1e-7
    assert np.array_equal(out, ref)


def test_limiter_constant_parameters_are_reused_until_they_change():
    x = stereo(2048, scale=1.5)
    node = Limiter()
    node.prepare(SR, 2048, 2)
    out = np.zeros_like(x)
    node.process(ctx(2048), [x], Params(ceiling=0.5, release=0.1), out)
    assert np.abs(out).max() <= 0.5
    node.process(ctx(2048), [x], Params(ceiling=-12.0, release=0.1), out)  # dB: 0.2512
    assert node._const[1][0][0] == pytest.approx(10 ** (-12 / 20))
    assert np.abs(out).max() <= 10 ** (-12 / 20) + 1e-7


# -- JUCE's compressor as a kernel: constant parameters == the same values as arrays
def test_compressor_fast_path_equals_segmented_path_and_follows_parameter_changes():
    x = stereo(4096, scale=0.8)
    fast, slow = Compressor(), Compressor()
    for c in (fast, slow):
        c.prepare(SR, 2048, 2)
    yf, ys = np.zeros_like(x), np.zeros_like(x)
    for a, thr in ((0, -20.0), (2048, -6.0)):            # the threshold changes between blocks
        blk = np.ascontiguousarray(x[:, a:a + 2048])
        fast.process(ctx(2048), [blk], Params(threshold=thr, ratio=4.0, attack=0.005,
                                             release=0.1, makeup=0.0), yf[:, a:a + 2048])
        slow.process(ctx(2048), [blk], Params(threshold=np.full(2048, thr), ratio=4.0,
                                             attack=0.005, release=0.1, makeup=0.0),
                     ys[:, a:a + 2048])
    assert fast.fx.params == (-6.0, 4.0, 5.0, 100.0)
    assert np.array_equal(yf, ys)
    assert np.sqrt(np.mean(yf[:, 2048:] ** 2)) > np.sqrt(np.mean(yf[:, :2048] ** 2))


# -- events: periodic onsets shifted with integers == the pattern's own later cycles
class Sixteenths(Pattern):
    """Onsets at k/16 of every cycle, an explicit period of one cycle (or none)."""

    def __init__(self, period):
        super().__init__(self.events, period=period)

    def events(self, span):
        from phonon.patterns.timespan import Event, TimeSpan
        begin, end = span.begin, span.end
        out, k = [], math.floor(begin)
        while k < end:
            for i in (0, 3, 7, 11):
                w = TimeSpan(k + Fraction(i, 16), k + Fraction(i + 3, 16))
                if begin <= w.begin < end:
                    out.append(Event(w, w, {"s": "x", "i": i}))
            k += 1
        return out


@pytest.mark.parametrize("cps", [Fraction(1, 2), Fraction(7, 10), Fraction(1, 3)])
def test_periodic_trigger_stream_equals_querying_every_cycle(cps):
    def triggers(period):
        clock = Clock(SR, cps)
        src = TriggerSource(Sixteenths(period), clock, key="s")
        src.stream._onsets = lambda b, e: Sixteenths(None).query(b, e)   # no CycleCache
        got = []
        for start in range(0, 20 * SR, 1000):
            if start == 9 * SR:
                clock.set_cps(cps * 2, start)                 # pending onsets are re-mapped
            got += [(start + t.offset, t.cycle, t.duration, t.value["i"])
                    for t in src.triggers(start, start + 1000)]
        return src, got

    periodic, a = triggers(Fraction(1))
    plain, b = triggers(None)
    assert periodic.stream._period == 1 and plain.stream._period is None
    assert len(periodic.stream._base) == 1                    # one cycle queried, then shifted
    assert len(a) >= 24 and a == b                              # >= 6 cycles of 4 onsets
    assert all(type(c) is Fraction for _, c, _, _ in a)


def test_event_stream_take_returns_shifted_events():
    stream = EventStream(Sixteenths(Fraction(1)), Clock(SR, Fraction(1, 2)))
    stream._onsets = lambda b, e: Sixteenths(None).query(b, e)
    got = stream.take(5 * 88200, 6 * 88200)
    assert [ev.whole.begin for _, ev in got] == [5 + Fraction(i, 16) for i in (0, 3, 7, 11)]
    assert got[0][0] == 0 and got[1][0] == round(Fraction(3, 16) * 88200)


# -- sample voices: the contiguous copy loop and the silent shortcut
def test_forward_voice_copies_sample_values_exactly_across_block_edges():
    from phonon.samples.bank import SampleRef
    from phonon.samples.voicepool import VoicePool, mix_voices
    arena = (RNG.standard_normal(9000) * 0.5).astype(np.float32)
    ref = SampleRef(offset=1000, frames=5000, channels=1)
    pool = VoicePool(8, SR, 2048)
    pool.start(300, ref, gain=0.5, pan=0.5)
    left, right = 0.5 * math.cos(0.75 * math.pi / 2), 0.5 * math.sin(0.75 * math.pi / 2)
    out = np.full((2, 3 * 2048), 9.0, np.float32)
    for b in range(3):
        mix_voices(arena, pool.acc, out[:, b * 2048:(b + 1) * 2048], 2048, pool.vi, pool.vf,
                   pool.order)
    src = arena[1000:6000].astype(np.float64)
    assert np.array_equal(out[0, 300:5300], (src * left).astype(np.float32))
    assert np.array_equal(out[1, 300:5300], (src * right).astype(np.float32))
    assert not out[:, :300].any() and not out[:, 5300:].any()      # silent blocks are zeroed
    assert pool.sounding() == 0


def test_sample_voice_rows_are_prepared_once_per_control_map(tmp_path):
    from phonon.nodes.voices import SampleVoices
    from phonon.plugins.api import Trigger
    from phonon.samples import SampleBank
    import soundfile as sf
    (tmp_path / "dc").mkdir()
    sf.write(str(tmp_path / "dc" / "a.wav"), np.full(1000, 0.5, np.float32), SR, subtype="FLOAT")
    node = SampleVoices()
    node.samples = SampleBank([tmp_path], SR, builtin=False)
    node.prepare(SR, 512, 2)
    plain = {"s": "dc", "gain": 0.5}
    legato = {"s": "dc", "legato": 1.0}
    node.start(Trigger(0, plain, Fraction(0), 0.25))
    first = node._prepared[id(plain)]
    node.start(Trigger(10, plain, Fraction(1), 0.3))         # duration does not matter here
    assert node._prepared[id(plain)] is first
    node.start(Trigger(20, legato, Fraction(0), 0.001))
    held = node._prepared[id(legato)]
    node.start(Trigger(30, legato, Fraction(1), 0.002))      # legato: a new sustain, recomputed
    assert node._prepared[id(legato)] is not held
    from phonon.samples.voicepool import REL_END
    assert node._prepared[id(legato)][4].ints[REL_END] == round(0.002 * SR)  # sustain = legato x delta
    out = np.zeros((2, 512), np.float32)
    node.process(Block(0, 0, 512, SR, 1.0, 0.0), [], Params(), out)
    # two plain voices (0.5 * 0.5 * cos(pi/4) each) overlap from sample 10; a legato voice
    # from 20 and one from 30 (gain 1)
    c = np.float32(0.25 * math.cos(math.pi / 4))
    assert out[0, 5] == c and out[0, 15] == np.float32(2 * (0.25 * math.cos(math.pi / 4)))


# -- executor + built-in master: one NaN watch, no second clip or copy
def test_clean_master_stage_still_finds_resets_and_reports_a_nan_node():
    from phonon.engine.session import Session
    from phonon.lang.ir import Const, Edge, GraphIR, NodeIR
    from phonon.nodes.mathops import Master as MasterNode
    from phonon.plugins.registry import Registry
    from tests.graph_fixtures import Blowup, Level, Sum

    reg = Registry()
    for cls in (Blowup, Level, Sum, MasterNode):
        reg.register(cls, "tests")
    g = GraphIR(cps=1.0)
    g.add(NodeIR(id="bad", kind="blowup", params={"at": Const(2)}))
    g.add(NodeIR(id="ok", kind="level", params={"value": Const(1.5)}))
    g.add(NodeIR(id="sum", kind="sum", inputs=[Edge("bad"), Edge("ok")]))
    g.add(NodeIR(id="m", kind="master", inputs=[Edge("sum")]))
    g.master = "m"
    messages = []
    s = Session(g, 44100, 64, registry=reg, reporter=messages.append)
    assert s.executor.guard.clean
    first = s.run_block()
    assert first.base is not None and np.shares_memory(first, s.bound.master.out)  # no copy
    y = np.concatenate([first.copy()] + [s.run_block().copy() for _ in range(7)], axis=1)
    np.testing.assert_array_equal(y[:, :128], 1.0)          # 1.75 clipped by the master
    np.testing.assert_array_equal(y[:, 128:192], 0.0)       # NaN block: master zeroes it
    np.testing.assert_array_equal(y[:, 192:256], 1.0)       # bad node found, reset, silent
    np.testing.assert_array_equal(y[:, 256:], 1.0)
    assert messages == ["node bad (blowup) produced NaN/Inf; it was reset"]
    assert s.nodes["m"].nonfinite_blocks == 1


def test_reverb_reconfigures_after_a_dry_block():
    from phonon.nodes.dynamics import Reverb
    x = stereo(2048, scale=0.3)
    rev = Reverb()
    rev.prepare(SR, 2048, 2)
    wet = Params(room=0.5, damp=0.5, mix=0.5)
    out = np.zeros_like(x)
    rev.process(ctx(2048), [x], wet, out)
    rev.process(ctx(2048), [x], Params(room=0.5, damp=0.5, mix=0.0), out)
    assert np.array_equal(out, x)                           # dry block: bit-exact input
    rev.process(ctx(2048), [x], wet, out)                   # the same constants as block 1
    assert rev.fx.params == (0.5, 0.5, 0.5, 0.25, 1.0)         # JUCE doubles dry: (1-mix)
    from phonon.dsp.freeverb import DRY, WET1
    assert rev.fx.smooth[WET1, 1] == np.float32(1.5) and rev.fx.smooth[DRY, 1] == 0.5

"""Cost of every DSP node per block, called block by block as the runtime calls it.

For each row of CASES: CPU microseconds per 512-frame block (stereo, 44.1 kHz), that cost as a
share of the block's real-time budget (512 / 44100 s = 11.6 ms), and the cost relative to a
baseline measured in the same run (a node that copies its input: the floor cost of one
`process` call). Rounds are interleaved (every node once per round) and the median per node is
reported, so load from other processes hits all rows alike; the load average is printed.

A node above 5 % of the budget in its default setting is flagged: it must be inherently heavy
and say so in its doc (docs/nodes.md).

Usage: python benchmarks/bench_dsp_nodes.py [rounds] [blocks_per_round] [block] [filter]
       (`filter`: only rows whose name contains it)

Rows are a table so every node family appends its own: one `Case` per node in its default
setting, plus modulated or heavy settings where they matter.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from phonon.nodes.analysis import AmpFollower, PeakFollower, Rms
from phonon.nodes.biquads import (BiquadBandPass, BiquadHighPass, BiquadLowPass, BiquadNotch,
                                  ParametricEq, Resonz)
from phonon.nodes.comb import Allpass, Comb
from phonon.nodes.control import Gain, Lag, Pan
from phonon.nodes.cyclic import EveryVal, IRand, Rand, Run, Scan, SometimesByVal, WhenmodVal
from phonon.nodes.delay import Delay
from phonon.nodes.dynamics import Compressor, Expander, Limiter, Reverb, TransientShaper
from phonon.nodes.echoes import Multitap, TapeDelay
from phonon.nodes.envelopes import ADSR, ASR, AR, Env, EnvTrig, Perc, Struct
from phonon.nodes.filters import DJFilter, LowPass, SvfLowPass
from phonon.nodes.fx import Convolve
from phonon.nodes.gates import Gate, Latch, SampleHold, Schmidt, Timer, Trig
from phonon.nodes.ladder import MoogLadder
from phonon.nodes.logic import If, Min, Select, Wrap
from phonon.nodes.modfx import (Coarse, Decimator, FChorus, Flanger, Phaser, PingPong, Tremolo,
                                Vibrato)
from phonon.nodes.noise import PinkNoise
from phonon.nodes.notesynth import SawTrig, Synth
from phonon.nodes.oscillators import Line, Saw, Sine, Square
from phonon.nodes.ramps import Curve, Segments, XLine
from phonon.nodes.reverbs import Lush, Plate, ReverbStereo
from phonon.nodes.ringmod import FmCrossmod, Ring, RingMod
from phonon.nodes.spectral import Freeze
from phonon.nodes.stereo import Pan2Left, Widener, XFade
from phonon.nodes.strings import Pluck, Waveguide
from phonon.nodes.synths import SuperChip
from phonon.nodes.tap import Tap
from phonon.nodes.voice import Formant, Granular, PitchShift, Vocoder
from phonon.nodes.waves import VCO, PM, Additive, Blip, Impulse, Organ, Phasor, SoftSaw, Wavetable
from phonon.plugins.api import Block, Node, Params, Trigger, node

SR = 44100
BUDGET_SHARE = 0.05          # a node's default setting should cost less than this share of a block


@node("_copy", inputs=1)
class Copy(Node):
    def process(self, ctx, ins, p, out):
        out[:, :ctx.frames] = ins[0][:, :ctx.frames]


@dataclass
class Case:
    """One row: a node class in one setting. `params` values may be callables of the block
    size (a modulating signal); `events_every`: a trigger (its control map: `event`) at offset 0
    every that many blocks; `inputs`: audio inputs the node reads (noise); `heavy`: documented
    as inherently heavy."""

    name: str
    cls: type
    params: dict = field(default_factory=dict)
    events_every: int = 0
    inputs: int = 1
    static: dict = field(default_factory=dict)
    heavy: bool = False
    event: dict = field(default_factory=dict)


def sweep(block: int) -> np.ndarray:
    return 500.0 + 400.0 * np.sin(np.linspace(0, 6.28, block))


CASES: list[Case] = [
    Case("copy (baseline)", Copy),
    # -- core oscillators, noise, filters, envelopes, control, effects
    Case("sine", Sine, {"freq": 440.0}, inputs=0), Case("saw", Saw, {"freq": 440.0}, inputs=0),
    Case("saw 5 kHz", Saw, {"freq": 5000.0}, inputs=0), Case("square", Square, {"freq": 440.0}, inputs=0),
    Case("pink", PinkNoise, inputs=0),
    Case("lpf", LowPass), Case("lpf modulated", LowPass, {"cutoff": sweep}),
    Case("perc / ad", Perc, events_every=8, inputs=0), Case("adsr / tadsr", ADSR, events_every=8, inputs=0),
    Case("lag", Lag), Case("gain", Gain), Case("pan", Pan), Case("delay", Delay),
    Case("limiter", Limiter, {"ceiling": 0.5}), Case("compressor", Compressor),
    Case("reverb", Reverb),
    # -- issue 17, filters (nodes/biquads.py, ladder.py, comb.py, filters.py)
    Case("bq_lp / rlpf", BiquadLowPass), Case("bq_lp modulated", BiquadLowPass, {"cutoff": sweep}),
    Case("bq_hp / rhpf", BiquadHighPass), Case("bq_bp", BiquadBandPass), Case("resonz", Resonz),
    Case("bq_notch", BiquadNotch),
    Case("parametric_eq flat", ParametricEq),
    Case("parametric_eq 3 bands", ParametricEq, {"low_gain": 3.0, "mid_gain": -4.0, "high_gain": 2.0}),
    Case("moog_ladder", MoogLadder, {"res": 0.5}),
    Case("moog_ladder modulated", MoogLadder, {"cutoff": sweep, "res": 0.7, "drive": 3.0}),
    Case("comb", Comb), Case("comb modulated", Comb, {"freq": sweep}), Case("allpass", Allpass),
    Case("djf", DJFilter, {"v": 0.3}), Case("svf_lp", SvfLowPass),
    # -- issue 17, effects (nodes/echoes.py, modfx.py, ringmod.py, stereo.py, reverbs.py,
    #    spectral.py, dynamics.py, fx.py)
    Case("tapedelay / tape", TapeDelay), Case("multitap (4 taps)", Multitap),
    Case("pingpong", PingPong), Case("flanger", Flanger), Case("phaser / ph (6 stages)", Phaser),
    Case("phaser 12 stages", Phaser, static={"stages": 12}), Case("fchorus (5 voices)", FChorus),
    Case("tremolo / trem", Tremolo), Case("vibrato / vib", Vibrato), Case("coarse", Coarse),
    Case("decimator", Decimator), Case("ring", Ring), Case("ring_mod", RingMod, inputs=2),
    Case("fm_crossmod", FmCrossmod, inputs=2), Case("widener / width", Widener, {"width": 1.5}),
    Case("pan2_l", Pan2Left), Case("xfade", XFade, inputs=2),
    Case("expander / expand", Expander), Case("transient_shaper", TransientShaper,
                                              {"attack": 6.0, "sustain": -3.0}),
    Case("plate", Plate), Case("lush", Lush),
    Case("lush frozen", Lush, {"freeze": 1.0}),
    Case("reverb_stereo", ReverbStereo), Case("freeze (not frozen)", Freeze),
    Case("freeze (frozen)", Freeze, {"trigger": 1.0}),
    Case("convolve (built-in room)", Convolve),
    # -- issue 17, sources (nodes/waves.py, strings.py, voice.py, notesynth.py, synths.py)
    Case("wavetable", Wavetable, inputs=0), Case("wavetable modulated", Wavetable, {"freq": sweep}, inputs=0),
    Case("additive 8 partials", Additive, inputs=0, static={"partials": "1 0.5 0.33 0.25 0.2 0.16 0.14 0.12"}),
    Case("organ", Organ, inputs=0), Case("soft_saw", SoftSaw, inputs=0),
    Case("blip", Blip, {"freq": 110.0}, inputs=0), Case("impulse", Impulse, inputs=0),
    Case("pm", PM, {"mod": 0.5}, inputs=0), Case("vco", VCO, inputs=0), Case("phasor", Phasor, inputs=0),
    Case("superchip", SuperChip, inputs=0),
    Case("pluck", Pluck, inputs=0), Case("waveguide", Waveguide, inputs=0),
    Case("granular", Granular), Case("granular dense", Granular, {"density": 100.0, "grain_ms": 100.0}),
    Case("pitch_shift", PitchShift, {"semitones": 7.0}),
    Case("vocoder 16 bands", Vocoder, inputs=2), Case("vocoder 32 bands", Vocoder, inputs=2, static={"bands": 32}),
    Case("formant", Formant),
    Case("saw_trig 1 note/block", SawTrig, {"sustain": 0.5}, events_every=1, inputs=0, event={"note": 0}),
    Case("synth 16 voices", Synth, {"sustain": 1.0, "release": 2.0}, events_every=1, inputs=0,
         static={"wave": "saw"}, event={"note": 7}),
    # -- issue 17, envelopes, control, analysis (nodes/envelopes.py, gates.py, logic.py,
    #    ramps.py, analysis.py)
    Case("adsr cycle-synced", ADSR, {"trig": ""}, inputs=0), Case("ar / tar", AR, events_every=8, inputs=0),
    Case("asr", ASR, {"gate": lambda b: (np.arange(b) < b // 2).astype(float)}, inputs=0),
    Case("env / envelope", Env), Case("env_trig", EnvTrig, events_every=8),
    Case("struct", Struct, events_every=8), Case("gate", Gate, events_every=8, inputs=0),
    Case("trig", Trig, events_every=8, inputs=0), Case("schmidt", Schmidt), Case("latch", Latch),
    Case("sample_hold", SampleHold, inputs=2), Case("timer", Timer), Case("select (3)", Select, inputs=4),
    Case("if", If, inputs=3), Case("min", Min, inputs=2), Case("wrap", Wrap), Case("rms", Rms),
    Case("peak_follower", PeakFollower), Case("amp_follower", AmpFollower),
    Case("curve", Curve, inputs=0), Case("xline", XLine, inputs=0),
    Case("segments", Segments, static={"levels": "0 1 0.5 0", "times": "0.1 0.2 0.5"}, inputs=0),
    Case("line (per cycle)", Line, inputs=0), Case("rand", Rand, inputs=0),
    Case("irand", IRand, inputs=0), Case("run", Run, inputs=0), Case("scan", Scan, inputs=0),
    Case("every_val", EveryVal, inputs=0), Case("sometimes_by_val", SometimesByVal, inputs=0),
    Case("whenmod_val", WhenmodVal, inputs=0),
    Case("tap / probe (recording)", Tap, static={"file": ".bench_tap.wav", "seconds": 120.0}),
]


def _values(case: Case, block: int) -> Params:
    values = {p.name: p.default for p in case.cls.spec.params}
    if case.events_every:            # a pattern is connected (the runtime passes it)
        values.update({p.name: "events" for p in case.cls.spec.params if p.kind == "events"})
    for key, value in case.params.items():
        values[key] = value(block) if callable(value) else value
    return Params(**values)


class Runner:
    """A prepared node, its inputs and parameters: `run(blocks)` returns CPU seconds."""

    def __init__(self, case: Case, block: int) -> None:
        self.case, self.block = case, block
        self.node = case.cls(**case.static)
        self.node.prepare(SR, block, 2)
        rng = np.random.default_rng(0)
        self.ins = [(rng.random((2, block)) * 2 - 1).astype(np.float32) for _ in range(max(case.inputs, 1))]
        self.out = np.zeros((2, block), dtype=np.float32)
        self.p = _values(case, block)
        self.index = 0
        self.run(2)                                          # warm: numba compile / cache load

    def run(self, blocks: int) -> float:
        node_, block, every = self.node, self.block, self.case.events_every
        start = time.process_time()
        for _ in range(blocks):
            b = self.index
            ctx = Block(b, b * block, block, SR, 1.0, b * block / SR)
            if every and b % every == 0:
                ctx.events = [Trigger(0, dict(self.case.event), 0, 0.1)]
            node_.process(ctx, self.ins, self.p, self.out)
            self.index += 1
        return time.process_time() - start


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    blocks = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    block = int(sys.argv[3]) if len(sys.argv) > 3 else 512
    only = sys.argv[4] if len(sys.argv) > 4 else ""
    cases = [c for c in CASES if c.name == "copy (baseline)" or only in c.name]
    runners = [Runner(c, block) for c in cases]
    times: list[list[float]] = [[] for _ in runners]
    for _ in range(rounds):                                  # interleaved rounds
        for i, r in enumerate(runners):
            times[i].append(r.run(blocks) / blocks)
    for r in runners:                                        # the tap: no file at exit
        if isinstance(r.node, Tap):
            r.node.state()                                   # hands the recording over: no write
    budget = block / SR
    print(f"{rounds} rounds x {blocks} blocks of {block} frames, stereo, {SR} Hz; budget "
          f"{budget * 1e3:.2f} ms per block; cores {len(os.sched_getaffinity(0))}, "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'node':26} {'us/block':>9} {'% budget':>9} {'x realtime':>11} {'vs copy':>8}")
    base = statistics.median(times[0])
    over = []
    for case, ts in zip(cases, times):
        t = statistics.median(ts)
        share = t / budget
        flag = ""
        if share > BUDGET_SHARE:
            flag = "  heavy (documented)" if case.heavy else "  OVER 5 %"
            if not case.heavy:
                over.append(case.name)
        print(f"{case.name:26} {t * 1e6:9.1f} {100 * share:9.2f} {budget / t:11.0f} {t / base:8.1f}{flag}")
    if over:
        print(f"\nabove {100 * BUDGET_SHARE:g} % of the block budget and not documented as heavy: "
              + ", ".join(over))


if __name__ == "__main__":
    main()

"""Pedalboard-backed effects: `chorus`, `distortion`, `eq3`, `convolve`.

Each node owns one pedalboard plugin for the stereo bus and feeds it with `reset=False`, so the
plugin's state (LFO phase, filter memory, convolution tail) runs on across blocks and a block can
be cut anywhere without changing the result. Patterned parameters are exact: the block is split
at the pattern's onsets and the plugin is updated between the pieces; signal-driven parameters
are updated every 64 samples (`phonon.plugins.segments`). Each `Control` parameter names the
plugin attribute it sets.

The plugins always produce the pure wet signal; the node mixes `dry*(1-mix) + wet*mix` itself,
per sample, so `mix` is modulatable and `mix 1` is a pure return for send buses.
"""
from __future__ import annotations

import functools
import os
from typing import Any, Callable

import numpy as np
import pedalboard as pb

from phonon.dsp import pedal
from phonon.plugins import Block, Node, Param, Params, PhononError, mix_into, node, segments, value_at

from .common import FiniteInputs

__all__ = ["Chorus", "Distortion", "Eq", "Convolve"]

NYQUIST = "nyquist"      # as a clamp's upper bound: 0.45 x the sample rate


def _unchanged(v: float) -> float:
    return v


class Control(Param):
    """A number parameter that sets one attribute of the node's pedalboard plugin.

    `attribute` is the plugin's attribute (`stage` picks a plugin of a `pedalboard.Pedalboard`
    chain); `clamp=(lo, hi)` limits the value first (None: that side open, `NYQUIST`: 0.45 x
    the sample rate). The rest are `Param`'s arguments.
    """

    def __init__(self, default: float, attribute: str, *, stage: int | None = None,
                 clamp: tuple[float | None, float | str | None] | None = None, **kw: Any) -> None:
        super().__init__(default, **kw)
        self.attribute = attribute
        self.stage = stage
        self.clamp = clamp

    def converter(self, sr: float) -> Callable[[float], float]:
        """The value -> plugin value conversion (the clamp) at sample rate `sr`."""
        if self.clamp is None:
            return _unchanged
        lo, hi = self.clamp
        hi = 0.45 * sr if hi == NYQUIST else hi
        if hi is None:
            return lambda v: max(lo, v)
        if lo is None:
            return lambda v: min(hi, v)
        return lambda v: min(hi, max(lo, v))


class PedalboardEffect(Node):
    """Base of the pedalboard-backed effects: `make_plugin()` builds the plugin, each `Control`
    parameter sets one of its attributes (per segment of constant values), `mix` is applied
    per sample by the node."""

    mix = Param(0.5, lo=0.0, hi=1.0, doc="dry/wet: dry*(1-mix) + wet*mix (1 = pure wet)")
    prime_frames: int | None = None     # the plugin's largest call (None: the block; `pedal`)

    def make_plugin(self) -> pb.Plugin:  # pragma: no cover - abstract
        raise NotImplementedError

    def bind(self) -> dict[str, tuple[Any, str, Callable[[float], float]]]:
        """Parameter name -> (plugin object, attribute, value conversion), for every `Control`."""
        return {prm.name: (self.plugin if prm.stage is None else self.plugin[prm.stage],
                           prm.attribute, prm.converter(self.sr))
                for prm in self.spec.params if isinstance(prm, Control)}

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.sr = float(sr)
        self.plugin = self.make_plugin()
        pedal.prime(self.plugin, channels, self.sr,     # same output for any block size
                    self.prime_frames or block)
        self.controls = self.bind()
        self.last: dict[str, float] = {}
        self.wet = np.zeros((channels, block), dtype=np.float32)

    def _apply(self, p: Params, i: int) -> None:
        for name, (target, attr, convert) in self.controls.items():
            v = value_at(p[name], i)
            if self.last.get(name) != v:
                setattr(target, attr, convert(v))
                self.last[name] = v

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        x = ins[0][:, :n]
        if self.wet.shape[1] < n:
            self.wet = np.zeros((x.shape[0], n), dtype=np.float32)
        for a, b in segments([p[name] for name in self.controls], n):
            self._apply(p, a)
            self.wet[:, a:b] = pedal.process(self.plugin, x[:, a:b], self.sr)
        mix_into(out, x, self.wet, p.mix, n)

    def state(self) -> dict:
        return {"plugin": self.plugin}

    def load_state(self, state: dict) -> None:
        plugin = state.get("plugin")
        if type(plugin) is type(self.plugin):
            self.plugin = plugin
            self.controls = self.bind()
            self.last = {}


FEEDBACK = (-0.95, 0.95)
HZ = (20.0, NYQUIST)


@node("chorus", inputs=1, category="effect",
      doc="Chorus (pedalboard): a 7 ms delay swept by an LFO; `chorus [rate] [depth] [mix]`.")
class Chorus(PedalboardEffect):
    rate = Control(1.0, "rate_hz", unit="Hz", lo=0.0, hi=100.0, doc="LFO rate")
    depth = Control(0.25, "depth", lo=0.0, hi=1.0, doc="LFO depth")
    mix = Param(0.5, lo=0.0, hi=1.0, doc="dry/wet (1 = pure wet)")
    delay = Control(7.0, "centre_delay_ms", unit="ms", lo=1.0, hi=50.0, doc="centre delay")
    feedback = Control(0.0, "feedback", clamp=FEEDBACK, lo=-0.95, hi=0.95, doc="feedback")

    def make_plugin(self) -> pb.Plugin:
        return pb.Chorus(mix=1.0)


@node("distortion", inputs=1, aliases=("dist", "distort"), category="effect",
      doc="Distortion (pedalboard): tanh(x * 10**(drive/20)); `distortion drive [mix]`.")
class Distortion(PedalboardEffect):
    drive = Control(20.0, "drive_db", unit="dB", lo=0.0, hi=80.0, doc="gain before the tanh")
    mix = Param(1.0, lo=0.0, hi=1.0, doc="dry/wet (1 = pure wet)")

    def make_plugin(self) -> pb.Plugin:
        return pb.Distortion()


@node("eq3", inputs=1, category="filter",
      doc="3-band EQ (pedalboard): low shelf, peak, high shelf; `eq3 low mid high` gains in dB.")
class Eq(PedalboardEffect):
    low = Control(0.0, "gain_db", stage=0, unit="dB", lo=-48.0, hi=24.0, doc="low-shelf gain")
    mid = Control(0.0, "gain_db", stage=1, unit="dB", lo=-48.0, hi=24.0, doc="peak gain")
    high = Control(0.0, "gain_db", stage=2, unit="dB", lo=-48.0, hi=24.0, doc="high-shelf gain")
    low_freq = Control(200.0, "cutoff_frequency_hz", stage=0, clamp=HZ, unit="Hz", lo=20.0,
                       hi=20000.0, doc="low-shelf corner")
    mid_freq = Control(1000.0, "cutoff_frequency_hz", stage=1, clamp=HZ, unit="Hz", lo=20.0,
                       hi=20000.0, doc="peak centre")
    high_freq = Control(5000.0, "cutoff_frequency_hz", stage=2, clamp=HZ, unit="Hz", lo=20.0,
                        hi=20000.0, doc="high-shelf corner")
    mid_q = Control(0.707, "q", stage=1, lo=0.1, hi=20.0, doc="peak Q")
    mix = Param(1.0, lo=0.0, hi=1.0, doc="dry/wet (1 = pure equalised signal)")

    def make_plugin(self) -> pb.Plugin:
        return pb.Pedalboard([pb.LowShelfFilter(cutoff_frequency_hz=200.0, gain_db=0.0),
                              pb.PeakFilter(cutoff_frequency_hz=1000.0, gain_db=0.0, q=0.707),
                              pb.HighShelfFilter(cutoff_frequency_hz=5000.0, gain_db=0.0)])


def load_impulse_response(path: str, sr: int) -> np.ndarray:
    """Read an impulse response file as float32 (channels, samples) at `sr` (resampled)."""
    import soundfile as sf
    from scipy.signal import resample_poly

    try:
        data, file_sr = sf.read(path, dtype="float32", always_2d=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the same user error
        raise PhononError(f"convolve: cannot read impulse response '{path}': {exc}",
                          hint="give a WAV/FLAC/AIFF file path (relative to the working directory)") from None
    ir = data.T
    if file_sr != sr:
        g = np.gcd(int(file_sr), int(sr))
        ir = resample_poly(ir, sr // g, file_sr // g, axis=1).astype(np.float32)
    return np.ascontiguousarray(ir[:2])


BUILTIN_IR_SECONDS = 1.6
BUILTIN_IR_RT60 = (1.6, 0.7)     # seconds: below / above the 2 kHz split of the built-in IR


@functools.lru_cache(maxsize=4)
def builtin_impulse_response(sr: int) -> np.ndarray:
    """The built-in impulse response (`convolve` without a file): 1.6 s of decorrelated stereo
    noise (fixed seed) decaying 60 dB in 1.6 s below 2 kHz and in 0.7 s above, with a 5 ms
    fade-in, scaled to unit energy per channel (so the wet level matches the input's on
    broadband material). float32 (2, samples), read-only: made once per rate (5 ms) and
    shared by every `convolve` node and hot swap."""
    from scipy.signal import butter, sosfilt

    n = int(BUILTIN_IR_SECONDS * sr)
    t = np.arange(n) / sr
    noise = np.random.default_rng(20240521).standard_normal((2, n))
    low = sosfilt(butter(2, 2000.0, "lowpass", fs=sr, output="sos"), noise, axis=1)
    high = noise - low
    ir = low * 10.0 ** (-3.0 * t / BUILTIN_IR_RT60[0]) + high * 10.0 ** (-3.0 * t / BUILTIN_IR_RT60[1])
    ir *= np.minimum(t / 0.005, 1.0)
    ir /= np.sqrt(np.sum(ir ** 2, axis=1, keepdims=True))
    ir = ir.astype(np.float32)
    ir.flags.writeable = False
    return ir


@node("convolve", inputs=1, aliases=("convolution",), category="effect",
      doc='Convolution reverb (pedalboard): with an impulse-response file, or a built-in room; '
          '`convolve ["ir.wav"] [mix]`.')
class Convolve(FiniteInputs, PedalboardEffect):
    file = Param("", kind="text", doc="impulse response file (WAV/FLAC/AIFF); none: the built-in "
                                      "1.6 s room")
    mix = Param(0.5, lo=0.0, hi=1.0, doc="dry/wet (1 = pure wet)")
    prime_frames = pedal.PRIME_FRAMES   # its partitioned FFT rounds by the prepared size

    @classmethod
    def validate(cls, **static: Any) -> None:
        path = os.path.expanduser(str(static.get("file") or ""))
        if path and not os.path.isfile(path):
            raise PhononError(f"convolve: impulse response file '{path}' not found",
                              hint="give a WAV/FLAC/AIFF file path (relative to the working "
                                   "directory), or no file for the built-in room")

    def __init__(self, **static: Any) -> None:
        super().__init__(**static)
        self.validate(**static)
        self.path = os.path.expanduser(str(static.get("file") or ""))

    def impulse_response(self) -> np.ndarray:
        if not self.path:
            return builtin_impulse_response(int(self.sr))
        return load_impulse_response(self.path, int(self.sr))

    def make_plugin(self) -> pb.Plugin:
        ir = self.impulse_response()
        # JUCE scales the IR to a fixed energy (0.125 / sqrt(max channel energy)); undo it so
        # the file is applied exactly as recorded.
        energy = float(np.max(np.sum(ir.astype(np.float64) ** 2, axis=1)))
        self.gain = np.float32(np.sqrt(energy) / 0.125) if energy > 0 else np.float32(0.0)
        return pb.Convolution(ir, mix=1.0, sample_rate=float(self.sr))

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        x = self.finite(ins, n)[0][:, :n]
        if self.wet.shape[1] < n:
            self.wet = np.zeros((x.shape[0], n), dtype=np.float32)
        np.multiply(pedal.process(self.plugin, x, self.sr), self.gain, out=self.wet[:, :n])
        mix_into(out, x, self.wet, p.mix, n)

    def state(self) -> dict:
        return {"plugin": self.plugin, "path": self.path}

    def load_state(self, state: dict) -> None:
        if state.get("path") == self.path and isinstance(state.get("plugin"), pb.Convolution):
            self.plugin = state["plugin"]

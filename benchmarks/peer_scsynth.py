"""The reference workload in SuperCollider's scsynth, non-real-time (optional benchmark peer;
Debian `supercollider-server`; sclang is not needed).

    python benchmarks/peer_scsynth.py --block 64 --seconds 60 --out /tmp/sc.wav [--part voices]

Writes the SynthDef (binary SCgf version 2) and the NRT score (OSC bundles) itself and runs
`scsynth -N score _ OUT 44100 WAV float -o 2 -z BLOCK`. scsynth's process start (plugin
loading, reading the four samples, receiving the SynthDef) is measured by a second run of the
same score cut to `--short` seconds; `render_s` is the difference (the render of
`seconds - short` seconds), `cpu_s` likewise from the children's rusage.

The graph is one synth (what sclang would build for the SynthDef below, Sum4/MulAdd included):

    tick = Impulse.ar(8)                                  // the 16th grid at cps 0.5
    voice_k = PlayBuf.ar(1, k, 1, trig_k) * SetResetFF.ar(trig_k) * [gain*L, gain*R]
              where trig_k = tick * Demand.ar(tick, 0, Dseq(steps_k as 16 0/1 values, inf))
    bus = Sum4(voices)                                    // per channel
    rev = FreeVerb2.ar(busL, busR, mix: 1, room: 0.5, damp: 0.5)
    dly = CombN.ar(bus, 0.25, 0.25, decay)                // decay: feedback 0.6 at 0.25 s
    mix = MulAdd(dly, 0.3, MulAdd(rev, 0.3, bus))
    out = Clip.ar(Limiter.ar(Compander.ar(mix, mix, -12.dbamp, 1, 1/4, 0.005, 0.1),
                             -1.dbamp, 0.0015), -1, 1)

(`SetResetFF` keeps a voice silent until its first trigger: PlayBuf starts playing at once.)
"""
from __future__ import annotations

import argparse
import json
import math
import resource
import shutil
import struct
import subprocess
import tempfile
import time
from pathlib import Path

import peers_workload as W

SCALAR, CONTROL, AUDIO, DEMAND = 0, 1, 2, 3
MUL = 2                                   # BinaryOpUGen special index of `*`


class SynthDef:
    """A SynthDef built UGen by UGen (inputs first), written as SCgf version 2."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.constants: list[float] = []
        self.ugens: list[tuple] = []

    def _input(self, x) -> tuple[int, int]:
        if isinstance(x, tuple):
            return x
        v = struct.unpack(">f", struct.pack(">f", float(x)))[0]
        if v not in self.constants:
            self.constants.append(v)
        return (-1, self.constants.index(v))

    def ugen(self, cls: str, rate: int, inputs: list, outputs: int = 1, special: int = 0):
        """Add a UGen; returns its output (or list of outputs) to use as an input."""
        self.ugens.append((cls, rate, [self._input(x) for x in inputs], outputs, special))
        k = len(self.ugens) - 1
        return (k, 0) if outputs == 1 else [(k, j) for j in range(outputs)]

    def mul(self, a, b):
        return self.ugen("BinaryOpUGen", AUDIO, [a, b], special=MUL)

    def encode(self) -> bytes:
        def pstring(s: str) -> bytes:
            return bytes([len(s)]) + s.encode()
        body = pstring(self.name) + struct.pack(">i", len(self.constants))
        body += b"".join(struct.pack(">f", c) for c in self.constants)
        body += struct.pack(">ii", 0, 0)                 # no parameters, no parameter names
        body += struct.pack(">i", len(self.ugens))
        for cls, rate, inputs, outputs, special in self.ugens:
            body += pstring(cls) + struct.pack(">biih", rate, len(inputs), outputs, special)
            body += b"".join(struct.pack(">ii", u, i) for u, i in inputs)
            body += bytes([rate]) * outputs
        body += struct.pack(">h", 0)                     # no variants
        return b"SCgf" + struct.pack(">ih", 2, 1) + body


def reference_synthdef(part: str) -> bytes:
    """The workload as one synth (see the module doc)."""
    d = SynthDef("reference")
    # Impulse fires at time 0 and then 1 sample after each grid position: started one sample
    # on (phase = 1 sample), plus a single impulse at time 0 (freq 0), its ticks land within
    # half a sample of the exact grid
    tick = d.ugen("BinaryOpUGen", AUDIO, [
        d.ugen("Impulse", AUDIO, [1.0 / W.STEP_S, 1.0 / (W.STEP_S * W.SR)]),
        d.ugen("Impulse", AUDIO, [0.0, 0.0])], special=0)
    left, right = [], []
    for bufnum, (name, (hits, gain, pan)) in enumerate(W.VOICES.items()):
        if part.startswith("voice:") and part != f"voice:{name}":
            hits = []
        steps = d.ugen("Dseq", DEMAND, [math.inf] + [1.0 if s in hits else 0.0
                                                     for s in range(W.STEPS)])
        trig = d.mul(tick, d.ugen("Demand", AUDIO, [tick, 0.0, steps]))
        play = d.ugen("PlayBuf", AUDIO, [bufnum, 1.0, trig, 0.0, 0.0, 0.0])
        voice = d.mul(play, d.ugen("SetResetFF", AUDIO, [trig, 0.0]))
        gl, gr = W.pan_gains(pan)
        level = gain * (1.0 if part == "full" else W.VOICES_PART_GAIN)
        left.append(d.mul(voice, level * gl))
        right.append(d.mul(voice, level * gr))
    bus = [d.ugen("Sum4", AUDIO, left), d.ugen("Sum4", AUDIO, right)]
    if part != "full":
        d.ugen("Out", AUDIO, [0.0, *bus], outputs=0)
        return d.encode()
    rev = d.ugen("FreeVerb2", AUDIO, [*bus, 1.0, W.REVERB["room_size"], W.REVERB["damping"]],
                 outputs=2)
    delay = W.DELAY["seconds"]
    decay = delay * math.log(0.001) / math.log(W.DELAY["feedback"])   # CombN's feedback law
    out = []
    for ch in range(2):
        dly = d.ugen("CombN", AUDIO, [bus[ch], delay, delay, decay])
        mix = d.ugen("MulAdd", AUDIO, [rev[ch], W.RETURN_GAIN["reverb"], bus[ch]])
        mix = d.ugen("MulAdd", AUDIO, [dly, W.RETURN_GAIN["delay"], mix])
        comp = d.ugen("Compander", AUDIO, [mix, mix, W.db_to_amp(W.COMP["threshold_db"]), 1.0,
                                           1.0 / W.COMP["ratio"], W.COMP["attack_ms"] / 1000,
                                           W.COMP["release_ms"] / 1000])
        lim = d.ugen("Limiter", AUDIO, [comp, W.db_to_amp(W.LIMIT["threshold_db"]),
                                        W.LIMIT_LOOKAHEAD_S])
        out.append(d.ugen("Clip", AUDIO, [lim, -1.0, 1.0]))
    d.ugen("Out", AUDIO, [0.0, *out], outputs=0)
    return d.encode()


def _pad(b: bytes) -> bytes:
    return b + b"\0" * (4 - len(b) % 4)


def osc_message(address: str, *args) -> bytes:
    tags, data = ",", b""
    for a in args:
        if isinstance(a, int):
            tags, data = tags + "i", data + struct.pack(">i", a)
        elif isinstance(a, float):
            tags, data = tags + "f", data + struct.pack(">f", a)
        elif isinstance(a, str):
            tags, data = tags + "s", data + _pad(a.encode())
        else:
            tags, data = tags + "b", data + struct.pack(">i", len(a)) + a + b"\0" * (-len(a) % 4)
    return _pad(address.encode()) + _pad(tags.encode()) + data


def score_bundle(seconds: float, *messages: bytes) -> bytes:
    """One NRT score entry: an OSC bundle at `seconds`, preceded by its length."""
    whole = int(seconds)
    b = b"#bundle\0" + struct.pack(">II", whole, int((seconds - whole) * 2 ** 32))
    for m in messages:
        b += struct.pack(">i", len(m)) + m
    return struct.pack(">i", len(b)) + b


def score(seconds: float, part: str) -> bytes:
    setup = [osc_message("/b_allocRead", k, str(W.sample_path(name)))
             for k, name in enumerate(W.VOICES)]
    setup.append(osc_message("/d_recv", reference_synthdef(part)))
    return (score_bundle(0.0, *setup)
            + score_bundle(0.0, osc_message("/s_new", "reference", 1000, 0, 0))
            + score_bundle(seconds, osc_message("/c_set", 0, 0)))      # the end of the score


def run_nrt(seconds: float, block: int, out: str, part: str, tmp: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one scsynth NRT render of `seconds`."""
    path = tmp / f"score-{seconds:g}.osc"
    path.write_bytes(score(seconds, part))
    cmd = ["scsynth", "-N", str(path), "_", out, str(W.SR), "WAV", "float", "-o", "2", "-i", "0",
           "-z", str(block)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"scsynth failed ({proc.returncode}): {proc.stderr[-400:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def available() -> bool:
    return shutil.which("scsynth") is not None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--block", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--short", type=float, default=1.0, help="length of the start-up run")
    ap.add_argument("--out", required=True)
    ap.add_argument("--part", default="full", help="full, voices or voice:NAME")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="phonon-sc-") as tmp:
        short = run_nrt(args.short, args.block, str(Path(tmp) / "short.wav"), args.part, Path(tmp))
        full = run_nrt(args.seconds, args.block, args.out, args.part, Path(tmp))
    span = args.seconds - args.short
    print(json.dumps({"engine": "scsynth", "render_s": (full[0] - short[0]) * args.seconds / span,
                      "cpu_s": (full[1] - short[1]) * args.seconds / span, "block": args.block,
                      "startup_s": short[0]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The reference workload in pyo (optional benchmark peer; `pip install pyo`).

    python benchmarks/peer_pyo.py --block 512 --seconds 60 --out /tmp/pyo.wav [--part voices]

Prints one JSON line: `render_s` (wall seconds of `Server.start()`, the offline render; boot and
graph building excluded) and `cpu_s` (this process's CPU seconds over the same span).

How the graph matches reference.ph (benchmarks/peers_workload.py):
- each voice: a `Seq` of step durations (x 0.125 s) triggers a `TrigEnv` that reads the voice's
  `SndTable` once at its own rate (no interpolation: the sample's values), times gain x pan;
  voices whose first hit is not step 0 get their triggers through an `SDelay` of that many
  steps (`Seq` starts at time 0);
- bus = `Mix` of the four voices (2 channels); `Freeverb(size 0.5, damp 0.5, bal 1)` (wet only);
  `Delay(0.25 s, feedback 0.6)` (wet only); `bus + 0.3 rev + 0.3 dly`;
- compressor: `Compress(-12 dB, 4:1, rise 5 ms, fall 100 ms, no look-ahead, hard knee)`;
  limiter: pyo has none, a `Compress(-1 dB, 100:1, rise 0.5 ms, fall 100 ms, look-ahead
  1.5 ms)` stands in; `Clip(-1, 1)`. The file is written by the offline server (float WAV).
"""
from __future__ import annotations

import argparse
import json
import time

import peers_workload as W


def build(part: str):
    """The pyo objects of the workload (kept referenced by the returned list)."""
    from pyo import (Clip, Compress, Delay, Freeverb, Mix, SDelay, Seq, SndTable, TrigEnv)
    keep, voices = [], []
    for name, (hits, gain, pan) in W.VOICES.items():
        if part.startswith("voice:") and part != f"voice:{name}":
            continue
        table = SndTable(str(W.sample_path(name)))
        durations = [(hits[(i + 1) % len(hits)] - h) % W.STEPS or W.STEPS
                     for i, h in enumerate(hits)]
        trig = Seq(time=W.STEP_S, seq=durations).play()
        keep.append(trig)
        if hits[0]:
            trig = SDelay(trig, delay=hits[0] * W.STEP_S,
                           maxdelay=W.STEPS * W.STEP_S)
            keep.append(trig)
        left, right = W.pan_gains(pan)
        level = gain * (1.0 if part == "full" else W.VOICES_PART_GAIN)
        voice = TrigEnv(trig, table=table, dur=table.getDur(), interp=1,
                        mul=[level * left, level * right])
        keep += [table, voice]
        voices.append(voice)
    bus = Mix(voices, voices=2)
    keep.append(bus)
    if part != "full":
        bus.out()
        return keep
    rev = Freeverb(bus, size=W.REVERB["room_size"], damp=W.REVERB["damping"], bal=1.0)
    dly = Delay(bus, delay=W.DELAY["seconds"], feedback=W.DELAY["feedback"], maxdelay=0.5)
    mix = bus + rev * W.RETURN_GAIN["reverb"] + dly * W.RETURN_GAIN["delay"]
    comp = Compress(mix, thresh=W.COMP["threshold_db"], ratio=W.COMP["ratio"],
                    risetime=W.COMP["attack_ms"] / 1000, falltime=W.COMP["release_ms"] / 1000,
                    lookahead=0.0, knee=0)
    lim = Compress(comp, thresh=W.LIMIT["threshold_db"], ratio=100, risetime=0.0005,
                   falltime=W.LIMIT["release_ms"] / 1000, lookahead=W.LIMIT_LOOKAHEAD_S * 1000,
                   knee=0)
    out = Clip(lim, -1, 1).out()
    return keep + [rev, dly, mix, comp, lim, out]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--block", type=int, default=512)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--part", default="full", help="full, voices or voice:NAME")
    args = ap.parse_args()
    from pyo import Server
    server = Server(sr=W.SR, nchnls=2, buffersize=args.block, duplex=0, audio="offline")
    server.setVerbosity(1)
    server.boot()
    server.recordOptions(dur=args.seconds, filename=args.out, fileformat=0, sampletype=3)
    keep = build(args.part)
    wall, cpu = time.perf_counter(), time.process_time()
    server.start()                               # offline: renders the whole file, then returns
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    del keep
    print(json.dumps({"engine": "pyo", "render_s": wall, "cpu_s": cpu, "block": args.block}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

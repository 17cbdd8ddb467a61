"""MIDI-out timing and Link phase error, measured on private JACK servers (dummy driver).

    python benchmarks/midi.py [--notes 300] [--seconds 12] [--no-load] [--no-link]

1. MIDI-out jitter, JackMidi against python-rtmidi's JACK API (the baseline, same run, same
   server, period 256): each note is due at a known JACK frame; an independent capture client
   (tests/sync/jack_probe.py) records the frame each one arrived at. JackMidi writes every
   message at its frame offset inside the period (phonon.sync.jack_midi); rtmidi sends "as
   soon as possible" (a Python thread wakes up for each note and calls send_message, rtmidi's
   JACK callback writes it at the start of the next period). Jitter = arrival - due, minus the
   median (a constant delay is latency, not jitter). Idle, then with both cores loaded.
2. `phonon live` end to end: the jitter of its MIDI notes against the schedule (the audio
   onsets of the same program give the frame of each cycle start), under load.
3. Link phase error: `phonon live --link` on a JACK server and a Link peer in this process;
   each onset's heard time (capture frame + playback latency, JACK's cycle times) against the
   peer's beat. The baseline is the same onsets without latency compensation (what was
   rendered rather than what is heard), to show what the compensation is worth.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live.jack_server import dummy_server  # noqa: E402
from tests.sync.jack_probe import JackProbe, usecs_of  # noqa: E402
from tests.sync.live_rig import onsets  # noqa: E402
from tests.sync.netns import private_network  # noqa: E402

RATE = 44100
LOAD_JOB = "import numpy as np, time, sys\na = np.random.rand(200, 200)\n" \
           "end = time.time() + float(sys.argv[1])\nwhile time.time() < end:\n" \
           "    a = a @ a\n    a /= np.abs(a).max()\n"


@contextlib.contextmanager
def load(on: bool, seconds: float = 600):
    """Both cores busy (one numpy loop per core) while inside, when `on`."""
    procs = [subprocess.Popen([sys.executable, "-c", LOAD_JOB, str(seconds)])
             for _ in range(os.cpu_count() or 2)] if on else []
    try:
        yield
    finally:
        for p in procs:
            p.kill()
            p.wait()


def machine() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} cores"


def stats(jitter_frames: np.ndarray) -> str:
    ms = np.abs(jitter_frames) * 1000.0 / RATE
    return (f"p50 {np.percentile(ms, 50):6.3f} ms  p99 {np.percentile(ms, 99):6.3f} ms  "
            f"max {ms.max():6.3f} ms  ({len(ms)} notes)")


def due_frames(start: int, notes: int) -> list[int]:
    """Due frames of the notes: every ~23 ms at awkward offsets inside the periods."""
    return [start + int(k * 1013.7) for k in range(notes)]


def arrivals(probe: JackProbe) -> np.ndarray:
    m = probe.midi_array()
    return m[(m[:, 2].astype(int) & 0xF0) == 0x90, 0].astype(np.int64)


def jackmidi_jitter(notes: int) -> np.ndarray:
    from phonon.sync.jack_midi import JackMidi
    from phonon.sync.midi_out import MidiScheduler
    from phonon.sync.timeline import StreamTimeline

    timeline, sched = StreamTimeline(RATE), MidiScheduler()
    midi = JackMidi(timeline, sched, name="bench-jackmidi")
    probe = JackProbe("bench-probe", 1)
    try:
        probe.connect(midi.output("out"), "bench-probe:in")
        start = probe.frame_now() + RATE // 2
        timeline.anchor(0, start)
        due = due_frames(start, notes)
        for i, f in enumerate(due):
            sched.note(f - start, "out", 1, 60, 100, length=500)
        while probe.frame_now() < due[-1] + RATE // 4:
            time.sleep(0.05)
        got = arrivals(probe)
    finally:
        midi.close()
        probe.close()
    return got[:len(due)] - np.array(due[:len(got)])


def rtmidi_jitter(notes: int) -> np.ndarray | None:
    try:
        import rtmidi
    except ImportError:
        return None
    out = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, name="bench-rtmidi")
    out.open_virtual_port("out")
    probe = JackProbe("bench-probe", 1)
    try:
        port = next(p.name for p in probe.client.get_ports(is_midi=True, is_output=True)
                    if p.name.startswith("bench-rtmidi"))
        probe.connect(port, "bench-probe:in")
        start = probe.frame_now() + RATE // 2
        due = due_frames(start, notes)
        for f in due:                                   # a Python thread sends on time
            while probe.client.frame_time < f:
                time.sleep(0.0002)
            out.send_message([0x90, 60, 100])
        time.sleep(0.3)
        got = arrivals(probe)
    finally:
        out.close_port()
        out.delete()                                    # its JACK client, before the server
        probe.close()
    return got[:len(due)] - np.array(due[:len(got)])


def part1(args) -> None:
    print(f"\n1. MIDI-out jitter at period 256 ({args.notes} notes per run)")
    with dummy_server() as env:
        for key in ("JACK_DEFAULT_SERVER", "JACK_NO_START_SERVER"):
            os.environ[key] = env[key]
        for loaded in ([False, True] if args.load else [False]):
            with load(loaded):
                time.sleep(1.0 if loaded else 0.0)
                what = "both cores loaded" if loaded else "idle"
                mine = jackmidi_jitter(args.notes)
                base = rtmidi_jitter(args.notes)
                print(f"   [{what}; {machine()}]")
                print(f"   JackMidi (frame offsets):    {stats(mine - np.median(mine))}")
                if base is None:
                    print("   python-rtmidi: not installed (pip install python-rtmidi)")
                    continue
                print(f"   python-rtmidi (as soon as possible): "
                      f"{stats(base - np.median(base))}")
                p99 = np.percentile(np.abs(mine - np.median(mine)), 99)
                b99 = np.percentile(np.abs(base - np.median(base)), 99)
                ratio = "JackMidi exact to the frame" if p99 == 0 else f"{b99 / p99:.1f}x"
                print(f"   rtmidi p99 / JackMidi p99: {ratio}")


def run_live(env: dict, program: str, seconds: float, *flags: str,
             midi: bool = False) -> tuple[dict, str]:
    """`phonon live` with a probe process capturing its audio (and MIDI); the probe's npz."""
    tmp = Path(tempfile.mkdtemp(prefix="phonon-bench-midi-"))
    prog = tmp / "bench.ph"
    prog.write_text(program)
    live = subprocess.Popen([sys.executable, "-m", "phonon", "live", str(prog), "--duration",
                             str(seconds + 4), *flags], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    probe_args = ["--audio", "phonon:out_0"] + (["--midi", "phonon-midi:out"] if midi else [])
    probe = subprocess.Popen([sys.executable, "-m", "tests.sync.jack_probe", str(seconds),
                              str(tmp / "cap.npz"), *probe_args], env=env, cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    probe.communicate(timeout=seconds + 90)
    out, err = live.communicate(timeout=90)
    data = dict(np.load(tmp / "cap.npz"))
    shutil.rmtree(tmp, ignore_errors=True)
    return data, out.strip().splitlines()[-1] if out.strip() else err


def part2(args) -> None:
    program = 'cps: 1\n~synth: midi "c4*4 e4*3"\nout: s "rim"\n'
    expected = np.array([0, 5512, 11025, 16538, 22050, 29400, 36750])
    print(f"\n2. phonon live MIDI notes against the schedule ({args.seconds:.0f} s, block 256)")
    with dummy_server() as env, load(args.load):
        data, summary = run_live(env, program, args.seconds, midi=True)
        print(f"   [{'both cores loaded' if args.load else 'idle'}; {machine()}]")
    cycles = onsets(data["audio"])[1:] + int(data["audio_first"])
    m = data["midi"]
    ons = m[(m[:, 2].astype(int) & 0xF0) == 0x90, 0].astype(np.int64) - cycles[0]
    ons = ons[ons >= 0]
    off = ons % RATE
    jitter = off - expected[np.abs(off[:, None] - expected[None, :]).argmin(axis=1)]
    print(f"   {stats(jitter)}")
    print(f"   {summary}")


class PeerLog(threading.Thread):
    """A Link peer's timeline, captured every 5 ms."""

    def __init__(self, peer) -> None:
        super().__init__(daemon=True)
        self.peer, self.rows, self.stop = peer, [], threading.Event()
        self.max_peers = 0

    def run(self) -> None:
        while not self.stop.wait(0.005):
            s = self.peer.capture()
            self.rows.append((s.ref_us, s.ref_beat, s.tempo))
            self.max_peers = max(self.max_peers, self.peer.peers)

    def phase_ms(self, t: np.ndarray, grid: float = 0.5) -> np.ndarray:
        rows = np.array(self.rows)
        i = np.clip(np.searchsorted(rows[:, 0], t, side="right") - 1, 0, len(rows) - 1)
        beat = rows[i, 1] + (t - rows[i, 0]) * rows[i, 2] / 60e6
        steps = beat / grid
        return (steps - np.rint(steps)) * grid * 60e3 / rows[i, 2]


def part3(args) -> None:
    from phonon.sync.link import LinkSession
    program = 'cps: 0.5\nout: s "rim*8"\n'
    print(f"\n3. Link phase error of `phonon live --link` at the heard time ({args.seconds:.0f} s)")
    with private_network():                        # no other Link app joins the session
        _part3(args, LinkSession, program)


def _part3(args, LinkSession, program: str) -> None:
    peer = LinkSession(120)
    log = PeerLog(peer)
    log.start()
    try:
        with dummy_server() as env, load(args.load):
            data, summary = run_live(env, program, args.seconds, "--link")
            print(f"   [{'both cores loaded' if args.load else 'idle'}; {machine()}; "
                  f"Link peers seen: {log.max_peers}]")
    finally:
        log.stop.set()
        log.join()
        peer.close()
    frames = onsets(data["audio"])[1:] + int(data["audio_first"])
    nf = int(data["nframes"])
    rendered = np.array([usecs_of(data["cycles"], nf, f) for f in frames])
    heard = np.array([usecs_of(data["cycles"], nf, f + int(data["latency"])) for f in frames])
    keep = heard > heard[0] + 2e6                      # after convergence
    err, base = log.phase_ms(heard[keep]), log.phase_ms(rendered[keep])
    if args.verbose:
        print(np.round(np.c_[(heard[keep] - heard[0]) / 1e6, err], 2))
    print(f"   compensated (heard):      p50 {np.percentile(np.abs(err), 50):.3f} ms  "
          f"p99 {np.percentile(np.abs(err), 99):.3f} ms  max {np.abs(err).max():.3f} ms "
          f"({keep.sum()} onsets)")
    print(f"   uncompensated (rendered): p50 {np.percentile(np.abs(base), 50):.3f} ms  "
          f"p99 {np.percentile(np.abs(base), 99):.3f} ms  (the playback latency is "
          f"{int(data['latency'])} frames = {1000 * int(data['latency']) / RATE:.2f} ms)")
    print(f"   {summary}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--notes", type=int, default=300)
    ap.add_argument("--seconds", type=float, default=12.0)
    ap.add_argument("--no-load", dest="load", action="store_false")
    ap.add_argument("--no-link", dest="link", action="store_false")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--only", type=int, choices=(1, 2, 3), default=None,
                    help="run one part only")
    args = ap.parse_args()
    if shutil.which("jackd") is None:
        print("needs jackd (apt install jackd2)")
        return 2
    print(f"machine: {machine()}")
    for k, part in ((1, part1), (2, part2), (3, part3)):
        if (args.only in (None, k)) and (k != 3 or args.link):
            part(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

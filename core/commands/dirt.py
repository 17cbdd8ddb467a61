"""`phonon dirt`: play what TidalCycles and Strudel send, as SuperDirt would (docs/dirt.md)."""
from __future__ import annotations

import argparse
from pathlib import Path

from .playing import (add_device_arguments, add_run_arguments, device_argument_error,
                      outage_summary, sigterm_as_interrupt)

HELP = ("be SuperDirt: play the OSC events TidalCycles and Strudel send (port 57120) on an "
        "audio device")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=57120,
                        help="UDP port to listen on (default 57120, SuperDirt's)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1; 0.0.0.0 for every "
                             "interface)")
    add_device_arguments(parser)
    parser.add_argument("--orbits", type=int, default=12,
                        help="number of orbits (default 12: d1..d12 in Tidal's boot file)")
    parser.add_argument("--channels", default="2", metavar="2|2*orbits",
                        help="2: every orbit mixed to stereo (default); 2*orbits: orbit n on "
                             "channels 2n and 2n+1 (JACK ports out_2n, out_2n+1)")
    parser.add_argument("--voices", type=int, default=256,
                        help="most voices sounding at once per orbit (default 256); a new one "
                             "steals the oldest")
    add_run_arguments(parser, "the stream")
    parser.add_argument("--program", default=None, metavar="FILE",
                        help="a Phonon program playing at the same time, hot-reloaded on every "
                             "save; `dirt N` in it is orbit N (out: dirt 0 # reverb 0.4)")

    add_sync_arguments(parser)


def add_sync_arguments(parser: argparse.ArgumentParser) -> None:
    sync = parser.add_argument_group("playing with others (docs/sync.md)")
    sync.add_argument("--midi-out", action="append", default=[], metavar="[NAME=]DEST",
                      help="a MIDI target: events with `s NAME` (default `midi`) leave as MIDI "
                           "on JACK port phonon-midi:NAME, connected to DEST; repeatable")
    sync.add_argument("--link", action="store_true",
                      help="join the Ableton Link session (status line: peers, tempo, phase)")
    sync.add_argument("--quantum", type=float, default=4.0, metavar="BEATS",
                      help="Link quantum in beats (default 4)")
    sync.add_argument("--beats-per-cycle", type=float, default=4.0, metavar="BEATS",
                      help="Link beats per cycle (default 4: 120 BPM is cps 0.5)")
    sync.add_argument("--link-offset", type=float, default=0.0, metavar="MS",
                      help="added to the output latency when placing what is heard on the "
                           "Link timeline")
    sync.add_argument("--midi-clock", nargs="?", const="", default=None, metavar="DEST",
                      help="send MIDI clock (24 ppqn, Start/Stop) following Link (or the "
                           "--program's cps) on phonon-midi:clock, connected to DEST")


def sync_options(args: argparse.Namespace, program: bool):
    """The `DirtSyncOptions` of the flags, or None without any; ValueError says what is wrong."""
    from ..dirt.sync import DirtSyncOptions, targets_of
    opts = DirtSyncOptions(link=args.link, quantum=args.quantum,
                           beats_per_cycle=args.beats_per_cycle,
                           link_offset_ms=args.link_offset, midi_out=args.midi_out,
                           midi_clock=args.midi_clock)
    if not opts.any:
        return None
    if opts.quantum <= 0 or opts.beats_per_cycle <= 0:
        raise ValueError("--quantum and --beats-per-cycle must be positive")
    targets_of(opts.midi_out)
    if opts.midi_clock is not None and not (opts.link or program):
        raise ValueError("--midi-clock needs --link or --program (dirt has no tempo of its "
                         "own: the clock follows the Link session or the program's cps)")
    return opts


def channel_count(text: str, orbits: int) -> int | None:
    """`--channels`: 2, `2*orbits` (or its number); None when it is neither."""
    text = text.replace(" ", "").lower()
    if text in ("2*orbits", "orbits*2", str(2 * orbits)):
        return 2 * orbits
    return 2 if text == "2" else None


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ..live.device import DeviceError
    from ..live.output import AudioOutput

    console = Console(soft_wrap=True, highlight=False)
    err = Console(stderr=True, soft_wrap=True, highlight=False)

    def fail(text: str, status: int) -> int:
        err.print(f"phonon dirt: {text}", markup=False)
        return status

    problem = device_argument_error(args)
    if problem is not None:
        return fail(problem, 2)
    if not 1 <= args.orbits <= 64:
        return fail(f"--orbits must be 1..64, got {args.orbits}", 2)
    if not 1 <= args.voices <= 4096:
        return fail(f"--voices must be 1..4096, got {args.voices}", 2)
    channels = channel_count(args.channels, args.orbits)
    if channels is None:
        return fail(f"--channels must be 2 or 2*orbits ({2 * args.orbits}), got "
                    f"{args.channels!r}", 2)
    if args.program is not None and channels != 2:
        return fail("--program plays in stereo: use it with --channels 2", 2)
    if args.program is not None and not Path(args.program).is_file():
        return fail(f"cannot read {args.program}: no such file", 2)
    try:
        sync_opts = sync_options(args, args.program is not None)
    except ValueError as exc:
        return fail(str(exc), 2)
    output = AudioOutput(args.device)
    try:
        with sigterm_as_interrupt():
            return _serve(args, channels, output, console, err, fail, sync_opts)
    except KeyboardInterrupt:         # before the music started (choosing, compiling)
        console.print("phonon dirt: stopped", markup=False)
        return 0
    except DeviceError as exc:
        return fail(str(exc), 3)
    finally:
        output.close()


def _serve(args: argparse.Namespace, channels: int, output, console, err, fail,
           sync_opts=None) -> int:
    """Listen, choose the device, build the engine (and the program), play; the summary."""
    from ..dirt.engine import DirtEngine
    from ..dirt.receiver import DirtReceiver
    from ..dirt.runner import DirtOptions, DirtRunner
    from ..samples import SampleBank, default_roots

    try:
        receiver = DirtReceiver(lambda e: None, host=args.host, port=args.port,
                                orbits=args.orbits)
    except OSError as exc:
        return fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc} (is "
                    f"SuperDirt or another `phonon dirt` running? try --port)", 2)
    try:
        device = output.choose()
        if device.channels < channels:
            return fail(f"{device.name!r} [{device.hostapi}] has {device.channels} output "
                        f"channels; --channels {channels} needs {channels} (JACK: start the "
                        f"server with more ports, e.g. `jackd -d dummy -P {channels}`)", 3)
        sr = int(device.samplerate)
        bank = SampleBank(default_roots(args.samples or ()), sr=sr)
        engine = DirtEngine(bank, sr, args.block, orbits=args.orbits, channels=channels,
                            max_voices=args.voices)
        receiver.on_event = engine.submit
        runner = DirtRunner(engine, receiver,
                            DirtOptions(latency=args.latency, duration=args.duration,
                                        record=args.record), output=output, console=console)
        sync = _make_sync(sync_opts, runner, engine, device, args.program is not None)
        if args.program is not None:
            from ..dirt.program import DirtProgram
            from ..errors import PhononError
            try:
                runner.program = DirtProgram(args.program, engine, runner.report,
                                             {"midi": sync.live.hub} if sync else None)
            except PhononError as exc:
                err.print(str(exc), markup=False, highlight=False)
                return fail("fix the program and start again (later edits keep the old "
                            "program playing; the first one has to compile)", 1)
        if sync is not None:
            from ..live.device import CLIENT_NAME
            from ..sync import SyncUnavailable
            try:
                sync.start(CLIENT_NAME, float(runner.program.player.session.graph.cps)
                           if runner.program is not None else None)
            except SyncUnavailable as exc:
                sync.close(0)
                return fail(str(exc), 3)
        result = runner.run()
    finally:
        receiver.close()
    c, rx = engine.counters, receiver.stats
    lost = f", {c.unheard} events unheard"
    summary = (f"phonon dirt: stopped after {result.seconds:.1f} s; events: {rx.events} "
               f"({c.played} voices, {c.late} late, {c.no_sound} without sound, "
               f"{c.flooded + c.overflowed} dropped in floods, at most {c.most_voices} "
               f"sounding at once); bad packets: {rx.bad}; "
               f"unknown addresses: {rx.unknown}; handshakes: {rx.handshakes}; "
               f"underruns: {result.underruns}; device xruns: {result.device_xruns}; "
               f"render cost: mean {result.cpu_mean:.0f}%, peak {result.cpu_peak:.0f}% of "
               f"the block; clock: device {1e6 * (engine.clock.rate / sr - 1):+.1f} ppm, "
               f"{engine.clock.resets} restarts, {engine.clock.jumps} timeline moves followed"
               f"{sync_summary(sync)}"
               f"{outage_summary(result.outages, result.outage_s, lost)}")
    console.print(summary, markup=False, highlight=False, soft_wrap=True)
    return 0


def _make_sync(opts, runner, engine, device, program: bool):
    """The `DirtSync` of the sync flags (None without any), wired into the runner and engine."""
    if opts is None:
        return None
    from ..dirt.sync import DirtSync
    from ..live.device import JACK_HOSTAPI
    sync = runner.sync = DirtSync(opts, engine.sr, jack_device=device.hostapi == JACK_HOSTAPI,
                                  report=runner.report, program=program)
    engine.midi = sync.midi
    return sync


def sync_summary(sync) -> str:
    """`; MIDI: ...; link ...` for the stop line (empty without sync)."""
    if sync is None:
        return ""
    text = ""
    if sync.midi is not None:
        m = sync.midi.counters
        text += f"; MIDI: {m.sent} events sent, {m.unsupported} unsupported"
    delivery = sync.live.delivery()
    if delivery:
        text += f"; {delivery}"
    status = sync.status()
    return text + (f"; {status}" if status else "")

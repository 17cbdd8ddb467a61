"""`phonon live FILE`: play a program on an audio device and hot-reload it on every save."""
from __future__ import annotations

import argparse
from pathlib import Path

from .playing import (add_device_arguments, add_run_arguments, device_argument_error,
                      outage_summary, sigterm_as_interrupt)
from .plugin_paths import add_plugin_path_argument, apply_plugin_paths

HELP = "play a program live on an audio device; edits to the file are heard at the next cycle"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the .ph program to play (watched for edits)")
    add_device_arguments(parser)
    parser.add_argument("--workers", type=int, default=0,
                        help="worker processes for the graph (default 0: render inline)")
    add_run_arguments(parser, "the program's output")
    parser.add_argument("--swap", choices=("cycle", "block"), default="cycle",
                        help="when an edit takes over: at the next cycle boundary (default) "
                             "or at the next block")
    add_plugin_path_argument(parser)
    sync = parser.add_argument_group("playing with others (docs/sync.md)")
    sync.add_argument("--link", action="store_true",
                      help="join an Ableton Link session: follow its tempo and phase, propose "
                           "cps/bpm edits to it")
    sync.add_argument("--quantum", type=float, default=4.0, metavar="BEATS",
                      help="Link quantum: cycle starts align with the session's phase (default 4)")
    sync.add_argument("--beats-per-cycle", type=float, default=4.0, metavar="BEATS",
                      help="beats in one cycle: cps = bpm / 60 / beats (default 4); also the "
                           "MIDI clock's beat")
    sync.add_argument("--link-offset", type=float, default=0.0, metavar="MS",
                      help="added to the device's latency: positive if you hear Phonon later "
                           "than the others")
    sync.add_argument("--midi-out", action="append", default=[], metavar="[PORT=]DEST",
                      help="connect phonon-midi:PORT (default out) to the JACK MIDI port DEST; "
                           "repeatable")
    sync.add_argument("--midi-in", action="append", default=[], metavar="SRC",
                      help="connect the JACK MIDI port SRC to phonon-midi:in (midicc, "
                           "`record` on standard input); repeatable")
    sync.add_argument("--midi-clock", nargs="?", const="", default=None, metavar="DEST",
                      help="send MIDI clock (24 ppqn, start/stop) on phonon-midi:clock, "
                           "connected to DEST if given")


def run(args: argparse.Namespace) -> int:
    """SIGTERM stops like Ctrl-C from the start (clean exit, nothing left behind)."""
    try:
        with sigterm_as_interrupt():
            return _run(args)
    except KeyboardInterrupt:         # before the music started (choosing, compiling)
        print("phonon live: stopped before playing", flush=True)
        return 130


def _run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ..live.device import DeviceError
    from ..live.output import AudioOutput

    console = Console(soft_wrap=True, highlight=False)
    err = Console(stderr=True, soft_wrap=True, highlight=False)
    path = Path(args.file)
    apply_plugin_paths(args)
    problem = device_argument_error(args)
    if problem is None and args.workers < 0:
        problem = "--workers must not be negative"
    if problem is not None:
        err.print(f"phonon live: {problem}", markup=False)
        return 2
    if args.quantum <= 0 or args.beats_per_cycle <= 0:
        err.print("phonon live: quantum and beats per cycle must be positive", markup=False)
        return 2
    from ..program_file import ProgramFileError, read_program
    try:
        text = read_program(path)
    except ProgramFileError as exc:
        err.print(f"phonon live: {exc}", markup=False)
        return 2
    output = AudioOutput(args.device)
    try:
        return _play(args, text, output, console, err)
    except DeviceError as exc:
        err.print(f"phonon live: {exc}", markup=False)
        return 3
    finally:
        output.close()


def _play(args: argparse.Namespace, text: str, output, console, err) -> int:
    """Choose the device, build the session, join Link / open MIDI, play; the summary."""
    from ..engine.options import SessionOptions
    from ..engine.render import open_session
    from ..errors import PhononError
    from ..live.device import CLIENT_NAME, JACK_HOSTAPI
    from ..live.runner import LiveOptions, LiveRunner
    from ..live.sync import LiveSync, SyncOptions
    from ..sync import SyncUnavailable

    path = Path(args.file)
    device = output.choose()
    sr = int(device.samplerate)
    options = LiveOptions(path=str(path), latency=args.latency, duration=args.duration,
                          record=args.record, swap=args.swap, text=text)
    sync_options = SyncOptions(link=args.link, quantum=args.quantum,
                               beats_per_cycle=args.beats_per_cycle,
                               link_offset_ms=args.link_offset, midi_out=args.midi_out,
                               midi_in=args.midi_in, midi_clock=args.midi_clock)
    runner = LiveRunner(options, output=output, console=console)
    sync = runner.sync = LiveSync(sync_options, sr, jack_device=device.hostapi == JACK_HOSTAPI,
                                  report=runner.report)
    try:
        session = open_session(text, SessionOptions(sr=sr, block=args.block,
                                                    samples=args.samples, workers=args.workers,
                                                    resources={"midi": sync.hub}),
                               file=str(path), reporter=lambda m: runner.report(f"phonon: {m}"))
    except PhononError as exc:
        err.print(str(exc), markup=False, highlight=False)
        err.print("phonon live: fix the program and start again (live edits keep the old "
                  "program playing; the first one has to compile)", markup=False)
        return 1
    try:
        sync.start(float(session.graph.cps), CLIENT_NAME)
    except SyncUnavailable as exc:
        err.print(f"phonon live: {exc}", markup=False)
        sync.close(0)
        session.close()
        return 3
    result = runner.run(session)
    summary = (f"phonon live: stopped after {result.seconds:.1f} s; "
               f"underruns: {result.underruns}; device xruns: {result.device_xruns}; "
               f"reloads: {result.reloads_ok} ok, {result.reloads_failed} failed; "
               f"swaps: {len(result.swaps)}{outage_summary(result.outages, result.outage_s)}")
    delivery = sync.delivery()
    if delivery:
        summary += f"; {delivery}"
    console.print(summary, markup=False, highlight=False, soft_wrap=True)
    link = runner.link
    if result.underruns:
        console.print(f"phonon live: underruns after frames {link.first_underruns()[:10]}",
                      markup=False, highlight=False, soft_wrap=True)
    if result.device_xruns:
        console.print(f"phonon live: device xruns after frames {link.first_xruns()[:10]}",
                      markup=False, highlight=False, soft_wrap=True)
    return 0

"""`phonon live FILE`: play a program on an audio device and hot-reload it on every save."""
from __future__ import annotations

import argparse
import signal
from pathlib import Path

HELP = "play a program live on an audio device; edits to the file are heard at the next cycle"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the .ph program to play (watched for edits)")
    parser.add_argument("--device", default=None,
                        help="output device name (substring) or index (see `phonon devices`); "
                             "default: the JACK server when one runs, else the system default")
    parser.add_argument("-b", "--block", type=int, default=256,
                        help="block size in samples (default 256)")
    parser.add_argument("--latency", type=float, default=0.05,
                        help="seconds rendered ahead of the device (default 0.05)")
    parser.add_argument("--workers", type=int, default=0,
                        help="worker processes for the graph (default 0: render inline)")
    parser.add_argument("--samples", action="append", default=None, metavar="DIR",
                        help="sample folder (Dirt-Samples layout); repeatable")
    parser.add_argument("--duration", type=float, default=None, metavar="SECONDS",
                        help="stop cleanly after this many seconds of audio")
    parser.add_argument("--record", default=None, metavar="OUT.wav",
                        help="also write exactly what is sent to the device to this file")
    parser.add_argument("--swap", choices=("cycle", "block"), default="cycle",
                        help="when an edit takes over: at the next cycle boundary (default) "
                             "or at the next block")


def _terminate(signum, frame):  # noqa: ARG001 - signal handler
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ..engine.options import SessionOptions
    from ..engine.render import open_session
    from ..errors import PhononError
    from ..live.device import DeviceError, choose_output, import_sounddevice
    from ..live.runner import LiveOptions, LiveRunner

    console = Console(soft_wrap=True, highlight=False)
    err = Console(stderr=True, soft_wrap=True, highlight=False)
    path = Path(args.file)
    if args.block <= 0 or args.latency < 0:
        err.print("phonon live: block must be positive and latency not negative", markup=False)
        return 2
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        err.print(f"phonon live: cannot read {path}: {exc.strerror}", markup=False)
        return 2
    try:
        sd = import_sounddevice()
        device = choose_output(sd, args.device)
    except DeviceError as exc:
        err.print(f"phonon live: {exc}", markup=False)
        return 3
    sr = int(device.samplerate)
    options = LiveOptions(path=str(path), latency=args.latency, duration=args.duration,
                          record=args.record, swap=args.swap, text=text)
    runner = LiveRunner(options, sd=sd, device=device, console=console)
    try:
        session = open_session(text, SessionOptions(sr=sr, block=args.block,
                                                    samples=args.samples, workers=args.workers),
                               file=str(path), reporter=lambda m: runner.report(f"phonon: {m}"))
    except PhononError as exc:
        err.print(str(exc), markup=False, highlight=False)
        err.print("phonon live: fix the program and start again (live edits keep the old "
                  "program playing; the first one has to compile)", markup=False)
        sd._terminate()
        return 1
    previous = signal.signal(signal.SIGTERM, _terminate)
    interrupted = False
    try:
        result = runner.run(session)
    except KeyboardInterrupt:
        interrupted = True
        result = None
    except DeviceError as exc:
        err.print(f"phonon live: {exc}", markup=False)
        return 3
    finally:
        signal.signal(signal.SIGTERM, previous)
        sd._terminate()
    if result is None:
        console.print("phonon live: stopped", markup=False)
        return 130 if interrupted else 1
    console.print(f"phonon live: stopped after {result.seconds:.1f} s; "
                  f"underruns: {result.underruns}; device xruns: {result.device_xruns}; "
                  f"reloads: {result.reloads_ok} ok, {result.reloads_failed} failed; "
                  f"swaps: {len(result.swaps)}", markup=False, highlight=False, soft_wrap=True)
    if result.underruns:
        console.print(f"phonon live: underruns after frames {runner.underrun_at[:10]}",
                      markup=False, highlight=False, soft_wrap=True)
    if result.device_xruns:
        console.print(f"phonon live: device xruns after frames {runner.xrun_at[:10]}",
                      markup=False, highlight=False, soft_wrap=True)
    return 0

"""What `phonon live` and `phonon dirt` share as commands: the audio device flags
(`--device`, `--block`, `--latency`), the run flags (`--samples`, `--duration`, `--record`),
their checks, SIGTERM stopping like Ctrl-C, and the stop line's account of device outages."""
from __future__ import annotations

import argparse
import math
import signal
from collections.abc import Iterator
from contextlib import contextmanager


def add_device_arguments(parser: argparse.ArgumentParser) -> None:
    """`--device`, `-b/--block` and `--latency`: where and how far ahead the stream plays."""
    parser.add_argument("--device", default=None,
                        help="output device name (substring) or index (see `phonon devices`); "
                             "default: the JACK server when one runs, else the system default")
    parser.add_argument("-b", "--block", type=int, default=256,
                        help="block size in samples (default 256)")
    parser.add_argument("--latency", type=float, default=0.05,
                        help="seconds rendered ahead of the device (default 0.05)")


def add_run_arguments(parser: argparse.ArgumentParser, recorded: str) -> None:
    """`--samples`, `--duration` and `--record` (which writes `recorded`: "the stream")."""
    parser.add_argument("--samples", action="append", default=None, metavar="DIR",
                        help="sample folder (Dirt-Samples layout); repeatable")
    parser.add_argument("--duration", type=float, default=None, metavar="SECONDS",
                        help="stop cleanly after this many seconds of audio")
    parser.add_argument("--record", default=None, metavar="OUT.wav",
                        help=f"also write {recorded} to this file (on the performance's clock, "
                             "also while the device is away)")


def device_argument_error(args: argparse.Namespace) -> str | None:
    """What is wrong with `--block`, `--latency` or `--duration` (None when nothing is)."""
    from ..engine.limits import BLOCK_MAX
    if not 1 <= args.block <= BLOCK_MAX or not 0 <= args.latency <= 10:
        return f"the block must be 1-{BLOCK_MAX} frames and the latency 0-10 s"
    if args.duration is not None and not (math.isfinite(args.duration) and args.duration > 0):
        return "--duration must be a positive number of seconds"
    return None


def _interrupt(signum, frame):  # noqa: ARG001 - signal handler
    raise KeyboardInterrupt


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Inside, SIGTERM stops like Ctrl-C (a KeyboardInterrupt: the same clean exit)."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def outage_summary(outages: int, seconds: float, more: str = "") -> str:
    """`; audio device lost N times (S s without sound[, more])` for the stop line ("" with
    no outage)."""
    if not outages:
        return ""
    return (f"; audio device lost {outages} time{'s' if outages != 1 else ''} "
            f"({seconds:.1f} s without sound{more})")

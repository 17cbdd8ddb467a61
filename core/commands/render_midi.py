"""`phonon render --midi OUT.mid`: what the program's MIDI nodes send, as a Standard MIDI File.

The render gets a `MidiHub` as its `midi` resource (the `midi` and `cc` nodes schedule their
messages on it); after the render the messages, pending note-offs included, are written with
`phonon.sync.smf.write_smf` through a temporary file in the destination's folder, so an existing
file is only ever replaced by a complete one (docs/sync.md).
"""
from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--midi", default=None, metavar="OUT.mid",
                        help="also write the MIDI the program sends (midi, cc nodes) as a "
                             "Standard MIDI File, one track per bus")
    parser.add_argument("--beats-per-cycle", type=float, default=4.0, metavar="BEATS",
                        help="beats per cycle for the MIDI file's tempo (default 4: "
                             "cps 0.5 is 120 BPM)")


def check(args: argparse.Namespace) -> str | None:
    """Why `--midi` cannot work (checked before rendering), or None."""
    if args.beats_per_cycle <= 0:
        return "beats per cycle must be positive"
    if args.midi:
        folder = Path(args.midi).resolve().parent
        if not folder.is_dir():
            return f"cannot write {args.midi}: no folder {folder}"
        if not os.access(folder, os.W_OK):
            return f"cannot write {args.midi}: the folder {folder} is not writable"
    return None


def hub(args: argparse.Namespace) -> Any:
    """The render's MIDI hub (None without `--midi`: the MIDI nodes send nothing)."""
    if not args.midi:
        return None
    from ..sync.hub import MidiHub
    return MidiHub()


def write(args: argparse.Namespace, midi: Any, sr: int, cps: float) -> str:
    """Write the file; returns the summary line's text. Raises OSError or SyncUnavailable."""
    from ..sync.smf import write_smf

    target = Path(args.midi)
    fd, tmp = tempfile.mkstemp(suffix=".mid", dir=target.resolve().parent)
    os.close(fd)
    try:
        counts = write_smf(tmp, midi.scheduler.drain(), sr=sr, cps=cps,
                           beats_per_cycle=args.beats_per_cycle)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    tracks = ", ".join(f"{name} {n}" for name, n in counts.items()) or "no messages"
    return (f"wrote {target.resolve()} (MIDI: {len(counts)} "
            f"track{'s' if len(counts) != 1 else ''}: {tracks})")

"""`phonon devices`: list the audio outputs `phonon live` can play on."""
from __future__ import annotations

import argparse

HELP = "list audio output devices (the default one, used by `phonon live`, is marked *)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace) -> int:
    import json
    from dataclasses import asdict

    from ..live.device import DeviceError, describe, import_sounddevice, no_device_message, \
        output_devices

    try:
        sd = import_sounddevice()
    except DeviceError as exc:
        print(f"phonon devices: {exc}")
        return 3
    try:
        outs = output_devices(sd)
        if args.json:
            print(json.dumps([asdict(d) for d in outs], indent=2))
        elif outs:
            print(describe(outs))
        else:
            print(no_device_message(sd))
        return 0 if outs else 3
    finally:
        sd._terminate()

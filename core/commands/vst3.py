"""`phonon vst3 [--json] [NAME]`: list installed VST3 plugins and their parameters.

The scan is `phonon.vst3.scan_plugins`. `phonon plugins` is the same command under its old name
(`commands/plugins.py`); node plugins are listed by `phonon nodes`.
"""
from __future__ import annotations

import argparse
import json

HELP = "list installed VST3 plugins and their parameters (scan cached in ~/.cache/phonon/vst3.json)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", nargs="?", help="only plugins whose name contains this text (only those are scanned)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--refresh", action="store_true", help="ignore the cache and rescan every plugin")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds to wait for one plugin to load (default 30)")


def _format_value(v) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def format_plugin(info) -> list[str]:
    """Text lines for one plugin: a heading, then one line per parameter (or the load error)."""
    lines = [f"{info.name}  ({info.path})"]
    if info.error:
        lines.append(f"  cannot load: {info.error}")
        return lines
    width = max((len(k) for k in info.params), default=0)
    for key, prm in info.params.items():
        if prm.get("values"):
            rng = " | ".join(prm["values"])
        else:
            rng = f"{_format_value(prm['min'])} .. {_format_value(prm['max'])}"
        units = f" {prm['units']}" if prm.get("units", "").strip() else ""
        lines.append(f"  :{key.ljust(width)}  default {_format_value(prm['default'])}{units}  [{rng}]")
    return lines


def run(args: argparse.Namespace) -> int:
    from phonon.vst3 import scan_plugins, vst3_dirs

    plugins = scan_plugins(args.name, refresh=args.refresh, timeout=args.timeout)
    if args.json:
        print(json.dumps([p.to_json() for p in plugins], indent=1))
        return 0
    if not plugins:
        print("no VST3 plugins found in " + ", ".join(str(d) for d in vst3_dirs()) +
              " (add folders with PHONON_VST3_PATH)")
        return 0
    for info in plugins:
        print("\n".join(format_plugin(info)))
    return 0

"""`phonon vst3 [--json] [NAME]`: list installed VST3 plugins and their parameters.

The scan is `phonon.vst3.scan_plugins`. `phonon plugins` is the same command under its old name
(`commands/plugins.py`); node plugins are listed by `phonon nodes`.
"""
from __future__ import annotations

import argparse
import json
import sys

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

    plugins = scan_plugins(args.name, refresh=args.refresh, timeout=args.timeout,
                           progress=_scan_progress)
    if args.name and not plugins:
        return _no_such_plugin(args.name, getattr(args, "command", None) or "vst3")
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


def _scan_progress(info, done: int, total: int) -> None:
    """One stderr line per plugin the scan loads (the first scan, or --refresh, loads each
    bundle in a child process: seconds per plugin); cached plugins print nothing."""
    status = f"cannot load: {info.error}" if info.error else f"{len(info.params)} parameters"
    print(f"scanning VST3 plugins ({done}/{total}): {info.name} — {status}", file=sys.stderr,
          flush=True)


def _no_such_plugin(name: str, command: str) -> int:
    """`phonon vst3 Nope`: say so, with the closest installed name (or the installed ones), and
    exit 1, like `phonon nodes Nope`."""
    from phonon.errors import did_you_mean
    from phonon.vst3.bundles import find_bundles

    installed = sorted(find_bundles())
    hint = did_you_mean(name, installed)
    if hint is None and installed:
        hint = f"installed: {', '.join(installed[:8])}" + (" ..." if len(installed) > 8 else "")
    print(f"phonon {command}: no VST3 plugin whose name contains '{name}'"
          + (f" — {hint}" if hint else ""), file=sys.stderr)
    return 1

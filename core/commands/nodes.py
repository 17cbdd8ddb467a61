"""`phonon nodes [--json]`: every registered node with its parameters, doc and origin."""
from __future__ import annotations

import argparse
import json

from ..plugins.registry import Registry, default_registry

HELP = "list every registered node (built-in and plugins) with its parameters and doc"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("name", nargs="?", help="show only this node (name or alias)")


def describe(registry: Registry, name: str | None = None) -> dict:
    """The registry as plain data: nodes (with source), broken plugins and name clashes."""
    entries = registry.entries()
    if name is not None:
        e = registry.entry(name)
        entries = [e] if e is not None else []
    return {
        "nodes": [dict(e.cls.spec.describe(), source=e.source) for e in entries],
        "broken": [{"name": b.name, "source": b.source, "reason": b.reason} for b in registry.broken],
        "clashes": list(registry.clashes),
    }


def _param_line(p: dict) -> str:
    default = "required" if p["required"] or (p["kind"] == "events" and p["default"] is None) \
        else f"= {p['default']!r}"
    unit = f" {p['unit']}" if p["unit"] else ""
    rng = ""
    if p["lo"] is not None or p["hi"] is not None:
        lo = "" if p["lo"] is None else f"{p['lo']:g}"
        hi = "" if p["hi"] is None else f"{p['hi']:g}"
        rng = f" [{lo}..{hi}]"
    kind = "" if p["kind"] == "number" else f" ({p['kind']})"
    doc = f" — {p['doc']}" if p["doc"] else ""
    also = f" (also :{', :'.join(p['aliases'])})" if p.get("aliases") else ""
    return f"    {p['name']}{also} {default}{unit}{rng}{kind}{doc}"


def format_text(data: dict) -> str:
    out: list[str] = []
    for n in data["nodes"]:
        aliases = f" (also {', '.join(n['aliases'])})" if n["aliases"] else ""
        inputs = {0: "source", 1: "1 input", -1: "any number of inputs"}.get(n["inputs"], f"{n['inputs']} inputs")
        if n.get("input_first") and n["inputs"] > 0:
            inputs += " (first argument, or after #)"
        tag = f"[{n['category']}] " if n["category"] else ""
        out.append(f"{n['name']}{aliases} — {tag}{inputs}, from {n['source']}")
        if n["doc"]:
            out.append(f"    {n['doc']}")
        for p in n["params"]:
            out.append(_param_line(p))
        if n["extra_params"]:
            out.append("    :any-name value (the plugin's own parameters)")
    if data["broken"]:
        out.append("")
        out.append("broken plugins (not loaded):")
        for b in data["broken"]:
            out.append(f"  {b['name']} from {b['source']}: {b['reason']}")
    if data["clashes"]:
        out.append("")
        out.append("name clashes:")
        for c in data["clashes"]:
            out.append(f"  {c}")
    out.append("")
    n = len(data["nodes"])
    out.append(f"{n} node{'s' if n != 1 else ''}")
    return "\n".join(out)


def run(args: argparse.Namespace, registry: Registry | None = None) -> int:
    reg = registry if registry is not None else default_registry()
    data = describe(reg, args.name)
    if args.name is not None and not data["nodes"]:
        from ..errors import did_you_mean
        hint = did_you_mean(args.name, reg.names(with_aliases=True))
        print(f"phonon nodes: no node named '{args.name}'" + (f" — {hint}" if hint else ""))
        return 1
    if args.json:
        print(json.dumps(data, indent=2, default=repr))
    else:
        print(format_text(data))
    return 0


__all__ = ["HELP", "add_arguments", "run", "describe", "format_text"]

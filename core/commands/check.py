"""`phonon check FILE...`: compile programs without making a sound; a summary or every error
of each file, and a non-zero exit when any file fails."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import PhononError, PhononErrors
from ..lang.ir import GraphIR
from ..plan import FEEDBACK_BLOCK, plan
from .plugin_paths import add_plugin_path_argument, apply_plugin_paths

WAVES_SHOWN = 40          # the summary lists the first waves, and their first nodes
NODES_SHOWN = 16
HELP = "check programs: report every error, or summarise buses, outputs, nodes and waves"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="the .ph programs to check (every one is checked)")
    parser.add_argument("--samples", action="append", default=[], metavar="DIR",
                        help="extra sample root (Dirt-Samples layout); may be repeated")
    parser.add_argument("--no-sample-check", action="store_true",
                        help="do not check sample names against the sample banks")
    add_plugin_path_argument(parser)


def sample_names(roots: list[str]) -> set[str] | None:
    """The sample names available (built-in kit + roots). A root that cannot be listed leaves
    the names unchecked (None), said on stderr: checking names never makes `check` fail."""
    from ..samples.bank import SampleBank, default_roots    # numpy/scipy: not at CLI start-up
    try:
        return set(SampleBank(default_roots(roots), builtin=True).names())
    except OSError as exc:
        print(f"phonon check: cannot list the sample folders ({exc}); sample names are not "
              "checked", file=sys.stderr)
        return None


def describe_node(ir: GraphIR, nid: str, names: dict[str, str]) -> str:
    """`~drums_reverb [reverb]` for a bus's node, `out [limiter]` for an output, else the id."""
    kind = ir.nodes[nid].kind
    return f"{names[nid]} [{kind}]" if nid in names else nid


def statement_summary(ir: GraphIR) -> list[str]:
    """The statements that change how the program plays (outmix, hush, panic, clock, buffer)."""
    out = []
    if ir.outmix != "none":
        out.append(f"outmix {ir.outmix}")
    if "" in ir.hushed:
        out.append("hush (the automatic master)")
    if ir.panic:
        out.append("panic")
    if ir.set_cycle is not None:
        out.append(f"setCycle {ir.set_cycle}")
    if ir.nudge:
        out.append(f"nudge {ir.nudge}")
    if ir.buffer is not None:
        out.append(f"buffer {ir.buffer} (the block size is chosen with -b)")
    return out


def summary(ir: GraphIR, file: str) -> str:
    p = plan(ir)
    waves, pruned = p.waves, p.pruned
    names: dict[str, str] = {}
    for out, nid in ir.outputs.items():
        names.setdefault(nid, out)
    for bus, nid in ir.buses.items():
        names[nid] = "~" + bus
    nodes = sum(len(w) for w in waves)
    def listed(items: list[str]) -> str:
        return f"{len(items)}: " + " ".join(items) if items else "0"

    lines = [
        f"{file}: ok",
        f"  tempo     {ir.cps:g} cps" + (f" ({ir.meter})" if ir.meter else ""),
        "  buses     " + listed(["~" + b for b in ir.buses]),
        "  outputs   " + listed([o + (" (hushed)" if o in ir.hushed else "") for o in ir.outputs]),
        f"  nodes     {nodes}" + (f" ({len(pruned)} unused, not computed)" if pruned else ""),
        f"  waves     {len(waves)}",
        f"  feedback  {len(ir.feedback)}",
        "  samples   " + listed(sorted(ir.samples)),
    ]
    statements = statement_summary(ir)
    if statements:
        lines.append("  statements " + "; ".join(statements))
    lines.append("waves:")
    for i, wave in enumerate(waves[:WAVES_SHOWN]):
        shown = [describe_node(ir, nid, names) for nid in wave[:NODES_SHOWN]]
        more = f" and {len(wave) - NODES_SHOWN} more" if len(wave) > NODES_SHOWN else ""
        lines.append(f"  {i}: " + ", ".join(shown) + more)
    if len(waves) > WAVES_SHOWN:
        lines.append(f"  ... and {len(waves) - WAVES_SHOWN} more waves")
    for reader, writer in ir.feedback:
        lines.append(f"feedback: {describe_node(ir, reader, names)} reads "
                     f"{describe_node(ir, writer, names)} {FEEDBACK_BLOCK} frames late")
    if pruned:
        lines.append("unused: " + ", ".join(describe_node(ir, nid, names) for nid in pruned))
    for w in ir.warnings:
        lines.append(w.format())
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    apply_plugin_paths(args)
    names = None if args.no_sample_check else sample_names(args.samples)
    failed = [f for f in args.files if not check_file(Path(f), names)]
    if len(args.files) > 1:
        print(f"{len(args.files)} files checked: "
              + (f"{len(failed)} failed ({', '.join(failed)})" if failed else "all ok"),
              file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0


def validate_nodes(ir: GraphIR) -> None:
    """What would stop the nodes from starting (unknown plugin or parameter, a missing file),
    found without starting them; raises `PhononErrors` located at the calls."""
    from ..plugins.registry import default_registry
    from ..runtime.binding import validate

    errors = validate(ir, plan(ir), default_registry())
    if errors:
        raise PhononErrors(errors)


def check_file(path: Path, names: set[str] | None) -> bool:
    """Print the summary of one program (stdout) or its errors (stderr); whether it is ok."""
    from ..lang import compile_program

    from ..program_file import ProgramFileError, read_program

    try:
        source = read_program(path)
    except ProgramFileError as exc:
        print(f"phonon check: {exc}", file=sys.stderr)
        return False
    try:
        ir = compile_program(source, file=str(path), sample_names=names)
        validate_nodes(ir)
        text = summary(ir, str(path))
    except PhononErrors as errs:
        print(errs.format(), file=sys.stderr)      # the first errors, then how many more
        n = len(errs.errors)
        print(f"{n} error{'s' if n != 1 else ''} in {path}", file=sys.stderr)
        return False
    except PhononError as e:
        print(e.format(), file=sys.stderr)
        print(f"1 error in {path}", file=sys.stderr)
        return False
    print(text)
    return True

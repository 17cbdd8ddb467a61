"""`phonon batch MANIFEST`: render many jobs (a list, or a program over a parameter grid and
seeds) on a local process pool or a Ray cluster, with a metadata table, `--resume` and a
progress bar. See docs/batch.md."""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from .. import collector
from ..errors import PhononError
from .plugin_paths import add_plugin_path_argument

HELP = "render many jobs from a manifest (TOML/JSON) on local processes or Ray; metadata table"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("manifest", help="the manifest (.toml or .json)")
    parser.add_argument("--out", metavar="DIR",
                        help="output folder (default: the manifest's name beside it, e.g. set/)")
    parser.add_argument("--backend", choices=("local", "ray"), default="local",
                        help="local process pool (default) or a Ray cluster")
    parser.add_argument("--address", metavar="ADDR",
                        help="Ray cluster address ('auto' or ray://host:10001); default: start "
                             "a local Ray")
    parser.add_argument("-j", "--workers", type=int, metavar="N",
                        help="worker processes (default: CPU count; Ray: the cluster's CPUs)")
    parser.add_argument("--resume", action="store_true",
                        help="skip jobs whose output file and table row already exist")
    parser.add_argument("--table", choices=("jsonl", "parquet"), default="jsonl",
                        help="also write metadata.parquet (needs pyarrow); the JSON-lines "
                             "journal is always kept")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    add_plugin_path_argument(parser)


def _progress(err, total: int):
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"),
                    TimeRemainingColumn(), console=err, transient=False)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ..batch.manifest import load_manifest
    from ..batch.run import BatchOptions, run_batch

    out_c = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    if args.workers is not None and args.workers <= 0:
        err.print("phonon batch: -j must be at least 1", markup=False)
        return 2
    manifest = Path(args.manifest)
    try:
        jobs = load_manifest(manifest)
    except OSError as exc:                       # phonon.program_file.ProgramFileError
        err.print(f"phonon batch: {exc}", markup=False)
        return 1
    except PhononError as exc:
        err.print(exc.format(), markup=False)
        return 1
    if args.allow_plugin_path:                   # every worker, local or on a cluster
        paths = tuple(str(Path(d).expanduser().resolve()) for d in args.allow_plugin_path)
        jobs = [replace(job, plugin_paths=paths) for job in jobs]
    out = Path(args.out) if args.out else manifest.with_suffix("")
    if out.exists() and not out.is_dir():
        err.print(f"phonon batch: --out {out} is a file, not a folder", markup=False)
        return 1
    if args.table == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            err.print("phonon batch: --table parquet needs pyarrow: pip install "
                      "'phonon-live[parquet]'", markup=False)
            return 2
    options = BatchOptions(out=out, backend=args.backend, workers=args.workers,
                           address=args.address, resume=args.resume, table=args.table)
    bar = None if args.quiet else _progress(err, len(jobs))
    task = None

    def started(report) -> None:
        nonlocal task
        collector.start_up_over()        # the workers run: this process's start-up is over
        err.print(f"phonon batch: {report.total - report.skipped} jobs on {report.workers} "
                  f"{report.backend} workers" + (f", {report.skipped} done before (--resume)"
                                                 if report.skipped else ""), markup=False)
        if bar is not None:
            bar.start()
            task = bar.add_task("rendering", total=report.total - report.skipped, rate="")

    def finished(result, report) -> None:
        if result.status != "ok":
            bar.console.print(f"failed {result.name}: {result.error}", markup=False) if bar \
                else err.print(f"failed {result.name}: {result.error}", markup=False)
        if bar is not None:
            n = len(report.failed)
            bar.update(task, advance=1, rate=f"{report.jobs_per_s:.2f} jobs/s",
                       description=f"rendering ({n} failed)" if n else "rendering")

    try:
        report = run_batch(jobs, options, on_result=finished, on_start=started)
    except (RuntimeError, ValueError, OSError) as exc:
        err.print(f"phonon batch: {exc}", markup=False)
        return 1
    finally:
        if bar is not None:
            bar.stop()
    ok = len(report.results) - len(report.failed)
    out_c.print(f"{'interrupted: ' if report.interrupted else ''}{ok} rendered, "
                f"{len(report.failed)} failed, {report.skipped} skipped of {report.total} jobs "
                f"in {report.seconds:.1f} s ({report.jobs_per_s:.2f} jobs/s, {report.workers} "
                f"{report.backend} workers)", markup=False)
    out_c.print(f"files in {out.resolve()}, table {report.table.resolve()}", markup=False)
    if report.interrupted:
        left = report.total - report.skipped - len(report.results)
        out_c.print(f"{left} jobs not rendered: run the same command with --resume to finish",
                    markup=False)
        return 130
    return 1 if report.failed else 0

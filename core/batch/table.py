"""The batch's metadata table: one row per job, kept as a JSON-lines journal in OUT.

Each finished job appends one line (`metadata.jsonl`) right after its file is in place, so the
journal always describes the files that exist, whatever stops the batch; `--resume` reads it
back. At the end the journal is rewritten in manifest order (atomically) and, with
`--table parquet`, also written as `metadata.parquet` (pyarrow).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable

JOURNAL = "metadata.jsonl"
PARQUET = "metadata.parquet"

#: the columns, in order (docs/batch.md explains each)
COLUMNS = ("name", "status", "error", "program", "program_hash", "params", "seed", "seconds",
           "cycles", "sr", "block", "format", "samples", "output", "frames", "duration_s", "peak_dbfs",
           "rms_dbfs", "audio_sha256", "file_sha256", "stems", "stems_post", "stem_files",
           "stem_sha256", "render_s", "cpu_s", "worker", "worker_jobs", "finished_at")


class Journal:
    """Rows by job name; `append` writes one line and flushes it."""

    def __init__(self, out: Path, fresh: bool) -> None:
        self.path = out / JOURNAL
        self.rows: dict[str, dict[str, Any]] = {}
        self.broken_lines = 0
        if fresh:
            self.path.write_text("")
        elif self.path.exists():
            self._read()
        self._file = open(self.path, "a", encoding="utf-8")

    def _read(self) -> None:
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
                self.rows[row["name"]] = row
            except (json.JSONDecodeError, KeyError, TypeError):
                self.broken_lines += 1     # a line cut by a hard kill: its job runs again

    def append(self, row: dict[str, Any]) -> None:
        self._file.write(json.dumps(row, sort_keys=False) + "\n")
        self._file.flush()
        self.rows[row["name"]] = row

    def finish(self, order: Iterable[str]) -> list[dict[str, Any]]:
        """Rewrite the journal in `order` (then any other rows), atomically; returns the rows."""
        self._file.close()
        names = list(order)
        rows = [self.rows[n] for n in names if n in self.rows]
        rows += [r for n, r in self.rows.items() if n not in set(names)]
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.part")
        tmp.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        os.replace(tmp, self.path)
        return rows


def write_parquet(rows: list[dict[str, Any]], path: Path) -> None:
    """The rows as a Parquet table (params as a JSON string column); needs pyarrow."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    nested = ("params", "stem_files", "stem_sha256")
    flat = [{**{c: r.get(c) for c in COLUMNS}, **{c: json.dumps(r.get(c) or {}) for c in nested}}
            for r in rows]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    pq.write_table(pa.Table.from_pylist(flat), tmp)
    os.replace(tmp, path)

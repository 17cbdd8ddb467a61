"""Lay out the phonon package of a git commit as DIR/phonon, for `--against DIR` (before/after
in the same benchmark run: `peers.py --against DIR`, `start.py --against DIR`).

    python benchmarks/tree_at.py COMMIT DIR

`core/` becomes DIR/phonon, `nodes/` DIR/phonon/nodes and `plugins/` DIR/phonon/plugins (the
package layout pyproject.toml maps); with PYTHONPATH=DIR that tree is imported instead of the
installed one (its numba kernels compile once into DIR's own cache).
"""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[3].strip(), file=sys.stderr)
        return 2
    commit, dest = argv[0], Path(argv[1])
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "core", "nodes",
                              "plugins"], capture_output=True, check=True).stdout
    shutil.rmtree(dest, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp)
        dest.mkdir(parents=True)
        shutil.move(f"{tmp}/core", dest / "phonon")
        shutil.move(f"{tmp}/nodes", dest / "phonon" / "nodes")
        shutil.move(f"{tmp}/plugins", dest / "phonon" / "plugins")
    print(f"{dest}/phonon is {commit}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

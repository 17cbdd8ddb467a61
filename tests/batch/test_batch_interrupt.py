"""Ctrl-C during `phonon batch`: exit 130, no half-written file, a table that describes exactly
the files that exist, and `--resume` finishes the rest."""
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .batch_fixtures import RANDOM, read_rows


def test_ctrl_c_leaves_no_half_written_files_and_resume_finishes(tmp_path):
    (tmp_path / "random.ph").write_text(RANDOM)
    n = 40
    m = tmp_path / "many.json"
    m.write_text(json.dumps({"seconds": 2, "sr": 22050, "jobs": [
        {"name": f"j{i:02d}", "program": "random.ph", "seed": i} for i in range(n)]}))
    out = tmp_path / "out"
    phonon = Path(sys.executable).with_name("phonon")
    cmd = [str(phonon), "batch", str(m), "--out", str(out), "-j", "2", "-q"]
    # its own process group, signalled as a terminal's Ctrl-C does: workers get SIGINT too
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    journal = out / "metadata.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if journal.exists() and journal.read_text().count("\n") >= 3:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "run the same command with --resume" in stdout
    rows = read_rows(out)
    files = sorted(p.name for p in out.iterdir() if p.suffix == ".wav")
    assert not [p for p in out.iterdir() if p.name.startswith(".")]     # no .part left
    assert 3 <= len(files) < n
    assert files == sorted(r["output"] for r in rows.values())          # the table = the files
    for r in rows.values():
        assert hashlib.sha256((out / r["output"]).read_bytes()).hexdigest() == r["file_sha256"]
    done = set(rows)

    resumed = subprocess.run(cmd + ["--resume"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{n - len(done)} rendered, 0 failed, {len(done)} skipped of {n} jobs" in resumed.stdout
    final = read_rows(out)
    assert list(final) == [f"j{i:02d}" for i in range(n)]
    assert all(final[k] == rows[k] for k in done)

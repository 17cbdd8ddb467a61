"""`phonon batch --backend ray` on a real local Ray (started by the command, 2 workers): the same
files, byte for byte, as the local process pool; each actor keeps one warm engine."""
import hashlib

from phonon.batch.manifest import load_manifest
from phonon.batch.run import BatchOptions, run_batch
from phonon.cli import main

from .batch_fixtures import read_rows, write_set


def test_ray_and_local_outputs_hash_identically(tmp_path, capsys):
    m = write_set(tmp_path, seeds=(0, 1, 2, 3, 1))
    jobs = load_manifest(m)
    local = run_batch(jobs, BatchOptions(out=tmp_path / "local", workers=2))
    assert not local.failed
    assert main(["batch", str(m), "--out", str(tmp_path / "ray"), "--backend", "ray", "-j", "2",
                 "-q"]) == 0
    assert "7 rendered, 0 failed, 0 skipped of 7 jobs" in capsys.readouterr().out
    a, b = read_rows(tmp_path / "local"), read_rows(tmp_path / "ray")
    for job in jobs:
        data = (tmp_path / "ray" / job.filename).read_bytes()
        assert data == (tmp_path / "local" / job.filename).read_bytes()
        assert hashlib.sha256(data).hexdigest() == a[job.name]["file_sha256"] == b[job.name]["file_sha256"]
        assert a[job.name]["audio_sha256"] == b[job.name]["audio_sha256"]
    # two actors, each rendering several jobs on the engine it built once
    assert len({r["worker"] for r in b.values()}) == 2
    assert sorted(r["worker_jobs"] for r in b.values())[-1] >= 3
    import ray
    assert not ray.is_initialized()                 # the local Ray it started is shut down

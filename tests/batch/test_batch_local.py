"""`phonon batch` on the local process pool: bit-identical audio whatever the worker count and
equal to `phonon.render` with the job's seed, the metadata table, failures, `--resume`."""
import dataclasses
import hashlib
import json

import numpy as np
import pyarrow.parquet as pq
import pytest
import soundfile as sf

import phonon
from phonon.batch.manifest import load_manifest
from phonon.batch.run import BatchOptions, run_batch
from phonon.batch.table import COLUMNS
from phonon.cli import main

from .batch_fixtures import RANDOM, SECONDS, SR, dbfs, read_rows, write_set


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """The same manifest rendered with 1 worker and with 2."""
    folder = tmp_path_factory.mktemp("set")
    m = write_set(folder)
    jobs = load_manifest(m)
    one = run_batch(jobs, BatchOptions(out=folder / "j1", workers=1))
    two = run_batch(jobs, BatchOptions(out=folder / "j2", workers=2, table="parquet"))
    return folder, jobs, one, two


def test_bit_identical_across_worker_counts_and_equal_to_phonon_render(two_runs):
    folder, jobs, one, two = two_runs
    assert not one.failed and not two.failed and one.workers == 1 and two.workers == 2
    for job in jobs:
        a = (folder / "j1" / job.filename).read_bytes()
        assert a == (folder / "j2" / job.filename).read_bytes()
        expected = phonon.render(job.source, SECONDS, sr=SR, block=512, seed=job.seed)
        y, sr = sf.read(folder / "j1" / job.filename, dtype="float32", always_2d=True)
        assert sr == SR and np.array_equal(y.T, expected)


def test_the_seed_selects_the_randomness_and_fixes_it(two_runs):
    folder, _, _, _ = two_runs
    rows = read_rows(folder / "j2")
    h = {n: rows[n]["audio_sha256"] for n in rows}
    assert h["r1"] == h["r3"]                               # same program, same seed
    assert len({h["r0"], h["r1"], h["r2"]}) == 3            # other seeds: other audio
    assert h["r0"] == hashlib.sha256(phonon.render(RANDOM, SECONDS, sr=SR, block=512).T.astype("<f4")
                                     .tobytes()).hexdigest()  # seed 0 is Strudel's stream
    assert h["g0.1"] != h["g0.3"]


def test_metadata_table_describes_each_file(two_runs):
    folder, jobs, _, two = two_runs
    rows = read_rows(folder / "j2")
    assert list(rows) == [j.name for j in jobs]             # manifest order
    for job in jobs:
        r = rows[job.name]
        assert set(COLUMNS) <= set(r)
        path = folder / "j2" / r["output"]
        data = path.read_bytes()
        assert r["file_sha256"] == hashlib.sha256(data).hexdigest()
        y, _ = sf.read(path, dtype="float32", always_2d=True)
        assert r["audio_sha256"] == hashlib.sha256(y.astype("<f4").tobytes()).hexdigest()
        assert r["frames"] == y.shape[0] == round(SECONDS * SR) and r["duration_s"] == SECONDS
        assert r["peak_dbfs"] == pytest.approx(dbfs(np.abs(y).max()), abs=1e-3)
        rms = np.sqrt(np.mean(np.square(y, dtype=np.float64)))
        assert r["rms_dbfs"] == pytest.approx(dbfs(rms), abs=1e-3)
        assert (r["status"], r["seed"], r["program_hash"], r["params"]) == \
            ("ok", job.seed, job.program_hash, job.params)
    assert rows["g0.3"]["params"] == {"level": 0.3}
    assert len({r["worker"] for r in rows.values()}) <= 2
    table = pq.read_table(folder / "j2" / "metadata.parquet").to_pylist()
    assert [t["audio_sha256"] for t in table] == [rows[j.name]["audio_sha256"] for j in jobs]
    assert json.loads(table[-1]["params"]) == {"level": 0.3}


def test_a_failing_job_is_recorded_and_the_batch_goes_on(tmp_path, capsys):
    m = write_set(tmp_path, seeds=(1,), broken=True)
    assert main(["batch", str(m), "--out", str(tmp_path / "out"), "-j", "2", "-q"]) == 1
    rows = read_rows(tmp_path / "out")
    assert rows["broken"]["status"] == "failed" and rows["broken"]["output"] is None
    assert rows["broken"]["error"].startswith("broken.ph:2:")
    assert "lpff" in rows["broken"]["error"]
    assert not (tmp_path / "out" / "broken.wav").exists()
    assert [rows[n]["status"] for n in ("r0", "g0.1", "g0.3")] == ["ok"] * 3
    text = capsys.readouterr()
    assert "3 rendered, 1 failed, 0 skipped of 4 jobs" in text.out
    assert "Traceback" not in text.err


def test_resume_renders_only_what_is_missing_or_changed(tmp_path, capsys):
    m = write_set(tmp_path)
    out = tmp_path / "out"
    assert main(["batch", str(m), "--out", str(out), "-j", "2", "-q"]) == 0
    first = read_rows(out)
    (out / "r2.wav").unlink()                             # a lost file
    spec = json.loads(m.read_text())
    spec["jobs"][0]["seed"] = 5                           # a changed job
    m.write_text(json.dumps(spec))
    capsys.readouterr()
    assert main(["batch", str(m), "--out", str(out), "-j", "2", "-q", "--resume"]) == 0
    assert "2 rendered, 0 failed, 4 skipped of 6 jobs" in capsys.readouterr().out
    again = read_rows(out)
    assert again["r2"]["audio_sha256"] == first["r2"]["audio_sha256"]
    assert again["r0"]["seed"] == 5 and again["r0"]["audio_sha256"] != first["r0"]["audio_sha256"]
    for name in ("r1", "r3", "g0.1", "g0.3"):             # untouched rows and files
        assert again[name] == first[name]
    assert main(["batch", str(m), "--out", str(out), "-j", "1", "-q", "--resume"]) == 0
    assert "0 rendered, 0 failed, 6 skipped of 6 jobs" in capsys.readouterr().out


def test_bad_options_and_manifest_errors_exit_without_traceback(tmp_path, capsys):
    m = write_set(tmp_path)
    assert main(["batch", str(m), "-j", "0"]) == 2
    bad = tmp_path / "bad.toml"
    bad.write_text('seconds = 1\n[[jobs]]\nname = "a"\nprogram = "nope.ph"\n')
    assert main(["batch", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:4:" in err and "cannot read program" in err and "Traceback" not in err
    (tmp_path / "file").write_text("x")
    assert main(["batch", str(m), "--out", str(tmp_path / "file")]) == 1
    assert main(["batch", str(m), "--address", "auto"]) == 1
    assert "--address is for the ray backend" in capsys.readouterr().err


def test_a_worker_that_dies_loses_no_job(tmp_path):
    """SIGKILL one pool process mid-batch: its jobs run again in a fresh pool, every file is
    written, and the audio is the same as an undisturbed run's."""
    import multiprocessing as mp
    import os
    import signal
    m = write_set(tmp_path, seeds=tuple(range(10)))
    jobs = load_manifest(m)
    killed = []

    def kill_one(result, report):
        if not killed:
            victim = mp.active_children()[0]
            os.kill(victim.pid, signal.SIGKILL)
            killed.append(victim.pid)

    hurt = run_batch(jobs, BatchOptions(out=tmp_path / "hurt", workers=2), on_result=kill_one)
    calm = run_batch(jobs, BatchOptions(out=tmp_path / "calm", workers=2))
    assert killed and not hurt.failed and len(hurt.results) == len(jobs)
    a, b = read_rows(tmp_path / "hurt"), read_rows(tmp_path / "calm")
    assert [a[j.name]["audio_sha256"] for j in jobs] == [b[j.name]["audio_sha256"] for j in jobs]


def test_the_job_that_kills_its_worker_is_failed_and_the_others_render(tmp_path):
    import threading
    from phonon.batch.local import LocalBackend
    from .crashing_worker import crash_on_named_job
    m = write_set(tmp_path, seeds=(0, 1, 2, 3, 4))
    jobs = load_manifest(m)
    jobs.insert(3, dataclasses.replace(jobs[0], name="crash"))
    backend = LocalBackend(2, target=crash_on_named_job)
    try:
        results = {r.name: r for r in backend.run(jobs, threading.Event())}
    finally:
        backend.close()
    assert sorted(results) == sorted(j.name for j in jobs)
    assert results["crash"].status == "failed"
    assert results["crash"].error.startswith("the worker process died while rendering it (2 times, exit code 70)")
    for job in jobs:
        if job.name != "crash":
            assert results[job.name].status == "ok"
            expected = phonon.render(job.source, SECONDS, sr=SR, block=512, seed=job.seed)
            assert results[job.name].audio_sha256 == hashlib.sha256(
                np.ascontiguousarray(expected.T, "<f4").tobytes()).hexdigest()


def test_workers_are_forked_from_a_server_warmed_up_once(tmp_path):
    """Adding a worker costs a fork of a warm process, not a new interpreter's imports,
    registry, numba start-up and kit synthesis (the old spawned workers paid ~1.4 s of CPU
    each): every worker is a child of the same fork server, which had loaded all that before
    any job reached the worker. And a worker is one thread (no BLAS/OpenMP pool of its own)."""
    import json
    import os
    import threading

    from phonon.batch.local import LocalBackend
    from .crashing_worker import describe_process
    jobs = load_manifest(write_set(tmp_path, seeds=(0, 1, 2, 3)))
    backend = LocalBackend(2, target=describe_process)
    try:
        results = list(backend.run(jobs, threading.Event()))
    finally:
        backend.close()
    assert [r.status for r in results] == ["ok"] * len(jobs)
    seen = [json.loads(r.error) for r in results]
    assert len({s["pid"] for s in seen}) == 2                      # two workers
    assert len({s["ppid"] for s in seen}) == 1                     # one parent: the fork server
    assert seen[0]["ppid"] != os.getpid()
    for s in seen:
        assert s["preloaded"] and s["registry_built"] and s["kit_sounds"] >= 15
        assert s["threads"] == 1 and s["blas_threads"] == "1"        # one worker, one core

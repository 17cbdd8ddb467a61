"""Batch jobs with stems: `OUT/<name>/<stem>.wav` beside `OUT/<name>.wav`, hashes in the table,
the same arrays as `phonon.render(..., stems=True)`, and `--resume` notices a lost stem."""
import hashlib
import json

import numpy as np
import soundfile as sf

import phonon
from phonon.cli import main

from .batch_fixtures import RANDOM, SECONDS, SR, read_rows


def test_job_stems_are_written_hashed_and_resumed(tmp_path, capsys):
    (tmp_path / "random.ph").write_text(RANDOM)
    m = tmp_path / "stems.json"
    m.write_text(json.dumps({"seconds": SECONDS, "sr": SR, "block": 512, "jobs": [
        {"name": "all", "program": "random.ph", "seed": 3, "stems": True},
        {"name": "two", "program": "random.ph", "seed": 3, "stems": ["~a", "n"], "stems_post": True},
        {"name": "none", "program": "random.ph", "seed": 3}]}))
    out = tmp_path / "out"
    assert main(["batch", str(m), "--out", str(out), "-j", "2", "-q"]) == 0
    rows = read_rows(out)
    expected = phonon.render(RANDOM, SECONDS, sr=SR, block=512, seed=3, stems=True)
    assert sorted(p.name for p in (out / "all").iterdir()) == ["a.wav", "b.wav", "k.wav", "n.wav"]
    for name, path in rows["all"]["stem_files"].items():
        y, _ = sf.read(out / path, dtype="float32", always_2d=True)
        assert np.array_equal(y.T, expected[name])
        assert rows["all"]["stem_sha256"][name] == hashlib.sha256(y.astype("<f4").tobytes()).hexdigest()
    mix, _ = sf.read(out / "all.wav", dtype="float32", always_2d=True)
    assert np.array_equal(mix.T, expected["master"])          # the job's file is the master
    assert rows["two"]["stem_files"] == {"a": "two/a.wav", "n": "two/n.wav"}
    post = phonon.render(RANDOM, SECONDS, sr=SR, block=512, seed=3, stems=["a", "n"], stems_post=True)
    y, _ = sf.read(out / "two" / "n.wav", dtype="float32", always_2d=True)
    assert np.array_equal(y.T, post["n"])
    assert rows["none"]["stem_files"] == {} and not (out / "none").exists()
    (out / "all" / "k.wav").unlink()
    capsys.readouterr()
    assert main(["batch", str(m), "--out", str(out), "-j", "1", "-q", "--resume"]) == 0
    assert "1 rendered, 0 failed, 2 skipped of 3 jobs" in capsys.readouterr().out
    assert (out / "all" / "k.wav").is_file()

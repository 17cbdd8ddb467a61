"""Bounded work (issue 13): no program can make `check` or `render` hang or grow without bound.

Each probe of the issue runs through the real command line under a time limit and an
address-space limit: a located error (file:line:col), exit status 1, no traceback, bounded
time and memory, and the previous output file kept.
"""
from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from .probe_run import phonon

# program -> (column of the error on line 1 or 2, the message it must contain)
FLOODS = {
    'out: s "bd*1e8"': (1, 6, 'the pattern bd*1e8 makes more than 10000 events in one cycle '
                               '(cycle 0; 10000 is the most a cycle may make)'),
    'out: s "bd!1e8"': (1, 11, "replicate count 1e+08 is too large (at most 10000)"),
    'out: fast 1e9 $ s "bd"': (1, 17, "makes more than 10000 events in one cycle (cycle 0"),
    'out: ply 1e8 $ s "bd"': (1, 16, "makes more than 10000 events in one cycle (cycle 0"),
    'out: segment 1e8 $ s "bd"': (1, 20, "makes more than 10000 events in one cycle (cycle 0"),
    'out: chop 1e8 $ s "bd"': (1, 6, "'chop': count 100000000 is too large (at most 10000)"),
    'out: s "bd(3,1e8)"': (1, 11, "steps 100000000 is too large (at most 10000)"),
    'out: euclid 3 1e8 $ s "bd"': (1, 6, "'euclid': steps 100000000 is too large"),
    'out: iter 1e8 $ s "bd"': (1, 6, "'iter': count 100000000 is too large"),
    'out: striate 1e8 $ s "bd"': (1, 6, "'striate': count 100000000 is too large"),
    'out: s "<bd bd*1e8>"': (1, 6, "makes more than 10000 events in one cycle (cycle 1;"),
    'out: every 3 (fast 1e8) $ s "bd"': (1, 27, "makes more than 10000 events in one cycle"),
    'out: iter "<4 1e8>" $ s "bd"': (1, 6, "'iter': count 100000000 is too large"),
    'cps: 1e9\nout: s "bd"': (1, 6, "cps 1e+09 is out of range: use 0.001 to 20"),
    'cps: 1e-300\nout: s "bd"': (1, 6, "cps 1e-300 is out of range: use 0.001 to 20"),
}


def test_check_rejects_every_event_flood_with_its_location(tmp_path):
    """They used to pass `check` (then render ran for minutes at up to 16 GB), or made `check`
    itself build lists of 9-13 GB."""
    files = []
    for k, program in enumerate(FLOODS):
        f = tmp_path / f"p{k}.ph"
        f.write_text(program + "\n")
        files.append(f.name)
    run = phonon("check", *files, cwd=tmp_path, timeout=90)
    assert run.status == 1 and run.clean
    assert run.peak_rss_mb < 400
    for name, (line, col, message) in zip(files, FLOODS.values()):
        located = [ln for ln in run.stderr.splitlines() if ln.startswith(f"{name}:")]
        assert located, f"no error for {name}:\n{run.stderr}"
        assert located[0].startswith(f"{name}:{line}:{col}: ") and message in located[0], located
    assert run.stderr.splitlines()[-1].startswith(f"{len(FLOODS)} files checked: "
                                                  f"{len(FLOODS)} failed")


@pytest.mark.parametrize("program, col", [('out: s "bd*1e8"', 6), ('out: ply 1e8 $ s "hh"', 16),
                                          ('out: s "<bd bd*1e8>"', 6)])
def test_render_refuses_an_event_flood_and_keeps_the_old_file(tmp_path, program, col):
    (tmp_path / "p.ph").write_text(program + "\n")
    old = tmp_path / "out.wav"
    old.write_bytes(b"the previous render")
    run = phonon("render", "p.ph", "out.wav", "-d", "4", cwd=tmp_path, timeout=60)
    assert run.status == 1 and run.clean, run.stderr
    assert run.stderr.startswith(f"p.ph:1:{col}: the pattern ") and "events in one cycle" in run.stderr
    assert old.read_bytes() == b"the previous render"
    assert run.peak_rss_mb < 500


def test_deep_nesting_fails_alike_in_check_and_render(tmp_path):
    """Nesting beyond the recursion limit (600 nested `fast 1 $` once, now 1200 `late 1 $`:
    a query level is one frame, and `fast` of a sequence is a sequence) used to render
    silence with a RecursionError, exit 0."""
    (tmp_path / "deep.ph").write_text("out: " + "late 1 $ " * 1200 + 's "bd"\n')
    old = tmp_path / "out.wav"
    old.write_bytes(b"kept")
    check = phonon("check", "deep.ph", cwd=tmp_path, timeout=60)
    render = phonon("render", "deep.ph", "out.wav", "-d", "1", cwd=tmp_path, timeout=60)
    first = check.stderr.splitlines()[0]
    assert first.startswith("deep.ph:1:10806: the pattern bd $ late $ late") \
        and first.endswith("is nested too deeply to be played — fewer nested transforms")
    assert len(first) < 200
    assert check.status == render.status == 1 and check.clean and render.clean
    assert render.stderr.splitlines()[0] == first
    assert old.read_bytes() == b"kept"


def _deepest_accepted() -> int:
    """The most `late 1 $` levels `compile_program` accepts (binary search)."""
    from phonon.errors import PhononError
    from phonon.lang import compile_program
    lo, hi = 1, 2000
    while lo < hi:
        mid = (lo + hi + 1) // 2
        try:
            compile_program("out: " + "late 1 $ " * mid + 's "bd*4"')
            lo = mid
        except PhononError:
            hi = mid - 1
    return lo


def test_the_deepest_nesting_check_accepts_plays_exactly(tmp_path):
    """The probe is stricter than the engine: at the deepest nesting `check` accepts, the
    render is the plain pattern's, sample for sample."""
    warm = _deepest_accepted()
    assert 500 < warm < 1000
    # a fresh process queries its first patterns through calls its interpreter has not yet
    # specialised, some counting twice against the recursion limit: `check` may accept a few
    # levels fewer than this warm process
    for depth in range(warm, warm - 10, -1):
        (tmp_path / "deep.ph").write_text("out: " + "late 1 $ " * depth + 's "bd*4"\n')
        if phonon("check", "deep.ph", cwd=tmp_path, timeout=120).status == 0:
            break
    else:
        raise AssertionError(f"check rejects {warm - 9}..{warm} levels, this process {warm}")
    (tmp_path / "flat.ph").write_text('out: s "bd*4"\n')
    for name in ("deep", "flat"):
        run = phonon("render", f"{name}.ph", f"{name}.wav", "-d", "2.5", "-s", "8000",
                     cwd=tmp_path, timeout=120)
        assert run.status == 0 and run.clean, run.stderr
    deep, _ = sf.read(tmp_path / "deep.wav", dtype="float32")
    flat, _ = sf.read(tmp_path / "flat.wav", dtype="float32")
    assert np.abs(flat).max() > 0.1
    np.testing.assert_array_equal(deep, flat)


def test_a_flat_sum_of_5000_terms_compiles_and_plays(tmp_path):
    """It hit 'expression nested too deeply' below 1,000 terms; and a mix of 1,000+ inputs
    failed inside numba ('tuple >= 1000'), silently."""
    terms = " + ".join(["sine 440"] * 5000)
    (tmp_path / "sum.ph").write_text(f"out: ({terms}) * 0.0001\n")
    check = phonon("check", "sum.ph", cwd=tmp_path, timeout=120)
    assert check.status == 0 and check.clean, check.stderr[-2000:]
    assert "nodes     10003" in check.stdout          # 5000 sines, 4999 adds, gain, mix, master
    assert len(check.stdout) < 4000                    # the summary lists the first waves only
    run = phonon("render", "sum.ph", "out.wav", "-d", "0.05", "-s", "8000", cwd=tmp_path,
                 timeout=300)
    assert run.status == 0 and run.clean, run.stderr[-2000:]
    y, _ = sf.read(tmp_path / "out.wav", dtype="float32")
    ref = np.sin(2 * np.pi * 440 * np.arange(400) / 8000)
    assert np.abs(y[:, 0]).max() == pytest.approx(0.5 * np.abs(ref).max(), abs=2e-3)


def test_a_master_of_1200_outputs_plays(tmp_path):
    program = "".join(f"out{k}: sine 220 * 0.0005\n" for k in range(1, 1201))
    (tmp_path / "many.ph").write_text(program)
    run = phonon("render", "many.ph", "out.wav", "-d", "0.05", "-s", "8000", cwd=tmp_path,
                 timeout=300)
    assert run.status == 0 and run.clean, run.stderr[-2000:]
    y, _ = sf.read(tmp_path / "out.wav", dtype="float32")
    ref = np.sin(2 * np.pi * 220 * np.arange(400) / 8000)
    assert np.abs(y[:, 0]).max() == pytest.approx(0.6 * np.abs(ref).max(), abs=2e-3)

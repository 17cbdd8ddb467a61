"""Stems: one array/file per bus feeding the outputs, plus the master, from the same render.

Pre-master stems add up to the pre-master mix (< -120 dB), keep the pattern's exact onsets,
and the master stem is the normal render bit for bit; post-master stems are each bus soloed
through the output's effects and the master."""
import numpy as np
import pytest
import soundfile as sf

import phonon
from phonon.cli import main
from phonon.engine import SessionOptions
from phonon.engine.render import compile_source, open_stem_session
from phonon.engine.stems import stem_names
from phonon.errors import PhononError

SR = 22050
CPS = 1.0
CHAIN = "# compressor -10 3 # limiter 0.95"
BUSES = """cps: 1
~kick: s "bd*4" # gain 0.9
~hats: s "~ hh ~ hh" # gain 0.5
~bass: saw "55 82.5" # lpf 900 0.5 # gain 0.3
~space: ~kick # reverb 0.6 0.5 1
"""
PROGRAM = BUSES + f"out: (~kick + ~hats + ~bass + ~space * 0.25 + sine 880 * 0.05) {CHAIN}\n"


def db(x: np.ndarray, ref: np.ndarray) -> float:
    return 20 * np.log10(np.max(np.abs(x)) / np.max(np.abs(ref)))


@pytest.fixture(scope="module")
def pre():
    session, taps = open_stem_session(PROGRAM, SessionOptions(sr=SR, block=512))
    try:
        y = session.render(2 * SR)
        stems = taps.collect(session, 2 * SR, y)
        mixes = taps.mixes(session, 2 * SR)
    finally:
        session.close()
    return stems, mixes


def test_default_stems_are_the_buses_feeding_out_plus_master():
    assert stem_names(compile_source(PROGRAM)) == ["kick", "hats", "bass", "space", "out-sine",
                                                   "master"]
    two = compile_source(BUSES + "out: ~kick + ~bass\nout2: ~bass * 0.5 + ~hats\n")
    assert stem_names(two) == ["kick", "bass", "bass@out2", "hats", "master"]


def test_pre_master_stems_sum_to_the_pre_master_mix(pre):
    stems, mixes = pre
    total = sum(stems[n].astype(np.float64) for n in ("kick", "hats", "bass", "space", "out-sine"))
    assert db(total - mixes["out"], mixes["out"]) < -120
    # `space` is the bus as mixed: a quarter of the reverb's output
    assert all(v.shape == (2, 2 * SR) and v.dtype == np.float32 for v in stems.values())


def test_the_master_stem_is_the_normal_render_bit_for_bit(pre):
    stems, _ = pre
    assert np.array_equal(stems["master"], phonon.render(PROGRAM, 2.0, sr=SR, block=512))


def test_stems_keep_the_patterns_onsets(pre):
    stems, mixes = pre
    hats = np.abs(stems["hats"]).max(axis=0)
    for cycle in (0, 1):                                 # "~ hh ~ hh": the first hit of each cycle
        hit = round((cycle + 0.25) / CPS * SR)
        assert hats[hit] > 1e-3
        if cycle == 0:
            assert hats[:hit].max() == 0.0               # silent up to the onset sample
    # each stem is its bus soloed, sample for sample: every onset where the pattern puts it
    solo = phonon.render(BUSES + "out: ~kick\n", 2.0, sr=SR, block=512)
    assert np.array_equal(stems["kick"], solo)
    # and aligned with the mix: the mix minus the other stems is the kick (float32 rounding)
    rest = sum(stems[n].astype(np.float64) for n in ("hats", "bass", "space", "out-sine"))
    assert db(mixes["out"] - rest - stems["kick"], stems["kick"]) < -120


def test_post_master_stem_is_the_bus_soloed_through_the_master_stage():
    stems = phonon.render(PROGRAM, 2.0, sr=SR, block=512, stems=["kick", "space"], stems_post=True)
    assert list(stems) == ["kick", "space"]
    solo_kick = phonon.render(BUSES + f"out: ~kick {CHAIN}\n", 2.0, sr=SR, block=512)
    solo_space = phonon.render(BUSES + f"out: ~space * 0.25 {CHAIN}\n", 2.0, sr=SR, block=512)
    assert np.array_equal(stems["kick"], solo_kick)
    assert np.array_equal(stems["space"], solo_space)


def test_python_api_returns_a_dict_and_names_are_checked():
    stems = phonon.render(PROGRAM, 0.5, sr=SR, stems=True)
    assert list(stems) == ["kick", "hats", "bass", "space", "out-sine", "master"]
    assert list(phonon.render(PROGRAM, 0.5, sr=SR, stems=["~bass", "master"])) == ["bass", "master"]
    with pytest.raises(PhononError, match="no stem named 'bas'") as info:
        phonon.render(PROGRAM, 0.5, sr=SR, stems=["bas"])
    assert "did you mean 'bass'" in str(info.value)


def test_without_a_chain_the_stems_sum_to_the_output():
    prog = BUSES + "out: ~kick * 0.3 + ~hats * 0.3 + ~bass\n"
    stems = phonon.render(prog, 1.0, sr=SR, stems=True)
    total = stems["kick"].astype(np.float64) + stems["hats"] + stems["bass"]
    assert db(total - stems["master"], stems["master"]) < -120


def test_cli_writes_one_aligned_file_per_stem(tmp_path, capsys):
    src = tmp_path / "song.ph"
    src.write_text(PROGRAM)
    out = tmp_path / "stems"
    assert main(["render", str(src), str(out), "--stems", "-c", "1", "-s", str(SR)]) == 0
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted(f"{n}.wav" for n in ("kick", "hats", "bass", "space", "out-sine", "master"))
    infos = [sf.info(str(out / f)) for f in files]
    assert {(i.frames, i.samplerate, i.channels, i.subtype) for i in infos} == {(SR, SR, 2, "FLOAT")}
    text = capsys.readouterr().out
    assert f"wrote 6 stems to {out.resolve()} (wav, {SR} Hz, stereo, taken before the master stage)" in text
    master, _ = sf.read(out / "master.wav", dtype="float32", always_2d=True)
    assert np.array_equal(master.T, phonon.render(PROGRAM, 1.0, sr=SR))
    assert main(["render", str(src), str(tmp_path / "post"), "--stems", "kick", "--stems-post",
                 "-c", "1", "-s", str(SR), "--format", "flac"]) == 0
    assert [p.name for p in (tmp_path / "post").iterdir()] == ["kick.flac"]
    assert sf.info(str(tmp_path / "post" / "kick.flac")).subtype == "PCM_24"


def test_cli_stems_errors(tmp_path, capsys):
    src = tmp_path / "song.ph"
    src.write_text(PROGRAM)
    (tmp_path / "afile").write_text("x")
    assert main(["render", str(src), str(tmp_path / "afile"), "--stems"]) == 2
    assert "is a file" in capsys.readouterr().err
    assert main(["render", str(src), str(tmp_path / "x.wav"), "--stems"]) == 2
    assert "looks like a file name" in capsys.readouterr().err
    assert main(["render", str(src), str(tmp_path / "d"), "--stems", "-j", "2"]) == 2
    assert main(["render", str(src), str(tmp_path / "d"), "--stems", "kik"]) == 1
    assert "no stem named 'kik'" in capsys.readouterr().err


@pytest.mark.parametrize("example", ["demo", "feedback_self", "send_effects", "sidechain_duck"])
def test_examples_stems_sum_to_the_mix_at_an_odd_block(example):
    """Feedback graphs (64-frame engine blocks pulled into 300-frame requests), send buses and
    sidechains: the stems still add up and the master is still the plain render."""
    from pathlib import Path
    src = (Path(__file__).resolve().parents[2] / "examples" / f"{example}.ph").read_text()
    session, taps = open_stem_session(src, SessionOptions(sr=SR, block=300))
    try:
        y = session.render(SR)
        stems, mixes = taps.collect(session, SR, y), taps.mixes(session, SR)
    finally:
        session.close()
    total = sum(v.astype(np.float64) for k, v in stems.items() if k != "master")
    mix = sum(mixes.values())
    assert np.abs(total - mix).max() <= 1e-6 * np.abs(mix).max()      # -120 dB
    assert np.array_equal(stems["master"], phonon.render(src, 1.0, sr=SR, block=300))

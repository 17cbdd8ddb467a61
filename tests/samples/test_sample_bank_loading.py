"""SampleBank: Dirt layout, sorting, name:i modulo, formats, resampling, roots, warnings, arena."""
from __future__ import annotations

import os
from multiprocessing import shared_memory

import numpy as np
import pytest
import soundfile as sf

from phonon.samples import SampleBank, SampleLoadError, default_roots, kit, split_name

from .sample_rig import CC0_KIT, SR, peak_hz, sine, write



@pytest.fixture()
def root(tmp_path):
    """tone/: a.flac 300 Hz, b.wav 600 Hz, c.aiff 900 Hz (+ a text file and a hidden file)."""
    write(tmp_path, "tone", "b.wav", sine(600.0, 0.25))
    write(tmp_path, "tone", "a.flac", sine(300.0, 0.25))
    write(tmp_path, "tone", "c.aiff", sine(900.0, 0.25))
    (tmp_path / "tone" / "notes.txt").write_text("not audio")
    write(tmp_path, "tone", ".hidden.wav", sine(50.0, 0.1))
    (tmp_path / "empty").mkdir()
    return tmp_path


def test_files_are_sorted_by_name_and_index_wraps(root):
    bank = SampleBank([root], sr=SR)
    assert bank.count("tone") == 3 and "empty" not in bank.names()
    peaks = [round(peak_hz(bank.get("tone", i)[0])) for i in range(5)]
    assert peaks == [300, 600, 900, 300, 600]                  # a.flac b.wav c.aiff, i mod 3
    assert bank.path("tone", 4).name == "b.wav"


def test_float_wav_loads_bit_exactly_as_channels_by_frames(root):
    bank = SampleBank([root], sr=SR)
    x = bank.get("tone", 1)
    assert x.dtype == np.float32 and x.shape == (1, 11025)
    assert np.array_equal(x[0], sine(600.0, 0.25))


@pytest.mark.parametrize("bank_sr, frames", [(48000, 12000), (22050, 5513)])
def test_resampling_keeps_duration_and_pitch(root, bank_sr, frames):
    bank = SampleBank([root], sr=bank_sr)
    x = bank.get("tone", 2)[0]
    assert x.size == frames
    assert peak_hz(x, sr=bank_sr) == pytest.approx(900.0, rel=1e-3)


def test_each_sound_is_loaded_once_and_cached(root):
    bank = SampleBank([root], sr=SR)
    first = bank.ref("tone", 0)
    used = bank.loaded_bytes
    assert bank.ref("tone", 3) is first and bank.loaded_bytes == used == 11025 * 4


def test_stereo_is_kept_and_more_channels_keep_the_first_two(tmp_path):
    quad = np.stack([np.full(100, v, np.float32) for v in (0.1, 0.2, 0.3, 0.4)])
    write(tmp_path, "quad", "q.wav", quad)
    write(tmp_path, "pair", "p.wav", quad[:2])
    bank = SampleBank([tmp_path], sr=SR)
    assert bank.get("pair").shape == (2, 100)
    assert np.array_equal(bank.get("quad"), quad[:2])


def test_first_root_wins_and_roots_override_the_kit(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write(a, "x", "1.wav", np.full(10, 0.1, np.float32))
    write(b, "x", "1.wav", np.full(10, 0.2, np.float32))
    write(b, "bd", "1.wav", np.full(10, 0.3, np.float32))
    bank = SampleBank([a, b], sr=SR)
    assert bank.get("x")[0, 0] == np.float32(0.1)
    assert bank.get("bd")[0, 0] == np.float32(0.3) and bank.count("bd") == 1
    assert bank.count("sn") == kit.count("sn") == 2


def test_unknown_names_raise_in_get_and_warn_once_in_lookup(root):
    bank = SampleBank([root], sr=SR)
    with pytest.raises(KeyError):
        bank.get("tnoe")
    assert bank.lookup("tnoe") is None and bank.lookup("tnoe", 3) is None
    assert bank.warnings == ["unknown sample 'tnoe': playing silence (did you mean 'tone'?)"]
    assert bank.lookup("zzzzzz") is None
    assert bank.warnings[-1] == "unknown sample 'zzzzzz': playing silence"


def test_builtin_off_hides_the_kit(root):
    bank = SampleBank([root], sr=SR, builtin=False)
    assert bank.names() == {"tone"} and bank.count("bd") == 0


def test_preload_loads_all_files_and_reports_unknown_names(root):
    bank = SampleBank([root], sr=SR)
    assert bank.preload(["tone", "bd:1", "nope"]) == ["nope"]
    assert bank.loaded_bytes == (3 * 11025 + kit.render("bd", 1, SR).size) * 4


def test_arena_growth_keeps_earlier_sounds_intact(root):
    bank = SampleBank([root], sr=SR)
    before = bank.get("tone", 0).copy()
    for name in kit.names():                       # ~1 MB more: the arena reallocates
        bank.preload([name])
    assert bank.arena.size >= bank.loaded_bytes // 4 > 1 << 16
    assert np.array_equal(bank.get("tone", 0), before)


def test_snapshot_serves_a_shared_memory_copy_without_reloading(root):
    bank = SampleBank([root], sr=SR)
    bank.preload(["tone", "cp"])
    snap = bank.arena_snapshot()
    shm = shared_memory.SharedMemory(create=True, size=snap.arena.nbytes)
    try:
        shared = np.ndarray(snap.arena.shape, np.float32, buffer=shm.buf)
        shared[:] = snap.arena
        view = SampleBank.from_snapshot(snap, arena=shared)
        assert view.names() == {"tone", "cp"} and view.count("tone") == 3
        assert np.array_equal(view.get("tone", 5), bank.get("tone", 2))
        assert np.shares_memory(view.get("cp", 1), shared)
        assert view.lookup("bd") is None
        del shared, view
    finally:
        shm.close()
        shm.unlink()


def test_default_roots_order_env_and_config(tmp_path):
    dirs = [tmp_path / n for n in ("cli", "env1", "env2", "cfg")]
    for d in dirs:
        d.mkdir()
    config = tmp_path / "samples.txt"
    config.write_text(f"# my banks\n{dirs[3]}\n\n{dirs[1]}  # duplicate\n{tmp_path / 'missing'}\n")
    env = {"PHONON_SAMPLES": os.pathsep.join([str(dirs[1]), str(dirs[2])])}
    assert default_roots([dirs[0]], env=env, config=config) == dirs
    assert default_roots(env={}, config=tmp_path / "none.txt") == []


@pytest.mark.parametrize("token, parsed", [("bd:3", ("bd", 3)), ("bd", ("bd", None)),
                                           ("bd:x", ("bd:x", None)), ("sn:1.0", ("sn", 1))])
def test_split_name(token, parsed):
    assert split_name(token) == parsed


def test_cc0_kit_layout_counts_and_mixed_rates():
    bank = SampleBank([CC0_KIT], sr=SR)
    assert {n: bank.count(n) for n in ("bd", "sn", "hh", "oh", "cp", "lt", "loop")} == {
        "bd": 4, "sn": 3, "hh": 3, "oh": 1, "cp": 2, "lt": 1, "loop": 1}
    assert bank.path("bd", 1).name == "bd_haus.flac"
    direct, _ = sf.read(str(CC0_KIT / "bd/bd_haus.flac"), dtype="float32", always_2d=True)
    assert np.array_equal(bank.get("bd", 1), direct.T)              # 44.1 kHz stereo: as is
    assert bank.get("hh", 2).shape == (1, 7585)                     # 8255 frames at 48k -> 44.1k
    assert bank.get("loop").shape == (2, 77321)


def test_an_unreadable_file_is_reported_once_and_skipped(tmp_path):
    write(tmp_path, "mix", "a.wav", np.full(100, 0.5, np.float32))
    (tmp_path / "mix" / "b.wav").write_bytes(b"RIFF not really a wave file")
    bank = SampleBank([tmp_path], sr=SR)
    with pytest.raises(SampleLoadError, match=r"cannot read sample file .*b\.wav"):
        bank.get("mix", 1)
    assert bank.preload(["mix"]) == []
    assert bank.lookup("mix", 3) is None and bank.lookup("mix", 1) is None
    assert len(bank.warnings) == 1 and "b.wav" in bank.warnings[0]
    assert bank.get("mix", 0).shape == (1, 100)


def test_views_of_the_shared_arena_are_read_only(root):
    x = SampleBank([root], sr=SR).get("tone")
    with pytest.raises(ValueError):
        x[0, 0] = 1.0


def test_a_pickled_bank_keeps_its_sounds_token_and_keeps_loading(root):
    import pickle

    bank = SampleBank([root], sr=SR)
    tone = bank.get("tone", 1).copy()
    clone = pickle.loads(pickle.dumps(bank))
    assert clone.token == bank.token and clone.loaded_bytes == bank.loaded_bytes
    assert np.array_equal(clone.get("tone", 1), tone)
    assert clone.get("tone", 2).shape == (1, 11025) and clone.get("bd").shape[0] == 1


def test_an_empty_file_loads_as_zero_frames_and_plays_nothing(tmp_path):
    from phonon.nodes.voices import SampleVoices

    from .sample_rig import render

    write(tmp_path, "void", "a.wav", np.zeros(0, np.float32), sr=22050)
    bank = SampleBank([tmp_path], sr=SR)
    assert bank.get("void").shape == (1, 0)
    node = SampleVoices()
    node.samples = bank
    assert not render(node, [(0, {"s": "void"}, 1.0)], 512).any()
    assert node.active_voices() == 0

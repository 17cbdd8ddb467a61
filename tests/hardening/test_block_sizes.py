"""Blocks of 1 and 2 frames (issue 13): pedalboard's reverb, compressor, chorus, convolution
and the rest gave wrong output or a "(2,2)" traceback; a plugin is now prepared once for any
block (`phonon.dsp.pedal`), so every block size renders the same samples."""
from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from phonon.engine import render

from .probe_run import phonon

CHAIN = ('out: (s "bd*4 sn" + saw "55 82" * 0.2) # reverb 0.7 0.5 0.6 # compressor -10 3 '
         '# chorus 1 0.3 0.5 # convolve # distortion 3 0.3 # eq3 3 -2 1 # gain "1 0.5"\n')


def test_every_block_size_renders_the_same_samples():
    reference = render(CHAIN, 0.75, sr=8000, block=2048)
    assert np.abs(reference).max() > 0.1
    for block in (1, 2, 3, 5, 64):
        y = render(CHAIN, 0.75, sr=8000, block=block)
        np.testing.assert_allclose(y, reference, rtol=0, atol=3e-6, err_msg=f"block {block}")


def test_a_last_block_of_two_frames_is_fine(tmp_path):
    """2050 frames at -b 2048: the last block is 2 x 2, which pedalboard could not read."""
    (tmp_path / "p.ph").write_text(CHAIN)
    run = phonon("render", "p.ph", "out.wav", "-d", str(2050 / 8000), "-s", "8000",
                 cwd=tmp_path, timeout=120)
    assert run.status == 0 and run.clean, run.stderr
    y, _ = sf.read(tmp_path / "out.wav", dtype="float32")
    ref = render(CHAIN, 2050 / 8000, sr=8000, block=64)
    assert y.shape == (2050, 2)
    np.testing.assert_allclose(y.T, ref, rtol=0, atol=3e-6)


@pytest.mark.parametrize("block", ["1", "2"])
def test_block_sizes_1_and_2_through_the_command(tmp_path, block):
    (tmp_path / "p.ph").write_text(CHAIN)
    run = phonon("render", "p.ph", "out.wav", "-d", "0.25", "-s", "8000", "-b", block,
                 cwd=tmp_path, timeout=180)
    assert run.status == 0 and run.clean, run.stderr
    y, _ = sf.read(tmp_path / "out.wav", dtype="float32")
    np.testing.assert_allclose(y.T, render(CHAIN, 0.25, sr=8000, block=2048), rtol=0, atol=3e-6)

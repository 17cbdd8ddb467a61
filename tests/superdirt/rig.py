"""Helpers for the SuperDirt-parity tests: a root of known test sounds, the `s` node driven
block by block, and programs rendered over that root.

Test sounds (float WAV, read back bit-exactly; made here, nothing read from outside the repository):
    dc     10000 frames of 0.5
    imp    a unit impulse followed by 8191 zeros (filters' impulse responses)
    noise  1 s of white noise (seeded), peak 0.5
    sine1k 1 kHz sine, amplitude 0.5, 1 s
    len16  1.6 s of a 1 kHz sine, amplitude 0.25 (unit "c" and loopAt)
    lin    2001 values from -1 to 1 (transfer curves)
    sine100  1 s of a 100 Hz sine (441-frame periods), amplitude 0.5, phase offset half a frame
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

import phonon
from phonon.samples import SampleBank
from tests.samples.sample_rig import SR, render, write

__all__ = ["SR", "make_root", "voice_node", "play_one", "render", "render_program"]


def make_root(root: Path) -> Path:
    write(root, "dc", "a.wav", np.full(10000, 0.5, np.float32))
    imp = np.zeros(8192, np.float32)
    imp[0] = 1.0
    write(root, "imp", "a.wav", imp)
    rng = np.random.default_rng(7)
    noise = rng.uniform(-0.5, 0.5, SR).astype(np.float32)
    write(root, "noise", "a.wav", noise)
    t = np.arange(SR) / SR
    write(root, "sine1k", "a.wav", (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32))
    t16 = np.arange(int(1.6 * SR)) / SR
    write(root, "len16", "a.wav", (0.25 * np.sin(2 * np.pi * 1000 * t16)).astype(np.float32))
    write(root, "lin", "a.wav", np.linspace(-1, 1, 2001).astype(np.float32))
    n = np.arange(SR)
    write(root, "sine100", "a.wav", (0.5 * np.sin(2 * np.pi * 100 * (n + 0.5) / SR)).astype(np.float32))
    return root


def voice_node(bank: SampleBank, **static):
    from phonon.nodes.voices import SampleVoices
    node = SampleVoices(**static)
    node.samples = bank
    return node


def play_one(bank: SampleBank, controls: dict, total: int, *, at: int = 0, duration: float = 1.0,
             block: int = 512) -> np.ndarray:
    """One event of the `s` node at sample `at`, rendered for `total` frames: (2, total)."""
    return render(voice_node(bank), [(at, controls, duration)], total, block=block)


def render_program(source: str, seconds: float, root: Path, **kw) -> np.ndarray:
    return phonon.render(source, seconds, samples=str(root), **kw)

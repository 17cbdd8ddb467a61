"""The issue's quality bar, as reusable checks for one node class: block-size independence,
NaN safety, hot-swap continuity, documented parameters."""
from __future__ import annotations

from typing import Any

import numpy as np

from phonon.plugins import Node
from phonon.plugins.testing import render_node

SR = 48000


def noise(frames: int, seed: int = 3, amp: float = 0.25) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal((2, frames)) * amp).astype(np.float32)


def inputs_for(cls: type[Node], frames: int) -> list[np.ndarray]:
    return [noise(frames, seed=3 + k) for k in range(max(cls.spec.inputs, 0))]


def render(cls: type[Node], frames: int, params: dict | None = None, *, block: int = 512,
           inputs: list | None = None, static: dict | None = None, events=(), sr: int = SR,
           cps: float = 1.0) -> np.ndarray:
    return render_node(cls, frames=frames, inputs=inputs_for(cls, frames) if inputs is None else inputs,
                       params=params, block=block, static=static, events=events, sr=sr, cps=cps)


def check_block_size(cls: type[Node], params: dict | None = None, frames: int = 12000,
                     atol: float = 0.0, **kw: Any) -> None:
    """Bit-identical output for blocks of 64, 500 and 4096 samples (`atol` for nodes around a
    pedalboard plugin, whose FFT partitioning rounds differently per block size)."""
    a = render(cls, frames, params, block=64, **kw)
    for block in (500, 4096):
        np.testing.assert_allclose(render(cls, frames, params, block=block, **kw), a, rtol=0,
                                   atol=atol)


def check_nan_safe(cls: type[Node], frames: int = 12000, params: dict | None = None,
                   **kw: Any) -> None:
    """NaN in every number parameter gives finite output (no crash, no garbage index); NaN and
    Inf input samples never reach the output, and the node plays on after them."""
    spec = cls.spec
    base = kw.pop("inputs", None) or inputs_for(cls, frames)
    nan_params = {p.name: np.full(frames, np.nan) for p in spec.params if p.kind == "number"}
    y = render(cls, frames, nan_params, inputs=base, **kw)
    assert np.isfinite(y).all(), f"{spec.name}: NaN parameters give non-finite output"
    if spec.inputs != 0:
        bad = [x.copy() for x in base]
        for x in bad:
            x[:, 3000:3010] = np.nan
            x[:, 5000] = np.inf
            x[:, 5001] = -np.inf
        y = render(cls, frames, params, inputs=bad, **kw)
        assert np.isfinite(y).all(), f"{spec.name}: NaN/Inf input reaches the output"
        assert np.abs(y[:, -2000:]).max() > 1e-4, f"{spec.name}: silent after NaN input"


def check_hot_swap(cls: type[Node], params: dict | None = None, frames: int = 9600,
                   static: dict | None = None, atol: float = 0.0, **kw: Any) -> None:
    """A successor that takes the state after `frames/2` continues exactly like one node."""
    ins = kw.pop("inputs", None) or inputs_for(cls, frames)
    half = frames // 2
    first_node = cls(**(static or {}))
    first_node.prepare(SR, 512, 2)
    first = render_node(first_node, frames=half, inputs=[x[:, :half] for x in ins],
                        params=_cut(params, 0, half), sr=SR, **kw)
    second_node = cls(**(static or {}))
    second_node.prepare(SR, 512, 2)
    second_node.load_state(first_node.state())
    second = render_node(second_node, frames=frames - half, inputs=[x[:, half:] for x in ins],
                         params=_cut(params, half, frames), sr=SR, start=half, **kw)
    whole = render(cls, frames, params, inputs=ins, static=static, **kw)
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), whole, rtol=0, atol=atol)


def _cut(params: dict | None, a: int, b: int) -> dict | None:
    if params is None:
        return None
    return {k: (v[a:b] if isinstance(v, np.ndarray) else v) for k, v in params.items()}


def check_documented(cls: type[Node]) -> None:
    """A doc line, and a doc for every parameter; number parameters say their range."""
    spec = cls.spec
    assert spec.doc, spec.name
    for p in spec.params:
        assert p.doc, f"{spec.name}.{p.name} has no doc"
        if p.kind == "number":
            assert p.lo is not None or p.hi is not None or p.unit, f"{spec.name}.{p.name}: no range"


def rms_db(x: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(np.asarray(x, np.float64) ** 2)) + 1e-30))


def inst_freq(x: np.ndarray, sr: int = SR, smooth: float = 0.005) -> np.ndarray:
    """Instantaneous frequency (Hz) from the analytic signal's phase, averaged over `smooth`
    seconds (removes the ripple of a linearly interpolated delay line)."""
    from scipy.signal import hilbert
    phase = np.unwrap(np.angle(hilbert(np.asarray(x, np.float64))))
    width = max(1, int(smooth * sr))
    f = (phase[width:] - phase[:-width]) * sr / (2 * np.pi * width)
    return f[width:-width]

"""Helpers for testing nodes: run one node block by block, as the runtime does.

    out = render_node(LowPass, frames=4096, inputs=[noise], params={"cutoff": 800.0})

`inputs` are full-length arrays (mono `(N,)` is copied to both channels, or `(2, N)`); a
`params` value may be a float or a full-length float64 array (cut per block); `events` lists
`(sample, duration_seconds)` pairs or `(sample, duration_seconds, value_dict)` triples, turned
into `Trigger`s of the block containing each onset (and, as the runtime does when a pattern is
given, the node's events parameter then holds a true value, the text "events").

To try a node in a whole program before it is installed, give `phonon.render` a registry that
has it: `phonon.render("out: saw 110 # fold 0.7", 1.0, registry=registry_with(Fold))`.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any, Iterable

import numpy as np

from .api import Block, Node, Params, Trigger
from .registry import Registry


def _stereo(x: np.ndarray, frames: int) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = np.vstack([x, x])
    if x.shape[1] < frames:
        raise ValueError(f"input has {x.shape[1]} frames, need {frames}")
    return x


def render_node(
    cls: type[Node] | Node,
    seconds: float | None = None,
    *,
    frames: int | None = None,
    inputs: Iterable[np.ndarray] = (),
    params: dict[str, Any] | None = None,
    events: Iterable[tuple] = (),
    sr: int = 44100,
    block: int = 512,
    static: dict[str, Any] | None = None,
    cps: float = 1.0,
    start: int = 0,
) -> np.ndarray:
    """Render a node (class, or an already prepared instance) and return `(2, frames)` float32.

    Parameters missing from `params` take their declared defaults. `start` is the absolute
    sample index of the first frame (`ctx.start`), e.g. to continue a render after a hot swap.
    """
    if frames is None:
        if seconds is None:
            raise ValueError("give seconds or frames")
        frames = int(round(seconds * sr))
    if isinstance(cls, Node):
        node = cls
        spec = type(node).spec
    else:
        node = cls(**(static or {}))
        spec = cls.spec
        node.prepare(sr, block, 2)
    ins = [_stereo(x, frames) for x in inputs]
    values = {p.name: p.default for p in spec.params}
    evs = sorted((tuple(e) for e in events), key=lambda e: e[0])
    if evs:      # like the runtime, which passes the pattern: an events parameter is connected
        values.update({p.name: "events" for p in spec.params if p.kind == "events"})
    values.update(params or {})
    result = np.zeros((2, frames), dtype=np.float32)
    in_bufs = [np.zeros((2, block), dtype=np.float32) for _ in ins]
    out = np.zeros((2, block), dtype=np.float32)
    p = Params()
    offset = start
    for index, start in enumerate(range(0, frames, block)):
        n = min(block, frames - start)
        for buf, x in zip(in_bufs, ins):
            buf[:, :n] = x[:, start:start + n]
            buf[:, n:] = 0.0
        for name, value in values.items():
            p[name] = np.ascontiguousarray(value[start:start + n], dtype=np.float64) \
                if isinstance(value, np.ndarray) else value
        triggers = [
            Trigger(offset=e[0] - start, value=(e[2] if len(e) > 2 else {}),
                    cycle=Fraction(e[0], sr) * Fraction(cps), duration=float(e[1]))
            for e in evs if start <= e[0] < start + n
        ]
        ctx = Block(index=index, start=offset + start, frames=n, sr=sr, cps=cps,
                    cycle=(offset + start) * cps / sr, events=triggers)
        out.fill(0.0)
        node.process(ctx, in_bufs, p, out)
        result[:, start:start + n] = out[:, :n]
    return result


def registry_with(*classes: type[Node], source: str = "local") -> Registry:
    """A fresh registry with every installed node (entry points) plus `classes`.

    Raises ValueError if one of `classes` clashes with a name that is already taken.
    """
    reg = Registry()
    reg.load_entry_points()
    for cls in classes:
        if not reg.register(cls, source=source):
            raise ValueError(reg.clashes[-1])
    return reg

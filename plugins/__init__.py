"""Phonon's plugin API: write a node class, register it under the `phonon.nodes` entry points.

Stable names (see docs/plugins.md):

- `Node`, `Param`, `node`, `NodeSpec` — declare a node class and its parameters.
- `Block`, `Trigger`, `Params` — what `process(ctx, ins, p, out)` receives.
- `ParamBuffers` — turn a parameter value (float or per-sample array) into a float64 block
  for a numba kernel, without allocating per block.
- `Registry`, `default_registry`, `ENTRY_POINT_GROUP` — discovery (`phonon.nodes` entry points).
- `phonon.plugins.testing.render_node` — render one node on a test signal (for unit tests).
"""
from typing import Any

from .api import Block, Node, NodeSpec, Param, Params, Trigger, node
from .registry import ENTRY_POINT_GROUP, Registry, default_registry

__all__ = ["Block", "Node", "NodeSpec", "Param", "ParamBuffers", "Params", "Trigger", "node",
           "Registry", "default_registry", "ENTRY_POINT_GROUP"]


def __getattr__(name: str) -> Any:
    # `ParamBuffers` needs numpy: imported on first use, so the compiler (which only reads node
    # specs) can import this package without numpy.
    if name == "ParamBuffers":
        from ..dsp.params import ParamBuffers
        return ParamBuffers
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

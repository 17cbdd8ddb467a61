"""Phonon's plugin API: write a node class, register it under the `phonon.nodes` entry points.

Built-in nodes use exactly these names (docs/plugins.md is the guide):

- Declaring a node: `Node`, `Param`, `node`, `NodeSpec`.
- What `process(ctx, ins, p, out)` receives: `Block`, `Trigger`, `Params`.
- Parameter values in `process` (`phonon.plugins.buffers`): `ParamBuffers` (a float-or-array
  parameter as a preallocated float64 block for a numba kernel), `scalar_or_array`,
  `value_at`, `segments` / `SIGNAL_STEP` (spans of constant parameters), `mix_into` (dry/wet).
- Event-driven nodes (`phonon.plugins.events`): `event_spans` (the block cut at its onsets),
  `control_number`, `note_value`, `note_number`, `note_to_freq`, `MIDDLE_C_HZ`.
- Hot-swap state: `StateArrays` (mixin: the state is a few numpy arrays).
- A chain of nodes played per voice (what the compiler gives an instrument node such as
  `poly`): `Chain`, `ChainNode`.
- A user's mistake (a missing file, an unknown name): raise `PhononError(message, hint=...)`
  from `__init__` or `prepare`; the program's error then points at the node's call.
- Discovery: `Registry`, `default_registry`, `ENTRY_POINT_GROUP`.
- Tests: `phonon.plugins.testing.render_node`, `registry_with`.

The numba DSP kernels the built-in nodes run (filters, oscillators, envelopes, delay lines,
limiter, ...) are the public kernel library `phonon.dsp`.
"""
from __future__ import annotations

import importlib
from typing import Any

from ..errors import PhononError
from .api import ARITHMETIC, Block, Node, NodeSpec, Param, Params, Trigger, node
from .chain import Chain, ChainNode
from .events import (MIDDLE_C_HZ, control_number, event_spans, note_number, note_to_freq,
                     note_value)
from .registry import ENTRY_POINT_GROUP, Registry, default_registry

# Names that need numpy, imported on first use: the compiler (which only reads node specs)
# imports this package without numpy.
_LAZY = {
    "ParamBuffers": "buffers", "scalar_or_array": "buffers", "value_at": "buffers",
    "segments": "buffers", "SIGNAL_STEP": "buffers", "mix_into": "buffers",
    "StateArrays": "state",
}

__all__ = ["ARITHMETIC", "Block", "Chain", "ChainNode", "ENTRY_POINT_GROUP", "MIDDLE_C_HZ", "Node",
           "NodeSpec", "Param", "Params", "PhononError", "Registry", "Trigger", "control_number",
           "default_registry", "event_spans", "node", "note_number", "note_to_freq", "note_value", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

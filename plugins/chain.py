"""A chain of nodes played once per voice: what the compiler hands an instrument node.

For `s "~lead*4" # note "0 7"` with `~lead: saw 220 # lpf 2000`, the compiler gives the `poly`
node (its `template` parameter) the bus's chain as plain data: each node's class, constant
arguments, which other chain node modulates which parameter, and which frequency parameters a
note transposes. The instrument makes fresh instances per voice and runs them itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from .api import Node

__all__ = ["Chain", "ChainNode", "ChainSource"]


@dataclass(frozen=True)
class ChainNode:
    """One node of a chain.

    `values` holds every parameter the program set, in order: constants as given (numbers as
    floats), and None for the parameters listed in `modulations`, which read another
    producer's output every sample. A producer is a chain node's `id` or one of the chain's
    `external` ids (a node outside the chain shared by every voice).
    """

    id: str
    cls: type[Node]
    static: dict[str, Any]                      # constructor arguments (constant text/any)
    values: dict[str, Any]                      # parameter -> constant (None: modulated)
    modulations: tuple[tuple[str, str], ...]    # (parameter, producer id)
    inputs: tuple[str, ...]                     # producer ids of the audio inputs, in order
    transpose: tuple[str, ...] = ()             # frequency parameters a note multiplies


@dataclass(frozen=True, eq=False)
class Chain:
    """The nodes of a chain in dependency order, and how a voice is tuned.

    `output` is the id of the node whose output is the voice; `external` lists the producers
    outside the chain (the instrument node's audio inputs, in that order); `base_freq` is the
    chain's pitch in Hz when it has a constant one (a note name then sets an absolute pitch).
    """

    nodes: tuple[ChainNode, ...]
    output: str
    external: tuple[str, ...] = ()
    base_freq: float | None = None
    name: str = ""

    def voice_chain(self) -> "Chain":
        """Itself (see `ChainSource`)."""
        return self


class ChainSource(Protocol):
    """What an instrument's `template` parameter holds: a `Chain`, or an object that makes
    one (the compiler's `InstrumentTemplate`)."""

    def voice_chain(self) -> Chain: ...

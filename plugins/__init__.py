"""Phonon's plugin API: write a node class, register it under the `phonon.nodes` entry points.

Stable names: `Node`, `Param`, `node`, `Block`, `Trigger`, `Params`, `NodeSpec`, `Registry`,
`default_registry`.
"""
from .api import Block, Node, NodeSpec, Param, Params, Trigger, node
from .registry import Registry, default_registry

__all__ = ["Block", "Node", "NodeSpec", "Param", "Params", "Trigger", "node", "Registry", "default_registry"]

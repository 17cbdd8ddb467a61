"""Building the graph IR: node ids, node creation with defaults, the owner of new nodes."""
from __future__ import annotations

from typing import Any

from ..plugins.api import NodeSpec
from ..plugins.registry import Registry
from . import ast as A
from .diagnostics import Reporter
from .ir import Const, Edge, GraphIR, NodeIR, PatternArg
from .support import Stop
from .values import Events


class GraphBuilder:
    """Adds nodes to `ir`. A node's id is `<owner>/<path>:<kind>`; `owner` is the bus or output
    being compiled (`owned_by` switches it for nodes made on another's behalf)."""

    def __init__(self, ir: GraphIR, registry: Registry, report: Reporter) -> None:
        self.ir = ir
        self.registry = registry
        self.report = report
        self.owner = ""
        # event nodes made without a pattern (`~str: kspluck`), by id: `s "~str"` must play them
        self.waiting: dict[str, Events] = {}

    def owned_by(self, owner: str) -> "_Owned":
        """`with builder.owned_by(owner):` nodes made inside belong to `owner`."""
        return _Owned(self, owner)

    def node_spec(self, kind: str, pos: A.Pos) -> NodeSpec | None:
        cls = self.registry.get(kind)
        if cls is None:
            self.report.error(pos, f"node '{kind}' is not registered (needed here)",
                              "is the built-in node library installed? see 'phonon nodes'")
            return None
        return cls.spec

    def make_node(self, kind: str, path: str, pos: A.Pos, *, inputs: list[Edge] | None = None,
                  params: list[Any] | dict[str, Any] | None = None) -> str:
        """Create a core node (const, sig, add, mix, ...); positional params bind in order."""
        spec = self.node_spec(kind, pos)
        if spec is None:
            raise Stop
        bound: dict[str, Any] = {}
        if isinstance(params, dict):
            bound.update(params)
        elif params:
            for p, a in zip(spec.params, params):
                bound[p.name] = a
        return self.add_node(spec, path, pos, inputs or [], bound)

    def add_node(self, spec: NodeSpec, path: str, pos: A.Pos, inputs: list[Edge],
                 params: dict[str, Any], options: dict[str, Any] | None = None) -> str:
        # the declared parameters in declaration order (defaults filled in, also into
        # `params`), then any extra keywords
        ordered = {}
        for p in spec.params:
            name = p.name
            if name in params:
                ordered[name] = params[name]
            elif p.default is not None and p.kind != "events":
                ordered[name] = params[name] = Const(p.default)
        if len(ordered) != len(params):
            ordered.update({k: v for k, v in params.items() if k not in ordered})
        nid = f"{self.owner}/{path}:{spec.name}"
        if nid in self.ir.nodes:   # only for generated ids that collide; keep them unique
            k = 2
            while f"{self.owner}/{path}~{k}:{spec.name}" in self.ir.nodes:
                k += 1
            nid = f"{self.owner}/{path}~{k}:{spec.name}"
        self.ir.add(NodeIR(nid, spec.name, list(inputs), ordered, self.owner, self.report.loc(pos),
                           options=dict(options or {})))
        return nid

    def event_node(self, ev: Events) -> str:
        """Create the node of a pending event node (`s "bd*4"`) under its own owner."""
        spec = self.node_spec(ev.kind, ev.pos)
        if spec is None:
            raise Stop
        params = dict(ev.params)
        if ev.pattern is not None:
            params[ev.param] = PatternArg(ev.pattern, ev.source)
        with self.owned_by(ev.owner):
            nid = self.add_node(spec, ev.path, ev.pos, list(ev.inputs), params)
        if ev.pattern is None:             # `~str: kspluck`: events come from s "~str"
            self.waiting[nid] = ev
        return nid


class _Owned:
    """The context of `GraphBuilder.owned_by` (a class: a third of a generator's cost, and
    the compiler enters one per bus and event node)."""

    __slots__ = ("builder", "owner", "saved")

    def __init__(self, builder: GraphBuilder, owner: str) -> None:
        self.builder, self.owner = builder, owner

    def __enter__(self) -> None:
        self.saved, self.builder.owner = self.builder.owner, self.owner

    def __exit__(self, *exc: object) -> None:
        self.builder.owner = self.saved


def resolve_feedback(ir: GraphIR, placeholder: str, failed: bool) -> None:
    """Replace the placeholder edges `<placeholder><bus>` (a bus read while it was being
    compiled) by delayed edges to the bus's node, listed in `ir.feedback`; when the compile
    `failed`, nodes still reading a placeholder (their bus did not compile) are dropped."""
    for n in ir.nodes.values():
        def fix(e: Edge) -> Edge:
            if not e.node.startswith(placeholder):
                return e
            writer = ir.buses.get(e.node[len(placeholder):])
            if writer is None:
                return e
            ir.feedback.append((n.id, writer))
            return Edge(writer, delayed=True)
        n.inputs = [fix(e) for e in n.inputs]
        n.params = {k: fix(a) if isinstance(a, Edge) else a for k, a in n.params.items()}
    if failed:
        for n in [n for n in ir.nodes.values() if any(e.node.startswith(placeholder) for e in n.edges())]:
            del ir.nodes[n.id]

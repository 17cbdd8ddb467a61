"""Graph optimisation between compile and plan: IR -> IR, pure, bit-identical output.

The compiler makes one node per operator (`a + b + c` is two `add` nodes, `x * 0.3` a `mul`
reading a `const` node). Each node costs a `process` call and engine bookkeeping per block, so
`optimize` rewrites such chains into fewer nodes that compute exactly the same float32 values:

1. **Constant folding**: `add`/`sub`/`mul` of two `const` nodes -> one `const` (computed in
   float32, as the nodes would).
2. **Gain**: `mul` of a signal and a `const` node -> `gain` with a constant `amount`
   (x * float32(c) either way; multiplication commutes exactly).
3. **Sums**: an `add` whose left operand is another `add`/`mix` read by nobody else becomes one
   variadic `mix` summing left to right, the same order as the chain. A `gain` made by rule 2
   and read only by a `mix` moves into the mix's `gains` (each product rounds to float32
   before it is added, as before). `gain` nodes the program wrote are kept (stable ids).
4. **Pass-through**: a one-input `mix` without gains is bypassed (its readers read its input).
5. `const` nodes nobody reads any more are dropped.

Surviving nodes keep their ids (hot swap matches nodes by id); a rewritten node keeps its id
and location, its kind may change (`mul` -> `gain`, `add` -> `mix`). Nodes with runtime options
(e.g. `isolate`), signal-valued parameters or delayed (feedback) edges are left alone.

Which nodes are rewritten is decided by what their class declares, not by its name or module:
`Node.arithmetic` ("add", "sub", "mul", "const", "gain", "mix") says the node computes exactly
that operation, so a plugin's node that declares it gets the same rewrites as the built-in one,
and a class that declares nothing (a plugin's own `add` with other semantics) is left alone.
The kinds the rules produce (`const`, `gain`, `mix`) must be registered with a class declaring
that operation, else the rule is off.
"""
from __future__ import annotations

import dataclasses
import operator
import struct

from ..lang.ir import Const, Edge, GraphIR, NodeIR

#: the operations this pass understands (`Node.arithmetic`); the rules produce nodes of the
#: kinds named like the last three
OPERATIONS = ("add", "sub", "mul", "const", "gain", "mix")


class _Arithmetic:
    """node kind -> the operation its class declares (`Node.arithmetic`), or None. Without a
    registry, the kinds named like an operation are taken to be it (the built-ins)."""

    def __init__(self, registry) -> None:
        self.registry = registry
        self._ops: dict[str, str | None] = {}

    def __call__(self, kind: str) -> str | None:
        if kind not in self._ops:
            if self.registry is None:
                op = kind if kind in OPERATIONS else None
            else:
                cls = self.registry.get(kind)
                op = cls.arithmetic if cls is not None else None
            self._ops[kind] = op if op in OPERATIONS else None
        return self._ops[kind]

    def producible(self) -> set[str]:
        """The kinds a rule may turn a node into: registered as the operation they name."""
        return {kind for kind in ("const", "gain", "mix") if self(kind) == kind}


def _f32(x: float) -> float:
    """`x` rounded to float32 (pure Python: the planner layer has no numpy)."""
    return struct.unpack("f", struct.pack("f", x))[0]


def _number(arg) -> float | None:
    if isinstance(arg, Const) and isinstance(arg.value, (int, float)) \
            and not isinstance(arg.value, bool):
        return float(arg.value)
    return None


def _bypass(arg, nid: str, source: str):
    """`arg`, reading `source` instead when it is an edge from `nid` (delay kept)."""
    return Edge(source, arg.delayed) if isinstance(arg, Edge) and arg.node == nid else arg


class _Rewriter:
    def __init__(self, graph: GraphIR, op: _Arithmetic) -> None:
        self.graph = graph
        self.op = op
        self.kinds = op.producible()
        # the input graph's nodes, shared until a rule rewrites one (`NodeIR.rewritten`: a new
        # node; no rule changes a node in place), so the input graph is never mutated
        self.nodes: dict[str, NodeIR] = dict(graph.nodes)
        # kind -> operation of every kind the pass meets (the graph's and the rules' own)
        self.op_of: dict[str, str | None] = {
            kind: op(kind) for kind in {n.kind for n in graph.nodes.values()} | self.kinds}
        self.protected = {graph.master}
        self.from_mul: set[str] = set()      # `gain` nodes this pass made from `mul`

    # -- queries
    def readers(self) -> dict[str, int]:
        count = dict.fromkeys(self.nodes, 0)
        for n in self.nodes.values():          # (`NodeIR.edges()`, without its list)
            for e in n.inputs:
                if e.node in count:
                    count[e.node] += 1
            for a in n.params.values():
                if isinstance(a, Edge) and a.node in count:
                    count[a.node] += 1
        return count

    def plain(self, n: NodeIR, op: str) -> bool:
        """`n` computes `op` (its class says so), has no options and only undelayed inputs."""
        if self.op_of[n.kind] != op or n.options:
            return False
        for e in n.inputs:
            if e.delayed:
                return False
        return True

    def const_value(self, e: Edge) -> float | None:
        n = self.nodes.get(e.node)
        if n is None or e.delayed or not self.plain(n, "const") or set(n.params) != {"value"}:
            return None
        return _number(n.params["value"])

    def mergeable(self, e: Edge, readers: dict[str, int]) -> NodeIR | None:
        """The node behind `e` when only this edge reads it and it may be folded in."""
        n = self.nodes.get(e.node)
        if n is None or e.delayed or readers[n.id] != 1 or n.id in self.protected:
            return None
        return n

    # -- rules
    def fold_constants(self) -> None:
        # float32 a op b == the float64 result rounded to float32 for + - * (no double rounding
        # issue: 53 >= 2 * 24 + 2 bits)
        ops = {"add": operator.add, "sub": operator.sub, "mul": operator.mul}
        if "const" not in self.kinds:
            return
        for n in list(self.nodes.values()):
            name = self.op_of[n.kind]
            op = ops.get(name)
            if op is None or not self.plain(n, name) or n.params or len(n.inputs) != 2:
                continue
            a, b = (self.const_value(e) for e in n.inputs)
            if a is None or b is None:
                continue
            try:
                value = _f32(op(_f32(a), _f32(b)))
            except OverflowError:              # beyond float32: leave it to the nodes
                continue
            self.nodes[n.id] = n.rewritten(kind="const", inputs=[],
                                           params={"value": Const(value)})

    def gains(self) -> None:
        for n in list(self.nodes.values()):
            if not self.plain(n, "mul") or "gain" not in self.kinds or n.params \
                    or len(n.inputs) != 2:
                continue
            a, b = (self.const_value(e) for e in n.inputs)
            if b is not None:
                signal, amount = n.inputs[0], b
            elif a is not None:
                signal, amount = n.inputs[1], a
            else:
                continue
            self.nodes[n.id] = n.rewritten(kind="gain", inputs=[signal],
                                           params={"amount": Const(amount)})
            self.from_mul.add(n.id)

    def sums(self) -> None:
        if "mix" not in self.kinds:
            return
        # folding moves edges from a removed node to its reader: every other count stays valid
        readers = self.readers()
        for nid in list(self.nodes):
            n = self.nodes.get(nid)
            if n is None or n.params or not (
                    (self.plain(n, "add") and len(n.inputs) == 2) or self.plain(n, "mix")):
                continue
            inputs = list(n.inputs)
            while inputs:                       # fold left operands: ((a + b) + c) + d
                left = self.mergeable(inputs[0], readers)
                if left is None or left.params or not (
                        (self.plain(left, "add") and len(left.inputs) == 2)
                        or self.plain(left, "mix")):
                    break
                inputs = list(left.inputs) + inputs[1:]
                del self.nodes[left.id]
            if self.op_of[n.kind] == "add" and len(inputs) == 2:
                continue                         # nothing folded: keep the add
            self.nodes[nid] = n.rewritten(kind="mix", inputs=inputs)
        self.weighted_mixes()

    def weighted_mixes(self) -> None:
        if "gain" not in self.kinds:
            return
        readers = self.readers()          # (moving a gain's input edge keeps every count)
        for nid in list(self.nodes):
            n = self.nodes[nid]
            if not self.plain(n, "mix") or n.params or len(n.inputs) < 2:
                continue
            inputs, gains = [], []
            for e in n.inputs:
                g = self.mergeable(e, readers)
                amount = None
                if g is not None and g.id in self.from_mul:
                    amount = _number(g.params["amount"])
                if amount is None:
                    inputs.append(e)
                    gains.append(1.0)
                else:
                    inputs.append(g.inputs[0])
                    gains.append(amount)
                    del self.nodes[g.id]
                    readers[g.id] = 0
            if any(x != 1.0 for x in gains):
                self.nodes[nid] = n.rewritten(inputs=inputs,
                                              params={"gains": Const(tuple(gains))})

    def pass_through(self) -> None:
        for nid in list(self.nodes):
            n = self.nodes[nid]
            if nid in self.protected or not self.plain(n, "mix") or n.params \
                    or len(n.inputs) != 1:
                continue
            source = n.inputs[0].node
            for rid, r in list(self.nodes.items()):
                if any(e.node == nid for e in r.inputs) or any(
                        isinstance(a, Edge) and a.node == nid for a in r.params.values()):
                    self.nodes[rid] = r.rewritten(
                        inputs=[_bypass(e, nid, source) for e in r.inputs],
                        params={k: _bypass(a, nid, source) for k, a in r.params.items()})
            del self.nodes[nid]
            self.renamed[nid] = source

    def drop_unread_consts(self, before: dict[str, int]) -> None:
        after = self.readers()
        for nid, n in list(self.nodes.items()):
            if self.op_of[n.kind] == "const" and before.get(nid, 0) > 0 and after[nid] == 0 \
                    and nid not in self.protected:
                del self.nodes[nid]

    def run(self) -> GraphIR:
        self.renamed: dict[str, str] = {}
        before = self.readers()
        self.fold_constants()
        self.gains()
        self.sums()
        self.pass_through()
        self.drop_unread_consts(before)
        g = self.graph

        def alive(nid: str) -> str:
            while nid in self.renamed:
                nid = self.renamed[nid]
            return nid

        return dataclasses.replace(
            g, nodes=self.nodes,
            buses={k: alive(v) for k, v in g.buses.items()},
            outputs={k: alive(v) for k, v in g.outputs.items()},
            feedback=[(r, w) for r, w in g.feedback if r in self.nodes and w in self.nodes],
            samples=set(g.samples), warnings=list(g.warnings))


def optimize(graph: GraphIR, registry=None) -> GraphIR:
    """A graph computing bit-identical output with fewer nodes (see the module doc). The input
    graph is not modified; unknown node kinds and invalid shapes are left for the planner and
    the binder to report."""
    if not graph.master or graph.master not in graph.nodes:
        return graph
    return _Rewriter(graph, _Arithmetic(registry)).run()

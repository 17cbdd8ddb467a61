"""A plugin's node opts into the graph optimiser's rewrites by declaring `Node.arithmetic`,
and gets exactly what the built-in node of that operation gets."""
from __future__ import annotations

import numpy as np

from phonon.engine.session import Session
from phonon.lang.ir import Const, Edge, GraphIR, NodeIR
from phonon.plan.optimize import optimize
from phonon.plugins import Block, Node, Params, node
from phonon.plugins.testing import registry_with

SR = 44100


@node("plus", inputs=2, doc="a + b (a plugin's own sum)")
class Plus(Node):
    arithmetic = "add"

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        np.add(ins[0][:, :n], ins[1][:, :n], out=out[:, :n])


@node("vca", inputs=2, doc="a * b (a plugin's own amplifier)")
class Vca(Node):
    arithmetic = "mul"

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        np.multiply(ins[0][:, :n], ins[1][:, :n], out=out[:, :n])


@node("plus_undeclared", inputs=2, doc="the same sum, not declared")
class PlusUndeclared(Plus):
    arithmetic = None


def program(add: str, mul: str) -> GraphIR:
    """~a + ~b + ~c + (~c * 0.3) with the sum and product nodes named `add` and `mul`."""
    g = GraphIR(cps=1.0)
    for nid, freq in (("a", 110.0), ("b", 220.0), ("c", 330.0)):
        g.add(NodeIR(nid, "saw", params={"freq": Const(freq)}))
    g.add(NodeIR("k", "const", params={"value": Const(0.3)}))
    g.add(NodeIR("ab", add, [Edge("a"), Edge("b")]))
    g.add(NodeIR("abc", add, [Edge("ab"), Edge("c")]))
    g.add(NodeIR("ck", mul, [Edge("c"), Edge("k")]))
    g.add(NodeIR("sum", add, [Edge("abc"), Edge("ck")]))
    g.add(NodeIR("m", "master", [Edge("sum")]))
    g.master = "m"
    return g


def shape(g: GraphIR) -> dict[str, tuple]:
    return {nid: (n.kind, [e.node for e in n.inputs],
                  {k: v.value for k, v in n.params.items() if isinstance(v, Const)})
            for nid, n in g.nodes.items()}


def render(g: GraphIR, registry, **kw) -> np.ndarray:
    with Session(g, SR, 512, registry=registry, **kw) as s:
        return s.render(SR // 4)


def test_a_plugin_node_declaring_its_arithmetic_is_rewritten_like_the_built_in():
    reg = registry_with(Plus, Vca, PlusUndeclared)
    built_in = optimize(program("add", "mul"), reg)
    plugin = optimize(program("plus", "vca"), reg)
    assert shape(plugin) == shape(built_in) == {
        "a": ("saw", [], {"freq": 110.0}), "b": ("saw", [], {"freq": 220.0}),
        "c": ("saw", [], {"freq": 330.0}),
        "sum": ("mix", ["a", "b", "c", "c"], {"gains": (1.0, 1.0, 1.0, 0.3)}),
        "m": ("master", ["sum"], {}),
    }
    y = render(program("plus", "vca"), reg)
    assert np.abs(y).max() > 0.5
    assert np.array_equal(y, render(program("plus", "vca"), reg, optimize_graph=False))
    assert np.array_equal(y, render(program("add", "mul"), reg))


def test_the_same_node_without_the_declaration_is_left_alone():
    reg = registry_with(Plus, Vca, PlusUndeclared)
    g = program("plus_undeclared", "mul")
    s = shape(optimize(g, reg))
    assert s["sum"] == ("plus_undeclared", ["abc", "ck"], {})
    assert s["abc"] == ("plus_undeclared", ["ab", "c"], {})
    assert s["ck"] == ("gain", ["c"], {"amount": 0.3})             # the built-in mul still is

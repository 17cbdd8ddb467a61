"""Planner: Kahn waves, slot reuse after the last reader, pinned slots, feedback edges."""
import pytest

from phonon.errors import PhononError
from phonon.lang.ir import Edge
from phonon.plan import plan

from tests.graph_fixtures import graph, n, registry


def test_diamond_waves_and_slot_reuse():
    g = graph(
        n("a", "level", value=1.0),
        n("b", "amp", ["a"], gain=2.0),
        n("c", "amp", ["a"], gain=3.0),
        n("d", "sum", ["b", "c"]),
        n("e", "amp", ["d"]),
        n("out", "amp", ["e"]),
        master="out",
    )
    p = plan(g, registry())
    assert p.waves == [["a"], ["b", "c"], ["d"], ["e"], ["out"]]
    assert p.order == ["a", "b", "c", "d", "e", "out"]
    # a is freed after wave 1 (its last readers), b and c after wave 2, d after wave 3.
    assert p.slots == {"a": 0, "b": 1, "c": 2, "d": 0, "e": 1, "out": 0}
    assert p.n_slots == 3
    # nodes of one wave never share a slot (they may run concurrently)
    assert p.slots["b"] != p.slots["c"]


def test_master_slot_is_pinned():
    g = graph(
        n("a", "level", value=1.0),
        n("m", "amp", ["a"]),
        master="m",
    )
    p = plan(g, registry())
    assert p.slots == {"a": 0, "m": 1}


def test_delayed_edge_breaks_cycle_and_pins_writer():
    # x = a + y(prev); y = x * 0.5 ; out = x
    g = graph(
        n("a", "level", value=1.0),
        n("x", "sum", ["a", Edge("y", delayed=True)]),
        n("y", "amp", ["x"], gain=0.5),
        n("z", "amp", ["x"]),
        n("out", "sum", ["z"]),
        master="out",
    )
    p = plan(g, registry())
    assert p.waves == [["a"], ["x"], ["y", "z"], ["out"]]
    assert p.delayed == ["y"]
    assert p.feedback == [("x", "y")]
    # y's slot is never handed to a later node: out takes a fresh slot or a freed one != y
    assert p.slots["out"] != p.slots["y"]
    assert "feedback: x reads y 64 frames late" in p.describe()


def test_cycle_without_delay_is_an_error_with_location():
    g = graph(
        n("x", "amp", ["y"], line=3, col=7),
        n("y", "amp", ["x"], line=4, col=2),
        n("out", "amp", ["x"]),
        master="out",
    )
    with pytest.raises(PhononError) as info:
        plan(g, registry())
    err = info.value
    assert (err.file, err.line, err.col) == ("t.ph", 3, 7)
    assert err.message == "cycle without a delay between nodes x, y, out"


def test_unreachable_nodes_are_pruned():
    g = graph(
        n("a", "level", value=1.0),
        n("lonely", "level", value=2.0),
        n("out", "amp", ["a"]),
        master="out",
    )
    p = plan(g, registry())
    assert p.pruned == ["lonely"]
    assert p.order == ["a", "out"]


def test_modulation_edges_order_the_graph():
    g = graph(
        n("lfo", "level", value=0.5),
        n("src", "level", value=1.0),
        n("out", "amp", ["src"], gain=Edge("lfo")),
        master="out",
    )
    p = plan(g, registry())
    assert p.waves == [["lfo", "src"], ["out"]]


def test_unknown_reference_and_missing_master():
    g = graph(n("out", "amp", ["nope"], line=2, col=5), master="out")
    with pytest.raises(PhononError) as info:
        plan(g, registry())
    assert (info.value.line, info.value.col) == (2, 5)
    assert info.value.message == "node out reads unknown node 'nope'"
    with pytest.raises(PhononError):
        plan(graph(n("a", "level"), master=""), registry())


import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from phonon.engine.session import Session


@st.composite
def random_dag(draw):
    """Nodes 0..n-1; node i reads a few earlier nodes (sum) or one (amp) or none (level)."""
    n = draw(st.integers(2, 14))
    spec = []
    for i in range(n):
        kind = "level" if i == 0 else draw(st.sampled_from(["level", "amp", "sum"]))
        if kind == "level":
            spec.append(("level", [], draw(st.integers(-8, 8)) / 64))
        elif kind == "amp":
            spec.append(("amp", [draw(st.integers(0, i - 1))], draw(st.integers(-4, 4)) / 4))
        else:
            k = draw(st.integers(1, min(3, i)))
            spec.append(("sum", draw(st.lists(st.integers(0, i - 1), min_size=k, max_size=k)), 0))
    return spec


@settings(max_examples=40, deadline=None)
@given(random_dag(), st.sampled_from([16, 64]))
def test_slot_reuse_never_corrupts_a_buffer(spec, block):
    """Render random DAGs through the planner's shared slots; compare with direct evaluation."""
    nodes, value = [], []
    for i, (kind, ins, x) in enumerate(spec):
        ids = [f"n{j}" for j in ins]
        if kind == "level":
            nodes.append(n(f"n{i}", "level", value=x))
            value.append(x)
        elif kind == "amp":
            nodes.append(n(f"n{i}", "amp", ids, gain=x))
            value.append(value[ins[0]] * x)
        else:
            nodes.append(n(f"n{i}", "sum", ids))
            value.append(sum(value[j] for j in ins))
    g = graph(*nodes, master=f"n{len(spec) - 1}")
    p = plan(g, registry())
    for w, wave in enumerate(p.waves):                      # same-wave nodes never share a slot
        assert len({p.slots[x] for x in wave}) == len(wave)
    y = Session(g, 1000, block, registry=registry()).render(3 * block)
    np.testing.assert_allclose(y, np.clip(np.float32(value[-1]), -1, 1), atol=1e-6)

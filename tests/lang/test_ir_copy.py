"""`NodeIR.copy` copies every field (the optimiser's private copies rely on it)."""
from __future__ import annotations

import dataclasses

from phonon.lang.ir import Const, Edge, Loc, NodeIR


def test_a_copy_has_every_field_and_its_own_inputs_and_params():
    n = NodeIR("a/0:lpf", "lpf", [Edge("x")], {"cutoff": Const(800.0)}, "a", Loc("f.ph", 3, 4),
               {"isolate": True})
    c = n.copy()
    assert c == n and c is not n
    for f in dataclasses.fields(NodeIR):            # a new field must be copied too
        if f.name not in ("inputs", "params"):
            marked = dataclasses.replace(n, **{f.name: object()})
            assert getattr(marked.copy(), f.name) is getattr(marked, f.name), f.name
    c.inputs.append(Edge("y"))
    c.params["q"] = Const(1.0)
    assert n.inputs == [Edge("x")] and set(n.params) == {"cutoff"}

"""`NodeIR.copy` copies every field and `NodeIR.rewritten` keeps every field it is not given
(the optimiser's private copies and rewrites rely on them)."""
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


def test_rewritten_changes_what_it_is_given_and_keeps_every_other_field():
    n = NodeIR("a/0:add", "add", [Edge("x"), Edge("y")], {}, "a", Loc("f.ph", 3, 4),
               {"isolate": True})
    assert n.rewritten(kind="mix") == dataclasses.replace(n, kind="mix")
    assert n.rewritten(inputs=[Edge("z")], params={"gains": Const((1.0,))}) == \
        dataclasses.replace(n, inputs=[Edge("z")], params={"gains": Const((1.0,))})
    for f in dataclasses.fields(NodeIR):            # a new field must be kept too
        if f.name not in ("kind", "inputs", "params"):
            marked = dataclasses.replace(n, **{f.name: object()})
            assert getattr(marked.rewritten(kind="mix"), f.name) is getattr(marked, f.name), f.name

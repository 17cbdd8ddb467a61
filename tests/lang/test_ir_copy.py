"""`NodeIR.rewritten` keeps every field it is not given (the optimiser's rewrites rely on it:
they share the input graph's nodes and replace, never edit, the ones a rule changes)."""
from __future__ import annotations

import dataclasses

from phonon.lang.ir import Const, Edge, Loc, NodeIR


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

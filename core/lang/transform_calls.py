"""Pattern transforms in programs: binding a transform's arguments (`every 3 (fast 2)`) into a
function value, and applying function values to patterns and event nodes (`$`)."""
from __future__ import annotations

from typing import Any, Mapping

from . import ast as A
from .diagnostics import Reporter
from .graph import GraphBuilder
from .lowering import Lowering
from .support import num, src
from .values import Err, Events, Func, ListV, Num, Pat, Sig, Text, Value, derived, describe


class TransformCalls:
    """Transform calls against the pattern engine's transform table (`transforms`)."""

    def __init__(self, report: Reporter, graph: GraphBuilder, lowering: Lowering,
                 transforms: Mapping[str, Any]) -> None:
        self.report = report
        self.graph = graph
        self.lowering = lowering
        self.transforms = transforms

    def transform_call(self, e: A.Call, path: str, vals: list[tuple[Value, A.Pos]]) -> Value:
        """`name args`: a function value, or its application when the pattern is given last."""
        spec = self.transforms[e.name]
        if e.keywords:
            return self.report.error(e.keywords[0].pos, f"'{e.name}' takes no keyword arguments")
        specs = tuple(spec.args)
        n = len(specs)
        names = ", ".join(a.name for a in specs)
        if len(vals) > n + 1:
            return self.report.error(vals[n + 1][1], f"{e.name} takes {n} argument{'s' if n != 1 else ''}"
                                     + (f" ({names})" if names else "")
                                     + f" before the pattern, got {len(vals)}")
        if len(vals) < n:
            at = vals[-1][1] if vals else e.pos
            missing = specs[len(vals)].name
            return self.report.error(e.pos if not vals else at,
                                     f"{e.name} expects {n} argument{'s' if n != 1 else ''} ({names}), "
                                     f"got {len(vals)}: '{missing}' is missing")
        conv = []
        for (v, p), a in zip(vals, specs):
            c = self.transform_arg(e.name, a, v, p)
            if isinstance(c, Err):
                return c
            conv.append(c)
        fn = spec.fn

        def apply(pattern: Any) -> Any:
            return fn(*conv, pattern)

        func = Func(apply, e.name, e.pos)
        if len(vals) == n + 1:
            return self.apply_func(func, vals[n][0], vals[n][1], path)
        return func

    def transform_arg(self, name: str, a: Any, v: Value, pos: A.Pos) -> Any:
        """The value a transform gets for its argument `a` (kind function, number, list or
        pattern), or Err."""
        kind = a.kind
        if kind == "function":
            if isinstance(v, Func):
                return v.fn
            return self.report.error(pos, f"{name}: {a.name} expects a function like (fast 2), "
                                          f"got {describe(v)}")
        if kind == "number":
            if isinstance(v, Num):
                return num(v.value)
            return self.report.error(pos, f"{name}: {a.name} expects a number, got {describe(v)}")
        if kind == "list":
            return self._list_arg(name, a, v, pos)
        # "pattern": a patternable value
        if isinstance(v, Num):
            return num(v.value)
        if isinstance(v, (Text, Pat)) and not (isinstance(v, Pat) and v.control):
            return self.lowering.as_pattern(v, pos, name)
        return self.report.error(pos, f"{name}: {a.name} expects a number or a pattern, "
                                      f"got {describe(v)}")

    def _list_arg(self, name: str, a: Any, v: Value, pos: A.Pos) -> Any:
        if not isinstance(v, ListV):
            return self.report.error(pos, f"{name}: {a.name} expects a list like [a, b], "
                                          f"got {describe(v)}")
        items = []
        for item in v.items:
            if isinstance(item, Err):
                return item
            if isinstance(item, Func):
                items.append(item.fn)
            elif isinstance(item, Num):
                items.append(num(item.value))
            elif isinstance(item, (Text, Pat, Events)):
                p = self.lowering.as_pattern(item, item.pos or pos, name)
                if isinstance(p, Err):
                    return p
                items.append(p)
            else:
                return self.report.error(item.pos or pos,
                                         f"{name}: {describe(item)} cannot be a list item here")
        return items

    def apply_func(self, func: Func, v: Value, pos: A.Pos, path: str) -> Value:
        """`func $ v`: composes functions, transforms patterns and event nodes."""
        if isinstance(v, Err):
            return v
        if isinstance(v, Func):
            f, g = func.fn, v.fn
            return Func(lambda p: g(f(p)), f"{func.name} $ {v.name}", func.pos)
        if isinstance(v, Sig):
            if v.feedback_bus:
                return self.report.error(pos, f"'~{v.feedback_bus}' reads itself through the pattern "
                                              f"transform '{func.name}': only signals can feed back")
            return self.report.error(pos, f"'{func.name}' transforms patterns, but this is a signal",
                                     "transforms apply to patterns and event sources like s \"bd sn\"")
        if isinstance(v, ListV):
            return self.report.error(pos, f"'{func.name}' cannot be applied to a list")
        what = f"'{func.name}'"
        if isinstance(v, Events):
            if v.pattern is None:
                return self.report.error(pos, f"'{func.name}' needs a pattern, but {v.kind} has none "
                                              "here", f"transform the s pattern that plays the bus: "
                                                      f"s \"{v.owner}*4\" $ {func.name} ...")
            out = self.report.guard(func.pos, what, lambda: func.fn(v.pattern))
            if isinstance(out, Err):
                return out
            return derived(v, out, f"{v.source} $ {func.name}", path, self.graph.owner)
        p = self.lowering.as_pattern(v, pos, func.name)
        if isinstance(p, Err):
            return p
        out = self.report.guard(func.pos, what, lambda: func.fn(p))
        if isinstance(out, Err):
            return out
        return Pat(out, f"{src(v)} $ {func.name}", v.pos, isinstance(v, Pat) and v.control,
                   isinstance(v, Pat) and v.sound, v.buses if isinstance(v, Pat) else frozenset(),
                   v.samples if isinstance(v, Pat) else True)

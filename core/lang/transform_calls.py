"""Pattern transforms in programs: binding a transform's arguments (`every 3 (fast 2)`) into a
function value, and applying function values to patterns and event nodes (`$`)."""
from __future__ import annotations

from typing import Any, Callable, Mapping

from . import ast as A
from .diagnostics import Reporter
from .graph import GraphBuilder
from .ir import Edge, PatternArg
from .lowering import Lowering
from .patterns_bridge import PatternBackend
from .support import num, src
from .values import (Effect, Err, Events, Func, ListV, Num, Pat, Sig, Text, Value, derived,
                     describe, same)

ChainInto = Callable[[A.Expr, Value, str, A.Pos], Value]


def _on(pattern: Any) -> Any:
    """The marker an effect section stands for inside a transform: 1 where it applies."""
    return pattern.fmap(lambda _: 1)


#: arguments that are a count or a factor: 0 silences the pattern (or disables the function)
ZERO_MEANS_NOTHING = frozenset({"factor", "n", "count", "steps", "pulses"})


#: transform arguments that take numbers (a word in their pattern is an error at compile time)
NUMERIC_ARGS = frozenset({"factor", "n", "count", "steps", "pulses", "rotation", "amount",
                          "probability", "fraction", "cycles", "time", "feedback", "begin", "end",
                          "min", "max", "index", "a", "b"})


class TransformCalls:
    """Transform calls against the pattern engine's transform table (`transforms`)."""

    def __init__(self, report: Reporter, graph: GraphBuilder, lowering: Lowering,
                 transforms: Mapping[str, Any], patterns: PatternBackend,
                 chain_into: ChainInto) -> None:
        self.report = report
        self.graph = graph
        self.lowering = lowering
        self.transforms = transforms
        self.patterns = patterns
        self.chain_into = chain_into

    def transform_call(self, e: A.Call, path: str, vals: list[tuple[Value, A.Pos]]) -> Value:
        """`name args`: a function value, or its application when the pattern is given last."""
        spec = self._form(self.transforms[e.name], len(vals))
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
        effects = [v.effect for v, _ in vals[:n] if isinstance(v, Func) and v.effect is not None]
        for (v, p), a in zip(vals, specs):
            c = self.transform_arg(e.name, a, v, p)
            if isinstance(c, Err):
                return c
            conv.append(c)
        fn = spec.fn
        if effects:
            func = self._switch(e, fn, conv, effects)
        else:
            self._warn_zero(e, specs, vals, conv, fn)
            func = Func(lambda pattern: fn(*conv, pattern), e.name, e.pos)
        if isinstance(func, Err):
            return func
        if len(vals) == n + 1:
            return self.apply_func(func, vals[n][0], vals[n][1], path)
        return func

    @staticmethod
    def _form(spec: Any, given: int) -> Any:
        """The argument list of a transform that `given` values fit: one taking exactly that
        many (the pattern comes later, through `$`), else one taking one fewer (the last value
        is the pattern), else the main one (whose error message then says what is missing)."""
        forms = spec.forms() if hasattr(spec, "forms") else (spec,)
        for wanted in (given, given - 1):
            for f in forms:
                if len(f.args) == wanted:
                    return f
        return spec

    def _warn_zero(self, e: A.Call, specs: tuple, vals: list, conv: list, fn: Any) -> None:
        """`fast 0`, `slow 0`, `every 0 f`, `segment 0`, ...: legal (Tidal's meaning) but
        surely not meant: a warning at the 0 saying what it does to a pattern (it plays
        nothing, or the function never applies), found by applying it to a steady pattern."""
        zero = next(((p, a.name) for (v, p), a in zip(vals, specs)
                     if isinstance(v, Num) and v.value == 0 and a.name in ZERO_MEANS_NOTHING), None)
        if zero is None:
            return
        pos, name = zero
        reference = self.patterns.pure(0)
        try:
            out = fn(*conv, reference)
            played = out.query(0, 2)
        except Exception:  # noqa: BLE001 - a failure shows when the pattern is probed
            return
        if out is reference and any(a.kind == "function" for a in specs):
            self.report.warn(pos, f"'{e.name}' with {name} 0 never applies its function")
        elif not played:
            self.report.warn(pos, f"'{e.name}' with {name} 0 plays nothing: the pattern is silent")

    def transform_arg(self, name: str, a: Any, v: Value, pos: A.Pos) -> Any:
        """The value a transform gets for its argument `a` (kind function, number, list or
        pattern), or Err."""
        kind = a.kind
        if kind == "function":
            if isinstance(v, Func) and v.effect is not None:
                if v.effect.gate is not None:
                    return self.report.error(pos, f"{name}: an effect switch cannot be the function "
                                                  "of another transform")
                return _on
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
        if kind == "any":  # the transform tells the kinds apart (foldEvery)
            if isinstance(v, Func):
                return v.fn
            if isinstance(v, ListV):
                return self._list_arg(name, a, v, pos)
        # "pattern": a patternable value
        if isinstance(v, Num):
            return num(v.value)
        if isinstance(v, (Text, Pat)) and not (isinstance(v, Pat) and v.control):
            p = self.lowering.as_pattern(v, pos, name)
            if isinstance(v, Text) and a.name in NUMERIC_ARGS and not isinstance(p, Err):
                bad = self.report.guard(pos, name, lambda: self.patterns.non_numeric(p, v.text))
                if bad is not None and not isinstance(bad, Err):
                    return self.report.error(pos, f"{name}: {a.name} expects numbers, but "
                                                  f"\"{v.text}\" holds {bad!r}")
            return p
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
            if isinstance(item, Func) and item.effect is not None:
                return self.report.error(item.pos or pos, f"{name}: an effect chain cannot be a "
                                                          "list item")
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

    def _switch(self, e: A.Call, fn: Any, conv: list, effects: list[Effect]) -> Func | Err:
        """`every 4 (# lpf 300 1)`: the transform applied to a constant 0 with the section
        marking 1 gives the 0/1 pattern of where the effect chain is switched in."""
        if len(effects) > 1:
            return self.report.error(e.pos, f"{e.name}: only one effect chain can be switched")
        gate = self.report.guard(e.pos, e.name, lambda: fn(*conv, self.patterns.pure(0)))
        if isinstance(gate, Err):
            return gate
        fx = effects[0]
        return Func(same, e.name, e.pos, Effect(fx.stages, fx.ops, gate))

    def apply_effect(self, func: Func, v: Value, pos: A.Pos, path: str) -> Value:
        """`v` chained into the function's effect stages: everywhere, or switched by its gate
        (an `xfade` from the dry to the wet signal, stepped by the 0/1 gate pattern)."""
        fx = func.effect
        if fx.gate is None:
            value = v
            for k, stage in enumerate(fx.stages):
                if isinstance(value, Err):
                    return value
                value = self.chain_into(stage, value, f"{path}$fx#{k + 1}", fx.ops[k])
            return value
        dry = self.lowering.as_signal(v, f"{path}$fx.in", pos)
        if isinstance(dry, Err):
            return dry
        wet: Value = dry
        for k, stage in enumerate(fx.stages):
            if isinstance(wet, Err):
                return wet
            wet = self.chain_into(stage, wet, f"{path}$fx#{k + 1}", fx.ops[k])
        wet = self.lowering.as_signal(wet, f"{path}$fx.wet", pos)
        if isinstance(wet, Err):
            return wet
        node = self.graph.make_node("xfade", f"{path}$fx", pos, inputs=[dry.edge, wet.edge],
                                    params={"pos": PatternArg(fx.gate, f"{func.name} (# ...)")})
        return Sig(Edge(node))

    def apply_func(self, func: Func, v: Value, pos: A.Pos, path: str) -> Value:
        """`func $ v`: composes functions, transforms patterns and event nodes; a function with
        an effect chain transforms the pattern, then chains the signal (`apply_effect`)."""
        if isinstance(v, Err):
            return v
        if isinstance(v, Func):
            if func.effect is not None:
                return self.report.error(func.pos or pos, f"a pattern transform cannot follow the "
                                                          f"effect chain of '{func.name}'",
                                         "put the transform first: x $ fast 2 $ every 4 (# lpf 300 1)")
            f, g = func.fn, v.fn
            return Func(lambda p: g(f(p)), f"{func.name} $ {v.name}", func.pos, v.effect)
        if func.effect is not None:
            inner = v
            if func.fn is not same:
                inner = self.apply_func(Func(func.fn, func.name, func.pos), v, pos, path)
            return self.apply_effect(func, inner, pos, path)
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

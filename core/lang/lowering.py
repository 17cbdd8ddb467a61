"""Lowering values to IR: creating nodes, turning values into IR arguments, locating errors.

A mixin of `Compiler` (see compiler.py), which sets the attributes it uses: `file`, `lines`,
`registry`, `pat` (the pattern backend), `ir`, `errors` and `owner`.
"""
from __future__ import annotations

from typing import Any, Callable

from ..errors import Diagnostic, MiniNotationError, PhononError
from ..plugins.api import NodeSpec, Param
from . import ast as A
from .ir import Const, Edge, Loc, NodeIR, PatternArg
from .support import Stop
from .values import Err, Events, Func, ListV, Num, Pat, Sig, Text, Value, describe


class Lowering:
    """Node creation and value conversion (mixed into `Compiler`)."""

    # ------------------------------------------------------------------ errors
    def error(self, pos: A.Pos, message: str, hint: str | None = None) -> Err:
        line = self.lines[pos.line - 1] if 0 < pos.line <= len(self.lines) else None
        self.errors.append(PhononError(message, file=self.file, line=pos.line, col=pos.col,
                                       source_line=line, hint=hint))
        return Err()

    def warn(self, pos: A.Pos, message: str) -> None:
        self.ir.warnings.append(Diagnostic(message, self.file, pos.line, pos.col))

    def guard(self, pos: A.Pos, what: str, fn: Callable[[], Any]) -> Any:
        """Run a pattern-engine call; any failure becomes a located PhononError (or Err)."""
        try:
            return fn()
        except PhononError as e:
            return self.error(pos, e.message, e.hint)
        except RecursionError:
            return self.error(pos, f"{what}: pattern nested too deeply")
        except Exception as e:  # noqa: BLE001 - the engine's own errors, made user-facing
            return self.error(pos, f"{what}: {e}")

    def loc(self, pos: A.Pos) -> Loc:
        return Loc(self.file, pos.line, pos.col)

    # ------------------------------------------------------------------ nodes
    def node_spec(self, kind: str, pos: A.Pos) -> NodeSpec | None:
        cls = self.registry.get(kind)
        if cls is None:
            self.error(pos, f"node '{kind}' is not registered (needed here)",
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
        for p in spec.params:
            if p.name not in params and p.default is not None and p.kind != "events":
                params[p.name] = Const(p.default)
        nid = f"{self.owner}/{path}:{spec.name}"
        if nid in self.ir.nodes:   # only for generated ids that collide; keep them unique
            k = 2
            while f"{self.owner}/{path}~{k}:{spec.name}" in self.ir.nodes:
                k += 1
            nid = f"{self.owner}/{path}~{k}:{spec.name}"
        ordered = {p.name: params[p.name] for p in spec.params if p.name in params}
        ordered.update({k: v for k, v in params.items() if k not in ordered})
        self.ir.add(NodeIR(nid, spec.name, list(inputs), ordered, self.owner, self.loc(pos),
                           options=dict(options or {})))
        return nid

    # ------------------------------------------------------------------ values -> IR arguments
    def as_pattern(self, v: Value, pos: A.Pos, what: str) -> Any:
        """A pattern from a number, string or pattern value (Err on anything else)."""
        if isinstance(v, Num):
            return self.guard(pos, what, lambda: self.pat.pure(v.value))
        if isinstance(v, Text):
            return self.mini(v)
        if isinstance(v, Pat):
            return v.pattern
        if isinstance(v, Events):
            return v.pattern
        return Err()

    def mini(self, t: Text) -> Any:
        if t.pattern is None:
            try:
                t.pattern = self.pat.mini(t.text)
            except MiniNotationError as e:
                line = self.lines[t.pos.line - 1] if 0 < t.pos.line <= len(self.lines) else None
                self.errors.append(e.relocate(file=self.file, line=t.pos.line, col_offset=t.pos.col,
                                              source_line=line))
                t.pattern = Err()
            except PhononError as e:
                t.pattern = self.error(t.pos, e.message, e.hint)
            except RecursionError:
                t.pattern = self.error(t.pos, "mini-notation nested too deeply")
            except Exception as e:  # noqa: BLE001
                t.pattern = self.error(t.pos, f"bad mini-notation: {e}")
        return t.pattern

    def as_signal(self, v: Value, path: str, pos: A.Pos) -> Sig | Err:
        """A signal from any value: numbers -> const, patterns -> sig, events -> their node."""
        if isinstance(v, (Sig, Err)):
            return v
        if isinstance(v, Num):
            return Sig(Edge(self.make_node("const", path, pos, params=[Const(v.value)])))
        if isinstance(v, (Text, Pat)):
            if isinstance(v, Pat) and v.control and not v.sound:
                return self.error(pos, f"the per-event control pattern '{v.source}' makes no sound",
                                  "add a sound (... # s \"bd\") or, for an effect, chain a signal "
                                  "into it (x # lpf 800)")
            if isinstance(v, Pat) and v.control:
                spec = self.node_spec("s", pos)
                if spec is None or spec.event_param is None:
                    raise Stop
                ev = Events(spec.name, spec.event_param.name, v.pattern, v.source, pos, self.owner, path,
                            buses=v.buses, samples=v.samples)
                return self.materialise(ev)
            p = self.as_pattern(v, pos, "pattern")
            if isinstance(p, Err):
                return p
            src = v.text if isinstance(v, Text) else v.source
            return Sig(Edge(self.make_node("sig", path, pos, params=[PatternArg(p, src)])))
        if isinstance(v, Events):
            return self.materialise(v)
        if isinstance(v, ListV):
            return self.error(pos, "a list is not a signal", "lists are arguments of functions like stack")
        if isinstance(v, Func):
            return self.error(pos, f"expected a signal, got {describe(v)}",
                              "apply it to a pattern with '$'")
        return self.error(pos, f"expected a signal, got {describe(v)}")

    def materialise(self, ev: Events) -> Sig | Err:
        if ev.node_id is None:
            if ev.buses and ev.kind == "s":
                return self.play_buses(ev)     # s "~lead*4": see instruments.py
            spec = self.node_spec(ev.kind, ev.pos)
            if spec is None:
                raise Stop
            params = dict(ev.params)
            if ev.pattern is not None:
                params[ev.param] = PatternArg(ev.pattern, ev.source)
            saved = self.owner
            self.owner = ev.owner
            try:
                ev.node_id = self.add_node(spec, ev.path, ev.pos, list(ev.inputs), params)
            finally:
                self.owner = saved
            if ev.pattern is None:             # `~str: pluck`: events come from s "~str"
                self.unplayed[ev.node_id] = ev
        return Sig(Edge(ev.node_id))

    def param_arg(self, v: Value, param: Param, node: str, path: str, pos: A.Pos) -> Any:
        """Convert a value into an IR argument for `param`, checking its kind."""
        if isinstance(v, Err):
            return v
        kind = param.kind
        if kind == "text":
            if isinstance(v, Text):
                return Const(v.text)
            return self.error(pos, f"{node}: {param.name} expects a text string in double quotes, "
                                   f"got {describe(v)}")
        if kind == "any":
            if isinstance(v, Num):
                return Const(v.value)
            if isinstance(v, Text):
                return Const(v.text)
            return self.error(pos, f"{node}: {param.name} expects a number or a string, got {describe(v)}")
        if kind == "events":
            if isinstance(v, (Text, Pat, Num)):
                p = self.as_pattern(v, pos, node)
                if isinstance(p, Err):
                    return p
                return PatternArg(p, v.text if isinstance(v, Text) else getattr(v, "source", ""))
            return self.error(pos, f"{node}: {param.name} expects a pattern (a string like \"bd sn\"), "
                                   f"got {describe(v)}")
        # kind "number"
        if isinstance(v, Num):
            return Const(v.value)
        if isinstance(v, Text):
            p = self.mini(v)
            if isinstance(p, Err):
                return p
            bad = self.guard(pos, node, lambda: self.pat.non_numeric(p, v.text))
            if bad is not None and not isinstance(bad, Err):
                return self.error(pos, f"{node}: {param.name} expects numbers, but \"{v.text}\" holds {bad!r}",
                                  "number patterns hold numbers or note names, like \"300 800\" or \"c3 e3\"")
            return PatternArg(p, v.text)
        if isinstance(v, Pat) and not v.control:
            return PatternArg(v.pattern, v.source)
        if isinstance(v, (Sig, Events)):
            return self.as_signal(v, path, pos).edge
        return self.error(pos, f"{node}: {param.name} expects a number, pattern or signal, got {describe(v)}")

"""Calls: resolving a name to a node, a per-event control or a pattern transform, binding and
validating its arguments, and applying transforms (`$`) and control merges (`#`).

A mixin of `Compiler` (see compiler.py), which provides `_expr`, `arith` and the `Lowering`
methods, and the attributes `registry`, `transforms`, `controls`, `pat`, `sample_names`, `ir`.
"""
from __future__ import annotations

from typing import Any

from ..plugins.api import NodeSpec
from . import ast as A
from .ir import Const, Edge
from .instruments import absolute_note
from .sounds import has_note_names, sample_words
from .support import extra_param, fmt, num, pos_of, src, suggest
from .values import Err, Events, Func, ListV, Num, Pat, Sig, Text, Value, describe

SAMPLE_CONTROLS = ("s", "sound")
RUNTIME_KEYWORDS = ("isolate",)       # accepted by every node call; stored in NodeIR.options


class Calls:
    """Call resolution and transform application (mixed into `Compiler`)."""

    # ------------------------------------------------------------------ calls
    def lookup(self, name: str) -> str:
        """'node', 'transform', 'control' or '' (a name may be several; see `call`)."""
        if name in self.registry:
            return "node"
        if name in self.controls:
            return "control"
        if name in self.transforms:
            return "transform"
        return ""

    def unknown(self, e: A.Call) -> Err:
        names = set(self.registry.names(with_aliases=True)) | set(self.transforms) | set(self.controls)
        return self.error(e.pos, f"unknown function '{e.name}'", suggest(e.name, sorted(names)))

    def call(self, e: A.Call, path: str, chain_input: Value | None = None,
             extra: list[tuple[Value, A.Pos]] | None = None) -> Value:
        """A call `name args`: a node, a per-event control or a pattern transform.

        A name that is several of these is decided by its context: after `#`, an event pattern
        on the left makes a one-value control a merge, anything else the node; without `#`, an
        effect node that gets no input signal from its arguments is the control or transform.
        """
        name = e.name
        is_node = name in self.registry
        is_control = name in self.controls
        is_transform = name in self.transforms and not is_control
        if chain_input is not None:
            if is_control and self.takes_merge(chain_input, name, is_node,
                                               len(e.args) == 1 and not e.keywords):
                return self.merge_control(e, chain_input, path)
            if is_node:
                return self.node_call(e, path, chain_input)
            if is_control:
                return self.error(e.pos, f"'{name}' is a per-event control: the left of '#' must be an "
                                         f"event pattern (like s \"bd\"), got {describe(chain_input)}")
            if is_transform:
                return self.error(e.pos, f"'{name}' is a pattern transform: apply it with '$', not '#'",
                                  f"x $ {name} ...")
            return self.unknown(e)
        if not (is_node or is_control or is_transform):
            return self.unknown(e)
        vals = [(self._expr(a, f"{path}.{i}"), pos_of(a)) for i, a in enumerate(e.args)] + list(extra or [])
        if any(isinstance(v, Err) for v, _ in vals):
            return Err()
        if is_node:
            spec = self.registry.get(name).spec
            fed = spec.inputs <= 0 or (
                len(vals) >= spec.inputs and all(isinstance(v, (Sig, Events)) for v, _ in vals[-spec.inputs:]))
            if fed or not (is_control or is_transform):
                return self.node_call(e, path, None, vals)
        if is_transform:
            return self.transform_call(e, path, vals)
        c = self.control_pattern(e, path, vals)
        if isinstance(c, Err):
            return c
        buses, samples = self.sound_words(vals[0][0]) if name in SAMPLE_CONTROLS else (frozenset(), True)
        return Pat(c, f"{name} ...", e.pos, True, name in SAMPLE_CONTROLS, buses, samples)

    def is_eventish(self, v: Value) -> bool:
        """Can per-event controls be merged into `v` (a control-map pattern)?"""
        return (isinstance(v, Events) and v.control) or (isinstance(v, Pat) and v.control)

    def control_pattern(self, e: A.Call, path: str, vals: list | None = None) -> Any:
        if e.keywords:
            return self.error(e.keywords[0].pos, f"'{e.name}' is a per-event control and takes no keywords")
        if vals is None:
            vals = [(self._expr(a, f"{path}.{i}"), pos_of(a)) for i, a in enumerate(e.args)]
        if len(vals) != 1:
            return self.error(vals[1][1] if len(vals) > 1 else e.pos,
                              f"'{e.name}' takes one value (a number or a pattern), got {len(vals)}")
        v = vals[0][0]
        if isinstance(v, Err):
            return v
        if not isinstance(v, (Num, Text, Pat)) or (isinstance(v, Pat) and v.control):
            return self.error(pos_of(e.args[0]), f"{e.name}: expects a number or a pattern, got {describe(v)}",
                              "per-event controls take their value at each event's onset")
        if isinstance(v, Text) and e.name in SAMPLE_CONTROLS:
            self.collect_samples(v)
            self.check_bus_words(v)
        p = self.as_pattern(v, pos_of(e.args[0]), e.name)
        if isinstance(p, Err):
            return p
        if e.name == "note" and isinstance(v, Text) and has_note_names(v.text):
            return self.guard(e.pos, e.name, lambda: p.fmap(absolute_note))   # instruments.py
        return self.guard(e.pos, e.name, lambda: self.pat.control(e.name, p))

    def merge_control(self, e: A.Call, left: Value, path: str) -> Value:
        if isinstance(left, Events) and left.pattern is None:
            return self.error(e.pos, f"{left.kind} has no pattern to merge '{e.name}' into",
                              f"merge it into the s pattern that plays the bus: s \"{left.owner}\" # {e.name} ...")
        vals = [(self._expr(a, f"{path}.{i}"), pos_of(a)) for i, a in enumerate(e.args)]
        if any(isinstance(v, Err) for v, _ in vals):
            return Err()
        c = self.control_pattern(e, path, vals)
        if isinstance(c, Err):
            return c
        base = self.guard(e.pos, "#", lambda: self.keyed(left)) if isinstance(left, Events) else left.pattern
        if isinstance(base, Err):
            return base
        merged = self.guard(e.pos, "#", lambda: base.merge(c))
        if isinstance(merged, Err):
            return merged
        src = f"{left.source} # {e.name} ..."
        buses, samples = left.buses, left.samples
        if e.name in SAMPLE_CONTROLS:     # `# s "..."`: the sound comes from the right
            buses, samples = self.sound_words(vals[0][0])
        if isinstance(left, Events):
            ev = self.derived(left, merged, src, path)
            ev.control, ev.buses, ev.samples = True, buses, samples
            return ev
        return Pat(merged, src, left.pos, True, left.sound or e.name in SAMPLE_CONTROLS, buses, samples)

    def derived(self, ev: Events, pattern: Any, source: str, path: str) -> Events:
        """A new pending event node: keeps the original's id unless that one is a bus's node."""
        if ev.shared or ev.node_id is not None:
            return Events(ev.kind, ev.param, pattern, source, ev.pos, self.owner, path,
                          dict(ev.params), list(ev.inputs), control=ev.control,
                          buses=ev.buses, samples=ev.samples)
        return Events(ev.kind, ev.param, pattern, source, ev.pos, ev.owner, ev.path,
                      dict(ev.params), list(ev.inputs), control=ev.control,
                      buses=ev.buses, samples=ev.samples)

    def node_call(self, e: A.Call, path: str, chain_input: Value | None,
                  vals: list[tuple[Value, A.Pos]] | None = None) -> Value:
        spec = self.registry.get(e.name).spec
        name = spec.name
        if name == "poly":
            return self.error(e.pos, "'poly' is made by the compiler, not called",
                              "play a bus: ~lead: saw 220, then s \"~lead*4\" # note \"0 7\"; "
                              "or give an oscillator note names: saw \"c3 e3 g3\"")
        if vals is None:
            vals = [(self._expr(a, f"{path}.{i}"), pos_of(a)) for i, a in enumerate(e.args)]
        args = [(v, p, f"{path}.{i}") for i, (v, p) in enumerate(vals)]
        if any(isinstance(v, Err) for v, _, _ in args):
            return Err()
        inputs: list[Edge] = []
        if chain_input is not None:
            if spec.inputs == 0:
                return self.error(e.pos, f"'{e.name}' is a source and takes no input: it cannot follow '#'",
                                  f"combine signals with + or *, e.g. x + {e.name} ...")
            s = self.as_signal(chain_input, f"{path}.in", e.pos)
            if isinstance(s, Err):
                return s
            inputs.append(s.edge)
        # inputs not given by '#': after '#' the first positional arguments (`x # sidechain ~key`),
        # without '#' the last ones (`range 1 5 (sine 2)`, `lpf 800 $ saw 110`)
        if spec.inputs == -1:
            taken, args = args, []
        else:
            need = max(0, spec.inputs - len(inputs))
            if chain_input is not None:
                taken, rest = args[:need], args[need:]
            else:
                taken, rest = args[len(args) - need:] if need else [], args[:len(args) - need]
            if need and (len(args) < need or not all(isinstance(v, (Sig, Events, Pat)) for v, _, _ in taken)):
                return self.error(e.pos, f"'{e.name}' needs an input signal",
                                  f"chain it: x # {e.name} ...  (or give the signal last: {e.name} ... x)"
                                  if chain_input is None else
                                  f"give its other input first: x # {e.name} ~other ...")
            args = rest
        for v, p, pth in taken:
            s = self.as_signal(v, pth, p)
            if isinstance(s, Err):
                return s
            inputs.append(s.edge)
        params: dict[str, Any] = {}
        given_at: dict[str, A.Pos] = {}
        if len(args) > len(spec.params):
            v, p, _ = args[len(spec.params)]
            names = ", ".join(q.name for q in spec.params)
            most = f"at most {len(spec.params)} argument{'s' if len(spec.params) != 1 else ''}"
            return self.error(p, f"{name} takes {most}" + (f" ({names})" if names else "")
                              + f", got {len(args)}")
        ok = True
        given_vals: dict[str, Value] = {}
        for (v, p, pth), param in zip(args, spec.params):
            arg = self.param_arg(v, param, name, pth, p)
            ok &= not isinstance(arg, Err)
            params[param.name] = arg
            given_at[param.name] = p
            given_vals[param.name] = v
        options: dict[str, Any] = {}
        for kw in e.keywords:
            if kw.name in RUNTIME_KEYWORDS:          # `:isolate 1`: a runtime option, not a param
                v = self._expr(kw.value, f"{path}.{kw.name}")
                if not isinstance(v, Num) or v.value not in (0, 1):
                    self.error(pos_of(kw.value), f"{name}: :{kw.name} expects 0 or 1")
                    ok = False
                    continue
                options[kw.name] = bool(v.value)
                continue
            param = spec.param(kw.name)
            kpath = f"{path}.{kw.name}"
            if param is None and not spec.extra_params:
                hint = suggest(kw.name, [q.name for q in spec.params])
                pnames = ", ".join(":" + q.name for q in spec.params) or "none"
                self.error(kw.pos, f"{name} has no parameter ':{kw.name}'", hint or f"its parameters: {pnames}")
                ok = False
                continue
            pname = param.name if param else kw.name
            if pname in params:
                self.error(kw.pos, f"{name}: {pname} is given twice")
                ok = False
                continue
            v = self._expr(kw.value, kpath)
            arg = self.param_arg(v, param or extra_param(kw.name), name, kpath, pos_of(kw.value))
            ok &= not isinstance(arg, Err)
            params[pname] = arg
            given_at[pname] = kw.pos
            given_vals[pname] = v
        deferred = False
        for param in spec.params:
            if param.name not in params and (param.required or (param.kind == "events" and param.default is None)):
                if param.kind == "events" and not inputs and self.can_defer_events(path, chain_input):
                    deferred = True          # `~str: pluck`, played by s "~str": instruments.py
                    continue
                example = '"bd sn"' if name in SAMPLE_CONTROLS else '"x*4"'
                what = f"an event pattern, e.g. {e.name} {example}" if param.kind == "events" \
                    else f"a value for {param.name}"
                self.error(e.pos, f"{name} needs {what}")
                ok = False
        if not ok:
            return Err()
        self.check_ranges(spec, params, given_at)
        ev_param = spec.event_param
        makes_events = deferred or (ev_param is not None and ev_param.name in params and not inputs)
        if options and (makes_events or self.note_param(spec, given_vals) is not None):
            return self.error(e.keywords[0].pos,
                              f"{name}: :isolate applies to signal nodes, not to event-driven ones")
        if deferred:
            return Events(name, ev_param.name, None, "", e.pos, self.owner, path, params, inputs,
                          control=False)
        note_param = self.note_param(spec, given_vals) if chain_input is None and not inputs else None
        if note_param is not None:           # `saw "c3 e3 g3"` plays the notes
            return self.note_instrument(spec, e, path, params, note_param, given_vals[note_param])
        if ev_param is not None and ev_param.name in params and not inputs:
            arg = params.pop(ev_param.name)
            pattern, source = arg.pattern, arg.source
            given = given_vals[ev_param.name]
            control = isinstance(given, Pat) and given.control
            buses, samples = frozenset(), True
            if name in SAMPLE_CONTROLS:
                buses, samples = self.sound_words(given)
                if isinstance(given, Text):
                    self.collect_samples(given)
                    self.check_bus_words(given)
                if not control:     # `s "bd:3"` plays the control pattern {s: bd, n: 3}
                    pattern = self.guard(e.pos, name, lambda: self.pat.control("s", arg.pattern))
                    if isinstance(pattern, Err):
                        return pattern
                    control = True
            return Events(name, ev_param.name, pattern, source, e.pos, self.owner, path, params, inputs,
                          control=control, buses=buses, samples=samples)
        return Sig(Edge(self.add_node(spec, path, e.pos, inputs, params, options)))

    def check_ranges(self, spec: NodeSpec, params: dict[str, Any], given_at: dict[str, A.Pos]) -> None:
        for p in spec.params:
            arg = params.get(p.name)
            if p.name in given_at and isinstance(arg, Const) and isinstance(arg.value, float):
                if (p.lo is not None and arg.value < p.lo) or (p.hi is not None and arg.value > p.hi):
                    rng = f"{fmt(p.lo) if p.lo is not None else '-inf'}..{fmt(p.hi) if p.hi is not None else 'inf'}"
                    self.warn(given_at[p.name], f"{spec.name}: {p.name} {fmt(arg.value)} is outside {rng}")

    def collect_samples(self, t: Text) -> None:
        for word, offset in sample_words(t.text):
            if self.sample_names is not None and word not in self.sample_names:
                pos = A.Pos(t.pos.line, t.pos.col + 1 + offset)
                self.error(pos, f"unknown sample '{word}'", suggest(word, sorted(self.sample_names)))
            else:
                self.ir.samples.add(word)

    # ------------------------------------------------------------------ transforms
    def transform_call(self, e: A.Call, path: str, vals: list[tuple[Value, A.Pos]]) -> Value:
        spec = self.transforms[e.name]
        if e.keywords:
            return self.error(e.keywords[0].pos, f"'{e.name}' takes no keyword arguments")
        specs = tuple(spec.args)
        n = len(specs)
        names = ", ".join(a.name for a in specs)
        if len(vals) > n + 1:
            return self.error(vals[n + 1][1], f"{e.name} takes {n} argument{'s' if n != 1 else ''}"
                              + (f" ({names})" if names else "") + f" before the pattern, got {len(vals)}")
        if len(vals) < n:
            at = vals[-1][1] if vals else e.pos
            missing = specs[len(vals)].name
            return self.error(e.pos if not vals else at,
                              f"{e.name} expects {n} argument{'s' if n != 1 else ''} ({names}), "
                              f"got {len(vals)}: '{missing}' is missing")
        conv = []
        for (v, p), a in zip(vals, specs):
            c = self.transform_arg(e.name, a, v, p)
            if isinstance(c, Err):
                return c
            conv.append(c)
        fn = spec.fn
        name = e.name

        def apply(pattern: Any) -> Any:
            return fn(*conv, pattern)

        func = Func(apply, name, e.pos)
        if len(vals) == n + 1:
            return self.apply_func(func, vals[n][0], vals[n][1], path)
        return func

    def transform_arg(self, name: str, a: Any, v: Value, pos: A.Pos) -> Any:
        kind = a.kind
        if kind == "function":
            if isinstance(v, Func):
                return v.fn
            return self.error(pos, f"{name}: {a.name} expects a function like (fast 2), got {describe(v)}")
        if kind == "number":
            if isinstance(v, Num):
                return num(v.value)
            return self.error(pos, f"{name}: {a.name} expects a number, got {describe(v)}")
        if kind == "list":
            if not isinstance(v, ListV):
                return self.error(pos, f"{name}: {a.name} expects a list like [a, b], got {describe(v)}")
            items = []
            for item in v.items:
                if isinstance(item, Err):
                    return item
                if isinstance(item, Func):
                    items.append(item.fn)
                elif isinstance(item, Num):
                    items.append(num(item.value))
                elif isinstance(item, (Text, Pat, Events)):
                    p = self.as_pattern(item, item.pos or pos, name)
                    if isinstance(p, Err):
                        return p
                    items.append(p)
                else:
                    return self.error(item.pos or pos, f"{name}: {describe(item)} cannot be a list item here")
            return items
        # "pattern": a patternable value
        if isinstance(v, Num):
            return num(v.value)
        if isinstance(v, (Text, Pat)) and not (isinstance(v, Pat) and v.control):
            return self.as_pattern(v, pos, name)
        return self.error(pos, f"{name}: {a.name} expects a number or a pattern, got {describe(v)}")

    def apply_func(self, func: Func, v: Value, pos: A.Pos, path: str) -> Value:
        if isinstance(v, Err):
            return v
        if isinstance(v, Func):
            f, g = func.fn, v.fn
            return Func(lambda p: g(f(p)), f"{func.name} $ {v.name}", func.pos)
        if isinstance(v, Sig):
            if v.feedback_bus:
                return self.error(pos, f"'~{v.feedback_bus}' reads itself through the pattern transform "
                                       f"'{func.name}': only signals can feed back")
            return self.error(pos, f"'{func.name}' transforms patterns, but this is a signal",
                              "transforms apply to patterns and event sources like s \"bd sn\"")
        if isinstance(v, ListV):
            return self.error(pos, f"'{func.name}' cannot be applied to a list")
        what = f"'{func.name}'"
        if isinstance(v, Events):
            if v.pattern is None:
                return self.error(pos, f"'{func.name}' needs a pattern, but {v.kind} has none here",
                                  f"transform the s pattern that plays the bus: s \"{v.owner}*4\" $ {func.name} ...")
            out = self.guard(func.pos, what, lambda: func.fn(v.pattern))
            if isinstance(out, Err):
                return out
            return self.derived(v, out, f"{v.source} $ {func.name}", path)
        p = self.as_pattern(v, pos, func.name)
        if isinstance(p, Err):
            return p
        out = self.guard(func.pos, what, lambda: func.fn(p))
        if isinstance(out, Err):
            return out
        return Pat(out, f"{src(v)} $ {func.name}", v.pos, isinstance(v, Pat) and v.control,
                   isinstance(v, Pat) and v.sound, v.buses if isinstance(v, Pat) else frozenset(),
                   v.samples if isinstance(v, Pat) else True)

    def apply(self, e: A.Apply, path: str) -> Value:
        """`a $ b $ c`: folded from the right; see docs/language.md for the rules."""
        parts = e.parts
        value = self._expr(parts[-1], self.part_path(parts[-1], path, len(parts) - 1))
        for i in range(len(parts) - 2, -1, -1):
            part, op = parts[i], e.ops[i]
            if isinstance(value, Err):
                return value
            if (isinstance(part, A.Call) and part.name in self.registry
                    and (isinstance(value, Sig) or (isinstance(value, Events)
                                                    and part.name not in self.transforms))):
                # generic application: `lpf 800 $ saw 110` == `lpf 800 (saw 110)`
                value = self.call(part, f"{path}${i}", extra=[(value, pos_of(parts[i + 1]))])
                continue
            left = self._expr(part, self.part_path(part, path, i))
            if isinstance(left, Err):
                return left
            if isinstance(left, Func):
                value = self.apply_func(left, value, pos_of(parts[i + 1]), path)
            elif isinstance(value, Func):
                value = self.apply_func(value, left, pos_of(part), path)
            else:
                controls = [p.name for p in (parts[i + 1], part)
                            if isinstance(p, A.Call) and p.name in self.controls
                            and p.name not in SAMPLE_CONTROLS]
                return self.error(op, f"'$' applies a pattern transform, but neither side is one "
                                      f"({describe(left)} $ {describe(value)})",
                                  f"per-event controls are merged with '#': x # {controls[0]} ..."
                                  if controls else None)
        return value

    def part_path(self, part: A.Expr, path: str, i: int) -> str:
        """Path of the i-th part of `a $ b $ c` at `path`: the pattern keeps the path of the whole
        (so `s "bd"` and `s "bd" $ fast 2` make the same node id: hot swap keeps its voices);
        transforms, which create no nodes, get `path$i`."""
        while isinstance(part, A.Paren):
            part = part.expr
        if isinstance(part, A.Section) or (
                isinstance(part, A.Call) and part.name in self.transforms
                and part.name not in self.registry and part.name not in self.controls):
            return f"{path}${i}"
        return path

    def section(self, e: A.Section, path: str) -> Value:
        """`(# speed 2 # gain 0.8)`: a function merging per-event controls into a pattern."""
        body = e.body
        stages = body.stages if isinstance(body, A.Chain) else (body,)
        controls = []
        for k, st in enumerate(stages):
            if not (isinstance(st, A.Call) and st.name in self.controls):
                return self.error(pos_of(st), "only per-event controls (gain, speed, n, ...) can follow "
                                               "'#' inside '( )'")
            c = self.control_pattern(st, f"{path}.{k}")
            if isinstance(c, Err):
                return c
            controls.append(c)

        def merge_all(p: Any) -> Any:
            for c in controls:
                p = p.merge(c)
            return p

        return Func(merge_all, "(# ...)", e.pos)

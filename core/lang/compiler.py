"""Compile a parsed program (`ast.Program`) into the graph IR (`ir.GraphIR`).

The compiler evaluates each expression to a *value* (see `values.py`): a number, a string not yet
interpreted, a pattern, a pending event-driven node (`s "bd"`, still open to `# gain` merges and
`$` transforms), a signal (an edge to a node), a pattern function, or a list. Nodes are created
only when a value is needed as a signal. Every call is validated against the node registry and
the transform table; all problems of a program are collected and raised together.

The `Compiler` evaluates statements and expressions (buses, outputs, feedback, the master,
arithmetic, chains `#`, applications `$`) and hands the rest to collaborators, each given what
it uses when it is made (see `Compiler.__init__`):

- `Reporter` (diagnostics.py): errors and warnings located at file:line:col;
- `GraphBuilder` (graph.py): node creation and ids, the owner of new nodes;
- `Lowering` (lowering.py): values -> patterns, signals and node arguments;
- `Calls` (calls.py): what a name means (node, control, transform) and control merges, with
  `NodeCalls` (node_calls.py) and `TransformCalls` (transform_calls.py);
- `BusInstruments` and `NoteInstruments` (instruments.py): buses played by `s`, note names;
- `SoundNames` (sounds.py): the sample and bus names of `s` strings;
- `Arithmetic` (arithmetic.py): operators between values, Tidal's `|+ +| |+|` family;
- `Definitions` (definitions.py): templates, pattern variables, functions, function and
  modifier buses, expanded where they are used;
- `ListCalls` (lists.py): `stack [a, b]`, `cat`, `choose`, `wedge`, `sew`, ...;
- `Directives` (statements.py): tempo, `outmix`, `buffer`, `hush`/`panic`/`setCycle`/... and
  the master.

Collaborators that need to evaluate an expression or a bus get `Compiler.expr` or the compiler
as `Buses` (instruments.py), the two ways back into the evaluation. The rules are in
docs/language.md.
"""
from __future__ import annotations

from typing import Any

from ..errors import PhononError, PhononErrors
from ..plugins.registry import Registry, default_registry
from . import ast as A
from .arithmetic import Arithmetic
from .calls import Calls
from .definitions import Definitions, chained_only_buses
from .diagnostics import Reporter
from .graph import GraphBuilder, resolve_feedback
from .instruments import BusInstruments, NoteInstruments
from .ir import Edge, GraphIR
from .lists import LIST_NAMES, ListCalls
from .control_report import ControlReport
from .lowering import Lowering
from .orbits import OrbitRouting
from .node_calls import NodeCalls
from .parser import no_gc, parse_with_errors
from .patterns_bridge import PatternBackend, default_backend
from .probe import probe_patterns
from .sounds import SAMPLE_CONTROLS, SoundNames
from .statements import Directives
from .support import Stop, describe_arg, pos_of, suggest
from .transform_calls import TransformCalls
from .values import Effect, Err, Events, Func, ListV, Num, Pat, Sig, Text, Value, describe, same

INTERNAL_ERROR = "internal compiler error"
DEEP_PATH = 8                   # levels of a sum's path written out in full (see `binop`)
_FEEDBACK = "\x00feedback:"     # placeholder edge target, resolved once every bus is compiled


class Compiler:
    """Compiles one program; see the module doc."""

    def __init__(self, program: A.Program, registry: Registry, backend: PatternBackend,
                 sample_names: set[str] | None) -> None:
        self.program = program
        self.registry = registry
        self.transforms = backend.transforms()
        self.controls = backend.controls()
        self.ir = GraphIR(file=program.file)
        self.bus_defs: dict[str, A.BusDef] = {}
        self.bus_values: dict[str, Value] = {}
        self.in_progress: list[str] = []
        self.feedback_reads = 0          # placeholder edges to resolve once every bus is compiled
        self.report = Reporter(program.file, program.lines, self.ir.warnings)
        self.graph = GraphBuilder(self.ir, registry, self.report)
        self.instruments = BusInstruments(self.report, self.graph, self)
        self.lowering = Lowering(self.report, self.graph, backend, self.instruments)
        self.orbits = OrbitRouting(self.report, self.graph, self.instruments, self.lowering, self)
        self.lowering.orbit_player = self.orbits
        self.lowering.control_report = ControlReport(self.report, registry)
        sounds = SoundNames(self.report, self, sample_names, self.ir.samples)
        notes = NoteInstruments(self.report, self.graph, self.lowering.mini)
        node_calls = NodeCalls(self.report, registry, self.graph, self.lowering, notes, sounds,
                               backend, self.expr)
        self.transform_calls = TransformCalls(self.report, self.graph, self.lowering, self.transforms,
                                              backend, self.chain_into)
        self.calls = Calls(self.report, registry, backend, self.graph, self.lowering, sounds,
                           node_calls, self.transform_calls, self.expr, self.orbits)
        self.arithmetic = Arithmetic(self.report, self.graph, self.lowering)
        self.lists = ListCalls(self.report, self.graph, self.lowering, backend, self.expr)
        self.defs = Definitions(self.report, self.graph, self.expr, self.chain_into)
        self.directives = Directives(self.report, self.graph, self.ir, self.expr)
        self.spliced_buses: set[str] = set()     # buses used only after `#` (x # ~fx)

    @property
    def errors(self) -> list[PhononError]:
        return self.report.errors

    def release(self) -> None:
        """The compile is over: drop every collaborator. They refer to the compiler (as `Buses`
        or through `expr`/`chain_into`) and `Lowering` and `OrbitRouting` to each other, so
        without this the compile's working state (the AST, scopes, pending values) would wait
        for CPython's cyclic collector; now reference counting frees it when the caller lets
        go of the compiler, and the graph IR, which refers to none of it, lives on."""
        self.lowering.orbit_player = None
        self.__dict__.clear()

    # ------------------------------------------------------------------ buses (instruments.Buses)
    def is_defined(self, name: str) -> bool:
        return name in self.bus_defs

    def is_compiling(self, name: str) -> bool:
        return name in self.in_progress

    def position(self, name: str) -> A.Pos:
        return self.bus_defs[name].pos

    def value(self, name: str) -> Value:
        return self.bus_value(name)

    # ------------------------------------------------------------------ bus names (sounds.BusNames)
    def bus_names(self) -> list[str]:
        return sorted(self.bus_defs)

    def is_bus(self, name: str) -> bool:
        return name in self.bus_defs or name in self.program.broken_buses

    # ------------------------------------------------------------------ program
    def run(self) -> GraphIR:
        outputs: dict[str, A.OutDef] = {}
        bus_lines: dict[str, A.Pos] = {}
        for st in self.program.statements:
            if isinstance(st, A.BusDef):
                if st.name in bus_lines:
                    self.report.error(st.pos, f"bus '~{st.name}' is defined twice (first on line "
                                              f"{bus_lines[st.name].line})")
                    continue
                bus_lines[st.name] = st.pos
                if not self.defs.define(st):
                    self.bus_defs[st.name] = st
            elif isinstance(st, A.OutDef):
                if st.name in outputs:
                    self.report.error(st.pos, f"output '{st.name}' is defined twice "
                                       f"(first on line {outputs[st.name].pos.line})")
                else:
                    outputs[st.name] = st
            else:
                self.defs.define(st)
        self._check_function_names()
        self.directives.read(self.program.statements)
        self.directives.evaluate_values()
        self.spliced_buses = chained_only_buses(self.program.statements) & set(self.bus_defs)
        for name in self.bus_defs:
            if name not in self.spliced_buses:
                self.bus_value(name)
        for name in self.defs.patterns:
            self.defs.pattern(A.PatternRef(name, self.defs.patterns[name].pos))
        for st in outputs.values():
            self.compile_output(st)
        self.resolve_feedback()
        self.instruments.resolve_routes()
        if not self.errors:
            self.directives.route_master(self.orbits.unread())
        return self.ir

    def _check_function_names(self) -> None:
        for fn in self.defs.functions.values():
            if not fn.bus and (fn.name in self.registry or fn.name in self.transforms
                               or fn.name in self.controls):
                self.report.warn(fn.pos, f"fn '{fn.name}' hides the built-in '{fn.name}' in this program")

    def bus_value(self, name: str) -> Value:
        """The value of a bus, compiling its definition on first use (order-independent)."""
        if name in self.bus_values:
            return self.bus_values[name]
        st = self.bus_defs[name]
        self.in_progress.append(name)
        try:
            with self.graph.owned_by("~" + name):
                if self.defs.expanding:      # a bus read inside a function sees no parameters
                    with self.defs.scope({}):
                        v = self._bus_definition(name, st)
                else:
                    v = self._bus_definition(name, st)
        finally:
            self.in_progress.pop()
        self.bus_values[name] = v
        return v

    def _bus_definition(self, name: str, st: A.BusDef) -> Value:
        v = self.expr(st.value, "0")
        if isinstance(v, Func):
            pass  # a transform bus: `~t: every 3 (fast 2)` is applied with `$ ~t`
        elif not isinstance(v, Err):
            if isinstance(v, Sig) and v.edge.node.startswith(_FEEDBACK):
                v = self.report.error(st.pos, f"bus '~{name}' only forwards a bus that reads it back: "
                                              "a loop needs a node in between",
                                      "e.g. '~a: ~b # delay 0.1'")
            else:
                nid = self.lowering.as_signal(v, "0", pos_of(st.value))
                if not isinstance(nid, Err):
                    self.ir.buses[name] = nid.edge.node
                else:
                    v = nid              # poisoned: readers report nothing more
        if isinstance(v, Events):
            v.shared = True
        return v

    def compile_output(self, st: A.OutDef) -> None:
        with self.graph.owned_by(st.name):
            v = self.expr(st.value, "0")
            if isinstance(v, Err):
                return
            if isinstance(v, Func):
                self.report.error(pos_of(st.value), f"'{st.name}' needs a signal, got {describe(v)}",
                                  "apply the transform to a pattern: s \"bd sn\" $ fast 2")
                return
            sig = self.lowering.as_signal(v, "0", pos_of(st.value))
        if not isinstance(sig, Err):
            self.ir.outputs[st.name] = sig.edge.node

    def resolve_feedback(self) -> None:
        """Replace placeholder edges (a bus read while it was being compiled) by delayed edges."""
        if self.feedback_reads:
            resolve_feedback(self.ir, _FEEDBACK, bool(self.errors))

    # ------------------------------------------------------------------ expressions
    def expr(self, e: A.Expr, path: str) -> Value:
        try:
            return self._expr(e, path)
        except Stop:
            return Err()
        except RecursionError:
            return self.report.error(pos_of(e), "expression nested too deeply")

    def _expr(self, e: A.Expr, path: str) -> Value:
        return _DISPATCH[type(e)](self, e, path)

    def number(self, e: A.Number, path: str) -> Value:
        return Num(e.value, e.pos)

    def string(self, e: A.String, path: str) -> Value:
        return Text(e.text, e.pos)

    def paren(self, e: A.Paren, path: str) -> Value:
        return self._expr(e.expr, path)

    def list_expr(self, e: A.ListExpr, path: str) -> Value:
        return ListV([self._expr(x, f"{path}.{i}") for i, x in enumerate(e.items)], e.pos)

    def neg(self, e: A.Neg, path: str) -> Value:
        return self.arith("*", self._expr(e.operand, f"{path}.0"), Num(-1.0, e.pos), e.pos, path)

    def bus_ref(self, e: A.BusRef, path: str = "") -> Value:
        name = e.name
        if name not in self.bus_defs and name in self.program.broken_buses:
            return Err()
        if name in self.defs.modifiers:          # `~lfo # sine 2`: a fresh copy at each use
            return self.defs.modifier(name, e.pos, path)
        fn = self.defs.functions.get(name)
        if fn is not None and fn.bus:
            return self.report.error(e.pos, f"'~{name}' is a function bus: call it with "
                                            f"{len(fn.params)} argument{'s' if len(fn.params) != 1 else ''} "
                                            f"({', '.join(fn.params)})", f"~{name} ...")
        if name not in self.bus_defs:
            orbit = self.orbits.bus(name, e.pos)             # `~orbit1`: orbit 1's bus
            if orbit is not None:
                return orbit
            hint = suggest(name, sorted(self.bus_defs), prefix="~")
            return self.report.error(e.pos, f"unknown bus '~{name}'",
                                     hint or f"define it on its own line: ~{name}: ...")
        if name in self.in_progress:
            self.feedback_reads += 1
            return Sig(Edge(_FEEDBACK + name, delayed=True), pos=e.pos, feedback_bus=name)
        return self.bus_value(name)

    def binop(self, e: A.BinOp, path: str) -> Value:
        """`a + b + c ...`: the left-deep tree the parser makes is walked in a loop (a flat sum
        of thousands of terms needs no recursion); each operand keeps the path it has in the
        tree, `P.0.0.1` for the third term from the end (`P.0^k` stands for k times `.0`
        past `DEEP_PATH` levels, so the ids of a long sum stay short)."""
        spine: list[tuple[A.BinOp, str]] = []
        node: A.Expr = e
        while isinstance(node, A.BinOp):
            k = len(spine)
            spine.append((node, path + (".0" * k if k <= DEEP_PATH else f".0^{k}")))
            node = node.left
        k = len(spine)
        value = self._expr(node, path + (".0" * k if k <= DEEP_PATH else f".0^{k}"))
        for op, at in reversed(spine):
            right = self._expr(op.right, f"{at}.1")
            value = self.arith(op.op, value, right, op.pos, at)
        return value

    def arith(self, op: str, left: Value, right: Value, pos: A.Pos, path: str) -> Value:
        return self.arithmetic.apply(op, left, right, pos, path)

    # ------------------------------------------------------------------ definitions
    def template_ref(self, e: A.TemplateRef, path: str) -> Value:
        return self.defs.template(e, path)

    def pattern_ref(self, e: A.PatternRef, path: str) -> Value:
        return self.defs.pattern(e)

    def bus_call(self, e: A.BusCall, path: str, chain_input: Value | None = None,
                 op: A.Pos | None = None) -> Value:
        """`~name a b`: a function bus called (after `#`: its body spliced into the chain)."""
        fn = self.defs.functions.get(e.name)
        if (fn is None or not fn.bus) and e.name in _SIGNAL_OPS and e.name not in self.bus_defs:
            return self.signal_op(e, path)
        if fn is None or not fn.bus:
            if e.name in self.bus_defs or e.name in self.defs.modifiers:
                nxt = e.args[0]
                return self.report.error(pos_of(nxt), f"unexpected {describe_arg(nxt)} after "
                                                      f"'~{e.name}': a bus takes no arguments",
                                         f"did you mean '~{e.name} + ...' or '~{e.name} # ...'?")
            return self.bus_ref(A.BusRef(e.name, e.pos), path)
        vals = [(self._expr(a, f"{path}.{i}"), pos_of(a)) for i, a in enumerate(e.args)]
        return self.defs.call(fn, vals, e.pos, path, chain_input, op)

    # ------------------------------------------------------------------ chains
    def chain(self, e: A.Chain, path: str) -> Value:
        """`a # f # g` at path P: `a` keeps P (adding an effect keeps the source's node id),
        stage k gets `P#k`. A function followed by controls (`fast 2 # gain 0.8`) is a
        function: the transform, then the controls merged."""
        value = self._expr(e.stages[0], path)
        if isinstance(value, Func) and value.effect is None:
            rest = e.stages[1:]
            merge = self.section(A.Section(A.Chain(rest, e.ops[1:], pos_of(rest[0]))
                                           if len(rest) > 1 else rest[0], e.ops[0]), path)
            if isinstance(merge, Err):
                return merge
            return Func(lambda p, f=value.fn, g=merge.fn: g(f(p)), f"{value.name} # ...", value.pos,
                        merge.effect)
        for k in range(1, len(e.stages)):
            if isinstance(value, Err):
                return value
            value = self.chain_into(e.stages[k], value, f"{path}#{k}", e.ops[k - 1])
        return value

    def chain_into(self, stage: A.Expr, value: Value, path: str, op: A.Pos) -> Value:
        if isinstance(stage, A.Paren):
            return self.chain_into(stage.expr, value, path, op)
        if isinstance(stage, A.Call):
            fn = self.defs.functions.get(stage.name)
            if fn is not None and self.defs.param(stage.name) is None:
                vals = [(self._expr(a, f"{path}.{i}"), pos_of(a)) for i, a in enumerate(stage.args)]
                return self.defs.call(fn, vals, stage.pos, path, value, op)
            return self.calls.call(stage, path, chain_input=value)
        if isinstance(stage, A.TemplateRef):
            return self.defs.template(stage, path, value, op)
        if isinstance(stage, A.BusCall):
            return self.bus_call(stage, path, value, op)
        if isinstance(stage, A.BusRef):
            return self.chain_bus(stage, value, path, op)
        if isinstance(stage, A.BinOp):
            # `saw 110 # lpf 800 * 0.3` means `(saw 110 # lpf 800) * 0.3`
            left = self.chain_into(stage.left, value, f"{path}.0", op)
            right = self._expr(stage.right, f"{path}.1")
            return self.arith(stage.op, left, right, stage.pos, path)
        if isinstance(stage, A.Apply):
            return self.report.error(stage.ops[0], "put '$' transforms before '#': x $ fast 2 # gain 0.8")
        return self.report.error(pos_of(stage), "after '#' expected a function call like 'lpf 800' "
                                                "or 'gain 0.5'")

    def signal_op(self, e: A.BusCall, path: str) -> Value:
        """The original's `~add a b`, `~sub a b`, `~mul a b`, `~div a b`: `a ~+ b` ..."""
        if len(e.args) != 2:
            return self.report.error(e.pos, f"~{e.name} takes 2 signals, got {len(e.args)}",
                                     f"~{e.name} a b, or a {_SIGNAL_OPS[e.name][1]} b")
        left = self._expr(e.args[0], f"{path}.0")
        right = self._expr(e.args[1], f"{path}.1")
        return self.arith(_SIGNAL_OPS[e.name], left, right, e.pos, path)

    def chain_bus(self, stage: A.BusRef, value: Value, path: str, op: A.Pos) -> Value:
        """`x # ~fx`: the bus's expression re-instantiated with `x` as its input."""
        name = stage.name
        if name in self.defs.modifiers:
            return self.defs.modifier(name, stage.pos, path, value, op)
        if name in self.bus_defs:
            return self.defs.modifier(name, stage.pos, path, value, op, body=self.bus_defs[name])
        return self.bus_ref(stage, path)

    # ------------------------------------------------------------------ calls and `$`
    def call(self, e: A.Call, path: str) -> Value:
        if not e.args and not e.keywords:
            bound = self.defs.param(e.name)
            if bound is not None:
                return bound
        fn = self.defs.functions.get(e.name)
        if fn is not None:
            if e.keywords:
                return self.report.error(e.keywords[0].pos, f"'{e.name}' takes no keyword arguments")
            vals = [(self._expr(a, f"{path}.{i}"), pos_of(a)) for i, a in enumerate(e.args)]
            return self.defs.call(fn, vals, e.pos, path)
        if e.name in LIST_NAMES and e.name not in self.registry:
            return self.lists.call(e, path)
        return self.calls.call(e, path)

    def apply(self, e: A.Apply, path: str) -> Value:
        """`a $ b $ c`: folded from the right; see docs/language.md for the rules."""
        parts = e.parts
        value = self._expr(parts[-1], self.part_path(parts[-1], path, len(parts) - 1))
        for i in range(len(parts) - 2, -1, -1):
            part, op = parts[i], e.ops[i]
            if isinstance(value, Err):
                return value
            if (isinstance(part, A.Call) and part.name in self.registry
                    and part.name not in self.defs.functions
                    and (isinstance(value, Sig) or (isinstance(value, Events)
                                                    and part.name not in self.transforms))):
                # generic application: `lpf 800 $ saw 110` == `lpf 800 (saw 110)`
                value = self.calls.call(part, f"{path}${i}", extra=[(value, pos_of(parts[i + 1]))])
                continue
            left = self._expr(part, self.part_path(part, path, i))
            if isinstance(left, Err):
                return left
            if isinstance(left, Func):
                value = self.transform_calls.apply_func(left, value, pos_of(parts[i + 1]), path)
            elif isinstance(value, Func):
                value = self.transform_calls.apply_func(value, left, pos_of(part), path)
            elif self._control_transform(parts[i + 1], left):
                # `s "bd" $ legato 0.5`: a name that is a control and a transform is the
                # transform when applied to a pattern (the original's `$ legato 1`)
                f = self.calls.as_transform(parts[i + 1], self.part_path(parts[i + 1], path, i + 1))
                value = self.transform_calls.apply_func(f, left, pos_of(part), path) \
                    if isinstance(f, Func) else f
            else:
                return self._not_applicable(parts[i + 1], part, op, left, value)
        return value

    def _control_transform(self, right: A.Expr, left: Value) -> bool:
        while isinstance(right, A.Paren):
            right = right.expr
        return (isinstance(right, A.Call) and right.name in self.transforms
                and right.name in self.controls and isinstance(left, (Events, Pat)))

    def _not_applicable(self, right: A.Expr, part: A.Expr, op: A.Pos, left: Value, value: Value) -> Err:
        controls = [p.name for p in (right, part)
                    if isinstance(p, A.Call) and p.name in self.controls
                    and p.name not in SAMPLE_CONTROLS]
        return self.report.error(op, f"'$' applies a pattern transform, but neither side is one "
                                     f"({describe(left)} $ {describe(value)})",
                                 f"per-event controls are merged with '#': x # {controls[0]} ..."
                                 if controls else None)

    def part_path(self, part: A.Expr, path: str, i: int) -> str:
        """Path of the i-th part of `a $ b $ c` at `path`: the pattern keeps the path of the whole
        (so `s "bd"` and `s "bd" $ fast 2` make the same node id: hot swap keeps its voices);
        transforms, which create no nodes, get `path$i`."""
        while isinstance(part, A.Paren):
            part = part.expr
        if isinstance(part, (A.Section, A.TemplateRef)) or (
                isinstance(part, A.Call) and part.name in self.transforms
                and part.name not in self.registry and part.name not in self.controls):
            return f"{path}${i}"
        return path

    def section(self, e: A.Section, path: str) -> Value:
        """`(# speed 2 # gain 0.8)`: a function merging per-event controls into a pattern;
        `(# lpf 300 1)` (any stage that is not a control): a function chaining its argument
        into those stages (in a transform's function slot, a switch: docs/language.md)."""
        body = e.body
        stages = body.stages if isinstance(body, A.Chain) else (body,)
        if not all(isinstance(st, A.Call) and st.name in self.controls
                   and self.calls.merges(st) for st in stages):
            ops = body.ops if isinstance(body, A.Chain) else ()
            return Func(same, "(# ...)", e.pos, Effect(tuple(stages), (e.pos,) + tuple(ops)))
        controls = []
        for k, st in enumerate(stages):
            c = self.calls.control_pattern(st, f"{path}.{k}")
            if isinstance(c, Err):
                return c
            controls.append(c)

        def merge_all(p: Any) -> Any:
            for c in controls:
                p = p.merge(c)
            return p

        return Func(merge_all, "(# ...)", e.pos)


_DISPATCH = {
    A.Number: Compiler.number, A.String: Compiler.string, A.Paren: Compiler.paren,
    A.BusRef: Compiler.bus_ref, A.ListExpr: Compiler.list_expr, A.BinOp: Compiler.binop,
    A.Neg: Compiler.neg, A.Call: Compiler.call, A.Chain: Compiler.chain, A.Apply: Compiler.apply,
    A.Section: Compiler.section, A.TemplateRef: Compiler.template_ref,
    A.PatternRef: Compiler.pattern_ref, A.BusCall: Compiler.bus_call,
}


_SIGNAL_OPS = {"add": "~+", "sub": "~-", "mul": "~*", "div": "~/"}


def compile_ast(program: A.Program, *, registry: Registry | None = None, sample_names=None,
                patterns: PatternBackend | None = None,
                probe: bool = True) -> tuple[GraphIR, list[PhononError]]:
    """Compile a parsed program; returns the IR and every error found (empty list = success).
    `probe` queries every pattern's first cycles under the event budget (probe.py)."""
    c = Compiler(program, registry if registry is not None else default_registry(),
                 patterns if patterns is not None else default_backend(),
                 set(sample_names) if sample_names is not None else None)
    try:
        ir = c.run()
        if probe and not c.errors:
            probe_patterns(ir, c.report)
        return ir, c.errors
    finally:
        c.release()


def compile_program(source: str, *, file: str = "<input>", registry: Registry | None = None,
                    sample_names: set[str] | None = None,
                    patterns: PatternBackend | None = None, probe: bool = True) -> GraphIR:
    """Parse and compile program text into a `GraphIR`.

    Raises `PhononErrors` with every syntax and compile error (each with file:line:col, the
    source line and a hint). `patterns` replaces the pattern-engine backend (tests); `probe`
    (default) queries every pattern before it plays (see `probe.py`: event budget, depth).
    """
    try:
        with no_gc():
            program, errors = parse_with_errors(source, file)
            ir, compile_errors = compile_ast(program, registry=registry, sample_names=sample_names,
                                             patterns=patterns, probe=probe)
    except PhononError:
        raise
    except Exception as exc:  # noqa: BLE001 - a compiler bug must never stop the music
        raise PhononError(f"{INTERNAL_ERROR}: {type(exc).__name__}: {exc}", file=file,
                          hint="please report this program") from exc
    errors += compile_errors
    if errors:
        raise PhononErrors(errors)
    return ir

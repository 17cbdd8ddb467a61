"""User definitions: templates `@name: expr`, pattern variables `%name: "1 2 4"`, functions
`fn name a b = expr`, function buses `~name a b $ expr` and modifier buses `~name # expr`.

Templates, functions and modifier buses are expanded where they are used (each use makes its
own nodes, under the user's owner and path); a pattern variable is evaluated once. After `#`
a definition's body is *spliced*: each stage of `lpf 800 # delay 0.2` takes the previous value
as input, so a multi-stage body keeps the chain's input. Bodies see their own parameters and
nothing else of the place they are used in (lexical scope). Rules: docs/language.md.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

from . import ast as A
from .diagnostics import Reporter
from .graph import GraphBuilder
from .support import pos_of, suggest
from .values import Err, Num, Pat, Sig, Text, Value, describe

Evaluate = Callable[[A.Expr, str], Value]
ChainInto = Callable[[A.Expr, Value, str, A.Pos], Value]


@dataclass(frozen=True)
class Function:
    """`fn name a b = body`, or the function bus `~name a b $ body` (`bus`)."""

    name: str
    params: tuple[str, ...]
    body: A.Expr
    pos: A.Pos
    bus: bool = False

    @property
    def shown(self) -> str:
        return ("~" if self.bus else "") + self.name


class Definitions:
    """The definitions of one program and their expansion."""

    def __init__(self, report: Reporter, graph: GraphBuilder, evaluate: Evaluate,
                 chain_into: ChainInto) -> None:
        self.report = report
        self.graph = graph
        self.evaluate = evaluate
        self.chain_into = chain_into
        self.templates: dict[str, A.TemplateDef] = {}
        self.patterns: dict[str, A.PatternDef] = {}
        self.pattern_values: dict[str, Value] = {}
        self.functions: dict[str, Function] = {}
        self.modifiers: dict[str, A.BusDef] = {}
        self._scopes: list[dict[str, Value]] = [{}]
        self._expanding: list[str] = []

    # ------------------------------------------------------------------ definitions
    def define(self, st: A.Statement) -> bool:
        """Register a definition statement; False for other statements."""
        if isinstance(st, A.TemplateDef):
            self._unique(self.templates, st.name, st, "template", "@")
        elif isinstance(st, A.PatternDef):
            self._unique(self.patterns, st.name, st, "pattern variable", "%")
        elif isinstance(st, A.FunctionDef):
            self._function(Function(st.name, st.params, st.value, st.pos))
        elif isinstance(st, A.BusDef) and st.params:
            self._function(Function(st.name, st.params, st.value, st.pos, bus=True))
        elif isinstance(st, A.BusDef) and st.modifier:
            self.modifiers[st.name] = st
        else:
            return False
        return True

    def _unique(self, table: dict, name: str, st: A.Statement, what: str, sigil: str) -> None:
        if name in table:
            self.report.error(st.pos, f"{what} '{sigil}{name}' is defined twice "
                                      f"(first on line {table[name].pos.line})")
        else:
            table[name] = st

    def _function(self, fn: Function) -> None:
        other = self.functions.get(fn.name)
        if other is not None:
            self.report.error(fn.pos, f"function '{fn.name}' is defined twice (first on line "
                                      f"{other.pos.line}{', as ~' + fn.name if other.bus else ''})")
        else:
            self.functions[fn.name] = fn

    # ------------------------------------------------------------------ scopes
    @contextmanager
    def scope(self, bindings: dict[str, Value], key: str = "", used_at: A.Pos | None = None
              ) -> Iterator[None]:
        """Evaluate with only `bindings` visible as names; `key` guards against recursion, and
        errors inside say "in <key>, used at <used_at>"."""
        self._scopes.append(bindings)
        if key:
            self._expanding.append(key)
        self.report.context.append(f"{key}, used at {used_at.line}:{used_at.col}"
                                   if used_at is not None else None)
        try:
            yield
        finally:
            self._scopes.pop()
            if key:
                self._expanding.pop()
            self.report.context.pop()

    @property
    def expanding(self) -> bool:
        """Is a definition's body being evaluated (a scope other than the program's)?"""
        return len(self._scopes) > 1

    def param(self, name: str) -> Value | None:
        """The value of parameter `name` in the innermost function being expanded, or None."""
        return self._scopes[-1].get(name)

    def _recursive(self, key: str, pos: A.Pos, what: str) -> Err | None:
        if key in self._expanding:
            return self.report.error(pos, f"{what} uses itself: definitions cannot be recursive")
        return None

    # ------------------------------------------------------------------ expansion
    def splice(self, body: A.Expr, value: Value, path: str, op: A.Pos) -> Value:
        """`value # body`: every stage of the body chained in turn (the input is never lost)."""
        while isinstance(body, A.Paren):
            body = body.expr
        stages = body.stages if isinstance(body, A.Chain) else (body,)
        for j, stage in enumerate(stages):
            if isinstance(value, Err):
                return value
            value = self.chain_into(stage, value, f"{path}.{j}" if len(stages) > 1 else path, op)
        return value

    def _expand(self, body: A.Expr, path: str, chain_input: Value | None, op: A.Pos | None) -> Value:
        if chain_input is None:
            return self.evaluate(body, path)
        return self.splice(body, chain_input, path, op or A.Pos(0, 0))

    def call(self, fn: Function, args: list[tuple[Value, A.Pos]], pos: A.Pos, path: str,
             chain_input: Value | None = None, op: A.Pos | None = None) -> Value:
        """`name a b` / `~name a b` (after `#`: the body spliced into the chain)."""
        if any(isinstance(v, Err) for v, _ in args):
            return Err()
        n = len(fn.params)
        if len(args) != n:
            at = args[n][1] if len(args) > n else pos
            return self.report.error(at, f"{fn.shown} takes {n} argument{'s' if n != 1 else ''}"
                                         + (f" ({', '.join(fn.params)})" if n else "")
                                         + f", got {len(args)}",
                                     f"defined on line {fn.pos.line}")
        err = self._recursive(fn.shown, pos, f"'{fn.shown}'")
        if err is not None:
            return err
        bindings = {p: v for p, (v, _) in zip(fn.params, args)}
        with self.scope(bindings, fn.shown, pos):
            return self._expand(fn.body, f"{path}.{fn.name}", chain_input, op)

    def template(self, ref: A.TemplateRef, path: str, chain_input: Value | None = None,
                 op: A.Pos | None = None) -> Value:
        """`@name`: the template's body evaluated here (after `#`: spliced into the chain)."""
        t = self.templates.get(ref.name)
        if t is None:
            return self.report.error(ref.pos, f"unknown template '@{ref.name}'",
                                     suggest(ref.name, sorted(self.templates), prefix="@")
                                     or f"define it on its own line: @{ref.name}: ...")
        err = self._recursive("@" + ref.name, ref.pos, f"template '@{ref.name}'")
        if err is not None:
            return err
        with self.scope({}, "@" + ref.name, ref.pos):
            return self._expand(t.value, f"{path}.@{ref.name}", chain_input, op)

    def modifier(self, name: str, pos: A.Pos, path: str, chain_input: Value | None = None,
                 op: A.Pos | None = None, body: A.BusDef | None = None) -> Value:
        """A modifier bus `~name # expr` (or a bus used after `#`, given as `body`): its
        expression evaluated afresh here, spliced into the chain after `#`."""
        st = body or self.modifiers[name]
        err = self._recursive("~" + name, pos, f"bus '~{name}'")
        if err is not None:
            return err
        with self.scope({}, "~" + name, pos):
            return self._expand(st.value, f"{path}.~{name}", chain_input, op)

    def pattern(self, ref: A.PatternRef) -> Value:
        """`%name`: the pattern variable's value (a number or a pattern), evaluated once."""
        name = ref.name
        d = self.patterns.get(name)
        if d is None:
            return self.report.error(ref.pos, f"unknown pattern variable '%{name}'",
                                     suggest(name, sorted(self.patterns), prefix="%")
                                     or f"define it on its own line: %{name}: \"1 2 4\"")
        if name in self.pattern_values:
            return self.pattern_values[name]
        err = self._recursive("%" + name, ref.pos, f"pattern variable '%{name}'")
        if err is not None:
            return err
        with self.scope({}, "%" + name), self.graph.owned_by("%" + name):
            v = self.evaluate(d.value, "0")
        if not isinstance(v, (Err, Num, Text)) and not (isinstance(v, Pat) and not v.control):
            hint = ("a pattern cannot read a signal (patterns are computed ahead of the audio); "
                    "give the signal directly where a parameter takes one, like lpf ~lfo"
                    if isinstance(v, Sig) else None)
            v = self.report.error(pos_of(d.value),
                                  f"%{name} holds {describe(v)}: a pattern variable is a number or "
                                  "a pattern like \"1 2 4\"", hint)
        self.pattern_values[name] = v
        return v


def chained_only_buses(statements: list[A.Statement]) -> set[str]:
    """Buses used only after `#` (`x # ~fx`): spliced where used, never compiled on their own."""
    chained: set[str] = set()
    plain: set[str] = set()
    # two work lists (iterative: `1 + 1 + ...` may nest thousands deep): expressions read
    # plainly and expressions that are stages after `#`; AST classes are final, so the
    # dispatch is on the exact type, commonest first
    free: list[object] = [getattr(st, "value", None) for st in statements]
    staged: list[object] = []
    while free or staged:
        after_hash = not free
        e = staged.pop() if after_hash else free.pop()
        t = type(e)
        if t is A.Call:
            free.extend(e.args)
            free.extend(k.value for k in e.keywords)
        elif t is A.BusRef:
            (chained if after_hash else plain).add(e.name)
        elif t is A.Chain:
            (staged if after_hash else free).append(e.stages[0])
            staged.extend(e.stages[1:])
        elif t is A.BinOp:               # `x # lpf 800 * 0.3`: the left operand is a stage
            (staged if after_hash else free).append(e.left)
            free.append(e.right)
        elif t is A.Paren:
            (staged if after_hash else free).append(e.expr)
        elif t is A.Section:
            staged.extend(e.body.stages if type(e.body) is A.Chain else (e.body,))
        elif t is A.Neg:
            free.append(e.operand)
        elif t is A.BusCall:
            free.extend(e.args)
        elif t is A.ListExpr:
            free.extend(e.items)
        elif t is A.Apply:
            free.extend(e.parts)
    return chained - plain

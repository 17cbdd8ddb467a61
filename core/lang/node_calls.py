"""Node calls: `lpf 800 0.7`, `x # delay 0.25 :feedback 0.6`, `s "bd*4"`, `saw "c3 e3"`.

A call is bound to the node's declaration in steps: its input signals (from `#` and from
trailing signal arguments), positional parameters, keywords, required parameters; then it
becomes a signal (a node now), a pending event node (`Events`, still open to `#` merges and
`$` transforms) or a note instrument. Rules: docs/language.md ("Calls").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..plugins.api import NodeSpec
from ..plugins.registry import Registry
from . import ast as A
from .diagnostics import Reporter
from .graph import GraphBuilder
from .instruments import NoteInstruments, can_defer_events, note_param
from .ir import Const, Edge
from .lowering import Lowering
from .patterns_bridge import PatternBackend
from .sounds import SAMPLE_CONTROLS, SoundNames, sound_words
from .support import extra_param, fmt, pos_of, suggest
from .values import Err, Events, Num, Pat, Sig, Text, Value

RUNTIME_KEYWORDS = ("isolate",)       # accepted by every node call; stored in NodeIR.options
Evaluate = Callable[[A.Expr, str], Value]
Arg = tuple[Value, A.Pos, str]         # a positional argument: value, position, id path


@dataclass
class Binding:
    """A node call's arguments bound to the node's declaration."""

    inputs: list[Edge]
    params: dict[str, Any] = field(default_factory=dict)
    given_at: dict[str, A.Pos] = field(default_factory=dict)   # where each parameter was given
    given: dict[str, Value] = field(default_factory=dict)      # the value given, by parameter
    options: dict[str, Any] = field(default_factory=dict)      # runtime keywords (`:isolate 1`)
    ok: bool = True
    deferred: bool = False       # an event node whose events come from `s "~bus"` (`~str: kspluck`)


class NodeCalls:
    """Binds node calls and turns them into values."""

    def __init__(self, report: Reporter, registry: Registry, graph: GraphBuilder, lowering: Lowering,
                 notes: NoteInstruments, sounds: SoundNames, patterns: PatternBackend,
                 evaluate: Evaluate) -> None:
        self.report = report
        self.registry = registry
        self.graph = graph
        self.lowering = lowering
        self.notes = notes
        self.sounds = sounds
        self.patterns = patterns
        self.evaluate = evaluate

    def node_call(self, e: A.Call, path: str, chain_input: Value | None,
                  vals: list[tuple[Value, A.Pos]] | None = None) -> Value:
        """The value of the node call `e` at `path`; `chain_input` is the left of `#`."""
        spec = self.registry.get(e.name).spec
        if spec.name == "poly":
            return self.report.error(e.pos, "'poly' is made by the compiler, not called",
                                     "play a bus: ~lead: saw 220, then s \"~lead*4\" # note \"0 7\"; "
                                     "or give an oscillator note names: saw \"c3 e3 g3\"")
        if vals is None:
            vals = [(self.evaluate(a, f"{path}.{i}"), pos_of(a)) for i, a in enumerate(e.args)]
        if chain_input is not None and spec.inputs == 0 and spec.category == "envelope":
            return self._chained_envelope(e, path, chain_input, vals)
        args = [(v, p, f"{path}.{i}") for i, (v, p) in enumerate(vals)]
        if any(isinstance(v, Err) for v, _, _ in args):
            return Err()
        bound = self._inputs(spec, e, path, chain_input, args)
        if isinstance(bound, Err):
            return bound
        b, args = bound
        if isinstance(self._bind_positional(spec, args, b), Err):
            return Err()
        self._bind_keywords(spec, e, path, b)
        self._check_required(spec, e, path, chain_input, b)
        if not b.ok:
            return Err()
        self.check_ranges(spec, b.params, b.given_at)
        return self._value(spec, e, path, chain_input, b)

    def _chained_envelope(self, e: A.Call, path: str, chain_input: Value,
                          vals: list[tuple[Value, A.Pos]]) -> Value:
        """`x # adsr 0.01 0.1 0.7 0.2`: an envelope source after `#` multiplies its input
        (the chain input gated by the envelope; docs/language.md, "Envelopes")."""
        left = self.lowering.as_signal(chain_input, f"{path}.in", e.pos)
        if isinstance(left, Err):
            return left
        env = self.node_call(e, f"{path}.env", None, vals)
        if isinstance(env, Err):
            return env
        env = self.lowering.as_signal(env, f"{path}.env", e.pos)
        if isinstance(env, Err):
            return env
        mul = self.registry.get("mul").spec
        return Sig(Edge(self.graph.add_node(mul, path, e.pos, [left.edge, env.edge], {})))

    def _inputs(self, spec: NodeSpec, e: A.Call, path: str, chain_input: Value | None,
                args: list[Arg]) -> tuple[Binding, list[Arg]] | Err:
        """The node's input signals and the arguments left for its parameters.

        Inputs not given by '#': after '#' the first positional arguments (`x # sidechain ~key`),
        without '#' the last ones (`range 1 5 (sine 2)`, `lpf 800 $ saw 110`), or the first
        ones for a node declared `input_first` (`moog_ladder ~x 800 0.5`)."""
        inputs: list[Edge] = []
        if chain_input is not None:
            if spec.inputs == 0:
                return self.report.error(e.pos, f"'{e.name}' is a source and takes no input: it "
                                                "cannot follow '#'",
                                         f"combine signals with + or *, e.g. x + {e.name} ...")
            s = self.lowering.as_signal(chain_input, f"{path}.in", e.pos)
            if isinstance(s, Err):
                return s
            inputs.append(s.edge)
        if spec.inputs == -1:
            taken, args = args, []
        else:
            need = max(0, spec.inputs - len(inputs))
            if chain_input is not None or spec.input_first:
                taken, rest = args[:need], args[need:]
            else:
                taken, rest = args[len(args) - need:] if need else [], args[:len(args) - need]
            # a node without parameters takes only inputs: a number is a constant signal
            # (`if ~cond ~x 0`, `min ~a 0.5`)
            signals = (Sig, Events, Pat, Num) if not spec.params else (Sig, Events, Pat)
            if need and (len(args) < need or not all(isinstance(v, signals) for v, _, _ in taken)):
                where = f"first: {e.name} x ..." if spec.input_first else f"last: {e.name} ... x"
                return self.report.error(e.pos, f"'{e.name}' needs an input signal",
                                         f"chain it: x # {e.name} ...  (or give the signal {where})"
                                         if chain_input is None else
                                         f"give its other input first: x # {e.name} ~other ...")
            args = rest
        for v, p, pth in taken:
            s = self.lowering.as_signal(v, pth, p)
            if isinstance(s, Err):
                return s
            inputs.append(s.edge)
        return Binding(inputs), args

    def _bind_positional(self, spec: NodeSpec, args: list[Arg], b: Binding) -> Err | None:
        params = list(spec.params)
        if params and params[0].kind == "events" and params[0].default is not None \
                and args and isinstance(args[0][0], Num):
            # an optional event pattern first, a number given: the number is the next
            # parameter (the original's `adsr 0.01 0.1 0.7 0.2`, cycle-synced)
            params = params[1:]
        if len(args) > len(params):
            v, p, _ = args[len(params)]
            names = ", ".join(q.name for q in params)
            most = f"at most {len(params)} argument{'s' if len(params) != 1 else ''}"
            return self.report.error(p, f"{spec.name} takes {most}" + (f" ({names})" if names else "")
                                     + f", got {len(args)}")
        for (v, p, pth), param in zip(args, params):
            arg = self.lowering.param_arg(v, param, spec.name, pth, p)
            b.ok &= not isinstance(arg, Err)
            b.params[param.name] = arg
            b.given_at[param.name] = p
            b.given[param.name] = v
        return None

    def _bind_keywords(self, spec: NodeSpec, e: A.Call, path: str, b: Binding) -> None:
        name = spec.name
        for kw in e.keywords:
            if kw.name in RUNTIME_KEYWORDS:          # `:isolate 1`: a runtime option, not a param
                self._runtime_option(name, kw, path, b)
                continue
            param = spec.param(kw.name)
            kpath = f"{path}.{kw.name}"
            if param is None and not spec.extra_params:
                hint = suggest(kw.name, [q.name for q in spec.params])
                pnames = ", ".join(":" + q.name for q in spec.params) or "none"
                self.report.error(kw.pos, f"{name} has no parameter ':{kw.name}'",
                                  hint or f"its parameters: {pnames}")
                b.ok = False
                continue
            pname = param.name if param else kw.name
            if pname in b.params:
                self.report.error(kw.pos, f"{name}: {pname} is given twice")
                b.ok = False
                continue
            v = self.evaluate(kw.value, kpath)
            arg = self.lowering.param_arg(v, param or extra_param(kw.name), name, kpath, pos_of(kw.value))
            b.ok &= not isinstance(arg, Err)
            b.params[pname] = arg
            b.given_at[pname] = kw.pos
            b.given[pname] = v

    def _runtime_option(self, node: str, kw: A.Keyword, path: str, b: Binding) -> None:
        v = self.evaluate(kw.value, f"{path}.{kw.name}")
        if not isinstance(v, Num) or v.value not in (0, 1):
            self.report.error(pos_of(kw.value), f"{node}: :{kw.name} expects 0 or 1")
            b.ok = False
            return
        b.options[kw.name] = bool(v.value)

    def _check_required(self, spec: NodeSpec, e: A.Call, path: str, chain_input: Value | None,
                        b: Binding) -> None:
        for param in spec.params:
            if param.name in b.params or not (
                    param.required or (param.kind == "events" and param.default is None)):
                continue
            if param.kind == "events" and not b.inputs and can_defer_events(
                    self.graph.owner, path, chain_input):
                b.deferred = True          # `~str: kspluck`, played by s "~str": instruments.py
                continue
            example = '"bd sn"' if spec.name in SAMPLE_CONTROLS else '"x*4"'
            what = f"an event pattern, e.g. {e.name} {example}" if param.kind == "events" \
                else f"a value for {param.name}"
            self.report.error(e.pos, f"{spec.name} needs {what}")
            b.ok = False

    def _value(self, spec: NodeSpec, e: A.Call, path: str, chain_input: Value | None,
               b: Binding) -> Value:
        """What a bound call is: a pending event node, a note instrument or a signal."""
        ev_param = spec.event_param
        makes_events = b.deferred or (ev_param is not None and ev_param.name in b.params and not b.inputs)
        if b.options and (makes_events or note_param(spec, b.given) is not None):
            return self.report.error(e.keywords[0].pos, f"{spec.name}: :isolate applies to signal "
                                                        "nodes, not to event-driven ones")
        if b.deferred:
            return Events(spec.name, ev_param.name, None, "", e.pos, self.graph.owner, path, b.params,
                          b.inputs, control=False)
        notes = note_param(spec, b.given) if chain_input is None and not b.inputs else None
        if notes is not None:           # `saw "c3 e3 g3"` plays the notes
            return self.notes.note_instrument(spec, e, path, b.params, notes, b.given[notes])
        if makes_events:
            return self._event_node(spec, e, path, b)
        return Sig(Edge(self.graph.add_node(spec, path, e.pos, b.inputs, b.params, b.options)))

    def _event_node(self, spec: NodeSpec, e: A.Call, path: str, b: Binding) -> Value:
        """`s "bd*4"`, `kspluck "0 3"`: a pending event node over the events parameter's pattern."""
        arg = b.params.pop(spec.event_param.name)
        pattern, source = arg.pattern, arg.source
        given = b.given[spec.event_param.name]
        control = isinstance(given, Pat) and given.control
        buses, samples = frozenset(), True
        if spec.name in SAMPLE_CONTROLS:
            buses, samples = sound_words(given)
            if isinstance(given, Text):
                self.sounds.collect_samples(given)
                self.sounds.check_bus_words(given)
            if not control:     # `s "bd:3"` plays the control pattern {s: bd, n: 3}
                pattern = self.report.guard(e.pos, spec.name,
                                            lambda: self.patterns.control("s", arg.pattern))
                if isinstance(pattern, Err):
                    return pattern
                control = True
        return Events(spec.name, spec.event_param.name, pattern, source, e.pos, self.graph.owner, path,
                      b.params, b.inputs, control=control, buses=buses, samples=samples)

    def check_ranges(self, spec: NodeSpec, params: dict[str, Any], given_at: dict[str, A.Pos]) -> None:
        """Warn about constants outside a parameter's declared range."""
        for p in spec.params:
            arg = params.get(p.name)
            if p.name in given_at and isinstance(arg, Const) and isinstance(arg.value, float):
                if (p.lo is not None and arg.value < p.lo) or (p.hi is not None and arg.value > p.hi):
                    rng = f"{fmt(p.lo) if p.lo is not None else '-inf'}..{fmt(p.hi) if p.hi is not None else 'inf'}"
                    self.report.warn(given_at[p.name], f"{spec.name}: {p.name} {fmt(arg.value)} is outside {rng}")

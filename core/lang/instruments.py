"""Instruments: buses played by `s` patterns, and oscillators that play note names.

Three mechanisms, documented in docs/language.md ("Instruments"):

- `s "~name ..."` routes the events that name `~name` (with the `s` key removed) to the bus:
  to its own node when that is event-driven (`~str: kspluck`), else to a `poly` node that plays
  the bus's chain once per event (`~lead: saw 220 # lpf 2000`). Routes are attached to their
  target nodes once every statement is compiled (`resolve_routes`), stacked when several `s`
  patterns play the same bus.
- An event node without a pattern is legal as a bus's whole definition (`~str: kspluck`) when the
  bus is played by `s`; otherwise it is an error.
- `saw "c3 e3 g3"` (a source whose frequency is a pattern holding note names) becomes an
  anonymous instrument: a `poly` node over a one-node chain tuned to middle C.

`BusInstruments` does the first two (it reads the program's buses through `Buses`, which the
compiler implements), `NoteInstruments` the third; `takes_merge` and `keyed` are the rules for
merging controls into an instrument's events.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, Protocol

from ..patterns.controls import canonical
from ..patterns.notes import note_number
from ..patterns.combinators import stack
from ..plugins.api import NodeSpec
from ..plugins.chain import Chain, ChainNode
from ..plugins.events import MIDDLE_C_HZ
from ..plugins.registry import Registry
from . import ast as A
from .diagnostics import Reporter
from .graph import GraphBuilder
from .ir import Const, Edge, NodeIR, PatternArg
from .sounds import has_note_names
from .values import Err, Events, Func, Pat, Sig, Text, Value, is_eventish

FREQ_PARAMS = ("freq", "carrier", "modulator")  # the pitch of a source node (transposed by note)
VOICE_CONTROLS = ("gain", "pan")                # node names that merge into an instrument's events
INSTRUMENT_CATEGORY = "instrument"
SYNTH_CATEGORY = "synth"             # one-voice synths hit by a trigger (superkick, pluck)
SOUND_KEYS = ("s", "sound")


@dataclass(eq=False)
class InstrumentTemplate:
    """The chain a `poly` node plays per voice (plain data; hashed by identity).

    `nodes` are in dependency order and read only each other; `output` is the id of the node
    whose output is the voice; `transpose` names, per node id, the frequency parameters a
    note multiplies; `base_freq` is the chain's pitch in Hz (a note name sets it), or None;
    `external` lists the nodes outside the template that template nodes read (shared by
    every voice): they are the poly node's audio inputs, in that order.
    """

    nodes: tuple[NodeIR, ...]
    output: str
    registry: Any
    transpose: dict[str, tuple[str, ...]]
    base_freq: float | None
    name: str = ""
    external: tuple[str, ...] = ()   # ids of shared producers: the poly node's inputs, in order

    def voice_chain(self) -> Chain:
        """The template as the plugin layer's plain `Chain` (what the `poly` node plays): node
        classes, constant arguments, and the producer of each signal-valued parameter."""
        nodes = []
        for n in self.nodes:
            cls = self.registry.get(n.kind)
            static: dict[str, Any] = {}
            values: dict[str, Any] = {}
            modulations = []
            for name, arg in n.params.items():
                p = cls.spec.param(name)
                if isinstance(arg, Const):
                    if p is not None and p.kind in ("text", "any", "events"):   # events: unused here
                        static[p.name] = values[name] = arg.value
                    else:
                        default = p.default if p is not None else 0.0
                        values[name] = default if arg.value is None else float(arg.value)
                elif isinstance(arg, Edge):
                    values[name] = None
                    modulations.append((name, arg.node))
                elif isinstance(arg, PatternArg):    # chain_template lifts these into sig nodes
                    raise ValueError(f"poly: {n.kind} {name} is a pattern inside the template")
            nodes.append(ChainNode(n.id, cls, static, values, tuple(modulations),
                                   tuple(e.node for e in n.inputs), self.transpose.get(n.id, ())))
        return Chain(tuple(nodes), self.output, self.external, self.base_freq, self.name)


def absolute_note(v: Any) -> dict:
    """The `note` control of one value; a note name is an absolute pitch, so it also sets `freq`
    (`"a4"` -> {'note': 9, 'freq': 440.0}): instruments tune to it, sample voices ignore it."""
    n = note_number(v)
    if isinstance(v, str) and not isinstance(n, str):
        return {"note": n, "freq": MIDDLE_C_HZ * 2.0 ** (n / 12.0)}
    return {"note": n}


def _is_token(token: str):
    return lambda v: isinstance(v, dict) and v.get("s", v.get("sound")) == token


def _not_a_bus(v: Any) -> bool:
    return not (isinstance(v, dict) and str(v.get("s", v.get("sound", ""))).startswith("~"))


def _without_sound(v: Any) -> Any:
    return {k: x for k, x in v.items() if k not in SOUND_KEYS} if isinstance(v, dict) else v


def plays_per_note(spec: NodeSpec, params: dict) -> bool:
    """A one-voice synth that hits on a trigger (`superkick`, `pluck`: category "synth") and has
    no trigger pattern of its own is played by `s "~k"` as a `poly` chain: one instance per
    event, so each hit gets its own note, gain, pan and per-event effects."""
    ev = spec.event_param
    return spec.category == SYNTH_CATEGORY and ev is not None and ev.name not in params


def _is_instrument(registry: Registry, kind: str) -> bool:
    cls = registry.get(kind)
    return cls is not None and cls.spec.category == INSTRUMENT_CATEGORY


def takes_merge(registry: Registry, v: Value, name: str, is_node: bool, one_value: bool) -> bool:
    """Does `v # name ...` merge the control `name` into `v`'s events?

    Patterns that make a sound — sample patterns (`s "bd"`, `n "0" # s "x"`) and instruments
    (`kspluck "0 3"`, `saw "c3 e3"`) — take one-value controls that are not nodes; a name that is
    also a node merges (with one value) when the sound's voices read it: `gain`, `pan`, and
    every control the receiving node declares (`@node(controls=...)`: the `s` and `poly`
    voices read SuperDirt's, so `s "bd*4" # lpf 800` is each voice's `cutoff`); otherwise it is
    an effect on the sound (`s "bd*4" # lpf 800 0.7`, `kspluck "0 3" # lpf 800`: a filter on
    the summed output). Control patterns without a sound yet (`n "0 1" # lpf 800 # s "x"`)
    take any one-value control. An event node without a pattern (`~str: kspluck`) takes no
    merge: a node name after it is an effect on its output."""
    if isinstance(v, Events) and v.pattern is None:   # `~str: kspluck` read as `~str # gain 0.5`
        return not is_node
    sounding = (isinstance(v, Events) and (v.kind in SOUND_KEYS or _is_instrument(registry, v.kind))) \
        or (isinstance(v, Pat) and v.control and v.sound)
    if sounding:
        return not is_node or (one_value and reads_control(registry, v, name))
    return is_eventish(v) and (not is_node or one_value)


def reads_control(registry: Registry, v: Value, name: str) -> bool:
    """Do the voices of sound `v` read the control `name` (an alias counts as its control)?"""
    if name in VOICE_CONTROLS:
        return True
    kind = v.kind if isinstance(v, Events) else "s"
    cls = registry.get(kind)
    return cls is not None and canonical(name) in cls.spec.controls


def keyed(ev: Events) -> Any:
    """The pattern of an event node with its bare values stored under the node's name (the
    key the runtime uses for them too), so merged controls keep them: `kspluck "0 7" # gain
    0.5` gives {'kspluck': 0, 'gain': 0.5}."""
    if ev.control:
        return ev.pattern
    key = ev.kind
    return ev.pattern.fmap(lambda v: v if isinstance(v, dict) else {key: v})


def can_defer_events(owner: str, path: str, chain_input: Value | None) -> bool:
    """An event node without a pattern is legal as a bus's whole definition (`~str: kspluck`)."""
    return chain_input is None and path == "0" and owner.startswith("~")


class Buses(Protocol):
    """The buses of the program being compiled (the compiler implements it)."""

    def is_defined(self, name: str) -> bool: ...
    def is_compiling(self, name: str) -> bool: ...      # its definition is being compiled
    def position(self, name: str) -> A.Pos: ...
    def value(self, name: str) -> Value: ...            # compiles the definition on first use


class BusInstruments:
    """`s "~bus"`: routes the events naming a bus to the bus's node or to a `poly` node."""

    def __init__(self, report: Reporter, graph: GraphBuilder, buses: Buses) -> None:
        self.report = report
        self.graph = graph
        self.buses = buses
        self.routes: dict[str, list] = {}     # node id -> [(pattern, source)] routed by s "~bus"
        self.polys: dict[str, str] = {}       # bus name (@orbit) -> its poly node
        self.templates: dict[str, InstrumentTemplate] = {}   # bus name -> its chain template

    def play_buses(self, ev: Events) -> Sig | Err:
        """Materialise an `s` pattern that names buses: route their events, keep the samples."""
        targets: list[str] = []
        for name in sorted(ev.buses):
            target = self.instrument_target(name, ev.pos)
            if isinstance(target, Err):
                continue
            route = self.report.guard(ev.pos, "s", lambda tok="~" + name: ev.pattern.filter_values(
                _is_token(tok)).fmap(_without_sound))
            if isinstance(route, Err):
                continue
            self.routes.setdefault(target, []).append((route, ev.source))
            if target not in targets:
                targets.append(target)
        ids: list[str] = []
        if ev.samples:
            kept = self.report.guard(ev.pos, "s", lambda: ev.pattern.filter_values(_not_a_bus))
            if isinstance(kept, Err):
                return kept
            samples = Events(ev.kind, ev.param, kept, ev.source, ev.pos, ev.owner, ev.path,
                             dict(ev.params), list(ev.inputs), control=ev.control, samples=True)
            ids.append(self.graph.event_node(samples))
        ids += targets
        if not ids:
            return Err()
        if len(ids) == 1:
            ev.node_id = ids[0]
        else:
            with self.graph.owned_by(ev.owner):
                ev.node_id = self.graph.make_node("mix", f"{ev.path}.play", ev.pos,
                                                  inputs=[Edge(i) for i in ids])
        return Sig(Edge(ev.node_id))

    def instrument_target(self, name: str, pos: A.Pos) -> str | Err:
        """The node that receives the events of `s "~name"`: the bus's own node when it is
        event-driven, else a `poly` node playing the bus's chain."""
        if not self.buses.is_defined(name):
            return Err()                       # reported by SoundNames.check_bus_words
        if self.buses.is_compiling(name):
            return self.report.error(pos, f"bus '~{name}' is played by an s pattern inside its own "
                                          "definition", "play it from another bus or an output")
        v = self.buses.value(name)
        if isinstance(v, Err):
            return v
        ir = self.graph.ir
        nid = ir.buses.get(name)
        if nid is None and not isinstance(v, Func):
            return Err()
        if nid is None:
            return self.report.error(pos, f"bus '~{name}' is not a sound and cannot be played by s",
                                     f"~{name} holds a function; apply it with '$'")
        kind = ir.nodes[nid].kind
        if kind in SOUND_KEYS:
            return self.report.error(pos, f"bus '~{name}' plays samples; it cannot be played as an "
                                          "instrument",
                                     f"name the samples instead, or route the bus: out: ~{name}")
        spec = self.graph.registry.get(kind).spec
        if spec.event_param is not None and not plays_per_note(spec, ir.nodes[nid].params):
            return nid
        return self.poly_for(name, nid, pos)

    def target_kind(self, name: str) -> str:
        """The kind of node that plays bus `~name`'s events (`poly` for a chain), without
        making it; "" when the bus is not (yet) a node."""
        nid = self.graph.ir.buses.get(name)
        if nid is None or nid not in self.graph.ir.nodes:
            return ""
        n = self.graph.ir.nodes[nid]
        spec = self.graph.registry.get(n.kind).spec
        if spec.event_param is not None and not plays_per_note(spec, n.params):
            return n.kind
        return "poly"

    def poly_for(self, name: str, nid: str, pos: A.Pos, orbit: int | None = None) -> str | Err:
        """The poly node playing bus `~name`'s chain (one per orbit it plays on: `orbit` k's
        poly feeds orbit k's node, which runs the orbit's effects)."""
        key = name if orbit is None else f"{name}@{orbit}"
        if key in self.polys:
            return self.polys[key]
        template = self.templates.get(name)
        if template is None:
            template = self.chain_template(name, nid, pos)
            if isinstance(template, Err):
                return template
            self.templates[name] = template
        params = {"template": Const(template)}
        root = self.graph.registry.get(self.graph.ir.nodes[nid].kind).spec
        if plays_per_note(root, self.graph.ir.nodes[nid].params):
            params["attack"] = Const(0.0)           # a drum's own attack, not the poly's fade-in
        if orbit is not None:
            params["on_orbit"] = Const(float(orbit))
        with self.graph.owned_by(self.graph.ir.nodes[nid].bus or "~" + name):
            pid = self.graph.make_node("poly", "poly" if orbit is None else f"poly.o{orbit}",
                                       self.buses.position(name),
                                       inputs=[Edge(x) for x in template.external],
                                       params=params)
        self.polys[key] = pid
        return pid

    def orbit_instrument(self, name: str, pos: A.Pos, orbit: int) -> str | Err:
        """The node playing bus `~name` on orbit `orbit`: a poly of its chain for that orbit."""
        target = self.instrument_target(name, pos)
        if isinstance(target, Err):
            return target
        if self.graph.ir.nodes[target].kind != "poly":
            return self.report.error(pos, f"bus '~{name}' is an event-driven node: it cannot be "
                                          f"played on orbit {orbit}",
                                     f"play it without orbit, or process its bus: out: ~{name}")
        nid = self.graph.ir.buses.get(name)
        return self.poly_for(name, nid, pos, orbit)

    @staticmethod
    def token_route(pattern: Any, name: str) -> Any:
        """The events of `pattern` that play bus `~name`, without their `s` key."""
        return pattern.filter_values(_is_token("~" + name)).fmap(_without_sound)

    def chain_template(self, name: str, nid: str, pos: A.Pos) -> InstrumentTemplate | Err:
        """The nodes of bus `~name`'s chain in dependency order, as copies.

        Only nodes of that bus are copied per voice; what they read from elsewhere (other
        buses, event-driven nodes such as a shared `perc`) is shared by every voice and comes
        in as an input of the poly node; a pattern parameter is lifted into a `sig` node
        (outside the template, stepped by the runtime) read the same way."""
        found = self._chain_order(name, nid, pos)
        if isinstance(found, Err):
            return found
        order, external = found
        nodes = [self._voice_copy(self.graph.ir.nodes[i], external) for i in order]
        transpose, base = self._transposition(nodes)
        return InstrumentTemplate(tuple(nodes), nid, self.graph.registry, transpose, base,
                                  "~" + name, tuple(external))

    def _chain_order(self, name: str, nid: str, pos: A.Pos) -> tuple[list[str], list[str]] | Err:
        """(the bus's own nodes that `nid` reads, in dependency order; the shared nodes they read)."""
        ir, registry = self.graph.ir, self.graph.registry
        owner = ir.nodes[nid].bus
        order: list[str] = []
        state: dict[str, int] = {}
        external: list[str] = []
        stack: list[tuple[str, int]] = [(nid, 0)]
        why = f"bus '~{name}' cannot be played as an instrument"

        def is_shared(x: str) -> bool:
            # another bus's node, or an event node driven by its own pattern; an event node
            # without one (`# adsr 0.01 0.1 0.5 0.2`) is the voice's: the note triggers it
            n = ir.nodes[x]
            ev = registry.get(n.kind).spec.event_param
            return n.bus != owner or (ev is not None and ev.name in n.params)

        if is_shared(nid):
            return self.report.error(pos, f"{why}: its node is another bus's or event-driven")
        while stack:
            cur, i = stack.pop()
            edges = ir.nodes[cur].edges()
            if i == 0:
                if state.get(cur) == 2:
                    continue
                state[cur] = 1
            if i < len(edges):
                stack.append((cur, i + 1))
                e = edges[i]
                if e.delayed or e.node not in ir.nodes or state.get(e.node) == 1:
                    return self.report.error(pos, f"{why}: it reads itself back (feedback)")
                if is_shared(e.node):
                    if e.node not in external:
                        external.append(e.node)
                elif state.get(e.node) != 2:
                    stack.append((e.node, 0))
            else:
                state[cur] = 2
                order.append(cur)
        return order, external

    def _voice_copy(self, n: NodeIR, external: list[str]) -> NodeIR:
        """A copy of template node `n`; its pattern parameters become shared `sig` nodes,
        appended to `external` (`# lpf "500 2000"`: one stepped signal for every voice)."""
        params = dict(n.params)
        for k, a in n.params.items():
            if isinstance(a, PatternArg):
                sig = self.lifted_pattern(n, k, a)
                params[k] = Edge(sig)
                external.append(sig)
        return replace(n, params=params, inputs=list(n.inputs))

    def _transposition(self, nodes: list[NodeIR]) -> tuple[dict[str, tuple[str, ...]], float | None]:
        """(per source node, the frequency parameters a note transposes; the chain's pitch)."""
        transpose: dict[str, tuple[str, ...]] = {}
        base = None
        for n in nodes:
            spec = self.graph.registry.get(n.kind).spec
            if spec.inputs != 0:
                continue
            names = tuple(p.name for p in spec.params if p.name in FREQ_PARAMS)
            if names:
                transpose[n.id] = names
                first = n.params.get(names[0])
                if base is None and isinstance(first, Const) and isinstance(first.value, (int, float)):
                    base = float(first.value)
        return transpose, base

    def lifted_pattern(self, n: NodeIR, param: str, arg: PatternArg) -> str:
        """A `sig` node playing a template node's pattern parameter (id `<node path>.<param>`)."""
        owner = n.bus or ""
        path = n.id[len(owner) + 1:n.id.rindex(":")]
        with self.graph.owned_by(owner):
            return self.graph.make_node("sig", f"{path}.{param}", A.Pos(n.loc.line, n.loc.col),
                                        params=[arg])

    def resolve_routes(self) -> None:
        """Attach the routed events to their nodes (stacked with the node's own pattern)."""
        ir = self.graph.ir
        for nid, routes in self.routes.items():
            n = ir.nodes[nid]
            param = self.graph.registry.get(n.kind).spec.event_param
            own = n.params.get(param.name)
            pats = ([own.pattern] if isinstance(own, PatternArg) else []) + [r for r, _ in routes]
            source = " | ".join(([own.source] if isinstance(own, PatternArg) else [])
                                + [s for _, s in routes])
            n.params[param.name] = PatternArg(pats[0] if len(pats) == 1 else stack(*pats), source)
        for nid, ev in self.graph.waiting.items():
            if nid not in self.routes:
                bus = ev.owner
                self.report.error(ev.pos, f"{ev.kind} needs an event pattern: give it one, or play "
                                          f"bus '{bus}' with s",
                                  f"{ev.kind} \"0 3 7\", or {bus}: {ev.kind} and out: s \"{bus}*4\" "
                                  f"# note \"0 3 7\"")


def note_param(spec: NodeSpec, given: dict[str, Value]) -> str | None:
    """The frequency parameter of a source given a pattern of note names (`saw "c3 e3"`), if any.
    A source with an event parameter qualifies when that one is not given (`pluck "c3 e3"`, not
    `pluck "c3 e3" :trig "x*4"`)."""
    if spec.inputs != 0 or (spec.event_param is not None and spec.event_param.name in given):
        return None
    for p in spec.params:
        v = given.get(p.name)
        if p.name in FREQ_PARAMS and isinstance(v, Text) and has_note_names(v.text):
            return p.name
    return None


class NoteInstruments:
    """`saw "c3 e3 g3"`: a source playing note names becomes a `poly` instrument."""

    def __init__(self, report: Reporter, graph: GraphBuilder, read_mini: Callable[[Text], Any]) -> None:
        self.report = report
        self.graph = graph
        self.read_mini = read_mini

    def note_instrument(self, spec: NodeSpec, e: A.Call, path: str, params: dict[str, Any],
                        freq: str, text: Text) -> Events | Err:
        """A `poly` instrument over the source `spec` tuned to middle C, playing `text`'s notes."""
        fixed: dict[str, Any] = {}
        for p in spec.params:
            a = params.get(p.name, Const(p.default) if p.default is not None else None)
            if p.name == freq:
                a = Const(MIDDLE_C_HZ)
            elif a is not None and not isinstance(a, Const):
                return self.report.error(e.pos, f"{spec.name} playing notes: {p.name} must be a "
                                                "number (the notes make an instrument)",
                                         f"give the notes with s: ~i: {spec.name} 261.63, "
                                         f"s \"~i*4\" # note ...")
            if a is not None:
                fixed[p.name] = a
        owner = self.graph.owner
        tid = f"{owner}/{path}.voice:{spec.name}"
        voice = NodeIR(tid, spec.name, [], fixed, owner, self.report.loc(e.pos))
        template = InstrumentTemplate((voice,), tid, self.graph.registry, {tid: (freq,)}, MIDDLE_C_HZ,
                                      spec.name)
        notes = self.read_mini(text)
        if isinstance(notes, Err):
            return notes
        pattern = self.report.guard(text.pos, spec.name, lambda: notes.fmap(absolute_note))
        if isinstance(pattern, Err):
            return pattern
        poly = self.graph.node_spec("poly", e.pos)
        if poly is None or poly.event_param is None:
            return Err()
        return Events(poly.name, poly.event_param.name, pattern, text.text, e.pos, owner, path,
                      {"template": Const(template)}, [], control=True)

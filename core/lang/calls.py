"""Calls: resolving a name to a node, a per-event control or a pattern transform, and control
patterns and their merges (`#`). Node calls are bound by `NodeCalls` (node_calls.py),
transforms by `TransformCalls` (transform_calls.py)."""
from __future__ import annotations

from typing import Any, Callable

from ..patterns.live import LiveSource
from ..plugins.registry import Registry
from . import ast as A
from .diagnostics import Reporter
from .graph import GraphBuilder
from .instruments import absolute_note, keyed, takes_merge
from .lowering import Lowering
from .node_calls import NodeCalls
from .orbits import OrbitRouting
from .patterns_bridge import PatternBackend
from .sounds import SAMPLE_CONTROLS, SoundNames, has_note_names, sound_words
from .support import pos_of, suggest
from .transform_calls import TransformCalls
from .values import Err, Events, Func, Num, Pat, Sig, Text, Value, derived, describe, is_eventish

Evaluate = Callable[[A.Expr, str], Value]

#: transforms of values that may also be chained with `#` (the original writes `n "0 2" # scale "minor"`)
CHAINED_TRANSFORMS = frozenset({"scale", "toScale", "toScale'", "chord"})

#: names that, alone, are live sources: patterns of what a performer plays (docs/sync.md)
LIVE_SOURCES = ("midinote",)

#: envelopes that, chained after an event pattern, set its per-event envelope controls
#: (`s "bd*4" # ar 0.01 0.2` = `# attack 0.01 # release 0.2`; PHONON-RS.md §4.3)
ENVELOPE_CONTROLS = {"ar": ("attack", "release"), "adsr": ("attack", "decay", "sustain", "release")}


class Calls:
    """The meaning of a call `name args` in its context (after `#` or not)."""

    def __init__(self, report: Reporter, registry: Registry, patterns: PatternBackend,
                 graph: GraphBuilder, lowering: Lowering, sounds: SoundNames, nodes: NodeCalls,
                 transforms: TransformCalls, evaluate: Evaluate, orbits: OrbitRouting) -> None:
        self.report = report
        self.orbits = orbits
        self.registry = registry
        self.patterns = patterns
        self.transform_table = patterns.transforms()
        self.controls = patterns.controls()
        self.graph = graph
        self.lowering = lowering
        self.sounds = sounds
        self.nodes = nodes
        self.transforms = transforms
        self.evaluate = evaluate

    def lookup(self, name: str) -> str:
        """'node', 'transform', 'control' or '' (a name may be several; see `call`)."""
        if name in self.registry:
            return "node"
        if name in self.controls:
            return "control"
        if name in self.transform_table:
            return "transform"
        return ""

    def unknown(self, e: A.Call) -> Err:
        names = (set(self.registry.names(with_aliases=True)) | set(self.transform_table)
                 | set(self.controls))
        return self.report.error(e.pos, f"unknown function '{e.name}'", suggest(e.name, sorted(names)))

    def call(self, e: A.Call, path: str, chain_input: Value | None = None,
             extra: list[tuple[Value, A.Pos]] | None = None) -> Value:
        """A call `name args`: a node, a per-event control or a pattern transform.

        A name that is several of these is decided by its context: after `#`, an event pattern
        on the left makes a one-value control a merge, anything else the node; without `#`, an
        effect node that gets no input signal from its arguments is the control or transform.
        """
        if chain_input is not None:
            return self._chained_call(e, path, chain_input)
        name = e.name
        if name in LIVE_SOURCES and not e.args and not e.keywords and not extra:
            # `midinote` alone: the notes played on a MIDI keyboard (phonon live --midi-in)
            return Pat(LiveSource(name), name, e.pos, True, False)
        is_node = name in self.registry
        is_control = name in self.controls
        is_transform = name in self.transform_table and not is_control
        if not (is_node or is_control or is_transform):
            return self.unknown(e)
        vals = [(self.evaluate(a, f"{path}.{i}"), pos_of(a)) for i, a in enumerate(e.args)] + list(extra or [])
        if any(isinstance(v, Err) for v, _ in vals):
            return Err()
        if is_node:
            spec = self.registry.get(name).spec
            given = vals[:spec.inputs] if spec.input_first else vals[len(vals) - spec.inputs:]
            signals = (Sig, Events, Num) if not spec.params else (Sig, Events)
            fed = spec.inputs <= 0 or (
                len(vals) >= spec.inputs and all(isinstance(v, signals) for v, _ in given))
            if fed or not (is_control or is_transform):
                return self.nodes.node_call(e, path, None, vals)
        if is_transform:
            return self.transforms.transform_call(e, path, vals)
        c = self.control_pattern(e, path, vals)
        if isinstance(c, Err):
            return c
        buses, samples = sound_words(vals[0][0]) if name in SAMPLE_CONTROLS else (frozenset(), True)
        orbits = self.orbits.values_of(vals[0][0], vals[0][1]) if name == "orbit" else None
        if isinstance(orbits, Err):
            return orbits
        return Pat(c, f"{name} ...", e.pos, True, name in SAMPLE_CONTROLS, buses, samples,
                   orbits, orbits is not None, ((name, e.pos),))

    @staticmethod
    def merges(e: A.Call) -> bool:
        """Is this control call a one-value merge (`gain 0.8`), not a node's call (`lpf 300 1`)?"""
        return len(e.args) == 1 and not e.keywords

    def as_transform(self, e: A.Call, path: str) -> Value:
        """`name args` read as the pattern transform `name` (for names that are also controls)."""
        while isinstance(e, A.Paren):
            e = e.expr
        vals = [(self.evaluate(a, f"{path}.{i}"), pos_of(a)) for i, a in enumerate(e.args)]
        if any(isinstance(v, Err) for v, _ in vals):
            return Err()
        return self.transforms.transform_call(e, path, vals)

    def _chained_call(self, e: A.Call, path: str, chain_input: Value) -> Value:
        """`chain_input # name args`: a control merge or a node fed by the chain."""
        name = e.name
        is_node = name in self.registry
        is_control = name in self.controls
        is_transform = name in self.transform_table and not is_control
        if is_control and takes_merge(self.registry, chain_input, name, is_node,
                                      len(e.args) == 1 and not e.keywords):
            return self.merge_control(e, chain_input, path)
        takes_events = (isinstance(chain_input, Events) and chain_input.pattern is not None) \
            or is_eventish(chain_input)
        if not (is_node or is_control or is_transform or name in ENVELOPE_CONTROLS) and takes_events:
            # any other name is a control too (Tidal's pF "name"); a node that declares it
            # reads it, else the control report says it has no effect (lowering.py)
            return self.merge_control(e, chain_input, path)
        if name in ENVELOPE_CONTROLS and e.args and is_eventish(chain_input) \
                and not (isinstance(chain_input, Events) and chain_input.pattern is None):
            return self._merge_envelope(e, chain_input, path)
        if is_node:
            return self.nodes.node_call(e, path, chain_input)
        if is_control:
            return self.report.error(e.pos, f"'{name}' is a per-event control: the left of '#' must "
                                            f"be an event pattern (like s \"bd\"), got "
                                            f"{describe(chain_input)}")
        if is_transform and name in CHAINED_TRANSFORMS and is_eventish(chain_input):
            return self._chained_transform(e, path, chain_input)
        if is_transform:
            return self.report.error(e.pos, f"'{name}' is a pattern transform: apply it with '$', "
                                            "not '#'", f"x $ {name} ...")
        return self.unknown(e)

    def _chained_transform(self, e: A.Call, path: str, chain_input: Value) -> Value:
        """`n "0 2 4" # scale "minor"` (the original's form): the transform applied with `$`."""
        vals = [(self.evaluate(a, f"{path}.{i}"), pos_of(a)) for i, a in enumerate(e.args)]
        if any(isinstance(v, Err) for v, _ in vals):
            return Err()
        func = self.transforms.transform_call(e, path, vals)
        if not isinstance(func, Func):
            return func
        return self.transforms.apply_func(func, chain_input, e.pos, path)

    def _merge_envelope(self, e: A.Call, left: Value, path: str) -> Value:
        """`events # ar a r` / `# adsr a d s r`: the envelope's times as per-event controls."""
        names = ENVELOPE_CONTROLS[e.name]
        if e.keywords or len(e.args) > len(names):
            example = {"attack": "0.01", "decay": "0.1", "sustain": "0.5", "release": "0.2"}
            return self.report.error(e.pos, f"'{e.name}' after an event pattern takes at most "
                                            f"{len(names)} values ({' '.join(names)})",
                                     f"s \"bd*4\" # {e.name} " + " ".join(example[n] for n in names))
        for control, arg in zip(names, e.args):
            left = self.merge_control(A.Call(control, (arg,), (), pos_of(arg)), left,
                                      f"{path}.{control}")
            if isinstance(left, Err):
                return left
        return left

    def control_pattern(self, e: A.Call, path: str, vals: list | None = None) -> Any:
        """The control pattern of `name value` (`gain "1 0.5"` -> {gain: ...} events)."""
        if e.keywords:
            return self.report.error(e.keywords[0].pos, f"'{e.name}' is a per-event control and "
                                                        "takes no keywords")
        if vals is None:
            vals = [(self.evaluate(a, f"{path}.{i}"), pos_of(a)) for i, a in enumerate(e.args)]
        if len(vals) != 1:
            return self.report.error(vals[1][1] if len(vals) > 1 else e.pos,
                                     f"'{e.name}' takes one value (a number or a pattern), got {len(vals)}")
        v = vals[0][0]
        if isinstance(v, Err):
            return v
        if not isinstance(v, (Num, Text, Pat)) or (isinstance(v, Pat) and v.control):
            return self.report.error(pos_of(e.args[0]), f"{e.name}: expects a number or a pattern, "
                                                        f"got {describe(v)}",
                                     "per-event controls take their value at each event's onset")
        if isinstance(v, Text) and e.name in SAMPLE_CONTROLS:
            self.sounds.collect_samples(v)
            self.sounds.check_bus_words(v)
        p = self.lowering.as_pattern(v, pos_of(e.args[0]), e.name)
        if isinstance(p, Err):
            return p
        if e.name == "note" and isinstance(v, Text) and has_note_names(v.text):
            return self.report.guard(e.pos, e.name, lambda: p.fmap(absolute_note))
        return self.report.guard(e.pos, e.name, lambda: self.patterns.control(e.name, p))

    def merge_control(self, e: A.Call, left: Value, path: str) -> Value:
        """`left # name value`: the control merged into `left`'s events."""
        if isinstance(left, Events) and left.pattern is None:
            return self.report.error(e.pos, f"{left.kind} has no pattern to merge '{e.name}' into",
                                     f"merge it into the s pattern that plays the bus: "
                                     f"s \"{left.owner}\" # {e.name} ...")
        vals = [(self.evaluate(a, f"{path}.{i}"), pos_of(a)) for i, a in enumerate(e.args)]
        if any(isinstance(v, Err) for v, _ in vals):
            return Err()
        c = self.control_pattern(e, path, vals)
        if isinstance(c, Err):
            return c
        base = (self.report.guard(e.pos, "#", lambda: keyed(left)) if isinstance(left, Events)
                else left.pattern)
        if isinstance(base, Err):
            return base
        merged = self.report.guard(e.pos, "#", lambda: base.merge(c))
        if isinstance(merged, Err):
            return merged
        src = f"{left.source} # {e.name} ..."
        buses, samples = left.buses, left.samples
        if e.name in SAMPLE_CONTROLS:     # `# s "..."`: the sound comes from the right
            buses, samples = sound_words(vals[0][0])
        orbits, orbit_all = left.orbits, left.orbit_all
        if e.name == "orbit":             # `# orbit n`: every event has one (Tidal's `#`)
            orbits, orbit_all = self.orbits.values_of(vals[0][0], vals[0][1]), True
            if isinstance(orbits, Err):
                return orbits
        merges = left.merged + ((e.name, e.pos),)
        if isinstance(left, Events):
            ev = derived(left, merged, src, path, self.graph.owner)
            ev.control, ev.buses, ev.samples = True, buses, samples
            ev.orbits, ev.orbit_all, ev.merged = orbits, orbit_all, merges
            return ev
        return Pat(merged, src, left.pos, True, left.sound or e.name in SAMPLE_CONTROLS, buses, samples,
                   orbits, orbit_all, merges)

"""Bind a planned graph to live node instances and buffers, once, before the first block.

Everything an executor touches per block is precomputed here: for each node in plan order a
`Task` holding the node, its `Block` context, its input arrays, its `Params` object and its
output slot, plus the few per-block refreshers (pattern-stepped params, event triggers,
signal-modulated params). Executors (inline, actors) only walk these lists.
"""
from __future__ import annotations

import sys
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..timing.clock import Clock
from ..timing.events import SteppedParam, TriggerSource
from ..errors import PhononError, did_you_mean
from ..lang.ir import Const, Edge, GraphIR, NodeIR, PatternArg
from ..plan import Plan
from ..plugins.api import Block, Node, Params


@dataclass
class Modulation:
    """A parameter driven by another node's buffer: the channel mean, as float64."""

    name: str
    source: np.ndarray            # producer's (channels, B) float32 output (or prev buffer)
    buffer: np.ndarray            # (B,) float64


@dataclass
class Task:
    """One node's per-block work."""

    id: str
    kind: str
    node: Node
    ctx: Block
    ins: list[np.ndarray]
    params: Params
    out: np.ndarray               # (channels, B) float32 view of the node's slot
    modulations: list[Modulation] = field(default_factory=list)
    stepped: list[tuple[str, SteppedParam]] = field(default_factory=list)
    triggers: TriggerSource | None = None
    channels: int = 2


@dataclass
class Bound:
    """A graph bound to buffers: what an executor runs."""

    tasks: list[Task]
    slots: np.ndarray             # (n_slots, 2, B) float32
    master: Task
    delayed: list[tuple[np.ndarray, np.ndarray]]   # (writer's out, its previous-block buffer)
    shared_ctx: Block             # the context of every node that has no events
    block: int
    sr: int


def _loc_error(n: NodeIR, message: str, hint: str | None = None) -> PhononError:
    return PhononError(message, file=n.loc.file, line=n.loc.line, col=n.loc.col, hint=hint)


def instantiate(graph: GraphIR, plan: Plan, registry, resources: dict[str, Callable[[], Any]],
                sr: int, block: int,
                reporter: Callable[[str], None] | None = None) -> dict[str, Node]:
    """Construct every planned node (`Cls(**static)`), hand it its resources, `prepare` it.

    A `PhononError` raised while a node starts (an unknown plugin, a missing file) is the
    program's fault: it is moved to the node's position in the source and raised. Any other
    exception is the node's own (a broken plugin): it is reported once through `reporter`
    and the node is replaced by a silent stand-in, so the rest of the program plays."""
    nodes: dict[str, Node] = {}
    for nid in plan.order:
        n = graph.nodes[nid]
        cls = registry.get(n.kind)
        if cls is None:
            raise _loc_error(n, f"unknown node kind '{n.kind}'")
        static = {}
        for name, arg in n.params.items():
            p = cls.spec.param(name)
            if isinstance(arg, Const) and (p is None or p.kind in ("text", "any")):
                static[p.name if p else name] = arg.value
        try:
            nodes[nid] = _start(cls, nid, static, resources, sr, block)
        except PhononError as exc:
            if (exc.file, exc.line, exc.col) == ("<input>", 1, 1) and exc.source_line is None:
                raise _loc_error(n, exc.message, exc.hint) from exc
            raise
        except Exception:  # noqa: BLE001 - a plugin's failure must not stop the program
            tb = traceback.format_exc()
            (reporter or _stderr)(f"node {nid} ({n.kind}) failed to start; it is silent:\n{tb}")
            nodes[nid] = _start(_silenced(cls), nid, {}, {}, sr, block)
    return nodes


def _start(cls: type[Node], nid: str, static: dict, resources: dict[str, Callable[[], Any]],
           sr: int, block: int) -> Node:
    inst = cls(**static)
    inst.node_id = nid
    for res in getattr(cls, "resources", ()):
        factory = resources.get(res)
        setattr(inst, res, factory() if factory is not None else None)
    inst.prepare(sr, block, cls.spec.channels)
    return inst


def _silenced(cls: type[Node]) -> type[Node]:
    """A node with `cls`'s declaration that outputs silence (stands in for a failed start)."""

    class Silenced(Node):
        spec = cls.spec

        def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
            out[:, :ctx.frames] = 0.0

    Silenced.__name__ = Silenced.__qualname__ = f"Silenced{cls.__name__}"
    return Silenced


def _stderr(message: str) -> None:
    print(f"phonon: {message}", file=sys.stderr)


def bind(graph: GraphIR, plan: Plan, nodes: dict[str, Node], clock: Clock, block: int,
         start: int = 0, *, slots: np.ndarray | None = None,
         prev_buffers: np.ndarray | None = None) -> Bound:
    """Precompute the tasks of `plan` over preallocated slot buffers.

    `slots` ((n_slots, 2, block) float32) and `prev_buffers` ((len(plan.delayed), 2, block))
    let the caller own the buffers, e.g. in shared memory for the actor runtime."""
    sr = clock.sr
    if slots is None:
        slots = np.zeros((max(plan.n_slots, 1), 2, block), dtype=np.float32)
    if prev_buffers is None:
        prev = {w: np.zeros((2, block), dtype=np.float32) for w in plan.delayed}
    else:
        prev = {w: prev_buffers[i] for i, w in enumerate(plan.delayed)}
    shared = Block(index=0, start=start, frames=block, sr=sr, cps=float(clock.cps),
                   cycle=float(clock.cycle_at(start)))
    channels = {nid: type(nodes[nid]).spec.channels for nid in plan.order}

    def output_of(nid: str) -> np.ndarray:
        return slots[plan.slots[nid], : channels[nid]]

    def read(e: Edge) -> np.ndarray:
        src = prev[e.node][: channels[e.node]] if e.delayed else output_of(e.node)
        return src

    def audio_input(e: Edge) -> np.ndarray:
        src = read(e)
        if src.shape[0] == 1:                 # a mono producer feeds both channels
            return np.broadcast_to(src, (2, block))
        return src

    tasks: list[Task] = []
    for nid in plan.order:
        n = graph.nodes[nid]
        node = nodes[nid]
        spec = type(node).spec
        values: dict[str, Any] = {}
        mods: list[Modulation] = []
        stepped: list[tuple[str, SteppedParam]] = []
        triggers = None
        ctx = shared
        given = dict(n.params)
        for p in spec.params:
            arg = None
            for key in (p.name, *p.aliases):
                if key in given:
                    arg = given.pop(key)
                    break
            if p.kind == "events":
                # the events arrive in ctx.events; p.<name> tells whether a pattern was given
                values[p.name] = arg.pattern if isinstance(arg, PatternArg) else p.default
                if isinstance(arg, PatternArg):
                    triggers = TriggerSource(arg.pattern, clock, key=spec.name, start=start)
                    ctx = Block(index=0, start=start, frames=block, sr=sr, cps=shared.cps,
                                cycle=shared.cycle)
                elif arg is not None:
                    raise _loc_error(n, f"{spec.name}: {p.name} expects a pattern of events")
                elif p.required:
                    raise _loc_error(n, f"{spec.name}: missing required argument '{p.name}'")
                continue
            if isinstance(arg, Const) and arg.value is None:
                arg = None                        # an explicit "use the default"
            if arg is None:
                if p.required:
                    raise _loc_error(n, f"{spec.name}: missing required argument '{p.name}'")
                values[p.name] = p.default
            else:
                _bind_arg(n, p.name, p.kind, p.default, arg, values, mods, stepped,
                          read, clock, block, start)
        for name, arg in given.items():          # extra keywords (extra_params nodes)
            if not spec.extra_params:
                raise _loc_error(n, f"{spec.name} has no parameter '{name}'",
                                 did_you_mean(name, [p.name for p in spec.params]))
            _bind_arg(n, name, "number", 0.0, arg, values, mods, stepped, read, clock, block, start)
        if spec.inputs >= 0 and len(n.inputs) != spec.inputs:
            raise _loc_error(n, f"{spec.name} expects {spec.inputs} audio input"
                                f"{'s' if spec.inputs != 1 else ''}, got {len(n.inputs)}")
        ins = [audio_input(e) for e in n.inputs]
        tasks.append(Task(id=nid, kind=n.kind, node=node, ctx=ctx, ins=ins,
                          params=Params(**values), out=output_of(nid), modulations=mods,
                          stepped=stepped, triggers=triggers, channels=channels[nid]))
    by_id = {t.id: t for t in tasks}
    delayed = [(output_of(w), prev[w]) for w in plan.delayed]
    return Bound(tasks=tasks, slots=slots, master=by_id[plan.master], delayed=delayed,
                 shared_ctx=shared, block=block, sr=sr)


def _bind_arg(n: NodeIR, name: str, kind: str, default: Any, arg: Any, values: dict,
              mods: list, stepped: list, read, clock: Clock, block: int, start: int) -> None:
    if isinstance(arg, Const):
        value = arg.value
        if kind == "number" and not isinstance(value, str):
            value = float(value)
        values[name] = value
    elif isinstance(arg, PatternArg):
        base = default if isinstance(default, (int, float)) else 0.0
        sp = SteppedParam(arg.pattern, clock, block, float(base), start=start)
        stepped.append((name, sp))
        values[name] = sp.buffer
    elif isinstance(arg, Edge):
        mod = Modulation(name, read(arg), np.zeros(block, dtype=np.float64))
        mods.append(mod)
        values[name] = mod.buffer
    else:
        raise _loc_error(n, f"{n.kind}: unsupported argument for '{name}': {arg!r}")

"""Bind a planned graph to live node instances and buffers, once, before the first block.

Everything an executor touches per block is precomputed here: for each node in plan order a
`Task` holding the node, its `Block` context, its `Params` object, the per-block refreshers
(pattern-stepped params, event triggers, signal-modulated params) and one `Step` per ring slot
of buffers: the node's input arrays, its output slot and its modulation sources in that slot.
The inline executor has one ring slot; the actor runtime R (block g uses slot g % R). Executors
only walk these lists.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar

import numpy as np

from ..errors import PhononError, did_you_mean
from ..lang.ir import Const, Edge, GraphIR, NodeIR, PatternArg
from ..plan import Plan
from ..plugins.api import Block, Node, Params
from ..timing.clock import Clock
from ..timing.events import SteppedParam, TriggerSource
from .reports import stderr_sink

#: (left channel, right channel, mean buffer) of one signal-modulated parameter
ModSource = tuple[np.ndarray, np.ndarray, np.ndarray]


@dataclass
class Modulation:
    """A parameter driven by another node's buffer: the channel mean, as float64."""

    name: str
    edge: Edge                    # where the signal comes from
    source: np.ndarray            # producer's (channels, B) float32 output (or prev buffer)
    buffer: np.ndarray            # (B,) float64


@dataclass(slots=True)
class Step:
    """One task over one ring slot of buffers: everything the block loop touches."""

    process: Callable[[Block, list, Params, np.ndarray], None]
    ctx: Block
    ins: list[np.ndarray]
    params: Params
    out: np.ndarray               # (channels, B) float32 view of the node's slot
    mods: tuple[ModSource, ...]   # signal-modulated parameters (averaged before `process`)
    task: "Task"
    #: counts every field assignment of any Step: block runners keep the fields of their
    #: steps as tuples (`calls_of`) and rebuild them when this changed (a spy, a hot patch)
    edits: ClassVar[int] = 0

    def __init__(self, process: Callable[[Block, list, Params, np.ndarray], None], ctx: Block,
                 ins: list[np.ndarray], params: Params, out: np.ndarray,
                 mods: tuple[ModSource, ...], task: "Task") -> None:
        put = object.__setattr__          # a new step counts as one edit, not seven
        put(self, "process", process)
        put(self, "ctx", ctx)
        put(self, "ins", ins)
        put(self, "params", params)
        put(self, "out", out)
        put(self, "mods", mods)
        put(self, "task", task)
        Step.edits += 1

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        Step.edits += 1


@dataclass
class Task:
    """One node's per-block work. `ins`/`out` are its buffers in ring slot 0; `steps[r]` are
    its buffers in ring slot r."""

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
    wave: int = 0                 # the plan's wave (nodes of one wave are independent)
    steps: list[Step] = field(default_factory=list)


@dataclass
class Bound:
    """A graph bound to buffers: what an executor runs."""

    tasks: list[Task]
    slots: np.ndarray             # (R, n_slots, 2, B) float32: R ring slots of node outputs
    master: Task
    delayed: list[tuple[np.ndarray, np.ndarray]]   # ring slot 0: (writer's out, its previous)
    shared_ctx: Block             # the context of every node that has no events
    block: int
    sr: int

    @property
    def ring(self) -> int:
        """R, the number of ring slots (1 inline)."""
        return self.slots.shape[0]

    def release(self) -> None:
        """The graph will not run again (its executor closed): each task drops its steps,
        which refer back to it, so reference counting frees the nodes and their buffers at
        once instead of CPython's cyclic collector later."""
        for task in self.tasks:
            task.steps = []


def _loc_error(n: NodeIR, message: str, hint: str | None = None) -> PhononError:
    return PhononError(message, file=n.loc.file, line=n.loc.line, col=n.loc.col, hint=hint)


def static_args(n: NodeIR, cls: type[Node]) -> dict[str, Any]:
    """The constant arguments a node class receives as `__init__(**static)`: text and `any`
    parameters and every extra keyword (`vst3`'s plugin parameters)."""
    static = {}
    for name, arg in n.params.items():
        p = cls.spec.param(name)
        if isinstance(arg, Const) and (p is None or p.kind in ("text", "any")):
            static[p.name if p else name] = arg.value
    return static


def validate(graph: GraphIR, plan: Plan, registry) -> list[PhononError]:
    """What `Node.validate` finds wrong with each planned node, located at the node's call
    (`phonon check`: the errors `instantiate` would raise, found without starting a node)."""
    errors = []
    for nid in plan.order:
        n = graph.nodes[nid]
        cls = registry.get(n.kind)
        if cls is None:
            errors.append(_loc_error(n, f"unknown node kind '{n.kind}'"))
            continue
        try:
            cls.validate(**static_args(n, cls))
        except PhononError as exc:
            errors.append(_located(n, exc))
    return errors


def _located(n: NodeIR, exc: PhononError) -> PhononError:
    """`exc` moved to the node's call, unless it already points into the program."""
    if (exc.file, exc.line, exc.col) == ("<input>", 1, 1) and exc.source_line is None:
        return _loc_error(n, exc.message, exc.hint)
    return exc


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
        try:
            nodes[nid] = _start(cls, nid, static_args(n, cls), resources, sr, block)
        except PhononError as exc:
            located = _located(n, exc)
            if located is exc:
                raise
            raise located from exc
        except Exception:  # noqa: BLE001 - a plugin's failure must not stop the program
            tb = traceback.format_exc()
            (reporter or stderr_sink)(f"node {nid} ({n.kind}) failed to start; it is silent:\n{tb}")
            nodes[nid] = _start(_silenced(cls), nid, {}, {}, sr, block)
    return nodes


def _start(cls: type[Node], nid: str, static: dict, resources: dict[str, Callable[[], Any]],
           sr: int, block: int) -> Node:
    inst = cls(**static)
    inst.node_id = nid
    for res in cls.resources:
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


class _Buffers:
    """Where each node's output lives in each ring slot, and what an edge reads there."""

    def __init__(self, plan: Plan, channels: dict[str, int], block: int,
                 slots: np.ndarray | None, prev_buffers: np.ndarray | None) -> None:
        if slots is None:
            slots = np.zeros((1, max(plan.n_slots, 1), 2, block), dtype=np.float32)
        self.plan, self.channels, self.block, self.slots = plan, channels, block, slots
        self.ring = slots.shape[0]
        if self.ring == 1:                    # a feedback edge reads a copy of the last block
            if prev_buffers is None:
                prev_buffers = np.zeros((max(len(plan.delayed), 1), 2, block), dtype=np.float32)
            self.prev = {w: prev_buffers[i] for i, w in enumerate(plan.delayed)}

    def output(self, nid: str, r: int = 0) -> np.ndarray:
        return self.slots[r, self.plan.slots[nid], : self.channels[nid]]

    def previous(self, nid: str, r: int = 0) -> np.ndarray:
        """The writer's output of the block before the one in ring slot r: its own slot
        (r - 1) % R (with one ring slot, the copy made after each block)."""
        if self.ring == 1:
            return self.prev[nid][: self.channels[nid]]
        return self.output(nid, (r - 1) % self.ring)

    def read(self, e: Edge, r: int = 0) -> np.ndarray:
        return self.previous(e.node, r) if e.delayed else self.output(e.node, r)

    def audio_input(self, e: Edge, r: int = 0) -> np.ndarray:
        src = self.read(e, r)
        if src.shape[0] == 1:                 # a mono producer feeds both channels
            return np.broadcast_to(src, (2, self.block))
        return src

    def steps(self, task: Task, inputs: list[Edge]) -> list[Step]:
        """The task's `Step` in every ring slot."""
        out = []
        for r in range(self.ring):
            mods = []
            for m in task.modulations:
                src = self.read(m.edge, r)
                mods.append((src[0], src[1] if src.shape[0] > 1 else src[0], m.buffer))
            out.append(Step(task.node.process, task.ctx, [self.audio_input(e, r) for e in inputs],
                            task.params, self.output(task.id, r), tuple(mods), task))
        return out


def bind(graph: GraphIR, plan: Plan, nodes: dict[str, Node], clock: Clock, block: int,
         start: int = 0, *, slots: np.ndarray | None = None,
         prev_buffers: np.ndarray | None = None) -> Bound:
    """Precompute the tasks of `plan` over preallocated slot buffers.

    `slots` ((R, n_slots, 2, block) float32: R ring slots, default 1) and `prev_buffers`
    ((len(plan.delayed), 2, block), used when R = 1) let the caller own the buffers, e.g. in
    shared memory for the actor runtime. With R > 1 a feedback edge reads its writer's output
    of the previous block in the previous ring slot."""
    channels = {nid: type(nodes[nid]).spec.channels for nid in plan.order}
    buffers = _Buffers(plan, channels, block, slots, prev_buffers)
    shared = Block(index=0, start=start, frames=block, sr=clock.sr, cps=float(clock.cps),
                   cycle=float(clock.cycle_at(start)))
    wave_of = {nid: w for w, wave in enumerate(plan.waves) for nid in wave}
    tasks = []
    for nid in plan.order:
        n = graph.nodes[nid]
        task = _bind_task(n, nodes[nid], channels[nid], buffers, clock, shared, start)
        task.wave = wave_of[nid]
        task.steps = buffers.steps(task, n.inputs)
        tasks.append(task)
    by_id = {t.id: t for t in tasks}
    delayed = [(buffers.output(w), buffers.previous(w)) for w in plan.delayed]
    return Bound(tasks=tasks, slots=buffers.slots, master=by_id[plan.master], delayed=delayed,
                 shared_ctx=shared, block=block, sr=clock.sr)


def _bind_task(n: NodeIR, node: Node, channels: int, buffers: _Buffers, clock: Clock,
               shared: Block, start: int) -> Task:
    """Node `n`'s task: its parameters bound (checked against its spec), its ring-0 buffers."""
    spec = type(node).spec
    block = buffers.block
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
                ctx = Block(index=0, start=start, frames=block, sr=clock.sr, cps=shared.cps,
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
                      buffers, clock, start)
    for name, arg in given.items():          # extra keywords (extra_params nodes)
        if not spec.extra_params:
            raise _loc_error(n, f"{spec.name} has no parameter '{name}'",
                             did_you_mean(name, [p.name for p in spec.params]))
        _bind_arg(n, name, "number", 0.0, arg, values, mods, stepped, buffers, clock, start)
    if spec.inputs >= 0 and len(n.inputs) != spec.inputs:
        raise _loc_error(n, f"{spec.name} expects {spec.inputs} audio input"
                            f"{'s' if spec.inputs != 1 else ''}, got {len(n.inputs)}")
    return Task(id=n.id, kind=n.kind, node=node, ctx=ctx,
                ins=[buffers.audio_input(e) for e in n.inputs], params=Params(**values),
                out=buffers.output(n.id), modulations=mods, stepped=stepped, triggers=triggers,
                channels=channels)


def _bind_arg(n: NodeIR, name: str, kind: str, default: Any, arg: Any, values: dict,
              mods: list, stepped: list, buffers: _Buffers, clock: Clock, start: int) -> None:
    block = buffers.block
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
        mod = Modulation(name, arg, buffers.read(arg), np.zeros(block, dtype=np.float64))
        mods.append(mod)
        values[name] = mod.buffer
    else:
        raise _loc_error(n, f"{n.kind}: unsupported argument for '{name}': {arg!r}")

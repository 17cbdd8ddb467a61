"""Graph IR -> execution plan: topological waves, output slots with reuse, feedback edges.

Pure Python (no numpy): the plan is plain data that any executor (inline or actors) follows.

- **Waves** come from Kahn's algorithm over the *non-delayed* edges: wave 0 holds the nodes
  that read nothing computed this block, wave k the nodes whose inputs are all in waves < k.
  Nodes of one wave are independent and may run in parallel.
- **Delayed edges** (`Edge(delayed=True)`) read the writer's *previous* block. They do not
  order the graph, which is how feedback cycles become legal. A cycle made only of
  non-delayed edges is an error.
- **Slots**: every node writes into an output slot; a slot is handed to a later node once the
  last reader of its current content has run. Reuse happens at wave granularity (a slot freed
  by a reader in wave k is reused from wave k+1 on), so nodes of one wave never share a slot
  even when they run concurrently. The master's slot and the slots of nodes read through a
  delayed edge are pinned (never reused): the executor copies a delayed writer's slot into its
  "previous block" buffer once the block is done.
- Nodes that cannot reach the master (through any edge) are pruned: they cannot be heard. Sink
  nodes (a node class with `sink = True`, e.g. MIDI out) are kept like the master, with
  everything they read.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import PhononError
from ..lang.ir import Edge, GraphIR, NodeIR

#: The engine block of graphs with feedback edges: every feedback edge delays by this many
#: frames, whatever block size the caller renders with (see docs/engine.md).
FEEDBACK_BLOCK = 64


@dataclass
class Plan:
    """The execution plan of one graph."""

    waves: list[list[str]]                 # node ids per wave, in execution order
    slots: dict[str, int]                  # node id -> output slot index
    n_slots: int                           # how many slot buffers the executor allocates
    master: str                            # id of the node feeding the output
    delayed: list[str] = field(default_factory=list)   # writers read through a delayed edge
    feedback: list[tuple[str, str]] = field(default_factory=list)  # (reader, writer) pairs
    pruned: list[str] = field(default_factory=list)    # nodes dropped: not reachable from master

    @property
    def order(self) -> list[str]:
        """Every node id in execution order (waves flattened)."""
        return [nid for wave in self.waves for nid in wave]

    def describe(self) -> str:
        """A human-readable summary (used by `phonon check`)."""
        lines = [f"{len(self.order)} nodes in {len(self.waves)} waves, {self.n_slots} buffer slots"]
        for i, wave in enumerate(self.waves):
            lines.append(f"  wave {i}: " + ", ".join(wave))
        for reader, writer in self.feedback:
            lines.append(f"  feedback: {reader} reads {writer} {FEEDBACK_BLOCK} frames late")
        return "\n".join(lines)


def _error(graph: GraphIR, n: NodeIR | None, message: str, hint: str | None = None) -> PhononError:
    if n is None:
        return PhononError(message, file=graph.file, hint=hint)
    return PhononError(message, file=n.loc.file, line=n.loc.line, col=n.loc.col, hint=hint)


def _reachable(edges: dict[str, list[Edge]], root: str) -> set[str]:
    """The nodes `root` reads, directly or not (`edges`: each node's `NodeIR.edges()`)."""
    seen = {root}
    stack = [root]
    while stack:
        for e in edges[stack.pop()]:
            if e.node not in seen:
                seen.add(e.node)
                stack.append(e.node)
    return seen


def sinks(graph: GraphIR, registry) -> list[str]:
    """Nodes whose class declares `sink = True` (they act outside the audio graph, e.g. MIDI
    out): kept by the planner like the master. Needs the registry (none: no sinks)."""
    if registry is None:
        return []
    out = []
    for nid, n in graph.nodes.items():
        cls = registry.get(n.kind) if n.kind in registry else None
        if cls is not None and cls.sink:
            out.append(nid)
    return out


def plan(graph: GraphIR, registry=None, *, prune: bool = True) -> Plan:
    """Plan `graph`: waves, slots and feedback edges. `registry` is accepted for symmetry with
    the compiler (kinds are already canonical in the IR) and checked when given."""
    if not graph.master or graph.master not in graph.nodes:
        raise _error(graph, None, f"the graph has no master node (master={graph.master!r})")
    edges = {nid: n.edges() for nid, n in graph.nodes.items()}     # (each list made once)
    for nid, n in graph.nodes.items():
        if registry is not None and n.kind not in registry:
            raise _error(graph, n, f"unknown node kind '{n.kind}'")
        for e in edges[nid]:
            if e.node not in graph.nodes:
                raise _error(graph, n, f"node {n.id} reads unknown node '{e.node}'")

    live = set(graph.nodes)
    if prune:
        live = _reachable(edges, graph.master)
        for nid in sinks(graph, registry):      # heard outside the graph (MIDI out)
            live |= _reachable(edges, nid)
    ids = [nid for nid in graph.nodes if nid in live]          # deterministic (IR order)
    pruned = [nid for nid in graph.nodes if nid not in live]

    # Kahn over non-delayed edges. Several edges from the same writer count once.
    deps: dict[str, set[str]] = {nid: set() for nid in ids}
    readers: dict[str, set[str]] = {nid: set() for nid in ids}
    delayed_writers: list[str] = []
    feedback: list[tuple[str, str]] = []
    for nid in ids:
        for e in edges[nid]:
            if e.delayed:
                if e.node not in delayed_writers:
                    delayed_writers.append(e.node)
                if (nid, e.node) not in feedback:
                    feedback.append((nid, e.node))
            else:
                deps[nid].add(e.node)
                readers[e.node].add(nid)

    remaining = {nid: len(d) for nid, d in deps.items()}
    wave = [nid for nid in ids if remaining[nid] == 0]
    waves: list[list[str]] = []
    index = {nid: i for i, nid in enumerate(ids)}
    while wave:
        waves.append(wave)
        nxt: list[str] = []
        for nid in wave:
            for r in readers[nid]:
                remaining[r] -= 1
                if remaining[r] == 0:
                    nxt.append(r)
        wave = sorted(nxt, key=index.__getitem__)
    done = sum(len(w) for w in waves)
    if done != len(ids):
        stuck = [nid for nid in ids if remaining[nid] > 0]
        first = graph.nodes[stuck[0]]
        raise _error(graph, first,
                     "cycle without a delay between nodes " + ", ".join(stuck),
                     hint="mark one edge of the loop as a feedback (delayed) edge")

    # Slots: allocate per wave; free a slot after the wave of its content's last reader.
    wave_of = {nid: w for w, wave in enumerate(waves) for nid in wave}
    last_read: dict[str, int] = {}
    for nid in ids:
        for e in edges[nid]:
            if not e.delayed:
                last_read[e.node] = max(last_read.get(e.node, -1), wave_of[nid])
    pinned = set(delayed_writers) | {graph.master}
    slots: dict[str, int] = {}
    free: list[int] = []
    n_slots = 0
    release_at: dict[int, list[str]] = {}
    for w, wave in enumerate(waves):
        for nid in wave:
            if free:
                slots[nid] = free.pop()
            else:
                slots[nid] = n_slots
                n_slots += 1
            if nid not in pinned:
                release_at.setdefault(last_read.get(nid, w), []).append(nid)
        for nid in release_at.pop(w, []):
            free.append(slots[nid])
        free.sort(reverse=True)                  # lowest slot index first: stable layouts
    return Plan(waves=waves, slots=slots, n_slots=n_slots, master=graph.master,
                delayed=delayed_writers, feedback=feedback, pruned=pruned)

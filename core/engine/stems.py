"""Stems: each bus's share of the mix, rendered in the same pass as the mix, sample-aligned.

Where a program's output is `out: (~drums + ~bass + ~space * 0.25) # compressor # limiter`,
the **pre-master mix** is the sum `~drums + ~bass + ~space * 0.25` and the **master stage**
is what follows it: the output's effect chain (`# compressor # limiter`), the sum of the
outputs and the `master` node (NaN guard, clip). The stems are the *terms* of the pre-master
sum, named after their bus (`drums`, `bass`, `space` = `~space * 0.25`, its contribution as
mixed), plus `master` (the final output):

- **pre** (default): the terms themselves; they add up to the pre-master mix (float32 rounding
  of the mix's own additions apart: < -120 dB);
- **post**: each term through its own copy of the master stage (the chain's effects and the
  `master` node), what the term sounds like soloed through the master; they do not add up to
  the master (compressors and limiters are not linear).

How: the compiled graph is rewritten (`tap_graph`) with pass-through `stemtap` nodes that read
the mix and the terms and copy the mix on unchanged, so the master is bit-identical to a
normal render, and record every input block. The session runs inline (the actor runtime's
worker processes do not hand node buffers back) and without the optimiser (whose `mix` fuses
the terms away; its output is bit-identical anyway).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable

import numpy as np

from ..errors import PhononError, did_you_mean
from ..lang.ir import Edge, GraphIR, NodeIR
from ..plugins import Block, Node, Params, node

TAP = "stemtap"
MASTER = "master"


@node(TAP, doc="(internal) passes its first input on and records every input (stems).", inputs=-1)
class StemTap(Node):
    """Copies input 0 to the output; keeps each input's blocks for `recorded()`."""

    def prepare(self, sr: int, block: int, channels: int) -> None:
        self.blocks: list[list[np.ndarray]] = []
        #: input index -> consume((2, n) block): set by `StemTaps.stream` (nothing is kept)
        self.sinks: dict[int, Callable[[np.ndarray], None]] = {}

    def process(self, ctx: Block, ins: list, p: Params, out: np.ndarray) -> None:
        n = ctx.frames
        out[:, :n] = ins[0][:, :n]
        if self.sinks:
            for i, consume in self.sinks.items():
                consume(np.broadcast_to(ins[i][:, :n], (2, n)))
            return
        if not self.blocks:
            self.blocks = [[] for _ in ins]
        for keep, x in zip(self.blocks, ins):
            keep.append(np.array(np.broadcast_to(x[:, :n], (2, n)), dtype=np.float32))

    def recorded(self, frames: int) -> list[np.ndarray]:
        """Each input's first `frames` samples, (2, frames) float32."""
        return [np.concatenate(keep, axis=1)[:, :frames] if keep else
                np.zeros((2, frames), np.float32) for keep in self.blocks]


@dataclass
class OutputStems:
    """One output's pre-master mix node, its terms by stem name and its master-stage chain."""

    output: str
    mix: str                                   # the pre-master sum's node id
    terms: dict[str, str] = field(default_factory=dict)
    chain: list[str] = field(default_factory=list)      # effect node ids, in signal order
    reader: str = ""                           # the node reading `mix` (first effect or master mix)


def _chain(graph: GraphIR, output: str, final: str) -> tuple[str, list[str]]:
    """(pre-master mix id, effect chain ids) of one output: walk back from its final node
    through the statement's `# effect` nodes (ids `<owner>/0#k:kind`)."""
    chain: list[str] = []
    nid = final
    while True:
        n = graph.nodes[nid]
        last = nid.split(":", 1)[0].rsplit("/", 1)[-1]
        if n.bus != output or "#" not in last or len(n.inputs) != 1:
            return nid, chain[::-1]
        chain.append(nid)
        nid = n.inputs[0].node


def _term_name(graph: GraphIR, nid: str, owner: str) -> str:
    buses = {v: k for k, v in graph.buses.items()}
    if nid in buses:
        return buses[nid]
    n = graph.nodes[nid]
    if n.kind in ("mul", "gain") and n.bus == owner:
        for e in n.inputs:
            if e.node in buses:
                return buses[e.node]
        src = next((graph.nodes[e.node] for e in n.inputs
                    if graph.nodes[e.node].kind != "const"), n)
        return f"{owner}-{src.kind}"
    return f"{owner}-{n.kind}"


def _terms(graph: GraphIR, nid: str, owner: str) -> list[str]:
    """The summands of the pre-master sum (left to right): `add` nodes of the output's own
    expression are opened, anything else is one term."""
    n = graph.nodes[nid]
    if n.kind == "add" and n.bus == owner and not any(e.delayed for e in n.inputs):
        return [t for e in n.inputs for t in _terms(graph, e.node, owner)]
    return [nid]


def analyse(graph: GraphIR) -> list[OutputStems]:
    """Every output's pre-master mix, terms (named, unique) and chain."""
    found: list[OutputStems] = []
    taken = {MASTER}
    master_in = graph.nodes[graph.master].inputs[0].node if graph.nodes[graph.master].inputs else ""
    for output, final in graph.outputs.items():
        mix, chain = _chain(graph, output, final)
        stems = OutputStems(output, mix, chain=chain)
        for t in _terms(graph, mix, output):
            name = _term_name(graph, t, output)
            base, k = name, 2
            if name in taken:
                name = f"{base}@{output}"
            while name in taken:
                name, k = f"{base}@{output}.{k}", k + 1
            taken.add(name)
            stems.terms[name] = t
        stems.reader = chain[0] if chain else master_in
        found.append(stems)
    return found


def stem_names(graph: GraphIR) -> list[str]:
    """What `--stems` can name: every term of every output, then `master`."""
    return [name for o in analyse(graph) for name in o.terms] + [MASTER]


def select(graph: GraphIR, wanted: list[str] | None) -> list[str]:
    """The stems to render: all by default; unknown names are a PhononError with the choice."""
    names = stem_names(graph)
    if not wanted:
        return names
    out = []
    for w in wanted:
        w = w.lstrip("~")
        if w not in names:
            raise PhononError(f"no stem named '{w}'", file=graph.file,
                              hint=did_you_mean(w, names) or f"stems: {', '.join(names)}")
        if w not in out:
            out.append(w)
    return out


def _rewire(n: NodeIR, old: str, new: str) -> None:
    n.inputs = [Edge(new, e.delayed) if e.node == old and not e.delayed else e for e in n.inputs]


def tap_graph(graph: GraphIR, names: list[str], post: bool = False) -> tuple[GraphIR, list[tuple[str, list[str]]]]:
    """A copy of `graph` with stem taps; returns it and, per tap node, the stem name of each
    input (`""` for the pass-through one)."""
    g = copy.copy(graph)
    g.nodes = {k: copy.copy(v) for k, v in graph.nodes.items()}
    for n in g.nodes.values():
        n.options = {}                         # no `:isolate` worker: the session runs inline
    taps: list[tuple[str, list[str]]] = []
    post_inputs: list[tuple[str, str]] = []
    for o in analyse(graph):
        wanted = [(name, t) for name, t in o.terms.items() if name in names]
        if not post:
            tid = f"stems:{o.output}/pre:{TAP}"
            g.add(NodeIR(tid, TAP, [Edge(o.mix)] + [Edge(t) for _, t in wanted], bus=o.output,
                         loc=graph.nodes[o.mix].loc))
            _rewire(g.nodes[o.reader], o.mix, tid)
            taps.append((tid, ["", *(name for name, _ in wanted)]))
        else:
            for name, t in wanted:
                post_inputs.append((name, _clone_master_stage(g, graph, o, name, t)))
    if post and post_inputs:
        master = g.nodes[graph.master]
        src = master.inputs[0].node
        tid = f"stems:post:{TAP}"
        g.add(NodeIR(tid, TAP, [Edge(src)] + [Edge(p) for _, p in post_inputs], bus=MASTER,
                     loc=master.loc))
        _rewire(master, src, tid)
        taps.append((tid, ["", *(name for name, _ in post_inputs)]))
    return g, taps


def _clone_master_stage(g: GraphIR, graph: GraphIR, o: OutputStems, name: str, term: str) -> str:
    """Copies of the output's chain and of the master node fed by `term`; returns the last id."""
    prev = term
    for nid in [*o.chain, graph.master]:
        src = graph.nodes[nid]
        clone = NodeIR(f"stems:{name}/{nid}", src.kind, [Edge(prev)], dict(src.params),
                       bus=src.bus, loc=src.loc)
        g.add(clone)
        prev = clone.id
    return prev


def with_taps(registry) -> Any:
    """A registry holding `registry`'s nodes and the stem tap (the shared one stays as is)."""
    from ..plugins.registry import Registry
    reg = Registry()
    for e in registry.entries():
        reg.register(e.cls, e.source)
    reg.register(StemTap, "phonon.engine.stems")
    return reg


@dataclass
class StemTaps:
    """The stems a tapped session records: `collect` after rendering."""

    names: list[str]
    taps: list[tuple[str, list[str]]]
    post: bool = False

    def collect(self, session, frames: int, master: np.ndarray) -> dict[str, np.ndarray]:
        """Stem name -> (2, frames) float32, in the order asked for; `master` is the render."""
        got: dict[str, np.ndarray] = {}
        for tid, labels in self.taps:
            for label, audio in zip(labels, session.nodes[tid].recorded(frames)):
                if label:
                    got[label] = audio
        got[MASTER] = master
        return {n: got[n] for n in self.names if n in got}

    def stream(self, session, consume: Callable[[str, np.ndarray], None]) -> None:
        """Hand each stem's blocks to `consume(name, (2, n) block)` as they are rendered (a view
        valid during the call) instead of keeping them: memory stays bounded whatever the
        length (`phonon render --stems` writes each block to its file). `master` is the
        session's own output: take it from the render."""
        for tid, labels in self.taps:
            session.nodes[tid].sinks = {i: partial(consume, label)
                                        for i, label in enumerate(labels)
                                        if label and label in self.names}

    def mixes(self, session, frames: int) -> dict[str, np.ndarray]:
        """Output name -> its pre-master mix (what the pre stems add up to); pre taps only."""
        return {tid.split(":")[1].split("/")[0]: session.nodes[tid].recorded(frames)[0]
                for tid, _ in self.taps if tid.endswith(f"/pre:{TAP}")}

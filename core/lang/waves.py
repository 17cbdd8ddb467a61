"""Kahn layering of a `GraphIR` into waves (for `phonon check`; the engine uses `phonon.plan`)."""
from __future__ import annotations

from .ir import GraphIR


def waves(ir: GraphIR) -> list[list[str]]:
    """Node ids by topological level over non-delayed edges; wave 0 reads nothing this block.

    Nodes left on a cycle of non-delayed edges (which the compiler never produces) are returned
    as one last wave so that nothing is lost from a summary.
    """
    indegree = {nid: 0 for nid in ir.nodes}
    readers: dict[str, list[str]] = {nid: [] for nid in ir.nodes}
    for n in ir.nodes.values():
        for e in n.edges():
            if not e.delayed and e.node in indegree:
                indegree[n.id] += 1
                readers[e.node].append(n.id)
    current = [nid for nid, d in indegree.items() if d == 0]
    out: list[list[str]] = []
    done = 0
    while current:
        out.append(current)
        done += len(current)
        nxt = []
        for nid in current:
            for r in readers[nid]:
                indegree[r] -= 1
                if indegree[r] == 0:
                    nxt.append(r)
        current = nxt
    if done < len(ir.nodes):
        placed = {nid for w in out for nid in w}
        out.append([nid for nid in ir.nodes if nid not in placed])
    return out

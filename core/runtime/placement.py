"""Placement: which process hosts each task — the coordinator, a balance worker or an isolated
worker — and what each task must then wait for (its producers hosted elsewhere).

Nodes chosen for isolation (`RuntimeOptions.isolate` kinds, or a node's `isolate` option) each
get their own worker from the first block. The others start with the coordinator; `by_cost`
then applies the cost model to the measured µs per block (`costmodel.decide`), and `all_to_workers`
ships every node round robin (tests, diagnostics). Placement is sticky: a node never moves back
unless its worker dies (`hosts_now`).
"""
from __future__ import annotations

from typing import Iterable

from ..lang.ir import GraphIR
from ..plan import Plan
from .blocks import Job
from .costmodel import COORDINATOR, LIGHT_NODE, SHARE, SHIP_MIN_US, PlacementInput, decide

PINNED = "pinned"              # `Node.in_process`: stays in the session's process
MEASURING = "measuring"        # before the placement is decided

#: how the summary line words each reason for keeping nodes with the coordinator
_SUMMARY = {LIGHT_NODE: f"light (< {SHIP_MIN_US:.0f} µs: not worth a hand-over)",
            SHARE: "the coordinator's share of the work", PINNED: "pinned to the session process"}


class Placement:
    """The host of every task (plan index -> 0 coordinator, k worker slot k)."""

    def __init__(self, graph: GraphIR, plan: Plan, isolate: Iterable[str],
                 pinned: Iterable[str] = ()) -> None:
        """`pinned`: ids of nodes that must stay in the coordinator (`Node.in_process`: they
        use something of the session's own process, such as a MIDI port)."""
        order = plan.order
        isolate = set(isolate)
        self.index_of = {nid: i for i, nid in enumerate(order)}
        self.wave_of = [0] * len(order)
        for w, wave in enumerate(plan.waves):
            for nid in wave:
                self.wave_of[self.index_of[nid]] = w
        #: the non-delayed producers of each task (what it waits for when they are remote)
        self.producers = [sorted({self.index_of[e.node] for e in graph.nodes[nid].edges()
                                  if not e.delayed}) for nid in order]
        self.host = {i: COORDINATOR for i in range(len(order))}
        self.names = {COORDINATOR: "coordinator"}
        self.pending: list[tuple[int, bool]] = []       # (worker slot, isolated) not yet forked
        self.pinned = {self.index_of[nid] for nid in pinned if nid in self.index_of}
        self.isolated = [i for i, nid in enumerate(order) if i not in self.pinned and
                         (graph.nodes[nid].kind in isolate or graph.nodes[nid].options.get("isolate"))]
        self.decided = False                 # the balance placement is made (once)
        self.reason = ""                     # what the cost model decided, and why
        #: why each task hosted by the coordinator stays there (`why`), once decided
        self.kept: dict[int, str] = {i: PINNED for i in self.pinned}
        self._next_slot = 1
        for i in self.isolated:
            self.assign([i], isolated=True)

    def assign(self, indices: list[int], isolated: bool) -> int:
        """Put `indices` on a new worker (forked at the next block boundary); its slot."""
        slot = self._next_slot
        self._next_slot += 1
        for i in indices:
            self.host[i] = slot
        self.names[slot] = f"isolated {slot}" if isolated else f"worker {slot}"
        self.pending.append((slot, isolated))
        return slot

    def take_pending(self) -> list[tuple[int, bool]]:
        pending, self.pending = self.pending, []
        return pending

    def all_to_workers(self, workers: int) -> None:
        """Every non-isolated node to a worker, round robin within each wave (the coordinator
        only synchronises)."""
        groups: list[list[int]] = [[] for _ in range(workers)]
        k = 0
        for i in sorted(self.host, key=lambda i: (self.wave_of[i], i)):
            if self.host[i] == COORDINATOR and i not in self.pinned:
                groups[k % workers].append(i)
                k += 1
        for g in groups:
            if g:
                self.assign(g, isolated=False)
        self.decided = True
        self.reason = f"placement 'all': every node on {workers} worker(s)"

    def by_cost(self, cost_us: list[float], workers: int, cores: int) -> None:
        """Balance the coordinator's nodes over up to `workers` workers by their measured
        µs per block (`costmodel.decide`)."""
        movable = {i for i in range(len(cost_us))
                   if self.host[i] == COORDINATOR and i not in self.pinned}
        inputs = [PlacementInput(i, self.wave_of[i], cost_us[i],   # isolated producers stay put
                                 [p for p in self.producers[i] if p in movable])
                  for i in sorted(movable)]
        decision = decide(inputs, workers, cores)
        groups: dict[int, list[int]] = {}
        for i, h in decision.host.items():
            if h != COORDINATOR:
                groups.setdefault(h, []).append(i)
        for h in sorted(groups):
            self.assign(groups[h], isolated=False)
        self.decided = True
        self.reason = decision.reason
        self.kept.update(decision.kept)

    def keep_all(self, why: str, reason: str) -> None:
        """Decide that every non-isolated task stays with the coordinator, and why."""
        self.decided = True
        self.reason = reason
        for i, h in self.host.items():
            if h == COORDINATOR:
                self.kept.setdefault(i, why)

    def why(self, i: int) -> str:
        """Why task `i` is where it is: the reason it stays with the coordinator, or ''."""
        if self.host[i] != COORDINATOR:
            return ""
        return self.kept.get(i, "" if self.decided else MEASURING)

    def kept_summary(self) -> str:
        """'kept in the coordinator: 9 light (...), 2 ...' once workers run, or ''."""
        counts: dict[str, int] = {}
        for i, h in self.host.items():
            if h == COORDINATOR and (why := self.kept.get(i)):
                counts[why] = counts.get(why, 0) + 1
        if not counts or all(h == COORDINATOR for h in self.host.values()):
            return ""
        order = list(_SUMMARY)
        parts = [f"{n} {_SUMMARY.get(why, why)}" for why, n in
                 sorted(counts.items(), key=lambda c: order.index(c[0]) if c[0] in order else 9)]
        return "kept in the coordinator: " + ", ".join(parts)

    def hosts_now(self, dead: set[int]) -> dict[int, int]:
        """The current host of each task: the tasks of dead workers run in the coordinator."""
        return {i: COORDINATOR if h in dead else h for i, h in self.host.items()}

    def link(self, jobs: list[Job], host: dict[int, int]) -> None:
        """Which producers each job waits for (hosted elsewhere) and which jobs publish to
        another process (`shared`: they must ring the bell)."""
        for j in jobs:
            j.remote = [p for p in self.producers[j.index] if host[p] != host[j.index]]
            j.shared = False
        for j in jobs:
            for p in j.remote:
                jobs[p].shared = True

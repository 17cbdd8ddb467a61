"""The actor runtime's shared memory: one segment per session, laid out once (docs/runtime.md).

- `slots` (R, nodes, 2, B) float32: R ring slots per node output (block g writes slot g % R; no
  slot reuse between nodes, so tasks of different waves and blocks may overlap);
- `prev` (delayed edges, 2, B): the feedback buffers, used only when R = 1;
- `seq` int64 per node: the number of the last block it published;
- `ctl` control words (`GO`: the last block published, `STOP`); `blocks` one record per ring
  slot (`START`, `FRAMES`, `CHECK`, `INDEX`, `CLOCK`: samples, NaN check, block index, tempo
  version);
- per process: `done` (last block finished), `reports` (report counter), `sleepers` (asleep in
  the futex), `waited` (ns spent waiting), `requests` (hot-swap state requests); `bell`, the
  futex word;
- `prof` (nodes, 2) int64: ns and blocks counted per node (cost model and `--profile`).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..plan import Plan
from .shm import Arena, Layout, Waiter

GO, STOP = range(2)                               # ctl words
CTL_WORDS = 4
START, FRAMES, CHECK, INDEX, CLOCK = range(5)     # a block record
BLOCK_WORDS = 5


def unique_slots(plan: Plan) -> Plan:
    """The plan with one slot per node (no reuse: tasks of different waves may overlap)."""
    order = plan.order
    return replace(plan, slots={nid: i for i, nid in enumerate(order)}, n_slots=len(order))


class ActorArena:
    """The shared-memory segment of one actor executor and its named views (made once)."""

    def __init__(self, nodes: int, delayed: int, block: int, ring: int, procs: int) -> None:
        layout = Layout()
        layout.add("slots", (ring, max(nodes, 1), 2, block), np.float32)
        layout.add("prev", (max(delayed, 1), 2, block), np.float32)
        layout.add("seq", nodes, np.int64)
        layout.add("prof", (max(nodes, 1), 2), np.int64)
        layout.add("ctl", CTL_WORDS, np.int64)
        layout.add("blocks", (ring, BLOCK_WORDS), np.int64)
        for name in ("done", "reports", "sleepers", "waited", "requests"):
            layout.add(name, procs, np.int64)
        layout.add("bell", 1, np.int32)
        self.arena = Arena(layout)
        self.name = self.arena.name
        a = self.arena
        self.slots, self.prev, self.seq, self.prof = a["slots"], a["prev"], a["seq"], a["prof"]
        self.ctl, self.blocks = a["ctl"], a["blocks"]
        self.done, self.reports, self.waited = a["done"], a["reports"], a["waited"]
        self.requests = a["requests"]

    def waiter(self, me: int) -> Waiter:
        """The waiter of process `me` (0: the coordinator) on this segment's futex word."""
        a = self.arena
        return Waiter(a["bell"], a.address_of("bell"), a["sleepers"], me)

    def close(self) -> None:
        """Unlink the segment (views stay valid while referenced)."""
        self.arena.close()

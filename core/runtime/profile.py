"""The profile report: per node wave, host, µs per block and share (`phonon render --profile`)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class ProfileRow:
    id: str
    kind: str
    wave: int
    host: str
    us_per_block: float
    share: float
    why: str = ""                 # why a node stays with the coordinator (see `Placement.why`)


@dataclass
class Profile:
    rows: list[ProfileRow]
    blocks: int
    barrier_us_per_block: float          # coordinator time spent waiting for workers
    worker_wait_us_per_block: dict[str, float] = field(default_factory=dict)
    placement: str = ""                  # how the graph runs, and why (see `Executor.describe`)

    def table(self) -> str:
        """A plain-text table (also rendered with rich by `phonon render --profile`)."""
        lines = [f"{'node':40} {'kind':12} {'wave':>4} {'host':12} {'µs/block':>9} {'share':>6}"
                 f"  why"]
        for r in self.rows:
            lines.append(f"{r.id[:40]:40} {r.kind[:12]:12} {r.wave:>4} {r.host:12} "
                         f"{r.us_per_block:>9.1f} {100 * r.share:>5.1f}%  {r.why}".rstrip())
        lines += self._notes()
        return "\n".join(lines)

    def rich_table(self):
        """The profile as a `rich.table.Table` (for `phonon render --profile`)."""
        from rich.table import Table
        t = Table(title=f"profile: {self.blocks} blocks", caption="\n".join(self._notes()))
        for col, just in (("node", "left"), ("kind", "left"), ("wave", "right"),
                          ("host", "left"), ("µs/block", "right"), ("share", "right"),
                          ("why", "left")):
            t.add_column(col, justify=just)
        for r in self.rows:
            t.add_row(r.id, r.kind, str(r.wave), r.host, f"{r.us_per_block:.1f}",
                      f"{100 * r.share:.1f}%", r.why)
        return t

    def _notes(self) -> list[str]:
        lines = [f"barrier wait (coordinator): {self.barrier_us_per_block:.1f} µs/block "
                 f"over {self.blocks} blocks"]
        lines += [f"wait in {name}: {us:.1f} µs/block"
                  for name, us in self.worker_wait_us_per_block.items()]
        if self.placement:
            lines.append(self.placement)
        return lines


def build_profile(ids: list[str], kinds: list[str], waves: list[int], hosts: list[str],
                  prof: np.ndarray, first: np.ndarray | None, blocks: int,
                  barrier_ns: int = 0, waits_ns: dict[str, int] | None = None,
                  placement: str = "", whys: list[str] | None = None) -> Profile:
    """Rows from the profile counters `prof` ((n, 2) int64: total ns, blocks counted per
    task); `first`, the counters after the first block, is subtracted (steady state: the first
    block pays for JIT compiles and sample loading). `whys`: why each node stays with the
    coordinator ('' where it does not)."""
    prof = prof.copy()
    if first is not None and blocks > 1:
        prof -= first
    us = [float(prof[i, 0]) / 1e3 / max(1, int(prof[i, 1])) for i in range(len(ids))]
    total = sum(us) or 1.0
    whys = whys or [""] * len(ids)
    rows = [ProfileRow(ids[i], kinds[i], waves[i], hosts[i], us[i], us[i] / total, whys[i])
            for i in range(len(ids))]
    per_block = max(1, blocks)
    waits = {name: ns / 1e3 / per_block for name, ns in (waits_ns or {}).items()}
    return Profile(rows, blocks, barrier_ns / 1e3 / per_block, waits, placement)

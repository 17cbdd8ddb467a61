"""The cost model: measured µs per node per block decides which nodes are shipped to workers.

The actor executor first renders a few blocks with every (non-isolated) node in the coordinator
and times each node's `process`. Then `place`:

- keeps a node with the coordinator when it costs less than `ship_min_us` (shipping it would
  cost more in signalling than it saves);
- keeps *everything* with the coordinator when the shippable work is less than `total_min_us`
  per block (light graphs run exactly as inline, no worker is even started);
- otherwise balances the heavy nodes wave by wave (longest first onto the least loaded host),
  preferring the host that already runs the node's heaviest producer (chains stay together)
  when that host is not overloaded. The coordinator is a host too unless the workers already
  fill every core (it still runs the light nodes and synchronises).
"""
from __future__ import annotations

from dataclasses import dataclass, field

COORDINATOR = 0

SHIP_MIN_US = 40.0
TOTAL_MIN_US = 400.0
SYNC_US = 60.0          # one cross-process hand-over (wake-up) on these VMs, measured
GAIN_MIN = 0.8          # ship only if the estimated block time drops below 80 % of inline


@dataclass
class PlacementInput:
    """What placement needs to know about one task."""

    index: int                     # plan order
    wave: int
    cost_us: float                 # measured µs per block
    producers: list[int]           # indices of the non-delayed producers


def median(values: list[float]) -> float:
    v = sorted(values)
    n = len(v)
    if not n:
        return 0.0
    return v[n // 2] if n % 2 else 0.5 * (v[n // 2 - 1] + v[n // 2])


#: why a task stays with the coordinator (`Decision.kept`; the profile's "why" column)
LIGHT_GRAPH, LIGHT_NODE, SHARE, NO_GAIN, NO_WORKER = (
    "light graph", "light node", "its share", "no gain", "no worker")


@dataclass
class Decision:
    """A placement and the reason for it, in words (`phonon render --profile` prints it)."""

    host: dict[int, int]           # task index -> 0 coordinator, 1..workers a balance worker
    reason: str
    #: task index -> why it stays with the coordinator (one of the words above)
    kept: dict[int, str] = field(default_factory=dict)


def _inline(tasks: list[PlacementInput], why: str, reason: str) -> Decision:
    return Decision({t.index: COORDINATOR for t in tasks}, reason,
                    {t.index: why for t in tasks})


def place(tasks: list[PlacementInput], workers: int, cores: int, **limits: float) -> dict[int, int]:
    """Host per task index: 0 = coordinator, 1..workers = a balance worker (see `decide`)."""
    return decide(tasks, workers, cores, **limits).host


def decide(tasks: list[PlacementInput], workers: int, cores: int, *,
           ship_min_us: float = SHIP_MIN_US, total_min_us: float = TOTAL_MIN_US,
           sync_us: float = SYNC_US) -> Decision:
    """The placement of `tasks` over the coordinator and up to `workers` workers, and why."""
    host = {t.index: COORDINATOR for t in tasks}
    heavy = [t for t in tasks if t.cost_us >= ship_min_us]
    total = sum(t.cost_us for t in tasks)
    shippable = sum(t.cost_us for t in heavy)
    if shippable < total_min_us:                 # light: no worker would pay, however many
        return _inline(tasks, LIGHT_GRAPH,
                       f"kept inline by the cost model: the nodes worth shipping (>= "
                       f"{ship_min_us:.0f} µs each) take {shippable:.0f} of {total:.0f} µs per "
                       f"block; a worker pays off from {total_min_us:.0f} µs")
    if workers <= 0:
        return _inline(tasks, NO_WORKER, "kept inline: no worker may run beside the coordinator")
    hosts = list(range(1, workers + 1))
    if workers < cores:
        hosts.insert(0, COORDINATOR)
    by_wave: dict[int, list[PlacementInput]] = {}
    for t in heavy:
        by_wave.setdefault(t.wave, []).append(t)
    cost = {t.index: t.cost_us for t in tasks}
    for wave in sorted(by_wave):
        group = by_wave[wave]
        if len(group) == 1:                    # nothing runs beside it: stay with the producer
            t = group[0]
            if t.producers:
                host[t.index] = host[max(t.producers, key=lambda i: cost.get(i, 0.0))]
            continue
        load = {h: 0.0 for h in hosts}
        share = sum(t.cost_us for t in group) / len(hosts)
        for t in sorted(group, key=lambda t: (-t.cost_us, t.index)):
            best = min(hosts, key=lambda h: (load[h], h))
            if t.producers:                     # keep a chain with its heaviest producer
                prev = host[max(t.producers, key=lambda i: cost.get(i, 0.0))]
                if prev in load and load[prev] + t.cost_us <= share * 1.05 + 1e-9:
                    best = prev
            host[t.index] = best
            load[best] += t.cost_us
    _attach_light(tasks, host, cost, ship_min_us)
    span = makespan(tasks, host, sync_us)
    used = sorted({h for h in host.values() if h != COORDINATOR})
    if span > GAIN_MIN * total:
        return _inline(tasks, NO_GAIN,
                       f"kept inline by the cost model: on {len(used)} worker(s) a block would "
                        f"take ~{span:.0f} µs against {total:.0f} µs inline (it must save "
                        f"{100 * (1 - GAIN_MIN):.0f} %)")
    shipped = sum(1 for h in host.values() if h != COORDINATOR)
    kept = {t.index: LIGHT_NODE if t.cost_us < ship_min_us else SHARE
            for t in tasks if host[t.index] == COORDINATOR}
    return Decision(host, f"the cost model put {shipped} of {len(tasks)} nodes on "
                          f"{len(used)} worker(s): ~{span:.0f} µs per block against "
                          f"{total:.0f} µs inline", kept)


def makespan(tasks: list[PlacementInput], host: dict[int, int], sync_us: float) -> float:
    """Estimated µs per block of a placement: each host runs its tasks in plan order; an
    input from another host (and the start and end of a block on a worker) costs `sync_us`."""
    free: dict[int, float] = {}
    finish: dict[int, float] = {}
    for t in sorted(tasks, key=lambda t: t.index):
        h = host[t.index]
        start = free.get(h, 0.0 if h == COORDINATOR else sync_us)
        for p in t.producers:
            start = max(start, finish.get(p, 0.0) + (sync_us if host.get(p) != h else 0.0))
        finish[t.index] = free[h] = start + t.cost_us
    return max([v + (sync_us if h != COORDINATOR else 0.0) for h, v in free.items()] or [0.0])


def _attach_light(tasks: list[PlacementInput], host: dict[int, int], cost: dict[int, float],
                  ship_min_us: float) -> None:
    """Light nodes follow heavy ones so that chains cross processes as rarely as possible:
    a light node whose readers all live on one worker moves there (in reverse plan order, so
    a light feeder chain — an LFO and its scaling — follows as a whole), then a light node
    whose producers all live on one worker moves there (a chain's tail)."""
    readers: dict[int, list[int]] = {t.index: [] for t in tasks}
    for t in tasks:
        for p in t.producers:
            readers.setdefault(p, []).append(t.index)
    light = [t for t in tasks if cost[t.index] < ship_min_us]
    for t in sorted(light, key=lambda t: -t.index):
        hs = {host[r] for r in readers.get(t.index, [])}
        if len(hs) == 1 and (h := hs.pop()) != COORDINATOR:
            host[t.index] = h
    for t in sorted(light, key=lambda t: t.index):
        hs = {host[p] for p in t.producers}
        if host[t.index] == COORDINATOR and len(hs) == 1 and (h := hs.pop()) != COORDINATOR:
            if readers.get(t.index):                  # never the master (read by nobody)
                host[t.index] = h

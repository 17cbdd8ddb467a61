"""Placement from measured costs: light graphs stay inline, heavy chains are balanced."""
from __future__ import annotations

from phonon.runtime.costmodel import COORDINATOR, LIGHT_GRAPH, LIGHT_NODE, NO_GAIN, SHARE, \
    PlacementInput, decide, makespan, median, place


def chains(n_chains: int, costs: list[float], source_us: float = 20.0,
           mix_us: float = 5.0) -> list[PlacementInput]:
    """n parallel chains source -> stage... summed by one mix node (plan order)."""
    tasks: list[PlacementInput] = []
    tails = []
    idx = 0
    heads = []
    for c in range(n_chains):
        tasks.append(PlacementInput(idx, 0, source_us, []))
        heads.append(idx)
        idx += 1
    prev = heads
    for w, cost in enumerate(costs, start=1):
        cur = []
        for c in range(n_chains):
            tasks.append(PlacementInput(idx, w, cost, [prev[c]]))
            cur.append(idx)
            idx += 1
        prev = cur
    tails = prev
    tasks.append(PlacementInput(idx, len(costs) + 1, mix_us, tails))
    return tasks


def test_light_graph_stays_with_the_coordinator():
    tasks = chains(2, [30.0, 25.0])                        # every node under 40 µs
    assert set(place(tasks, workers=2, cores=2).values()) == {COORDINATOR}


def test_too_little_shippable_work_stays_inline():
    tasks = chains(2, [100.0])                             # 200 µs heavy in total < 400
    assert set(place(tasks, workers=2, cores=2).values()) == {COORDINATOR}


def test_heavy_chains_are_split_evenly_and_stay_whole():
    tasks = chains(8, [100.0, 60.0, 30.0])                 # reverb, ladder, compressor
    host = place(tasks, workers=2, cores=2)
    mix = tasks[-1].index
    assert host[mix] == COORDINATOR                        # the master path stays home
    by_chain = []
    for c in range(8):
        members = [c] + [8 * w + c for w in (1, 2, 3)]     # source, reverb, ladder, comp
        hosts = {host[i] for i in members}
        assert len(hosts) == 1, f"chain {c} split over {hosts}"
        by_chain.append(hosts.pop())
    assert sorted(by_chain) == [1, 1, 1, 1, 2, 2, 2, 2]    # 4 chains per worker


def test_one_worker_on_two_cores_uses_the_coordinator_as_a_host():
    tasks = chains(4, [200.0])
    host = place(tasks, workers=1, cores=2)
    heavy_hosts = sorted(host[i] for i in range(4, 8))
    assert heavy_hosts == [0, 0, 1, 1]


def test_a_serial_chain_is_not_worth_shipping():
    tasks = [PlacementInput(0, 0, 10.0, []), PlacementInput(1, 1, 500.0, [0]),
             PlacementInput(2, 2, 500.0, [1]), PlacementInput(3, 3, 5.0, [2])]
    assert set(place(tasks, workers=2, cores=2).values()) == {COORDINATOR}


def test_makespan_counts_cross_process_hand_overs():
    tasks = [PlacementInput(0, 0, 100.0, []), PlacementInput(1, 0, 100.0, []),
             PlacementInput(2, 1, 10.0, [0, 1])]
    inline = {0: 0, 1: 0, 2: 0}
    split = {0: 0, 1: 1, 2: 0}
    assert makespan(tasks, inline, 60.0) == 210.0
    # worker starts after one hand-over (60), finishes at 160, hands back (+60) -> 220 + 10
    assert makespan(tasks, split, 60.0) == 230.0
    assert makespan(tasks, split, 0.0) == 110.0


def test_a_light_feeder_chain_follows_the_heavy_node_it_modulates():
    """16 voices as in benchmarks/parallel.py WIDE: saw -> lpf (heavy) -> delay (heavy), the
    lpf's cutoff an LFO chain sine -> * -> + (all light): each voice's feeders go with it, so
    a voice crosses processes once (into the mix), not at every feeder."""
    tasks, tails, i = [], [], 0
    for v in range(4):
        saw, sine, mul, add, lpf, dly = range(i, i + 6)
        tasks += [PlacementInput(saw, 0, 10.0, []), PlacementInput(sine, 0, 8.0, []),
                  PlacementInput(mul, 1, 3.0, [sine]), PlacementInput(add, 2, 3.0, [mul]),
                  PlacementInput(lpf, 3, 150.0, [saw, add]), PlacementInput(dly, 4, 120.0, [lpf])]
        tails.append(dly)
        i += 6
    tasks.append(PlacementInput(i, 5, 5.0, tails))
    host = place(tasks, workers=1, cores=2)
    for v in range(4):
        voice = range(6 * v, 6 * v + 6)
        assert len({host[k] for k in voice}) == 1, f"voice {v} split: {[host[k] for k in voice]}"
    assert sorted(host[6 * v] for v in range(4)) == [0, 0, 1, 1]
    assert host[i] == COORDINATOR


def test_each_node_kept_with_the_coordinator_has_its_reason():
    tasks = chains(4, [200.0])                 # sources 20 µs, 4 x 200 µs, mix 5 µs
    d = decide(tasks, workers=1, cores=2)
    kept = {i for i, h in d.host.items() if h == COORDINATOR}
    assert set(d.kept) == kept                 # every node kept has a reason, no other node
    heavy_here = [i for i in range(4, 8) if d.host[i] == COORDINATOR]
    assert len(heavy_here) == 2 and all(d.kept[i] == SHARE for i in heavy_here)
    assert d.kept[8] == LIGHT_NODE             # the mix: 5 µs, not worth a hand-over
    assert all(d.kept[i] == LIGHT_NODE for i in range(4) if i in kept)


def test_a_graph_kept_inline_names_the_same_reason_for_every_node():
    light = decide(chains(2, [100.0]), workers=2, cores=2)
    assert set(light.kept.values()) == {LIGHT_GRAPH} and len(light.kept) == 5
    serial = [PlacementInput(0, 0, 10.0, []), PlacementInput(1, 1, 500.0, [0]),
              PlacementInput(2, 2, 500.0, [1]), PlacementInput(3, 3, 5.0, [2])]
    assert set(decide(serial, workers=2, cores=2).kept.values()) == {NO_GAIN}


def test_median():
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0, 2.0, 3.0]) == 2.5
    assert median([]) == 0.0

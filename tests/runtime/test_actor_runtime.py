"""ActorExecutor: bit-identical to inline, faults contained, shared memory always unlinked."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from phonon.engine.session import Session
from phonon.errors import PhononError
from phonon.lang.ir import Const, Edge
from phonon.runtime.actors import ActorExecutor
from phonon.runtime.options import RuntimeOptions
from phonon.runtime.shm import leftover_segments

from tests.process_lines import Lines
from tests.graph_fixtures import CyclePattern, busy_graph, graph, n, registry

SR = 44100
ROOT = Path(__file__).resolve().parents[2]


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


@pytest.fixture(autouse=True)
def no_leftover_shm():
    before = set(leftover_segments(os.getpid()))
    yield
    left = set(leftover_segments(os.getpid())) - before
    assert not left, f"shared memory left behind: {sorted(left)}"


def render(g, frames, block, workers=0, reg=None, **runtime):
    problems: list[str] = []
    s = Session(g, SR, block, registry=reg or registry(), reporter=problems.append,
                workers=workers, runtime=RuntimeOptions(**runtime))
    try:
        y = s.render(frames)
    finally:
        s.close()
    return y, problems, s


@pytest.mark.parametrize("block", [256, 2048])
@pytest.mark.parametrize("workers", [1, 2])
def test_every_node_on_workers_is_bit_identical_to_inline(block, workers):
    g = busy_graph()
    frames = 3 * SR + 123                      # ends with a partial block
    ref, _, _ = render(g, frames, block)
    y, problems, s = render(g, frames, block, workers, placement="all")
    assert problems == []
    assert np.abs(ref).max() > 0.1
    np.testing.assert_array_equal(y, ref)
    hosts = {r.host for r in s.executor.profile().rows}
    assert hosts == {f"worker {k}" for k in range(1, workers + 1)}


def test_tempo_change_reaches_the_workers():
    g = busy_graph()
    outs = []
    for workers in (0, 2):
        s = Session(g, SR, 512, registry=registry(), workers=workers,
                    runtime=RuntimeOptions(placement="all" if workers else "auto"))
        a = s.render(SR)
        s.set_cps(Fraction(3, 2))
        b = s.render(SR)
        s.close()
        outs.append(np.concatenate([a, b], axis=1))
    np.testing.assert_array_equal(outs[1], outs[0])


def test_auto_placement_keeps_a_light_graph_inline_without_forking():
    g = busy_graph()
    s = Session(g, SR, 512, registry=registry(), workers=2)
    y = s.render(2 * SR)
    ex = s.executor
    assert isinstance(ex, ActorExecutor)
    assert ex.worker_pids == [] and ex.placement.decided
    assert {r.host for r in ex.profile().rows} == {"coordinator"}
    s.close()
    ref, _, _ = render(g, 2 * SR, 512)
    np.testing.assert_array_equal(y, ref)


def heavy_graph():
    """Four independent chains of busy (300 µs) nodes: worth shipping."""
    nodes = [n("hits", "rt_click", pattern=CyclePattern.seq([{"gain": 0.5}] * 4))]
    tails = []
    for k in range(4):
        nodes.append(n(f"o{k}", "rt_osc", freq=110.0 * (k + 1)))
        nodes.append(n(f"h{k}", "rt_busy", [f"o{k}"], us=300.0))
        nodes.append(n(f"g{k}", "amp", [f"h{k}"], gain=0.2))
        tails.append(f"g{k}")
    nodes.append(n("mix", "sum", tails + ["hits"]))
    return graph(*nodes, master="mix")


@pytest.mark.parametrize("cores, isolate, expected", [
    (2, (), ["worker 1"]),                  # the coordinator + 1 worker fill 2 cores
    (3, (), ["worker 1", "worker 2"]),
    (1, (), []),                            # one core: inline
    (3, ("rt_click",), ["isolated 1", "worker 2"]),   # an isolated worker counts too
])
def test_busy_processes_never_outnumber_the_cores(cores, isolate, expected):
    """`-j 4` means "up to 4": the coordinator counts as one, so only `cores - 1` workers (minus
    the isolated ones) are started; the output stays identical."""
    g = heavy_graph()
    frames = 40 * 512
    ref, _, _ = render(g, frames, 512)
    y, problems, s = render(g, frames, 512, workers=4, cores=cores, isolate=isolate)
    assert problems == []
    np.testing.assert_array_equal(y, ref)
    assert [w.name for w in s.executor.supervisor.workers] == expected
    if cores < 5:
        assert f"-j 4 means up to 4: {cores - 1 - len(isolate)} fit" in s.executor.describe()


@pytest.mark.parametrize("runnable, expected", [
    (1.0, ["worker 1"]),            # only the coordinator runnable: the other core is free
    (1.2, ["worker 1"]),            # a little background activity does not matter
    (2.0, []),                      # another job keeps the other core busy: stay inline
])
def test_auto_placement_leaves_the_cores_other_jobs_keep_busy(monkeypatch, runnable, expected):
    """With the cores not given, the tasks the kernel had runnable during the first blocks
    (other jobs) count as busy processes too: on a busy 2-core machine no worker is started,
    and the render says why."""
    from phonon.runtime import actors
    monkeypatch.setattr(actors, "available_cores", lambda: 2)
    monkeypatch.setattr(actors, "runnable_tasks", lambda: runnable)
    g = heavy_graph()
    frames = 40 * 512
    ref, _, _ = render(g, frames, 512)
    y, problems, s = render(g, frames, 512, workers=1)
    assert problems == []
    np.testing.assert_array_equal(y, ref)
    assert [w.name for w in s.executor.supervisor.workers] == expected
    if not expected:
        assert "other jobs kept 1.0 tasks runnable during the first blocks: 0 worker(s) fit " \
               "beside them on 2 cores" in s.executor.describe()


def test_auto_placement_ships_heavy_chains_after_measuring_and_stays_identical():
    g = heavy_graph()
    frames = 40 * 512
    ref, _, _ = render(g, frames, 512)
    y, problems, s = render(g, frames, 512, workers=2, cores=3)   # room for 2 workers
    assert problems == []
    np.testing.assert_array_equal(y, ref)
    rows = {r.id: r for r in s.executor.profile().rows}
    busy_hosts = [rows[f"h{k}"].host for k in range(4)]
    # balanced over the three processes: both workers and the coordinator get busy chains
    assert {"worker 1", "worker 2"} <= set(busy_hosts)
    assert max(busy_hosts.count(h) for h in set(busy_hosts)) == 2
    for k in range(4):                                     # chains stay together
        assert rows[f"g{k}"].host == rows[f"h{k}"].host
    assert rows["mix"].host == "coordinator"
    assert 250 < rows["h0"].us_per_block < 3000


def test_the_profile_and_the_summary_say_which_nodes_stay_with_the_coordinator_and_why(
        monkeypatch):
    """Which nodes are light is measured (`hits`, a Python loop, was light on the machines
    before and 46 us on an AMD EPYC one; a preemption in the warm-up blocks makes any node
    look heavy: `mix`, 12 us, once measured over 40), so each reason is checked against the
    cost placement measured for its node."""
    from phonon.runtime import costmodel, placement
    measured: dict[str, float] = {}
    by_cost = placement.Placement.by_cost

    def recording(self, cost_us, workers, cores):
        measured.update({nid: cost_us[i] for nid, i in self.index_of.items()})
        return by_cost(self, cost_us, workers, cores)
    monkeypatch.setattr(placement.Placement, "by_cost", recording)
    g = heavy_graph()
    y, problems, s = render(g, 40 * 512, 512, workers=1, cores=2)
    rows = {r.id: r for r in s.executor.profile().rows}
    assert [w.name for w in s.executor.supervisor.workers] == ["worker 1"]
    home = {nid for nid, r in rows.items() if r.host == "coordinator"}
    assert {nid for nid, r in rows.items() if r.why} == home     # a reason for each, only them
    assert set(measured) == set(rows)
    for nid in home:                      # light: measured under the hand-over's worth
        is_light = measured[nid] < costmodel.SHIP_MIN_US
        assert rows[nid].why == ("light node" if is_light else "its share"), (nid, measured[nid])
    busy_home = [f"h{k}" for k in range(4) if f"h{k}" in home]   # (measured: how many varies)
    assert busy_home and {rows[h].why for h in busy_home} == {"its share"}
    light, share = (len([nid for nid in home if rows[nid].why == why])
                    for why in ("light node", "its share"))
    assert light + share == len(home) and light >= 1     # (the amps measure ~4 us)
    assert (f"; kept in the coordinator: {light} light (< 40 µs: not worth a hand-over), "
            f"{share} the coordinator's share of the work") in s.executor.describe()
    table = s.executor.profile().table()
    assert table.splitlines()[0].endswith("why")
    some_light = next(nid for nid in home if rows[nid].why == "light node")
    assert any(line.startswith(f"{some_light} ") and line.endswith("light node")
               for line in table.splitlines())


@pytest.mark.parametrize("fork_after", [9, 10, 11])        # every ring slot phase
def test_switching_to_workers_mid_render_keeps_feedback_exact(monkeypatch, fork_after):
    """Auto placement forks after the warm-up blocks (ring slot 0 only until then): a feedback
    loop running across the switch must not notice."""
    import phonon.runtime.actors as actors
    monkeypatch.setattr(actors, "WARMUP_BLOCKS", fork_after)
    monkeypatch.setattr(actors, "WARMUP_MAX_BLOCKS", fork_after)
    monkeypatch.setattr(actors, "WARMUP_MIN_S", 1e9)
    g = heavy_graph()
    g.add(n("tone", "rt_osc", freq=CyclePattern.seq([220.0, 330.0])))
    g.add(n("fb", "rt_echo", ["tone", Edge("fb", delayed=True)]))
    g.nodes["mix"].inputs.append(Edge("fb"))
    frames = 40 * 512 + 100
    ref, _, _ = render(g, frames, 512)
    y, problems, s = render(g, frames, 512, workers=2, cores=3)     # workers for sure
    assert problems == [] and s.executor.supervisor.workers and s.executor.runner.rotating
    np.testing.assert_array_equal(y, ref)


class BrokenFromCycle(CyclePattern):
    """A pattern that fails to query from cycle 1 on."""

    def events(self, span):
        if span.end > 1:
            raise ValueError("no more")
        return super().events(span)


def test_failing_patterns_in_a_worker_behave_as_inline():
    g = graph(n("hits", "rt_click", pattern=BrokenFromCycle.seq([{"gain": 0.5}] * 4)),
              n("tone", "rt_osc", freq=BrokenFromCycle.seq([220.0, 330.0])),
              n("mix", "sum", ["hits", "tone"]), master="mix", cps=1.0)
    frames = 3 * SR
    ref, ref_problems, _ = render(g, frames, 512)
    y, problems, _ = render(g, frames, 512, workers=2, placement="all")
    np.testing.assert_array_equal(y, ref)
    assert sorted(problems) == sorted(ref_problems) and len(problems) == 2
    assert any(p.startswith("node hits (rt_click): the pattern of 'events' failed (ValueError: "
                            "no more); its events are silent") for p in problems)


def test_node_exception_in_a_worker_is_reported_once_and_silenced():
    g = graph(n("ok", "rt_osc", freq=330.0), n("bad", "crash", at=2),
              n("mix", "sum", ["ok", "bad"]), master="mix")
    ref, ref_problems, _ = render(g, 10 * 256, 256)
    y, problems, _ = render(g, 10 * 256, 256, workers=1, placement="all")
    np.testing.assert_array_equal(y, ref)
    assert len(problems) == 1 == len(ref_problems)
    assert problems[0].startswith("node bad (crash) raised an exception; it is silent:")
    assert "RuntimeError: boom" in problems[0]


def test_nan_in_a_worker_is_reset_exactly_like_inline():
    g = graph(n("osc", "rt_osc", freq=220.0), n("bad", "blowup", at=3),
              n("mix", "sum", ["osc", "bad"]), master="mix")
    ref, ref_problems, _ = render(g, 12 * 256, 256)
    y, problems, s = render(g, 12 * 256, 256, workers=2, placement="all", pipeline=False)
    np.testing.assert_array_equal(y, ref)
    assert sorted(problems) == sorted(ref_problems)
    assert "node bad (blowup) produced NaN/Inf; it was reset" in problems
    assert s.executor.reset_nodes == {"bad"}


def test_nan_with_pipelining_is_diagnosed_one_block_later():
    """Block b+1 is already running when block b's NaN is seen: the diagnosis (and the reset)
    starts one block later than inline; the output stays finite."""
    g = graph(n("osc", "rt_osc", freq=220.0), n("bad", "blowup", at=3),
              n("mix", "sum", ["osc", "bad"]), master="mix")
    ref, _, _ = render(g, 12 * 256, 256)
    y, problems, s = render(g, 12 * 256, 256, workers=2, placement="all")
    assert s.executor.ring == 3
    assert np.all(np.isfinite(y))
    np.testing.assert_array_equal(y[:, :3 * 256], ref[:, :3 * 256])
    assert np.all(y[:, 3 * 256:5 * 256] == 0)               # blocks 3 and 4 silenced
    osc, _, _ = render(graph(n("osc", "rt_osc", freq=220.0), master="osc"), 12 * 256, 256)
    np.testing.assert_array_equal(y[:, 5 * 256:6 * 256], osc[:, 5 * 256:6 * 256])  # reset
    np.testing.assert_array_equal(y[:, 6 * 256:], ref[:, 6 * 256:])
    assert "node bad (blowup) produced NaN/Inf; it was reset" in problems
    assert s.executor.reset_nodes == {"bad"}


def test_kill_9_of_a_worker_mid_render_still_yields_the_complete_file():
    g = heavy_graph()
    block = 2048
    seconds = 20
    frames = seconds * SR
    problems: list[str] = []
    s = Session(g, SR, block, registry=registry(), reporter=problems.append, workers=2,
                runtime=RuntimeOptions(placement="all"))
    victim = s.executor.worker_pids[0]
    killed_at = []

    def progress(done):
        if done >= 5 * SR and not killed_at:
            os.kill(victim, signal.SIGKILL)
            killed_at.append(done)

    t0 = time.monotonic()
    try:
        y = s.render(frames, progress=progress)
    finally:
        s.close()
    elapsed = time.monotonic() - t0
    assert y.shape == (2, frames)
    assert elapsed < 30
    lost = [p for p in problems if "died" in p]
    assert len(lost) == 1
    assert lost[0].startswith("worker 1 (pid %d) died (killed by SIGKILL) in block" % victim)
    assert "restarted in the coordinator" in lost[0]
    ref, _, _ = render(g, frames, block)
    cut = killed_at[0]
    np.testing.assert_array_equal(y[:, :cut], ref[:, :cut])
    # every chain still sounds after the kill (the restarted nodes keep playing)
    tail = y[0, cut + block:]
    assert np.sqrt(np.mean(tail.astype(np.float64) ** 2)) > 0.5 * np.sqrt(
        np.mean(ref[0, cut + block:].astype(np.float64) ** 2))


def test_os_abort_in_an_isolated_node_is_reported_and_silenced():
    g = graph(n("osc", "rt_osc", freq=220.0),
              n("boom", "rt_abort", at=3, options={"isolate": True}),
              n("mix", "sum", ["osc", "boom"]), master="mix")
    frames = 10 * 512
    y, problems, s = render(g, frames, 512, workers=0)
    assert len(problems) == 1
    assert problems[0].startswith(
        "isolated node boom (rt_abort) crashed its worker (killed by SIGABRT) in block 3; "
        "it is silent, everything else keeps playing")
    # expected: the oscillator alone, plus the aborting node's 0.0625 before block 3
    alone = graph(n("osc", "rt_osc", freq=220.0), master="osc")
    ref, _, _ = render(alone, frames, 512)
    expected = ref.copy()
    expected[:, :3 * 512] = np.clip(ref[:, :3 * 512] + np.float32(0.0625), -1, 1)
    np.testing.assert_array_equal(y, expected)


def test_a_hung_worker_is_stopped_and_its_nodes_restarted():
    g = graph(n("osc", "rt_osc", freq=220.0), n("stuck", "rt_stall", at=3),
              n("mix", "sum", ["osc", "stuck"]), master="mix")
    ref, _, _ = render(g, 8 * 512, 512)
    t0 = time.monotonic()
    y, problems, _ = render(g, 8 * 512, 512, workers=1, placement="all", hang_s=0.5)
    assert time.monotonic() - t0 < 5
    assert problems[0] == "worker 1 did not answer for 0.5 s; it was stopped"
    assert problems[1].startswith("worker 1 (pid ")
    assert "died (killed by SIGKILL) in block 3; its 3 node(s) restarted in the coordinator" \
        in problems[1]
    # block 3: the worker had computed the oscillator before it hung; the coordinator ran the
    # rest. From block 4 the restarted oscillator starts again from its fork-time phase.
    np.testing.assert_array_equal(y[:, :4 * 512], ref[:, :4 * 512])
    np.testing.assert_array_equal(y[:, 4 * 512:], ref[:, :4 * 512])


def test_collect_state_brings_worker_state_back_for_a_hot_swap():
    g = busy_graph()
    inline = Session(g, SR, 512, registry=registry())
    actors = Session(g, SR, 512, registry=registry(), workers=2, runtime=RuntimeOptions(placement="all"))
    try:
        for _ in range(37):
            inline.run_block()
            actors.run_block()
        before = actors.nodes["tone"].state()
        updated = actors.executor.collect_state()
        assert set(updated) == {"lfo", "tone", "fm"}            # the nodes with a state
        for nid in ("lfo", "tone", "fm"):
            assert actors.nodes[nid].state() == inline.nodes[nid].state()
        assert before == {"phase": 0.0} != actors.nodes["tone"].state()
        np.testing.assert_array_equal(actors.run_block(), inline.run_block())  # still running
    finally:
        inline.close()
        actors.close()


def test_isolate_by_kind_gives_each_node_its_own_worker():
    g = graph(n("a", "rt_osc", freq=220.0), n("b", "rt_osc", freq=330.0),
              n("mix", "sum", ["a", "b"]), master="mix")
    ref, _, _ = render(g, 8 * 256, 256)
    y, problems, s = render(g, 8 * 256, 256, workers=0, isolate=["rt_osc"])
    np.testing.assert_array_equal(y, ref)
    hosts = {r.id: r.host for r in s.executor.profile().rows}
    assert hosts["a"].startswith("isolated") and hosts["b"].startswith("isolated")
    assert hosts["a"] != hosts["b"] and hosts["mix"] == "coordinator"


def test_a_bad_graph_leaves_no_shared_memory():
    g = graph(n("a", "rt_click"), master="a")
    g.nodes["a"].params["pattern"] = Const(1.0)
    with pytest.raises(PhononError, match="rt_click: pattern expects a pattern of events"):
        Session(g, SR, 256, registry=registry(), workers=2)


def test_an_exception_while_rendering_closes_workers_and_unlinks():
    g = busy_graph()
    s = Session(g, SR, 256, registry=registry(), workers=2, runtime=RuntimeOptions(placement="all"))
    pids = s.executor.worker_pids
    with pytest.raises(KeyboardInterrupt):
        try:
            s.render(SR, progress=lambda done: (_ for _ in ()).throw(KeyboardInterrupt()))
        finally:
            s.close()
    assert not any(alive(pid) for pid in pids)


_SCRIPT = textwrap.dedent("""
    import faulthandler, signal, sys, time
    faulthandler.register(signal.SIGUSR1, all_threads=True)     # the test asks where it hangs
    # Python's own Ctrl-C handler, as in a terminal: a test run started in the background by a
    # non-interactive shell (`pytest &`, nohup) ignores SIGINT, and this child inherited that
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.path.insert(0, {root!r})
    from phonon.engine.session import Session
    from phonon.runtime.options import RuntimeOptions
    from tests.graph_fixtures import busy_graph, registry
    s = Session(busy_graph(), 44100, 256, registry=registry(), workers=2,
                runtime=RuntimeOptions(placement="all"))
    print(s.executor.arena.name, *s.executor.worker_pids, flush=True)
    for _ in range(20):                  # the workers are running blocks: say so
        s.run_block()
    print("playing", flush=True)
    while True:
        s.run_block()
        time.sleep(0.001)
""")


def _state(pid: int) -> str:
    """A process's state letter from /proc (R running, S sleeping, D disk wait, Z zombie) or
    "gone"."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0]
    except OSError:
        return "gone"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_shared_memory_is_unlinked_when_the_coordinator_is_stopped(sig):
    proc = subprocess.Popen([sys.executable, "-c", _SCRIPT.format(root=str(ROOT))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = Lines(proc)
        name, *pids = lines.next(60).split()
        assert name.startswith("phonon_") and len(pids) == 2
        assert os.path.exists(f"/dev/shm/{name}")
        assert lines.next(30).strip() == "playing"              # blocks are running
        proc.send_signal(sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGUSR1)                   # its stacks, on stderr
            time.sleep(1.0)
            states = {pid: _state(int(pid)) for pid in pids}
            proc.kill()
            _, err = proc.communicate(timeout=10)
            raise AssertionError(f"still running 10 s after signal {sig!r}; workers {states}; "
                                 f"stderr:\n{err[-6000:]}") from None
        deadline = time.monotonic() + 5
        while os.path.exists(f"/dev/shm/{name}") and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not os.path.exists(f"/dev/shm/{name}")
        for pid in map(int, pids):                     # workers never outlive the coordinator
            while alive(pid) and time.monotonic() < deadline:
                time.sleep(0.02)
            assert not alive(pid), f"worker {pid} outlived its coordinator"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

"""Where the per-render fixed cost goes: each stage of `open_session` for the reference program.

    python benchmarks/open_stages.py [--repeat 300]
    PYTHONPATH=DIR python benchmarks/open_stages.py     # an older tree (benchmarks/tree_at.py)

Prints the least time over `--repeat` runs, in microseconds, of: parse, compile (AST -> IR, no
probe), compile with the probe, optimise, plan, instantiate, bind, `Session(ir)` (optimise to
executor) and the whole `open_session` (sample bank loaded once before, as `peers.py`'s fixed
cost). The least is what the code costs; `peers.py` prints the median of whole opens, which
adds the host's jitter and the young garbage collection of the objects an open makes. Run it
twice, alternating with an older tree, to compare a change.
"""
from __future__ import annotations

import argparse
import time
from typing import Callable

import peers_workload as W


def least_us(f: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t0)
    return best * 1e6


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=300)
    args = ap.parse_args()
    from phonon.engine import SessionOptions, open_session
    from phonon.engine.session import Session, make_sample_bank
    from phonon.lang.compiler import compile_ast, parse_with_errors
    from phonon.plan.optimize import optimize
    from phonon.plan.planner import plan
    from phonon.plugins.registry import default_registry
    from phonon.runtime.binding import bind, instantiate
    from phonon.timing.clock import Clock

    registry = default_registry()
    bank = make_sample_bank(str(W.SAMPLES), W.SR)
    source, names = W.REFERENCE.read_text(), bank.names()
    program, _ = parse_with_errors(source, "reference.ph")
    ir, _ = compile_ast(program, registry=registry, sample_names=names, probe=False)
    optimized = optimize(ir, registry)
    planned = plan(optimized, registry)
    resources = {"samples": lambda: bank, "random_seed": lambda: 0}
    nodes = instantiate(optimized, planned, registry, resources, W.SR, 512)
    options = SessionOptions(sr=W.SR, block=512, samples=bank)
    stages = {
        "parse": lambda: parse_with_errors(source, "reference.ph"),
        "compile": lambda: compile_ast(program, registry=registry, sample_names=names,
                                       probe=False),
        "compile+probe": lambda: compile_ast(program, registry=registry, sample_names=names),
        "optimize": lambda: optimize(ir, registry),
        "plan": lambda: plan(optimized, registry),
        "instantiate": lambda: instantiate(optimized, planned, registry, resources, W.SR, 512),
        "bind": lambda: bind(optimized, planned, nodes, Clock(W.SR, optimized.cps), 512, 0),
        "Session(ir)": lambda: Session(ir, W.SR, 512, samples=bank),
        "open_session": lambda: open_session(source, options),
    }
    print(f"reference.ph, least of {args.repeat} runs (us):")
    for name, f in stages.items():
        print(f"  {name:14s} {least_us(f, args.repeat):8.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

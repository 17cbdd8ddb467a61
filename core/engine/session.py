"""Session: a compiled graph made playable — plan, node instances, clock and an executor."""
from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import numpy as np

from ..lang.ir import GraphIR
from ..patterns import signals
from ..patterns.signals import seeded, set_seed
from ..plan import FEEDBACK_BLOCK, Plan, plan
from ..plan.optimize import optimize
from ..runtime.binding import bind, instantiate
from ..runtime.executor import Executor
from ..runtime.inline import InlineExecutor
from ..runtime.options import RuntimeOptions
from ..runtime.shm import remove_stale_segments
from ..timing.clock import Clock
from .options import SessionOptions


def sample_roots(samples: Any) -> list[str]:
    """`--samples` as a list of folders: None, one path, or several (list or os.pathsep string)."""
    if samples is None:
        return []
    if isinstance(samples, (str, os.PathLike)):
        return [str(p) for p in str(samples).split(os.pathsep) if p]
    return [str(Path(p)) for p in samples]


def make_sample_bank(samples: Any, sr: int):
    """A `phonon.samples.SampleBank` for `samples` (an existing bank is returned as is): the
    given folders first, then `PHONON_SAMPLES` and the user config, then the built-in kit."""
    if samples is not None and not isinstance(samples, (str, os.PathLike, list, tuple)):
        return samples
    from ..samples import SampleBank, default_roots
    return SampleBank(default_roots(sample_roots(samples)), sr)


class Session:
    """Renders one graph block by block: `run_block()` for live use, `render(frames)` offline.

    Build one from program text with `phonon.engine.open_session(source, SessionOptions(...))`;
    the constructor takes a compiled graph."""

    def __init__(self, graph: GraphIR, sr: int = 44100, block: int = 2048, *,
                 registry=None, samples: Any = None,
                 reporter: Callable[[str], None] | None = None, workers: int = 0,
                 runtime: RuntimeOptions | None = None, start: int = 0,
                 clock: Clock | None = None, feedback_block: int = FEEDBACK_BLOCK,
                 optimize_graph: bool = True, seed: int = 0,
                 resources: Mapping[str, Any] | None = None) -> None:
        """`start` and `clock` let a session continue another one (live hot swap): rendering
        begins at sample `start`, and `clock` (default: a new one, cycle 0 at sample 0) maps
        samples to cycles (cycle `graph.start_cycle()` at sample 0). A graph with feedback
        edges runs internally in blocks of `feedback_block` frames (0: the requested block), so a feedback loop's delay does not
        depend on the block size callers ask for. `optimize_graph=False` runs the compiled
        graph node for node (no `phonon.plan.optimize` rewriting). `workers > 0` (or nodes
        to isolate) selects the actor runtime, configured by `runtime`. `seed` selects the
        random stream of patterns and seeded nodes (0: Tidal/Strudel's); the session puts it
        in force (`phonon.patterns.signals.seeded`) while it renders a block. `resources` are
        handed to the nodes that declare them (`Node.resources`) besides the sample bank and
        the seed."""
        if registry is None:
            from ..plugins.registry import default_registry
            registry = default_registry()
        runtime = runtime or RuntimeOptions()
        self.options = SessionOptions(sr=int(sr), block=int(block), samples=samples,
                                      workers=workers, runtime=runtime,
                                      feedback_block=feedback_block, optimize=optimize_graph,
                                      seed=int(seed), resources=dict(resources or {}))
        self.seed = int(seed)
        self.source_graph = graph
        # fewer nodes, bit-identical output (phonon.plan.optimize); ids of survivors unchanged
        graph = optimize(graph, registry) if optimize_graph else graph
        self.graph = graph
        self.sr = int(sr)
        self.block = int(block)
        self.registry = registry
        self.plan: Plan = plan(graph, registry)
        # the executor's block: `block`, or the fixed feedback block when the graph has loops
        self.engine_block = int(feedback_block) if (self.plan.feedback and feedback_block > 0) \
            else self.block
        # `setCycle N` starts the render at cycle N; `nudge N` plays everything N cycles later
        self.clock = clock if clock is not None else Clock(self.sr, graph.cps,
                                                           c0=graph.start_cycle())
        self._samples_arg = samples
        self._bank = None
        factories = {name: (lambda v=v: v) for name, v in self.options.resources.items()}
        factories.update(samples=self.sample_bank, random_seed=lambda: self.seed)
        self.nodes = instantiate(graph, self.plan, registry, factories, self.sr, self.engine_block,
                                 reporter)
        if self._bank is not None and graph.samples:
            self._bank.preload(sorted(graph.samples))      # load files before the first block
        with seeded(self.seed):           # worker processes forked here inherit the seed
            self.executor: Executor = self._executor(reporter, start)
        self.bound = self.executor.bound
        self.position = int(start)              # next sample to deliver
        self._rendered = int(start)             # next sample the executor computes
        # frames rendered ahead when engine_block != block: carry[:, off:off + n]
        self._carry = np.zeros((2, self.engine_block), dtype=np.float32)
        self._carry_off = self._carry_n = 0
        self._pulled = np.zeros((2, self.block), dtype=np.float32)

    def _executor(self, reporter: Callable[[str], None] | None, start: int) -> Executor:
        """The inline executor, or the actor runtime (worker processes + shared memory) when
        workers are asked for or nodes are to be isolated."""
        options, graph = self.options, self.graph
        if options.workers > 0 or options.runtime.isolate or any(
                n.options.get("isolate") for n in graph.nodes.values()):
            from ..runtime.actors import ActorExecutor
            remove_stale_segments()       # left by runs killed with SIGKILL (phonon.runtime.shm)
            try:
                return ActorExecutor(graph, self.plan, self.nodes, self.clock, self.engine_block,
                                     workers=options.workers, options=options.runtime,
                                     reporter=reporter, bank=self._bank, start=start)
            except OSError as exc:        # /dev/shm full, a file-size limit: play inline
                from ..runtime.reports import stderr_sink
                (reporter or stderr_sink)(f"no shared memory for worker processes "
                                          f"({exc.strerror or exc}): rendering in one process")
        bound = bind(graph, self.plan, self.nodes, self.clock, self.engine_block, start)
        return InlineExecutor(bound, self.clock, reporter, profile=options.runtime.profile)

    def seek(self, start: int) -> None:
        """Begin at sample `start` instead (before the first block: a live hot swap that
        happens later than the start this session was built for)."""
        self.position = self._rendered = int(start)

    def continue_from(self, clock: Clock, start: int) -> None:
        """Start at sample `start` with `clock`'s sample <-> cycle mapping (before the first
        block: a hot-swapped successor that takes over later than it was built for)."""
        self.clock.set_mapping(clock)
        self.seek(start)

    @property
    def computed_ahead(self) -> int:
        """Frames the executor computed beyond `position` (a graph with feedback renders
        whole engine blocks and keeps the remainder for the next call)."""
        return self._rendered - self.position

    def sample_bank(self):
        """The session's sample bank, created on first use."""
        if self._bank is None:
            self._bank = make_sample_bank(self._samples_arg, self.sr)
        return self._bank

    @property
    def problems(self) -> list[str]:
        """Runtime problems reported so far (node exceptions, NaN resets)."""
        return self.executor.problems

    def set_cps(self, cps: float | Fraction) -> None:
        """Change the tempo from the next block on, without a jump in cycle position."""
        self.clock.set_cps(cps, self._rendered)

    def run_block(self, frames: int | None = None) -> np.ndarray:
        """Render the next block; returns a (2, frames) view valid until the next call. The
        session's seed is in force while it runs (and the caller's restored after)."""
        if signals.get_seed() == self.seed:     # the common case: nothing to switch
            if frames is None and self.engine_block == self.block and not self._carry_n:
                start = self.position           # a whole block straight from the executor
                out = self.executor.run_block(start)
                self.position = self._rendered = start + self.block
                return out
            return self._run_block(frames)
        caller = set_seed(self.seed)      # (a plain try/finally: this runs every block)
        try:
            return self._run_block(frames)
        finally:
            set_seed(caller)

    def _run_block(self, frames: int | None) -> np.ndarray:
        frames = self.block if frames is None else frames
        if self.engine_block != self.block or frames > self.block or self._carry_n:
            return self._pull(frames)
        out = self.executor.run_block(self.position, frames)
        self.position += frames
        self._rendered = self.position
        return out

    def _pull(self, frames: int) -> np.ndarray:
        """`frames` samples from whole engine blocks (the remainder waits for the next call)."""
        if self._pulled.shape[1] < frames:
            self._pulled = np.zeros((2, frames), dtype=np.float32)
        out = self._pulled
        eb, done = self.engine_block, 0
        while done < frames:
            if self._carry_n == 0:
                self._carry[:] = self.executor.run_block(self._rendered, eb)
                self._rendered += eb
                self._carry_off, self._carry_n = 0, eb
            k = min(frames - done, self._carry_n)
            off = self._carry_off
            out[:, done:done + k] = self._carry[:, off:off + k]
            self._carry_off, self._carry_n = off + k, self._carry_n - k
            done += k
        self.position += frames
        return out[:, :frames]

    def run_exactly(self, frames: int) -> np.ndarray:
        """The next `frames` samples, computing nothing beyond them, so that the nodes' state
        is exactly at the last one (a hot swap hands it over there). A graph with feedback
        edges otherwise renders whole engine blocks and runs up to one engine block ahead."""
        with seeded(self.seed):
            return self._run_exactly(frames)

    def _run_exactly(self, frames: int) -> np.ndarray:
        eb = self.engine_block
        if eb == self.block or self.computed_ahead:
            return self._run_block(frames)
        whole = frames - frames % eb
        if not whole:
            out = self.executor.run_block(self.position, frames)
            self.seek(self.position + frames)
            return out
        first = self._run_block(whole).copy()
        rest = self.executor.run_block(self.position, frames - whole)
        self.seek(self.position + frames - whole)
        return np.concatenate([first, rest], axis=1)

    def render(self, frames: int, progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Render the next `frames` samples into a new (2, frames) float32 array; the last
        block is partial. `progress(done_frames)` is called after each block."""
        out = np.empty((2, max(frames, 0)), dtype=np.float32)

        def keep(block: np.ndarray, done: int) -> None:
            out[:, done:done + block.shape[1]] = block

        self.stream(frames, keep, progress)
        return out

    def stream(self, frames: int, consume: Callable[[np.ndarray, int], None],
               progress: Callable[[int], None] | None = None) -> None:
        """Render the next `frames` samples block by block, handing each (2, n) block to
        `consume(block, frames_before_it)` (a view valid during the call only): memory stays
        bounded whatever the length (`phonon render` writes each block to the file).
        `progress(done_frames)` is called after each block."""
        if frames < 0:
            raise ValueError(f"cannot render a negative length ({frames} frames)")
        block = self.block
        done = 0
        need = frames                                        # announce the executor blocks
        if self.engine_block != self.block:                  # whole engine blocks (see _pull)
            eb = self.engine_block
            need = -(-max(0, frames - self._carry_n) // eb) * eb
        self.executor.plan_ahead(self._rendered, need)       # (the actor runtime pipelines)
        caller = set_seed(self.seed)                         # in force for the whole render
        try:
            if self.engine_block == block and not self._carry_n:   # blocks straight through
                run_block = self.executor.run_block
                while done < frames:
                    n = min(block, frames - done)
                    consume(run_block(self.position, n), done)
                    self.position += n
                    self._rendered = self.position
                    done += n
                    if progress is not None:
                        progress(done)
            while done < frames:
                n = min(block, frames - done)
                consume(self._run_block(n), done)
                done += n
                if progress is not None:
                    progress(done)
        finally:
            set_seed(caller)
            self.executor.plan_ahead(self.position, 0)

    def close(self) -> None:
        self.executor.close()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: Iterable) -> None:
        self.close()

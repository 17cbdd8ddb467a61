"""`--program FILE`: a Phonon program playing beside the receiver, watched like `phonon live`.

The program's session renders the same samples as the orbits, right after them, and reads
them through the `dirt N` node (the engine is the session's resource `dirt_orbits`), so its buses
and effects can process what Tidal plays: `out: (dirt 0 + dirt 1 # reverb 0.4) # limiter 0.95`.
Every save is compiled off the audio path and swapped in at the next cycle boundary of the
program's own clock (`phonon.live.Player`, `Reloader`); a broken save keeps the old program.

What is heard (decision, docs/dirt.md): an orbit the program reads (`dirt N`) reaches the
output only through it; every other orbit is added to the program's output as it is (as an
orbit a program does not read as `~orbitN` sounds by itself, docs/samples.md).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from ..engine.options import SessionOptions
from ..engine.render import open_session
from ..live.player import Player
from ..live.reloader import ReloadResult, Reloader
from ..live.swap import warm_kernels
from .engine import DirtEngine

#: the nodes that read an orbit of the engine, and the parameter naming the orbit
ORBIT_READERS = {"dirt": "orbit", "dirt_orbit": "index"}
ORBITS_RESOURCE = "dirt_orbits"           # the session resource the `dirt` node reads


class DirtProgram:
    """The program's player and its file watcher."""

    def __init__(self, path: str, engine: DirtEngine, report: Callable[[str], None],
                 resources: dict | None = None) -> None:
        self.path = path
        self.report = report
        text = Path(path).read_text(encoding="utf-8")
        options = SessionOptions(sr=engine.sr, block=engine.block, samples=engine.bank,
                                 resources={**(resources or {}), ORBITS_RESOURCE: engine})
        session = open_session(text, options,
                               file=path, reporter=lambda m: report(f"phonon: {m}"),
                               start=engine.position)
        self.player = Player(session, swap="cycle")
        self.reloader = Reloader(path, self.player, self._on_reload,
                                 registry=session.registry, reporter=report)
        self.reloader.last_text = text
        self.reloads_ok = self.reloads_failed = 0
        self._seen_swaps = 0
        self.engine = engine
        self._read: tuple[object, frozenset[int]] = (None, frozenset())
        self._out = np.zeros((2, engine.block), np.float32)
        warm_kernels(session.graph, session, self.reloader.warmed)

    def _on_reload(self, result: ReloadResult) -> None:
        if result.ok:
            self.reloads_ok += 1
            self.report(f"reload {result.message}: {Path(self.path).name}, swapping at the "
                        f"next cycle")
        else:
            self.reloads_failed += 1
            self.report(f"reload failed, the old program keeps playing:\n{result.detail}")

    def orbits_read(self) -> frozenset[int]:
        """The orbits the playing program reads (`dirt N`, or orbit N's bus `~orbitN`, which
        carries Tidal's orbit N too)."""
        graph = self.player.session.graph
        if self._read[0] is not graph:
            found = set()
            for n in graph.nodes.values():
                param = ORBIT_READERS.get(n.kind)
                if param is not None:
                    arg = n.params.get(param)
                    found.add(int(getattr(arg, "value", 0) or 0))
            self._read = (graph, frozenset(found))
        return self._read[1]

    def mix(self, orbits: np.ndarray, frames: int) -> np.ndarray:
        """The block heard: the program's output plus every orbit it does not read (render
        thread). `orbits` is the engine's stereo mix of all of them (used when none is read)."""
        read = self.orbits_read()
        out = self.player.render(frames)
        mixed = self._out[:, :frames]
        if not read:
            np.add(out, orbits[:, :frames], out=mixed)
            return mixed
        mixed[:] = out
        engine = self.engine
        for k in range(engine.n_orbits):
            if k not in read:
                audio = engine.orbit_audio(k, engine.block_start, frames)
                if audio is not None:
                    mixed += audio
        return mixed

    def swaps_to_report(self) -> list[str]:
        swaps = self.player.swaps
        lines = []
        while self._seen_swaps < len(swaps):
            sw = swaps[self._seen_swaps]
            t = sw.transfer
            lines.append(f"swapped at cycle {sw.cycle} (sample {sw.sample}): kept {len(t.kept)} "
                         f"nodes, {len(t.added)} new, {len(t.dropped)} dropped")
            self._seen_swaps += 1
        return lines

    def start(self) -> None:
        self.reloader.start()

    def close(self) -> None:
        self.reloader.stop()
        self.player.close()

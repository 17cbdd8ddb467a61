"""How the actor runtime runs a graph: the typed options `Session` hands to `ActorExecutor`."""
from __future__ import annotations

from dataclasses import dataclass

PLACEMENTS = ("auto", "all", "none")
HANG_S = 5.0


@dataclass(frozen=True)
class RuntimeOptions:
    """Options of the actor runtime (docs/runtime.md); the defaults suit an offline render.

    - `isolate`: node kinds that each run in their own worker process (a crash silences only
      that node);
    - `placement`: `auto` (the cost model decides, after timing the first blocks, how many of
      the allowed workers to use), `all` (every node on exactly `workers` workers from the
      first block, whatever the cores: tests, diagnostics) or `none` (all in the coordinator);
    - `profile`: time every node for `profile()`;
    - `pipeline`: publish block g+1 while block g finishes (offline renders);
    - `hang_s`: a worker silent this long is stopped and its nodes restarted;
    - `cores`: the cores to plan for. None: the process's affinity mask, minus what other
      busy processes take while the first blocks run (`phonon.runtime.machine`); balance
      workers never make the busy processes outnumber them. Given explicitly, exactly that
      many (more than there are: oversubscribe on purpose);
    - `defer_fork`: start the workers at the first block instead of at construction (a live
      hot swap hands the predecessor's node state over first, and the workers must inherit it).
    """

    isolate: tuple[str, ...] = ()
    placement: str = "auto"
    profile: bool = False
    pipeline: bool = True
    hang_s: float = HANG_S
    cores: int | None = None
    defer_fork: bool = False

    def __post_init__(self) -> None:
        if self.placement not in PLACEMENTS:
            raise ValueError(f"placement must be auto, all or none, got {self.placement!r}")
        object.__setattr__(self, "isolate", tuple(self.isolate))

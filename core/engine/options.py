"""`SessionOptions`: everything that decides how a program plays, apart from the program."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence, Union

from ..plan import FEEDBACK_BLOCK
from ..runtime.options import RuntimeOptions

#: a sample folder, several (a list or an os.pathsep string), or a ready `SampleBank`
SamplesArg = Union[str, os.PathLike, Sequence[Union[str, os.PathLike]], Any, None]


@dataclass(frozen=True)
class SessionOptions:
    """How a Session renders (see docs/engine.md):

    - `sr`, `block`: sample rate and the block size callers ask for;
    - `samples`: sample folders (then `PHONON_SAMPLES`, the user config, the built-in kit) or a
      `SampleBank` to share;
    - `workers`: worker processes of the actor runtime (0: the inline executor) and `runtime`
      its options;
    - `feedback_block`: the engine block of graphs with feedback edges (0: `block`);
    - `optimize`: run `phonon.plan.optimize` on the compiled graph (bit-identical output);
    - `seed`: the random stream of the patterns (`?`, `|`, `sometimes`, `rand`, ...) and of
      the seeded nodes (noise, drum synths); 0 is Tidal/Strudel's own stream. The same seed
      always renders the same samples (`phonon.patterns.signals.set_seed`).
    - `resources`: more session resources for nodes, by name (`Node.resources`), e.g.
      `{"midi": MidiHub}` for the MIDI nodes (docs/sync.md); "samples" is always the bank.
    """

    sr: int = 44100
    block: int = 2048
    samples: SamplesArg = None
    workers: int = 0
    runtime: RuntimeOptions = field(default_factory=RuntimeOptions)
    feedback_block: int = FEEDBACK_BLOCK
    optimize: bool = True
    seed: int = 0
    resources: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.sr <= 0:
            raise ValueError(f"sample rate must be positive, got {self.sr}")
        if self.block <= 0:
            raise ValueError(f"block size must be positive, got {self.block}")
        if self.workers < 0:
            raise ValueError(f"workers must not be negative, got {self.workers}")

"""Phonon's built-in node library.

Registered through the `phonon.nodes` entry point `builtin = "phonon.nodes"`, the same way as any
third-party plugin: every node class imported here is registered. Each submodule groups one
family of nodes (oscillators, filters, envelopes, voices, effects, math).
"""
from .voices import *  # noqa: F401,F403
from .orbits import *  # noqa: F401,F403
from .oscillators import *  # noqa: F401,F403
from .noise import *  # noqa: F401,F403
from .filters import *  # noqa: F401,F403
from .biquads import *  # noqa: F401,F403
from .ladder import *  # noqa: F401,F403
from .comb import *  # noqa: F401,F403
from .envelopes import *  # noqa: F401,F403
from .control import *  # noqa: F401,F403
from .mathops import *  # noqa: F401,F403
from .delay import *  # noqa: F401,F403
from .dynamics import *  # noqa: F401,F403
from .fx import *  # noqa: F401,F403
from .modfx import *  # noqa: F401,F403
from .echoes import *  # noqa: F401,F403
from .stereo import *  # noqa: F401,F403
from .ringmod import *  # noqa: F401,F403
from .reverbs import *  # noqa: F401,F403
from .spectral import *  # noqa: F401,F403
from .gates import *  # noqa: F401,F403
from .analysis import *  # noqa: F401,F403
from .logic import *  # noqa: F401,F403
from .ramps import *  # noqa: F401,F403
from .tap import *  # noqa: F401,F403
from .cyclic import *  # noqa: F401,F403
from .synths import *  # noqa: F401,F403
from .piano import *  # noqa: F401,F403
from .waves import *  # noqa: F401,F403
from .strings import *  # noqa: F401,F403
from .voice import *  # noqa: F401,F403
from .notesynth import *  # noqa: F401,F403
from .vst import *  # noqa: F401,F403
from .poly import *  # noqa: F401,F403
from .dirt_orbit import *  # noqa: F401,F403
from .midi import *  # noqa: F401,F403

"""Private JACK servers (dummy driver) with as many playback ports as a test needs."""
from __future__ import annotations

import pytest

from tests.live.jack_server import dummy_server


@pytest.fixture
def jack6():
    """A JACK server with 6 playback ports (3 orbits on their own channel pairs)."""
    with dummy_server(ports=6) as env:
        yield env


@pytest.fixture
def jack2():
    with dummy_server(ports=2) as env:
        yield env

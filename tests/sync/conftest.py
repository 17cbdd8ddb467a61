"""Fixtures of the sync tests: a private JACK server (dummy driver) the test process talks to."""
from __future__ import annotations

import pytest

from tests.live.jack_server import jack_server  # noqa: F401 - the fixture


@pytest.fixture
def jack_here(jack_server, monkeypatch):  # noqa: F811 - pytest fixture injection
    """The private server, also for JACK clients made in this process; yields its env."""
    for key in ("JACK_DEFAULT_SERVER", "JACK_NO_START_SERVER"):
        monkeypatch.setenv(key, jack_server[key])
    yield jack_server


@pytest.fixture
def link_network():
    """A private network namespace for Link peers (see netns.py); yields whether it is private."""
    from .netns import private_network
    with private_network() as private:
        yield private

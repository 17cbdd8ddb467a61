import pytest

from phonon.samples import SampleBank
from tests.superdirt.rig import SR, make_root


@pytest.fixture(scope="session")
def dirt_root(tmp_path_factory):
    return make_root(tmp_path_factory.mktemp("dirt_sounds"))


@pytest.fixture()
def bank(dirt_root):
    return SampleBank([str(dirt_root)], sr=SR)

import pytest

from tests.e2e.server_process import ServerProcess


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    process = ServerProcess(tmp_path_factory.mktemp("aisle-e2e")).start()
    yield process
    process.stop()

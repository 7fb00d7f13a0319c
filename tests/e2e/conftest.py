import pytest

from tests.e2e.server_process import ServerProcess

CONSOLE_TOKEN = "e2e-console-token"


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    console = {"AISLE_CONSOLE_TOKEN": CONSOLE_TOKEN}  # the agent console is served too
    process = ServerProcess(tmp_path_factory.mktemp("aisle-e2e"), extra_env=console).start()
    yield process
    process.stop()

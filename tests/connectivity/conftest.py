"""Fixtures for the connectivity tests: free ports, a listening socket, running probe servers."""

import socket

import pytest

from connectivity.probe import ProbeGroup
from tests.processes import free_port


@pytest.fixture
def closed_port():
    return free_port()


@pytest.fixture
def listening_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]


@pytest.fixture
def probes():
    """Probe servers on two free ports; the allowed origin is http://portal.test:8000."""
    group = ProbeGroup("127.0.0.1", [0, 0], ["http://portal.test:8000"]).start()
    yield group
    group.close()

"""Fixtures for the connectivity tests: free ports, a listening socket, running probe servers."""

import socket

import pytest

from connectivity.probe import ProbeGroup


def free_port():
    """A port nobody listens on right now (the OS picks it, so it is not 4000/4001 in use by `make run`)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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

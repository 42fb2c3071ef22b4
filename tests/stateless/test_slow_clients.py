"""Slow clients cannot hold the workers (issue 11, finding 2), against real processes.

A gunicorn node with 2 sync workers, alone and then behind nginx configured
from scripts/nginx.conf.template (what `make run` and `make cluster` start).
Slow clients send a POST's headers, then its body at 1 byte a second.
"""

import contextlib
import os
import re
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.processes import free_port
from tests.stateless.nodes import ROOT, start_node

pytestmark = pytest.mark.django_db(transaction=True)
NGINX = Path("/usr/sbin/nginx")


class SlowClients:
    """`count` connections, each sending a POST body one byte a second until stopped."""

    def __init__(self, port, count, path="/en/portal/signin/"):
        self.sockets = []
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                "Content-Length: 100000\r\n\r\n".encode()
            )
            self.sockets.append(sock)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._drip, daemon=True)
        self.thread.start()

    def _drip(self):
        while not self.stopped.wait(1):
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.send(b"a")

    def close(self):
        self.stopped.set()
        self.thread.join()
        for sock in self.sockets:
            sock.close()


def answer_time(url, timeout=1.0):
    """Seconds until the page answered, or None when it did not answer within `timeout`."""
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback)
            response.read()
    except OSError:
        return None
    return time.monotonic() - start


def start_nginx(tmp_path, node_port):
    """nginx from the project's template, in front of one node (as `make run` does)."""
    prefix = tmp_path / "nginx"
    (prefix / "tmp").mkdir(parents=True)
    port = free_port()
    values = {
        "user_directive": "user root;" if os.geteuid() == 0 else "",
        "prefix": str(prefix),
        "log_dir": str(prefix),
        "listen": f"127.0.0.1:{port}",
        "static_root": str(ROOT / "staticfiles"),
        "read_timeout": "70",
    }
    template = (ROOT / "scripts" / "nginx.conf.template").read_text()
    (prefix / "nginx.conf").write_text(
        re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], template)
    )
    (prefix / "upstream.conf").write_text(
        f"upstream portal_nodes {{ server 127.0.0.1:{node_port}; keepalive 16; }}\n"
    )
    process = subprocess.Popen(  # noqa: S603
        [
            str(NGINX),
            "-e",
            "stderr",
            "-p",
            str(prefix),
            "-c",
            str(prefix / "nginx.conf"),
            "-g",
            "daemon off;",
        ],
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while answer_time(f"http://127.0.0.1:{port}/healthz") is None:
        assert time.monotonic() < deadline, "nginx did not start"
        time.sleep(0.1)
    return process, port


@pytest.fixture
def node(settings, help_content):
    started = start_node("slow-test", workers=2)
    yield started
    started.stop()


def test_two_slow_bodies_block_gunicorn_alone(node):
    """Why nginx is needed: without it, two slow clients hold both sync workers."""
    assert answer_time(f"{node.url}/healthz") is not None
    slow = SlowClients(node.port, 2)
    try:
        time.sleep(0.5)
        assert answer_time(f"{node.url}/healthz") is None
    finally:
        slow.close()


@pytest.mark.skipif(not NGINX.exists(), reason="needs Debian's nginx (make cluster-packages)")
def test_fifty_slow_clients_behind_nginx_do_not_stop_anyone_else(node, tmp_path):
    process, port = start_nginx(tmp_path, node.port)
    slow = SlowClients(port, 50)
    try:
        time.sleep(0.5)
        times = []
        for _ in range(5):
            for path in ("/healthz", "/en/", "/en/help/cannot-sign-in/"):
                times.append(answer_time(f"http://127.0.0.1:{port}{path}"))
            time.sleep(0.5)
        assert None not in times, times  # every page answered within 1 s
    finally:
        slow.close()
        process.terminate()
        process.wait(timeout=10)

"""Sending the requests of a test to each worker process of one node in turn, and proving it.

Left alone, the kernel hands a new connection to whichever idle gunicorn worker wakes
first, and that is usually the same one again: ten loads in a row often reach one worker
only. `AlternatingWorkers` makes the turns certain instead, and gunicorn's access log
(`AccessLog`) names the worker that served each numbered request.
"""

import http.client
import socket
import time
import urllib.request
from collections import Counter
from pathlib import Path

from tests.stateless.nodes import Node

REQUEST_HEADER = "X-Test-Request"  # the number of a request sent through AlternatingWorkers


def accept_queue_length(port: int) -> int:
    """Connections waiting for a worker to accept them on 127.0.0.1:`port` (Linux: the rx_queue
    of the listening socket in /proc/net/tcp)."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == port:  # 0A: LISTEN
            return int(fields[4].split(":")[1], 16)
    raise AssertionError(f"nothing listens on port {port}")


class AccessLog:
    """gunicorn's access log of a node: one line per request, "<pid> <request number or -> METHOD
    /path STATUS".

    Start the node with `GUNICORN_CMD_ARGS=log.gunicorn_args` (gunicorn reads extra options
    there)."""

    def __init__(self, path: Path):
        self.path = path

    @property
    def gunicorn_args(self) -> str:
        log_format = f"%(p)s %({{{REQUEST_HEADER.lower()}}}i)s %(m)s %(U)s %(s)s"
        return f"--access-logfile {self.path} --access-logformat '{log_format}'"

    def workers_of(self, numbers: range, timeout: float = 5) -> dict[int, str]:
        """{request number: pid of the worker that served it}. gunicorn writes a line just after
        sending the response, so the last lines may still be on their way: wait for them."""
        deadline = time.monotonic() + timeout
        while True:
            lines = (
                [line.split() for line in self.path.read_text().splitlines()]
                if self.path.exists()
                else []
            )
            served = {
                int(number): pid
                for pid, number, *_rest in lines
                if number.isdigit() and int(number) in numbers
            }
            if len(served) == len(numbers) or time.monotonic() > deadline:
                assert len(served) == len(numbers), (
                    f"requests {sorted(set(numbers) - set(served))} are not in the log"
                )
                return served
            time.sleep(0.02)


class AlternatingWorkers:
    """Every request sent through `handler()` goes to the next worker of the node in turn.

    A sync worker serves one connection at a time. Connections opened in advance are
    therefore accepted by different workers, each of which then waits for its connection's
    request and takes nothing else. A request is sent on the connection of the worker whose
    turn it is, after a fresh connection has taken its place in the queue: only that worker
    can accept it, since every other worker still waits on its own. Before each request the
    node's accept queue must be empty (every replacement taken, every worker booted), so a
    worker that is quick to finish can never take the replacement meant for a slower one.

    While this is open, requests to the node must go through `handler()` (give it to a
    Visitor): any other request would wait behind the held connections. `close()` lets go.
    """

    def __init__(self, node: Node, log: AccessLog, workers: int = 2, timeout: float = 30):
        self.node, self.log, self.timeout = node, log, timeout
        self.sent = 0
        self._held = [self._connect() for _ in range(workers)]
        self._turn = 0

    def _connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.node.port), timeout=30)

    def _wait_until_every_connection_is_accepted(self):
        deadline = time.monotonic() + self.timeout
        while accept_queue_length(self.node.port):
            assert time.monotonic() < deadline, (
                f"the workers did not accept their connections within {self.timeout} s"
            )
            time.sleep(0.001)

    def next_connection(self) -> tuple[int, socket.socket]:
        """(number of this request, connection of the worker whose turn it is)."""
        self._wait_until_every_connection_is_accepted()
        worker, number = self._turn, self.sent
        self._turn, self.sent = (worker + 1) % len(self._held), number + 1
        connection, self._held[worker] = self._held[worker], self._connect()
        return number, connection

    def served_since(self, first: int) -> Counter:
        """{pid: requests served} of the requests numbered `first` onwards."""
        return Counter(self.log.workers_of(range(first, self.sent)).values())

    def handler(self) -> urllib.request.HTTPHandler:
        return _ThroughHeldConnections(self)

    def close(self):
        for connection in self._held:
            connection.close()
        self._held = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _ThroughHeldConnections(urllib.request.HTTPHandler):
    """urllib's HTTP handler, sending each request (numbered) on the connection of the worker whose
    turn it is."""

    def __init__(self, workers: AlternatingWorkers):
        super().__init__()
        self.workers = workers

    def http_open(self, req):
        number, held = self.workers.next_connection()
        req.add_unredirected_header(REQUEST_HEADER, str(number))

        def connection(host, **kwargs):
            conn = http.client.HTTPConnection(host, **kwargs)
            conn.sock = held
            return conn

        return self.do_open(connection, req)

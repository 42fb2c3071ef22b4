"""Stores that really go away while a live node is serving, and come back.

- `TcpProxy`: a relay between a node and a TCP store (PostgreSQL). `cut()` closes
  every open connection and then refuses new ones (`"refuse"`: reset at once, as a
  stopped server) or swallows them (`"blackhole"`: accepted, never answered, as a
  machine that vanished from the network); `cut_on(b"…")` cuts the moment a client
  sends given bytes (mid-request, at a chosen SQL statement); `freeze()` keeps open
  connections open but silent (a partition, or a hung server); `restore()` relays
  again. It stands in for "PostgreSQL restarted" without touching the machine's
  PostgreSQL, which the test suite itself is using.
- `RedisServer`: a private Debian redis-server (no persistence), stopped and
  started for real on the same port; `pause()`/`resume()` hang it (SIGSTOP/SIGCONT).
- `S3Server`: a private S3 server (`scripts/s3-server`, rclone) on a folder that
  nothing else uses, stopped and started (or paused) for real; `files()` lists
  what it holds.
- `Traffic`: a few threads sending requests to a node while a store comes and goes,
  recording every answer (or the lack of one).
"""

import contextlib
import os
import signal
import socket
import struct
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.processes import free_port
from tests.stateless.nodes import ROOT, Node, Visitor

REDIS_SERVER = "/usr/bin/redis-server"
S3_SERVER = ROOT / "scripts" / "s3-server"
S3_ACCESS_KEY_ID = "portal"
S3_SECRET_ACCESS_KEY = "portal-secret"  # noqa: S105 (the throw-away test server's key)


def wait_until(predicate, timeout: float, interval: float = 0.1, what: str = "condition") -> float:
    """Call `predicate` until it returns true; returns the seconds it took. AssertionError after
    `timeout`."""
    start = time.monotonic()
    while True:
        if predicate():
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise AssertionError(f"{what}: not reached within {timeout} s")
        time.sleep(interval)


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _start_server(argv: list, port: int, name: str, **popen) -> subprocess.Popen:
    """Start a server process (in its own process group) and wait until it listens on `port`.

    Ports are picked free, then bound by the server; the checks on either side make sure that
    what answers on the port is this process, not another one that took the port meanwhile."""
    if port_open(port):
        raise RuntimeError(f"port {port} for {name} is already taken")
    process = subprocess.Popen(argv, start_new_session=True, **popen)
    deadline = time.monotonic() + 15
    while not port_open(port):
        if process.poll() is not None:
            raise RuntimeError(
                f"{name} exited with {process.returncode} before listening on {port}"
            )
        if time.monotonic() > deadline:
            _stop_process_group(process)
            raise RuntimeError(f"{name} did not listen on {port} within 15 s")
        time.sleep(0.05)
    time.sleep(0.2)
    if process.poll() is not None:
        raise RuntimeError(
            f"{name} exited with {process.returncode}: port {port} was taken by another process"
        )
    return process


def _stop_process_group(process: subprocess.Popen | None):
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    os.killpg(process.pid, signal.SIGCONT)  # a paused server must run to end
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _signal_process_group(process: subprocess.Popen | None, signum: int):
    assert process is not None and process.poll() is None, "the server is not running"
    os.killpg(process.pid, signum)


# -- a TCP relay that can be cut --------------------------------------------------


def _close(sock: socket.socket):
    """End a connection in order (FIN), waking any thread blocked on it."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


def _reset(sock: socket.socket):
    """End a connection abruptly (RST), as a port nobody listens on would."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()


class TcpProxy:
    """Relays 127.0.0.1:`port` to `upstream` until cut. One thread accepts, two threads pump each
    connection."""

    UP, REFUSE, BLACKHOLE, FREEZE = "up", "refuse", "blackhole", "freeze"

    def __init__(self, upstream_host: str, upstream_port: int):
        self.upstream = (upstream_host, upstream_port)
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._mode = self.UP
        self._links: set[socket.socket] = set()  # both ends of every relayed connection
        self._held: set[socket.socket] = set()  # connections swallowed by the black hole
        self._flowing = threading.Event()  # cleared while frozen: relayed bytes wait
        self._flowing.set()
        self._trigger: tuple[bytes, str] | None = None  # (bytes a client sends, mode): cut_on()
        self.triggered = threading.Event()
        self._thread = threading.Thread(
            target=self._accept_loop, name=f"proxy-{self.port}", daemon=True
        )
        self._thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._links) // 2

    def cut(self, mode: str = REFUSE):
        """Close every open connection; from now on refuse (or swallow) new ones."""
        assert mode in (self.REFUSE, self.BLACKHOLE)
        with self._lock:
            self._mode = mode
            links, self._links = self._links, set()
        for sock in links:
            _close(sock)
        self._flowing.set()  # bytes held by a freeze go nowhere: their connections are closed

    def cut_on(self, pattern: bytes, mode: str = REFUSE):
        """Cut the moment a client sends `pattern` (e.g. the SQL of one statement, which is then not
        delivered): the store goes away in the middle of a request, at a chosen point. Needs a
        connection without TLS."""
        self.triggered.clear()
        self._trigger = (pattern, mode)

    def freeze(self):
        """A network partition: open connections stay open but carry nothing, new ones are
        swallowed."""
        with self._lock:
            self._mode = self.FREEZE
            self._flowing.clear()

    def restore(self):
        """Relay new connections again (connections swallowed meanwhile are reset; frozen ones flow
        again)."""
        with self._lock:
            self._mode = self.UP
            self._flowing.set()
            held, self._held = self._held, set()
        for sock in held:
            _reset(sock)

    def close(self):
        self.cut()
        self.restore()
        self._mode = "closed"
        _close(self._listener)
        self._thread.join(timeout=5)

    def _accept_loop(self):
        while True:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return  # the listener was closed
            with self._lock:
                mode = self._mode
                if mode in (self.BLACKHOLE, self.FREEZE):
                    self._held.add(client)
            if mode == self.UP:
                threading.Thread(target=self._relay, args=(client,), daemon=True).start()
            elif mode == self.REFUSE:
                _reset(client)

    def _relay(self, client: socket.socket):
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            _reset(client)
            return
        server.settimeout(None)
        with self._lock:
            if self._mode != self.UP:  # cut while connecting upstream
                cut = True
            else:
                cut = False
                self._links.update((client, server))
        if cut:
            _reset(client)
            _close(server)
            return
        threading.Thread(target=self._pump, args=(server, client), daemon=True).start()
        self._pump(client, server, from_client=True)

    def _pump(self, source: socket.socket, sink: socket.socket, from_client=False):
        try:
            while data := source.recv(65536):
                trigger = self._trigger
                if from_client and trigger and trigger[0] in data:
                    self._trigger = None
                    self.cut(trigger[1])
                    self.triggered.set()
                    break
                self._flowing.wait()
                sink.sendall(data)
        except OSError:
            pass
        with self._lock:  # one direction ended: the connection ends
            self._links.discard(source)
            self._links.discard(sink)
        _close(source)
        _close(sink)


# -- real servers started and stopped -------------------------------------------------


class _ServerProcess:
    """A store's server process of our own: stopped for real, or hung (SIGSTOP) and resumed."""

    process: subprocess.Popen | None = None

    def stop(self):
        _stop_process_group(self.process)
        self.process = None

    def pause(self):
        """Hung, not gone: the port still accepts connections, nothing answers (SIGSTOP)."""
        _signal_process_group(self.process, signal.SIGSTOP)

    def resume(self):
        _signal_process_group(self.process, signal.SIGCONT)


class RedisServer(_ServerProcess):
    """A private redis-server on its own port, without persistence (a restart empties it, like a new
    instance)."""

    def __init__(self, workdir: Path, port: int | None = None):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = _start_server(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
                "--loglevel",
                "warning",
            ],
            self.port,
            "redis-server",
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return self

    def client(self):
        import redis

        return redis.Redis(
            host="127.0.0.1", port=self.port, socket_timeout=2, socket_connect_timeout=2
        )

    def keys(self, pattern: str) -> list[str]:
        with self.client() as client:
            return [key.decode() for key in client.keys(pattern)]


class S3Server(_ServerProcess):
    """A private S3 server (rclone via scripts/s3-server) on a folder of its own: buckets are
    sub-folders."""

    def __init__(self, folder: Path, port: int | None = None):
        self.folder = Path(folder)
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def node_env(self) -> dict:
        """What a node needs to keep both file stores on this server."""
        return {
            "S3_ENDPOINT_URL": self.url,
            "S3_ACCESS_KEY_ID": S3_ACCESS_KEY_ID,
            "S3_SECRET_ACCESS_KEY": S3_SECRET_ACCESS_KEY,
        }

    def start(self):
        env = {
            **os.environ,
            "S3_ACCESS_KEY_ID": S3_ACCESS_KEY_ID,
            "S3_SECRET_ACCESS_KEY": S3_SECRET_ACCESS_KEY,
        }
        for name in (
            "S3_PUBLIC_BUCKET",
            "S3_PRIVATE_BUCKET",
        ):  # the node uses the default bucket names
            env.pop(name, None)
        self.process = _start_server(
            [str(S3_SERVER), str(self.folder), f"127.0.0.1:{self.port}"],
            self.port,
            "s3-server",
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        return self

    def files(self) -> list[str]:
        """Every object the server holds, as bucket/key paths."""
        return sorted(
            str(p.relative_to(self.folder)) for p in self.folder.rglob("*") if p.is_file()
        )


# -- traffic while a store comes and goes ------------------------------------------------


@dataclass
class Answer:
    at: float  # seconds since the traffic started
    what: str
    status: int | None  # None: no HTTP answer at all (connection dropped, timeout)
    seconds: float
    error: str = ""


@dataclass
class Traffic:
    """`threads` visitors each sending `requests` (callables visitor, node -> Response) in turn
    until stopped."""

    node: Node
    requests: list
    threads: int = 4
    answers: list[Answer] = field(default_factory=list)

    def __enter__(self):
        self._stop = threading.Event()
        self._start = time.monotonic()
        self._lock = threading.Lock()
        self._workers = [
            threading.Thread(target=self._run, args=(index,), daemon=True)
            for index in range(self.threads)
        ]
        for worker in self._workers:
            worker.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=30)

    def now(self) -> float:
        return time.monotonic() - self._start

    def _run(self, index: int):
        visitor = Visitor()
        turn = index
        while not self._stop.is_set():
            what, send = self.requests[turn % len(self.requests)]
            turn += 1
            started = time.monotonic()
            try:
                status, error = send(visitor, self.node).status, ""
            except OSError as exc:
                status, error = None, f"{type(exc).__name__}: {exc}"
            answer = Answer(started - self._start, what, status, time.monotonic() - started, error)
            with self._lock:
                self.answers.append(answer)

    def statuses(self) -> Counter:
        return Counter(answer.status for answer in self.answers)

    def since(self, moment: float) -> list[Answer]:
        return [answer for answer in self.answers if answer.at >= moment]

"""Run untrusted-input work (decoding uploaded images) in a child process with hard limits.

The web worker never decodes an uploaded image itself: a child process
does, with an address-space limit (RLIMIT_AS), a CPU-time limit
(RLIMIT_CPU, then SIGKILL), a cap on the size of files it writes and a
wall-clock timeout. Whatever the file does (a scan bomb, a tiny file that
decodes to gigabytes, a crash in a codec), it costs at most the child, which
is then killed; the worker's own memory never holds the pixels.

Each job gets a new child, used once: one line of JSON parameters and the
file go to its stdin (portal/sandbox_job.py reads them), it answers one JSON
object on stdout. Its environment is minimal: no secrets.

Fork server: starting Python and importing Pillow, numpy and OpenCV costs
about 0.2 s of CPU, as much as the work on a photo itself. So each web
worker starts one server per decoding module (portal/sandbox_forkserver.py)
that does the imports once and forks the child of each job from there: a
new process with the job's limits, nothing of earlier jobs in it, in about a
millisecond. SANDBOX_FORK_SERVER = False starts a fresh Python per job
instead. The server never sees a job's bytes; it exits when its worker goes
away, and a server that has died is started again for the next job.
"""

import contextlib
import json
import logging
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings

logger = logging.getLogger(__name__)
EXIT_MEMORY = 3  # the child ran out of its memory allowance (MemoryError)
Child = subprocess.Popen[bytes]


class LimitExceeded(Exception):
    """The child was stopped by a limit (cpu, memory, timeout) or crashed; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def limits() -> dict[str, int]:
    """(cpu seconds, address space bytes, wall seconds), overridable with SANDBOX_LIMITS.

    The CPU limit is the bound for hostile files: 4 s of CPU is reached in
    about 4 s on an idle core, while a 48 MP HEIC needs about 2.5 s. The wall
    clock is only a backstop for a child that stalls, set wider so that a
    real photo on a busy machine (waiting for a core) is not refused.
    """
    defaults = {"cpu_seconds": 4, "memory_bytes": 1024 * 1024 * 1024, "timeout_seconds": 10}
    return {**defaults, **getattr(settings, "SANDBOX_LIMITS", {})}


def _environment() -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        # Threads of a decoder (libheif decodes grid tiles in parallel) each get a malloc arena that
        # reserves 64 MB of address space; RLIMIT_AS counts it, used or not.
        "MALLOC_ARENA_MAX": "2",
    }


@dataclass
class Usage:
    """What the children of this process's fork servers have cost so far (for benchmarks)."""

    jobs: int = 0
    cpu_seconds: float = 0.0
    max_rss_kb: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, cpu_seconds: float, max_rss_kb: int) -> None:
        with self.lock:
            self.jobs += 1
            self.cpu_seconds += cpu_seconds
            self.max_rss_kb = max(self.max_rss_kb, max_rss_kb)


usage = Usage()


class ForkServer:
    """One module's fork server, started by (and private to) this process."""

    def __init__(self, module: str) -> None:
        self.owner = os.getpid()
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with theirs:
            self.process = subprocess.Popen(  # noqa: S603 — fixed command, no job data
                [
                    sys.executable,
                    "-E",
                    "-s",
                    "-m",
                    "portal.sandbox_forkserver",
                    module,
                    str(theirs.fileno()),
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,  # codec warnings about damaged files: not for the log
                pass_fds=(theirs.fileno(),),
                cwd=Path(settings.BASE_DIR),
                env=_environment(),
                preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_CORE, (0, 0)),  # noqa: PLW1509
            )
        self.lock = threading.Lock()

    def alive(self) -> bool:
        return self.owner == os.getpid() and self.process.poll() is None

    def start_job(self, bounds: dict[str, int]) -> socket.socket:
        """A job socket whose other end is a new forked child with these limits."""
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        with theirs, self.lock:
            socket.send_fds(self.control, [json.dumps(bounds).encode()], [theirs.fileno()])
        return mine

    def stop(self) -> None:
        self.control.close()
        self.process.wait(timeout=5)


_servers: dict[str, ForkServer] = {}
_servers_lock = threading.Lock()


def fork_server(module: str) -> ForkServer:
    """This process's running fork server for `module`, started when there is none (first use,
    after a fork of the web worker, or after the server died)."""
    with _servers_lock:
        server = _servers.get(module)
        if server is None or not server.alive():
            if server is not None and server.owner == os.getpid():
                server.process.kill()
                server.process.wait()
            server = _servers[module] = ForkServer(module)
        return server


def start_ahead(module: str) -> None:
    """Start the module's fork server now if it is not running (a page that will soon send
    photos calls this): it imports in the background, so the first photo does not wait for it."""
    if settings.SANDBOX_FORK_SERVER:
        fork_server(module)


def run(
    module: str,
    params: dict[str, Any],
    source: bytes | BinaryIO,
    file_bytes: int = 64 * 1024 * 1024,
) -> Any:
    """Run `module` in a child on `source` (bytes or a file with a descriptor); returns its JSON
    answer."""
    bounds = limits()
    if isinstance(source, bytes):
        data = source
    else:
        source.seek(0)
        data = source.read()
    job = json.dumps(params).encode() + b"\n" + data
    if settings.SANDBOX_FORK_SERVER:
        returncode, out = _run_forked(module, bounds, file_bytes, job)
    else:
        returncode, out = _run_fresh(module, bounds, file_bytes, job)
    if returncode != 0:
        reason = _reason(returncode)
        logger.info("sandboxed %s stopped: %s (exit %s)", module, reason, returncode)
        raise LimitExceeded(reason)
    try:
        return json.loads(out)
    except ValueError:
        raise LimitExceeded("crashed") from None


def _run_forked(
    module: str, bounds: dict[str, int], file_bytes: int, job: bytes
) -> tuple[int, bytes]:
    """(exit code, answer) of a child forked by the module's server."""
    deadline = time.monotonic() + bounds["timeout_seconds"]
    try:
        connection = fork_server(module).start_job({**bounds, "file_bytes": file_bytes})
    except OSError:  # the server died since it was last seen alive: once more with a new one
        with _servers_lock:
            _servers.pop(module, None)
        connection = fork_server(module).start_job({**bounds, "file_bytes": file_bytes})
    with connection:
        received, pid = _Received(connection, deadline), 0
        try:
            pid = int(received.line())
            try:
                connection.settimeout(max(0.001, deadline - time.monotonic()))
                connection.sendall(job)
                connection.shutdown(socket.SHUT_WR)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the child died before reading the whole job: its exit code says why
            received.until_end()
        except TimeoutError:
            if pid:
                _kill(pid)
            raise LimitExceeded("timeout") from None
    answer, _, trailer = received.data.rpartition(b"\n")
    try:
        end = json.loads(trailer)
    except ValueError:  # the server went away before the child ended
        _kill(pid)
        raise LimitExceeded("crashed") from None
    usage.add(end["cpu"], end["max_rss_kb"])
    return end["exit"], answer


class _Received:
    """What a job socket has sent back: the pid line, the answer, the end line."""

    def __init__(self, connection: socket.socket, deadline: float) -> None:
        self.connection, self.deadline, self.data = connection, deadline, b""

    def _more(self) -> bool:
        self.connection.settimeout(max(0.001, self.deadline - time.monotonic()))
        try:
            chunk = self.connection.recv(256 * 1024)
        except ConnectionResetError:
            # Reported once all that was sent is read: the child ended without reading the whole
            # job (a limit stopped it), and the server has let go of the socket.
            return False
        self.data += chunk
        return bool(chunk)

    def line(self) -> bytes:
        while b"\n" not in self.data:
            if not self._more():
                raise LimitExceeded("crashed")  # the server went away before forking
        first, _, self.data = self.data.partition(b"\n")
        return first

    def until_end(self) -> None:
        while self._more():
            pass


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _restrict(cpu_seconds: int, memory_bytes: int, file_bytes: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def _run_fresh(
    module: str, bounds: dict[str, int], file_bytes: int, job: bytes
) -> tuple[int, bytes]:
    """(exit code, answer) of a newly started Python running the module."""
    process = subprocess.Popen(  # noqa: S603 — fixed command, the file only reaches stdin
        [sys.executable, "-E", "-s", "-m", module],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(settings.BASE_DIR),
        env=_environment(),
        preexec_fn=_restrict(bounds["cpu_seconds"], bounds["memory_bytes"], file_bytes),  # noqa: PLW1509
    )
    try:
        out, err = process.communicate(job, timeout=bounds["timeout_seconds"])
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise LimitExceeded("timeout") from None
    except (BrokenPipeError, ConnectionResetError):  # the child died before reading the job
        out, err = process.communicate()
    if process.returncode not in (0, EXIT_MEMORY, -9, -24):
        logger.warning("sandboxed %s failed: %s", module, err.decode(errors="replace")[-500:])
    return process.returncode, out


def _reason(returncode: int) -> str:
    if returncode == EXIT_MEMORY:
        return "memory"
    if returncode in (-9, -24):  # SIGKILL (hard CPU limit), SIGXCPU (soft CPU limit)
        return "cpu"
    return "crashed"

"""The fork server of portal/sandbox.py: imports a decoding module once, then forks one child
per job.

`python -m portal.sandbox_forkserver MODULE FD` imports MODULE (Pillow, numpy,
OpenCV: about 0.2 s of CPU), runs its optional `warm_up()` and then waits on
the control socket FD (a SOCK_SEQPACKET socketpair with its web worker).
Each message there is one job: the job's limits as JSON, with one end of a
fresh socketpair attached (SCM_RIGHTS). For each, the server forks a child
that closes everything of the server's, makes the job socket its stdin and
stdout, sets the job's limits (CPU, address space, file size, no core) and
runs MODULE.main(), exactly as a freshly started child would. The child is a
new process with nothing of earlier jobs in it; it only skips the imports.

On the job socket the server writes the child's pid first (so the worker can
kill it on a timeout) and, when the child has ended, a last line
`{"exit": code, "cpu": seconds, "max_rss_kb": n}`; the child writes its answer
in between, after it has read the whole job. The server never reads a job:
untrusted bytes only reach the forked children. It is single-threaded (no
lock can be held across a fork) and exits when its worker closes the
control socket.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import resource
import selectors
import signal
import socket
import sys
import traceback
from types import ModuleType
from typing import Any

MAX_MESSAGE = 4096


def set_limits(limits: dict[str, int]) -> None:
    cpu = limits["cpu_seconds"]
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits["memory_bytes"], limits["memory_bytes"]))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_bytes"], limits["file_bytes"]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_child(module: ModuleType, job: socket.socket, limits: dict[str, int]) -> None:
    """In the forked child: become a one-job sandbox child and never return."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.dup2(job.fileno(), 0)
        os.dup2(job.fileno(), 1)
        job.detach()
        # The server's control socket, wake-up pipe, selector and other jobs' sockets.
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        set_limits(limits)
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 — fd 0 is the job
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        module.main()
        code = 0
    except SystemExit as stopped:
        code = stopped.code if isinstance(stopped.code, int) else (0 if stopped.code is None else 1)
    except MemoryError:
        code = 3  # portal.sandbox.EXIT_MEMORY
    except BaseException:  # noqa: BLE001 — reported as a crash by the exit code
        with contextlib.suppress(Exception):
            traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
        os._exit(code)


def report(job: socket.socket, status: int, usage: resource.struct_rusage) -> None:
    """The child's end, as the last line on its job socket; then the server lets go of it."""
    trailer = {
        "exit": os.waitstatus_to_exitcode(status),
        "cpu": round(usage.ru_utime + usage.ru_stime, 4),
        "max_rss_kb": usage.ru_maxrss,
    }
    with contextlib.suppress(OSError):
        job.sendall(b"\n" + json.dumps(trailer).encode())
    job.close()


def serve(module: ModuleType, control: socket.socket) -> None:
    waker, wake = os.pipe()
    os.set_blocking(waker, False)
    os.set_blocking(wake, False)
    signal.set_wakeup_fd(wake)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # only to wake the selector up
    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ)
    selector.register(waker, selectors.EVENT_READ)
    jobs: dict[int, socket.socket] = {}
    while True:
        for key, _ in selector.select():
            if key.fileobj is control:
                message, fds, _, _ = socket.recv_fds(control, MAX_MESSAGE, 1)
                if not message:  # the worker went away
                    return
                job = socket.socket(fileno=fds[0])
                limits: dict[str, Any] = json.loads(message)
                pid = os.fork()
                if pid == 0:
                    run_child(module, job, limits)
                jobs[pid] = job
                with contextlib.suppress(OSError):
                    job.sendall(b"%d\n" % pid)
            else:
                with contextlib.suppress(BlockingIOError):
                    os.read(waker, 512)
                _reap(jobs)


def _reap(jobs: dict[int, socket.socket]) -> None:
    while jobs:
        try:
            pid, status, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        job = jobs.pop(pid, None)
        if job is not None:
            report(job, status, usage)


def main() -> None:
    module_name, control_fd = sys.argv[1], int(sys.argv[2])
    module = importlib.import_module(module_name)
    warm_up = getattr(module, "warm_up", None)
    if warm_up is not None:
        with contextlib.suppress(Exception):  # only a head start: the jobs work without it
            warm_up()
    serve(module, socket.socket(fileno=control_fd))


if __name__ == "__main__":
    main()

"""Run untrusted-input work (decoding uploaded images) in a child process with hard limits.

The web worker never decodes an uploaded image itself: a child Python
process does, with an address-space limit (RLIMIT_AS), a CPU-time limit
(RLIMIT_CPU, then SIGKILL), a cap on the size of files it writes and a
wall-clock timeout. Whatever the file does (a scan bomb, a tiny file that
decodes to gigabytes, a crash in a codec), it costs at most the child, which
is then killed; the worker's own memory never holds the pixels.

Each job gets a fresh child, used once: one line of JSON parameters and
the file go to its stdin (portal/sandbox_job.py reads them), it answers one
JSON object on stdout. Its environment is minimal: no secrets.

Spare children: starting Python and importing Pillow, numpy and OpenCV
takes 0.1–0.3 s, as long as the work on a photo itself. So after a child
is handed a job, the next one is started at once and waits, past its
imports, for the next job of the same module (one spare per module and
worker process; SANDBOX_SPARES = False turns this off). A spare has the
same limits as any child (its imports count against its CPU time) and is
never reused: it does one job and exits. An unused spare exits when its
worker goes away (its stdin closes).
"""

import json
import logging
import os
import resource
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings

logger = logging.getLogger(__name__)
EXIT_MEMORY = 3  # the child ran out of its memory allowance (MemoryError)
Child = subprocess.Popen[bytes]
# module → (key, Popen): started children waiting for a job
_spares: dict[str, tuple[tuple[int, str, int], Child]] = {}
_spares_lock = threading.Lock()


class LimitExceeded(Exception):
    """The child was stopped by a limit (cpu, memory, timeout) or crashed; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def limits() -> dict[str, int]:
    """(cpu seconds, address space bytes, wall seconds), overridable with SANDBOX_LIMITS.

    The CPU limit is the bound for hostile files: 4 s of CPU is reached in
    about 4 s on an idle core, while a 48 MP HEIC needs about 1.5 s. The wall
    clock is only a backstop for a child that stalls, set wider so that a
    real photo on a busy machine (waiting for a core) is not refused.
    """
    defaults = {"cpu_seconds": 4, "memory_bytes": 1024 * 1024 * 1024, "timeout_seconds": 10}
    return {**defaults, **getattr(settings, "SANDBOX_LIMITS", {})}


def _restrict(cpu_seconds: int, memory_bytes: int, file_bytes: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def _start(module: str, bounds: dict[str, int], file_bytes: int) -> Child:
    command = [sys.executable, "-E", "-s", "-m", module]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
    }
    return subprocess.Popen(  # noqa: S603 — fixed command, the file only reaches stdin
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(settings.BASE_DIR),
        env=env,
        preexec_fn=_restrict(bounds["cpu_seconds"], bounds["memory_bytes"], file_bytes),  # noqa: PLW1509
    )


def _child(module: str, bounds: dict[str, int], file_bytes: int) -> Child:
    """A started child for one job: the waiting spare when it has these limits (then the next
    spare is started), else a new child."""
    if not settings.SANDBOX_SPARES:
        return _start(module, bounds, file_bytes)
    key = (os.getpid(), json.dumps(bounds, sort_keys=True), file_bytes)
    with _spares_lock:
        waiting = _spares.pop(module, None)
        spare = None
        if (
            waiting is not None and waiting[0][0] == os.getpid()
        ):  # never a spare of a parent process
            if waiting[0] == key and waiting[1].poll() is None:
                spare = waiting[1]
            else:
                _discard(waiting[1])
        _spares[module] = (key, _start(module, bounds, file_bytes))
    return spare or _start(module, bounds, file_bytes)


def _discard(process: Child) -> None:
    process.kill()
    process.communicate()


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
    process = _child(module, bounds, file_bytes)
    try:
        assert process.stdin is not None  # started with stdin=PIPE
        process.stdin.write(json.dumps(params).encode() + b"\n")  # small: fits the pipe's buffer
        out, err = process.communicate(data, timeout=bounds["timeout_seconds"])
    except subprocess.TimeoutExpired:
        _discard(process)
        raise LimitExceeded("timeout") from None
    except (BrokenPipeError, ConnectionResetError):  # the child died before reading the job
        out, err = process.communicate()
    if process.returncode != 0:
        reason = _reason(process.returncode)
        logger.info("sandboxed %s stopped: %s (exit %s)", module, reason, process.returncode)
        if reason == "crashed":
            logger.warning("sandboxed %s failed: %s", module, err.decode(errors="replace")[-500:])
        raise LimitExceeded(reason)
    try:
        return json.loads(out)
    except ValueError:
        raise LimitExceeded("crashed") from None


def _reason(returncode: int) -> str:
    if returncode == EXIT_MEMORY:
        return "memory"
    if returncode in (-9, -24):  # SIGKILL (hard CPU limit), SIGXCPU (soft CPU limit)
        return "cpu"
    return "crashed"

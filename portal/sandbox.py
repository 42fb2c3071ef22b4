"""Run untrusted-input work (decoding uploaded images) in a child process with hard limits.

The web worker never decodes an uploaded image itself: a child Python
process does, with an address-space limit (RLIMIT_AS), a CPU-time limit
(RLIMIT_CPU, then SIGKILL), a cap on the size of files it writes and a
wall-clock timeout. Whatever the file does (a scan bomb, a tiny file that
decodes to gigabytes, a crash in a codec), it costs at most the child, which
is then killed; the worker's own memory never holds the pixels.

The child gets the file on stdin, the job's parameters as JSON in argv and
answers one JSON object on stdout. Its environment is minimal: no secrets.
"""
import json
import logging
import os
import resource
import subprocess
import sys
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)
EXIT_MEMORY = 3  # the child ran out of its memory allowance (MemoryError)


class LimitExceeded(Exception):
    """The child was stopped by a limit (cpu, memory, timeout) or crashed; `reason` says which."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def limits():
    """(cpu seconds, address space bytes, wall seconds), overridable with SANDBOX_LIMITS.

    The CPU limit is the bound for hostile files: 4 s of CPU is reached in
    about 4 s on an idle core, while a 48 MP HEIC needs about 2.6 s. The wall
    clock is only a backstop for a child that stalls, set wider so that a
    real photo on a busy machine (waiting for a core) is not refused.
    """
    defaults = {"cpu_seconds": 4, "memory_bytes": 1024 * 1024 * 1024, "timeout_seconds": 10}
    return {**defaults, **getattr(settings, "SANDBOX_LIMITS", {})}


def _restrict(cpu_seconds, memory_bytes, file_bytes):
    def apply():
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def run(module, params, source, file_bytes=64 * 1024 * 1024):
    """Run `python -m module` on `source` (bytes or a file with a descriptor); returns its JSON answer."""
    bounds = limits()
    command = [sys.executable, "-E", "-s", "-m", module, json.dumps(params)]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1"}
    if isinstance(source, bytes):
        stdin, data = subprocess.PIPE, source
    else:
        source.seek(0)
        stdin, data = source, None
    process = subprocess.Popen(  # noqa: S603 — fixed command, the file only reaches stdin
        command,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(settings.BASE_DIR),
        env=env,
        preexec_fn=_restrict(bounds["cpu_seconds"], bounds["memory_bytes"], file_bytes),  # noqa: PLW1509
    )
    try:
        out, err = process.communicate(data, timeout=bounds["timeout_seconds"])
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise LimitExceeded("timeout") from None
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


def _reason(returncode):
    if returncode == EXIT_MEMORY:
        return "memory"
    if returncode in (-9, -24):  # SIGKILL (hard CPU limit), SIGXCPU (soft CPU limit)
        return "cpu"
    return "crashed"

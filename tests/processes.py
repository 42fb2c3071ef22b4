"""Starting the project in a child process with an environment of the test's choosing, and a free
port for a server a test starts."""

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def environment(drop=(), **overrides):
    """This process's environment under portal.settings (not the test settings), without the
    variables in `drop` and without Playwright's DJANGO_ALLOW_ASYNC_UNSAFE, plus `overrides`."""
    dropped = {"DJANGO_ALLOW_ASYNC_UNSAFE", *drop}
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    return {**env, "DJANGO_SETTINGS_MODULE": "portal.settings", **overrides}


def manage(*args, env, timeout=120):
    """`python manage.py ARGS` in the project folder; its output is captured as text."""
    return python("manage.py", *args, env=env, timeout=timeout)


def python(*args, env, timeout=120):
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it, so it is not one `make run` uses)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
